//! Runs the typed-parser check (see the library, src/lib.rs) on events piped in by hand;
//! `cargo test -p stripe-typed-check` runs it on every Stripe event whk generates.
//!
//! Input (stdin): JSON Lines, one event per line:
//!   {"payload": "<exact body>", "signature": "<Stripe-Signature value>", "secret": "whsec_..."}
//! Output: `ok <type> <Variant>` or `FAIL <type>: <reason>` per line.
//! Exit: 0 if every line passed; 1 if any failed or no line was read.

use std::io::{self, BufRead};
use std::process::ExitCode;

/// Checks one JSON line; Ok((type, variant)) or Err((type or "?", reason)).
fn check_line(line: &str) -> Result<(String, String), (String, String)> {
    let input: serde_json::Value =
        serde_json::from_str(line).map_err(|e| ("?".to_string(), format!("bad input line: {e}")))?;
    let field = |name: &str| -> Result<&str, (String, String)> {
        input
            .get(name)
            .and_then(|v| v.as_str())
            .ok_or_else(|| ("?".to_string(), format!("input line has no string `{name}`")))
    };
    let (payload, signature, secret) = (field("payload")?, field("signature")?, field("secret")?);
    // The type as sent, for the report even when the typed parse fails.
    let sent_type = serde_json::from_str::<serde_json::Value>(payload)
        .ok()
        .and_then(|event| event.get("type").and_then(|t| t.as_str()).map(str::to_string))
        .unwrap_or_else(|| "?".to_string());
    match stripe_typed_check::check(payload, signature, secret) {
        Ok(variant) => Ok((sent_type, variant)),
        Err(reason) => Err((sent_type, reason)),
    }
}

fn main() -> ExitCode {
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
