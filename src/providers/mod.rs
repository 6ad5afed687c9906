//! One module per provider behind a small shared interface: how its ids look, how it wraps a
//! resource into an event, which headers it sends and how it signs.

mod fintoc;
mod stripe;

use rand::RngCore;
use serde_json::Value;

use crate::signing::Scheme;

pub use stripe::{check_api_version, DEFAULT_API_VERSION};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum Provider {
    Stripe,
    Fintoc,
}

/// A provider's official verifier, as users install it.
pub struct Verifier {
    pub name: &'static str,
    /// Whether it refuses a timestamp more than its tolerance ahead of now, not only behind.
    pub refuses_future_timestamps: bool,
}

/// How a provider writes a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeForm {
    /// Stripe's `created`: unix seconds, a number.
    UnixSeconds,
    /// Fintoc's `created_at`: ISO 8601 with milliseconds.
    IsoMillis,
}

/// What a provider needs to wrap a rendered resource into the event it would send.
pub struct EventParts<'a> {
    pub id: &'a str,
    pub event_type: &'a str,
    pub resource: Value,
    pub previous_attributes: Option<Value>,
    /// The creation time, in the provider's [`TimeForm`].
    pub created: String,
    /// The id of the API request that caused the event, if one did (Stripe `request.id`).
    pub request_id: Option<String>,
    pub livemode: bool,
    pub account: Option<&'a str>,
    pub api_version: &'a str,
}

impl Provider {
    pub const ALL: [Provider; 2] = [Provider::Stripe, Provider::Fintoc];

    pub fn name(self) -> &'static str {
        match self {
            Provider::Stripe => "stripe",
            Provider::Fintoc => "fintoc",
        }
    }

    /// The provider's name in a sentence: `Stripe`, `Fintoc`.
    pub fn title(self) -> &'static str {
        match self {
            Provider::Stripe => "Stripe",
            Provider::Fintoc => "Fintoc",
        }
    }

    pub fn from_name(name: &str) -> Option<Provider> {
        Provider::ALL.into_iter().find(|p| p.name().eq_ignore_ascii_case(name))
    }

    /// Recognises an event by its envelope: Stripe wraps the resource in `data.object` and says
    /// `livemode`; Fintoc has `mode` and an ISO `created_at`.
    pub fn detect(event: &Value) -> Option<Provider> {
        if event["object"] != "event" {
            return None;
        }
        if event["data"]["object"].is_object() && event.get("livemode").is_some() {
            Some(Provider::Stripe)
        } else if event.get("mode").is_some() && event["created_at"].is_string() {
            Some(Provider::Fintoc)
        } else {
            None
        }
    }

    pub fn scheme(self) -> Scheme {
        match self {
            Provider::Stripe => Scheme::Stripe,
            Provider::Fintoc => Scheme::Fintoc,
        }
    }

    /// A fresh id such as `po_1QxK…`: the provider's prefix convention and realistic length.
    pub fn new_id(self, prefix: &str) -> String {
        let mut id = Vec::with_capacity(prefix.len() + 28);
        self.push_new_id(prefix, &mut id);
        String::from_utf8(id).expect("an id is ASCII")
    }

    /// [`Provider::new_id`], appended to `out`.
    pub fn push_new_id(self, prefix: &str, out: &mut Vec<u8>) {
        let len = match self {
            Provider::Stripe => stripe::id_length(prefix),
            Provider::Fintoc => fintoc::id_length(prefix),
        };
        // Stripe ids start with a version digit; Fintoc's with a digit too (KSUID-like).
        let lead = match self {
            Provider::Stripe => b'1',
            Provider::Fintoc => b'2',
        };
        out.extend_from_slice(prefix.as_bytes());
        out.push(b'_');
        out.push(lead);
        push_alphanumeric(out, len - 1);
    }

    pub fn envelope(self, parts: EventParts) -> Value {
        match self {
            Provider::Stripe => stripe::envelope(parts),
            Provider::Fintoc => fintoc::envelope(parts),
        }
    }

    /// How the envelope's creation time is written.
    pub fn created_form(self) -> TimeForm {
        match self {
            Provider::Stripe => TimeForm::UnixSeconds,
            Provider::Fintoc => TimeForm::IsoMillis,
        }
    }

    /// The body bytes of an event, formatted as the provider's sender formats them: Stripe
    /// pretty-prints (2-space indentation, one member per line), Fintoc sends compact JSON.
    pub fn body_bytes(self, event: &Value) -> Vec<u8> {
        let bytes = match self {
            Provider::Stripe => serde_json::to_vec_pretty(event),
            Provider::Fintoc => serde_json::to_vec(event),
        };
        bytes.expect("a JSON value always serialises")
    }

    /// The official SDKs' verifiers. stripe-node, stripe-python and fintoc-python refuse only old
    /// timestamps; fintoc-node's `verifyHeader` compares `|now - t|` with its 300 s tolerance.
    pub fn official_verifiers(self) -> &'static [Verifier] {
        match self {
            Provider::Stripe => &[
                Verifier { name: "stripe-node", refuses_future_timestamps: false },
                Verifier { name: "stripe-python", refuses_future_timestamps: false },
            ],
            Provider::Fintoc => &[
                Verifier { name: "fintoc-node", refuses_future_timestamps: true },
                Verifier { name: "fintoc-python", refuses_future_timestamps: false },
            ],
        }
    }

    /// Whether events can be sent on behalf of a connected account (Stripe Connect's `account`).
    pub fn has_connected_accounts(self) -> bool {
        self == Provider::Stripe
    }

    /// Whether `*.updated` events carry the changed fields' old values (`data.previous_attributes`).
    pub fn has_previous_attributes(self) -> bool {
        self == Provider::Stripe
    }

    /// Where the resource sits inside the event: overrides are relative to it.
    pub fn resource_path(self) -> &'static [&'static str] {
        match self {
            Provider::Stripe => &["data", "object"],
            Provider::Fintoc => &["data"],
        }
    }

    /// The headers the provider's own sender puts on every delivery, besides the signature.
    pub fn delivery_headers(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Provider::Stripe => stripe::DELIVERY_HEADERS,
            Provider::Fintoc => fintoc::DELIVERY_HEADERS,
        }
    }
}

/// Appends `n` random letters and digits, each of the 62 equally likely. Draws 64 bits at a time
/// and uses them 6 bits per character (rejecting 62 and 63), about ten times fewer calls into the
/// generator than one per character: ids are drawn for every event of a load run.
pub fn push_alphanumeric(out: &mut Vec<u8>, n: usize) {
    const CHARS: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    let mut left = n;
    while left > 0 {
        let mut bits = rng.next_u64();
        for _ in 0..10 {
            let index = (bits & 63) as usize;
            bits >>= 6;
            if index < CHARS.len() {
                out.push(CHARS[index]);
                left -= 1;
                if left == 0 {
                    break;
                }
            }
        }
    }
}

impl std::fmt::Display for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
