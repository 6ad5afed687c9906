//! Sending signed requests to an endpoint: the request, the one HTTP client, target parsing, the
//! expected status, the delivery report, forged (tampered) deliveries and load mode.

pub mod client;
pub mod expect;
mod http1;
pub(crate) mod load;
pub(crate) mod report;
mod request;
pub mod tamper;
pub mod target;

pub use client::{Answer, Client, TlsSettings};
pub use request::{parse_header, split_header_list, DeliveryError, SignedRequest};
