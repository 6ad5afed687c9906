//! Fixture files for `whk replay --file`: one event (JSON), an array of events, or JSON Lines.

use std::io::Read;
use std::path::Path;

use serde_json::Value;

use crate::providers::Provider;

/// Fixture files larger than this are refused rather than read into memory.
pub const MAX_FIXTURE_FILE: u64 = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    #[error("cannot read {path}: {cause}")]
    Unreadable { path: String, cause: std::io::Error },
    #[error("{path} is larger than {} MiB; split it into smaller fixture files", MAX_FIXTURE_FILE >> 20)]
    TooLarge { path: String },
    #[error("{path}: {reason} (a fixture file holds one event as JSON, an array of events, or JSON Lines)")]
    Invalid { path: String, reason: String },
    #[error("{path}: event {index} is not a Stripe or Fintoc event; pass --provider stripe|fintoc")]
    UnknownProvider { path: String, index: usize },
}

/// One event from a fixture, with its exact bytes when the file held it on a line of its own or
/// alone, so replay can send it unchanged.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub provider: Provider,
    pub event: Value,
    pub body: Vec<u8>,
}

pub fn read(path: &Path, provider: Option<Provider>) -> Result<Vec<Fixture>, FixtureError> {
    let name = path.display().to_string();
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FIXTURE_FILE + 1).read_to_end(&mut bytes))
        .map_err(|cause| FixtureError::Unreadable { path: name.clone(), cause })?;
    if bytes.len() as u64 > MAX_FIXTURE_FILE {
        return Err(FixtureError::TooLarge { path: name });
    }
    let invalid = |reason: String| FixtureError::Invalid { path: name.clone(), reason };
    let text = std::str::from_utf8(&bytes).map_err(|_| invalid("not UTF-8 text".into()))?;
    let events: Vec<(Value, Vec<u8>)> = match serde_json::from_str::<Value>(text) {
        // Inside an array the original bytes of each event are not kept apart; re-serialise each.
        Ok(Value::Array(items)) => items
            .into_iter()
            .map(|v| {
                let body = serde_json::to_vec(&v).expect("a JSON value always serialises");
                (v, body)
            })
            .collect(),
        Ok(value @ Value::Object(_)) => vec![(value, text.trim().as_bytes().to_vec())],
        Ok(_) => return Err(invalid("the JSON is neither an event object nor an array of events".into())),
        // Several events one after another: JSON Lines, or pretty-printed events as `--save` writes
        // Stripe's. Each keeps its exact bytes.
        Err(whole) => {
            let mut out = Vec::new();
            let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
            let mut start = 0;
            while let Some(next) = stream.next() {
                let value = next.map_err(|e| {
                    invalid(if out.is_empty() {
                        format!("not valid JSON: {whole}")
                    } else {
                        format!("event {}: {e}", out.len() + 1)
                    })
                })?;
                let end = stream.byte_offset();
                out.push((value, text[start..end].trim().as_bytes().to_vec()));
                start = end;
            }
            out
        }
    };
    if events.is_empty() {
        return Err(invalid("it holds no events".into()));
    }
    events
        .into_iter()
        .enumerate()
        .map(|(index, (event, body))| {
            if !event.is_object() {
                return Err(invalid(format!("event {} is not a JSON object", index + 1)));
            }
            let provider = provider
                .or_else(|| Provider::detect(&event))
                .ok_or(FixtureError::UnknownProvider { path: name.clone(), index: index + 1 })?;
            Ok(Fixture { provider, event, body })
        })
        .collect()
}
