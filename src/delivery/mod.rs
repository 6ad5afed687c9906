//! Sending signed requests to an endpoint: the request, the HTTP client, target parsing, the
//! expected status, the delivery report, forged (tampered) deliveries and load mode.

pub mod expect;
pub(crate) mod http1;
pub(crate) mod load;
pub(crate) mod report;
mod request;
pub mod tamper;
pub mod target;

pub use request::{parse_header, Answer, DeliveryError, Sender, SignedRequest};
