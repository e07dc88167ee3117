//! The Paysecure wire protocol: typed requests and responses, the HTTP client, the error
//! type, the exchange-recording hook (with redaction) and the catalog of error explanations.

pub mod catalog;
pub mod classify;
pub mod client;
pub mod error;
pub mod exchange;
pub mod merchant_event;
pub mod payment_methods;
pub mod redact;
pub mod types;

pub use client::{ClientConfig, PaysecureClient};
pub use error::{ApiError, TransportKind};
pub use exchange::{Exchange, ExchangeKind, Recorder};
pub use merchant_event::{MerchantEvent, MerchantEventSource};
pub use payment_methods::PaymentMethods;
pub use types::*;
