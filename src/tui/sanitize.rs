//! Server-supplied text is made safe before it is drawn: see [`crate::term_text`], the
//! one sanitiser every output to a terminal goes through.

pub use crate::term_text::{clean, clean_lines};
