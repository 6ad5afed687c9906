//! Why this exists: the typed Rust parser (async-stripe's `stripe_webhook`) is the strictest
//! consumer of whk's Stripe events. It verifies the signature, rejects timestamps more than
//! 300 s off in either direction, and deserializes `data.object` into the exact struct for the
//! event type, failing on any missing required field or mistyped value. If whk's templates
//! drift from Stripe's real object shapes, this check is the one that notices. One leniency of
//! the parser is closed here: a string enum given a value it does not know (a typo such as
//! `"faild"`) parses as `Unknown(..)` with only a logged warning; this check counts that warning
//! as a failure.
//!
//! `cargo test --workspace` (or `-p stripe-typed-check`) runs [`check`] on every Stripe event whk
//! generates (tests/every_stripe_event.rs); the `stripe-typed-check` binary runs it on events
//! piped in by hand.

use std::sync::{Arc, Mutex};

use stripe_webhook::{Event, EventObject, Webhook, WebhookError};

/// Checks one signed Stripe event as a typed consumer would receive it: `payload` is the exact
/// body, `signature` the `Stripe-Signature` header value, `secret` the `whsec_...` signing secret.
///
/// Returns the `EventObject` variant `data.object` parsed as (e.g. `PayoutFailed`), or why the
/// event was rejected.
pub fn check(payload: &str, signature: &str, secret: &str) -> Result<String, String> {
    // The type and `data.object.object` as sent, for the messages even when the typed parse fails.
    let sent = serde_json::from_str::<serde_json::Value>(payload).unwrap_or_default();
    let sent_str = |pointer: &str| sent.pointer(pointer).and_then(|v| v.as_str()).map(str::to_string);
    let sent_type = sent_str("/type").unwrap_or_else(|| "?".to_string());
    let sent_object = sent_str("/data/object/object");

    // Collected per call and per thread (`with_default`), so checks may run in parallel.
    let collector = WarningCollector::default();
    let warnings = Arc::clone(&collector.warnings);
    let event = tracing::subscriber::with_default(collector, || Webhook::construct_event(payload, signature, secret))
        .map_err(|e| {
        let mut reason = e.to_string();
        if matches!(e, WebhookError::BadParse(_)) {
            // miniserde's error names no field; the serde path does.
            if let Err(detail) = serde_json::from_str::<Event>(payload) {
                reason = format!("{reason}; {detail}");
            }
        }
        reason
    })?;

    let event_type = event.type_.as_str().to_string();
    if event_type != sent_type {
        return Err(format!("parsed type `{event_type}` differs from the sent `{sent_type}`"));
    }
    if let EventObject::Unknown(_) = event.data.object {
        return Err("data.object parsed as EventObject::Unknown".to_string());
    }
    // An `api_version` newer than the SDK's is expected and only logged; an unknown enum value
    // inside the object is not.
    let unknown_values: Vec<String> = warnings
        .lock()
        .unwrap()
        .iter()
        .filter(|w| w.starts_with("Unknown value") && !w.contains("'ApiVersion'"))
        .cloned()
        .collect();
    if !unknown_values.is_empty() {
        return Err(unknown_values.join("; "));
    }
    let (variant, parsed_as) = variant_and_struct(&event.data.object);
    let expected = camel_case(&event_type);
    if variant != expected {
        return Err(format!("data.object is EventObject::{variant}, expected {expected}"));
    }
    // The typed parser ignores `data.object.object`; check that it names the struct parsed,
    // e.g. "financial_connections.account" for FinancialConnectionsAccount.
    // Two resources' `object` values are not their struct's name in snake case.
    let resource = match parsed_as.as_str() {
        "ApplicationFeeRefund" => "fee_refund".to_string(),
        "InvoiceItem" => "invoiceitem".to_string(),
        _ => snake_case(&parsed_as),
    };
    match sent_object {
        Some(object) if object.replace('.', "_") == resource => Ok(variant),
        Some(object) => Err(format!("data.object.object is \"{object}\", but {variant} holds a {parsed_as}")),
        None => Err("data.object has no string `object` field".to_string()),
    }
}

/// A minimal `tracing` subscriber that keeps the message of every WARN event.
#[derive(Default)]
struct WarningCollector {
    warnings: Arc<Mutex<Vec<String>>>,
}

impl tracing::Subscriber for WarningCollector {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct Message(String);
        impl tracing::field::Visit for Message {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                if field.name() == "message" {
                    self.0 = format!("{value:?}");
                }
            }
        }
        if *event.metadata().level() == tracing::Level::WARN {
            let mut message = Message(String::new());
            event.record(&mut message);
            self.warnings.lock().unwrap().push(message.0);
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// `financial_connections.account.refreshed_balance` -> `FinancialConnectionsAccountRefreshedBalance`,
/// the naming rule of `EventObject`'s variants.
fn camel_case(event_type: &str) -> String {
    event_type
        .split(['.', '_'])
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

/// The variant of `data.object` and the struct it holds, from its Debug text:
/// `PayoutFailed(Payout { .. })` -> ("PayoutFailed", "Payout");
/// `AccountExternalAccountUpdated(BankAccount(BankAccount { .. }))` -> (.., "BankAccount").
fn variant_and_struct(object: &EventObject) -> (String, String) {
    let debug = format!("{object:?}");
    let head = debug.split(" {").next().unwrap_or_default();
    let variant = head.split('(').next().unwrap_or_default().to_string();
    let inner = head.rsplit('(').next().unwrap_or_default().to_string();
    (variant, inner)
}

/// `FinancialConnectionsAccount` -> `financial_connections_account`.
fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_event_object_rules() {
        assert_eq!(
            camel_case("financial_connections.account.refreshed_balance"),
            "FinancialConnectionsAccountRefreshedBalance"
        );
        assert_eq!(snake_case("FinancialConnectionsAccount"), "financial_connections_account");
    }
}
