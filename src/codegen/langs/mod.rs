//! One file per language: its request emitter and its webhook-check emitter.

pub mod csharp;
pub mod curl;
pub mod go;
pub mod java;
pub mod node;
pub mod php;
pub mod python;
