//! Stripe: `evt_` events with `data.object`, signed in `Stripe-Signature`.

use serde_json::{json, Map, Value};

use super::EventParts;

/// The API version (with its release train) the official SDKs of late 2026 pin. stripe-go refuses
/// events whose train differs from its own, so this must be a real, current one.
pub const DEFAULT_API_VERSION: &str = "2026-10-28.endive";

/// Checks that a version label has Stripe's form, `YYYY-MM-DD` or `YYYY-MM-DD.name`.
pub fn check_api_version(version: &str) -> Result<(), String> {
    let (date, train) = match version.split_once('.') {
        Some((date, train)) => (date, Some(train)),
        None => (version, None),
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let date_ok = match date.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] => {
            digits(y, 4)
                && digits(m, 2)
                && digits(d, 2)
                && (1..=12).contains(&m.parse::<u8>().unwrap_or(0))
                && (1..=31).contains(&d.parse::<u8>().unwrap_or(0))
        }
        _ => false,
    };
    let train_ok = train.is_none_or(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_lowercase()));
    if date_ok && train_ok {
        Ok(())
    } else {
        Err(format!(
            "`{version}` is not a Stripe API version: write YYYY-MM-DD or YYYY-MM-DD.name, e.g. {DEFAULT_API_VERSION}"
        ))
    }
}

pub const DELIVERY_HEADERS: &[(&str, &str)] = &[
    ("Content-Type", "application/json; charset=utf-8"),
    ("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)"),
    ("Cache-Control", "no-cache"),
    ("Accept", "*/*; q=0.5, application/xml"),
];

/// Characters after the prefix, as in Stripe's own example objects: `acct_` ids are 16 long;
/// customers, products, subscription items, request ids and a few others 14; most objects 24.
pub fn id_length(prefix: &str) -> usize {
    match prefix {
        "acct" => 16,
        "cus" | "prod" | "si" | "req" | "ics" | "ipcd" | "taxreg" | "tmc" => 14,
        _ => 24,
    }
}

pub fn envelope(p: EventParts) -> Value {
    let mut data = Map::new();
    data.insert("object".into(), p.resource);
    if let Some(previous) = p.previous_attributes {
        data.insert("previous_attributes".into(), previous);
    }
    // Key order as Stripe sends it; `account` only on Connect events.
    let mut event = Map::new();
    event.insert("id".into(), json!(p.id));
    event.insert("object".into(), json!("event"));
    if let Some(account) = p.account {
        event.insert("account".into(), json!(account));
    }
    event.insert("api_version".into(), json!(p.api_version));
    event.insert("created".into(), json!(p.created));
    event.insert("data".into(), Value::Object(data));
    event.insert("livemode".into(), json!(p.livemode));
    event.insert("pending_webhooks".into(), json!(1));
    event.insert("request".into(), json!({"id": p.request_id, "idempotency_key": null}));
    event.insert("type".into(), json!(p.event_type));
    Value::Object(event)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions_have_stripes_form() {
        for good in ["2026-10-28.endive", "2024-06-20", "2023-10-16"] {
            assert_eq!(check_api_version(good), Ok(()), "{good}");
        }
        for bad in ["banana", "", "2024-13-01", "2024-06-20.", "2024-6-20", "2024-06-20.Endive", "2024-06-20.a.b"] {
            assert!(check_api_version(bad).is_err(), "{bad}");
        }
    }
}
