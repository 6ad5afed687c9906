//! Stripe: `evt_` events with `data.object`, signed in `Stripe-Signature`.

use serde_json::{json, Map, Value};

use super::EventParts;

/// The API version (with its release train) the official SDKs of late 2026 pin. stripe-go refuses
/// events whose train differs from its own, so this must be a real, current one.
pub const DEFAULT_API_VERSION: &str = "2026-10-28.endive";

pub const DELIVERY_HEADERS: &[(&str, &str)] = &[
    ("Content-Type", "application/json; charset=utf-8"),
    ("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)"),
    ("Cache-Control", "no-cache"),
    ("Accept", "*/*; q=0.5, application/xml"),
];

/// Characters after the prefix: `acct_` ids are 16 long, request ids 14, most objects 24.
pub fn id_length(prefix: &str) -> usize {
    match prefix {
        "acct" => 16,
        "req" => 14,
        _ => 24,
    }
}

pub fn envelope(p: EventParts) -> Value {
    let mut data = Map::new();
    data.insert("object".into(), p.resource);
    if let Some(previous) = p.previous_attributes {
        data.insert("previous_attributes".into(), previous);
    }
    let created = p.created.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    // Key order as Stripe sends it; `account` only on Connect events.
    let mut event = Map::new();
    event.insert("id".into(), json!(p.id));
    event.insert("object".into(), json!("event"));
    if let Some(account) = p.account {
        event.insert("account".into(), json!(account));
    }
    event.insert("api_version".into(), json!(p.api_version));
    event.insert("created".into(), json!(created));
    event.insert("data".into(), Value::Object(data));
    event.insert("livemode".into(), json!(p.livemode));
    event.insert("pending_webhooks".into(), json!(1));
    event.insert("request".into(), json!({"id": null, "idempotency_key": null}));
    event.insert("type".into(), json!(p.event_type));
    Value::Object(event)
}
