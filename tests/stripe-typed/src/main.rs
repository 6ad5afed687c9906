//! Why this exists: the typed Rust parser (async-stripe's `stripe_webhook`) is the strictest
//! consumer of whk's Stripe events. It verifies the signature, rejects timestamps more than
//! 300 s off in either direction, and deserializes `data.object` into the exact struct for the
//! event type, failing on any missing required field or unknown enum value. If whk's templates
//! drift from Stripe's real object shapes, this check is the one that notices. One leniency of
//! the parser is closed here: a string enum given a value it does not know (a typo such as
//! `"faild"`) parses as `Unknown(..)` with only a logged warning; this check counts that warning
//! as a failure.
//!
//! Input (stdin): JSON Lines, one event per line:
//!   {"payload": "<exact body>", "signature": "<Stripe-Signature value>", "secret": "whsec_..."}
//! Output: `ok <type> <Variant>` or `FAIL <type>: <reason>` per line.
//! Exit: 0 if every line passed; 1 if any failed or no line was read.

use std::io::{self, BufRead};
use std::process::ExitCode;
use std::sync::Mutex;

use stripe_webhook::{Event, EventObject, Webhook, WebhookError};

/// Warnings logged by async-stripe while parsing the current event.
static WARNINGS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// A minimal `tracing` subscriber that keeps the message of every WARN event in `WARNINGS`.
struct WarningCollector;

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
            WARNINGS.lock().unwrap().push(message.0);
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

/// Checks one JSON line; Ok((type, variant)) or Err((type or "?", reason)).
fn check_line(line: &str) -> Result<(String, String), (String, String)> {
    let input: serde_json::Value =
        serde_json::from_str(line).map_err(|e| ("?".to_string(), format!("bad input line: {e}")))?;
    let field = |name: &str| -> Result<String, (String, String)> {
        input
            .get(name)
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .ok_or_else(|| ("?".to_string(), format!("input line has no string `{name}`")))
    };
    let (payload, signature, secret) = (field("payload")?, field("signature")?, field("secret")?);

    // The type and `data.object.object` as sent, for the report even when the typed parse fails.
    let sent = serde_json::from_str::<serde_json::Value>(&payload).unwrap_or_default();
    let sent_str = |pointer: &str| sent.pointer(pointer).and_then(|v| v.as_str()).map(str::to_string);
    let sent_type = sent_str("/type").unwrap_or_else(|| "?".to_string());
    let sent_object = sent_str("/data/object/object");
    let fail = |reason: String| (sent_type.clone(), reason);

    WARNINGS.lock().unwrap().clear();
    let event = Webhook::construct_event(&payload, &signature, &secret).map_err(|e| {
        let mut reason = e.to_string();
        if matches!(e, WebhookError::BadParse(_)) {
            // miniserde's error names no field; the serde path does.
            if let Err(detail) = serde_json::from_str::<Event>(&payload) {
                reason = format!("{reason}; {detail}");
            }
        }
        fail(reason)
    })?;

    let event_type = event.type_.as_str().to_string();
    if event_type != sent_type {
        return Err(fail(format!("parsed type `{event_type}` differs from the sent one")));
    }
    if let EventObject::Unknown(_) = event.data.object {
        return Err(fail("data.object parsed as EventObject::Unknown".to_string()));
    }
    // An `api_version` newer than the SDK's is expected and only logged; an unknown enum value
    // inside the object is not.
    let unknown_values: Vec<String> = WARNINGS
        .lock()
        .unwrap()
        .iter()
        .filter(|w| w.starts_with("Unknown value") && !w.contains("'ApiVersion'"))
        .cloned()
        .collect();
    if !unknown_values.is_empty() {
        return Err(fail(unknown_values.join("; ")));
    }
    let (variant, parsed_as) = variant_and_struct(&event.data.object);
    let expected = camel_case(&event_type);
    if variant != expected {
        return Err(fail(format!("data.object is EventObject::{variant}, expected {expected}")));
    }
    // The typed parser ignores `data.object.object`; check that it names the struct parsed,
    // e.g. "financial_connections.account" for FinancialConnectionsAccount.
    let resource = snake_case(&parsed_as);
    match sent_object {
        Some(object) if object.replace('.', "_") == resource => {}
        Some(object) => {
            return Err(fail(format!("data.object.object is \"{object}\", but {variant} holds a {parsed_as}")))
        }
        None => return Err(fail("data.object has no string `object` field".to_string())),
    }
    Ok((event_type, variant))
}

fn main() -> ExitCode {
    if tracing::subscriber::set_global_default(WarningCollector).is_err() {
        eprintln!("stripe-typed-check: cannot install the warning collector");
        return ExitCode::FAILURE;
    }
    let (mut read, mut failed) = (0usize, 0usize);
    for line in io::stdin().lock().lines() {
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                eprintln!("stripe-typed-check: cannot read stdin: {e}");
                return ExitCode::FAILURE;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        read += 1;
        match check_line(&line) {
            Ok((event_type, variant)) => println!("ok {event_type} {variant}"),
            Err((event_type, reason)) => {
                failed += 1;
                println!("FAIL {event_type}: {reason}");
            }
        }
    }
    if read == 0 {
        eprintln!("stripe-typed-check: read no event on stdin");
        return ExitCode::FAILURE;
    }
    if failed > 0 {
        eprintln!("stripe-typed-check: {failed} of {read} events failed");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
