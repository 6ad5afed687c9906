//! Fintoc: `evt_` events whose `data` is the resource itself, signed in `Fintoc-Signature`.

use serde_json::json;
use serde_json::Value;

use super::EventParts;

/// What Fintoc documents for a delivery besides `Fintoc-Signature`; nothing else is sent.
pub const DELIVERY_HEADERS: &[(&str, &str)] = &[("Content-Type", "application/json")];

/// Event, link, account and movement ids are 16 characters long; newer resources use 27 (KSUID).
pub fn id_length(prefix: &str) -> usize {
    match prefix {
        "evt" | "link" | "acc" | "mov" => 16,
        _ => 27,
    }
}

pub fn envelope(p: EventParts) -> Value {
    // Key order of a real Fintoc delivery.
    json!({
        "id": p.id,
        "type": p.event_type,
        "mode": if p.livemode { "live" } else { "test" },
        "created_at": p.created,
        "data": p.resource,
        "object": "event",
    })
}
