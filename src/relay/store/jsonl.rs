//! The store as JSON Lines: export (one object per record, bodies byte for byte) and import
//! (whk 0.1's events.jsonl, or an export), a torn last line skipped and counted.

use super::*;

/// A record as a 0.1-compatible JSON Lines object (`whk log export`); a body that is not UTF-8
/// goes as `body_base64`.
pub fn export_lines(record: &Record, attempts: &[Attempt]) -> Vec<Value> {
    use base64::Engine;
    // An object as in 0.1's log, unless a name repeats (then [name, value] pairs, which import reads too).
    let object: serde_json::Map<String, Value> =
        record.headers.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    let headers = if object.len() == record.headers.len() {
        Value::Object(object)
    } else {
        Value::Array(record.headers.iter().map(|(k, v)| json!([k, v])).collect())
    };
    let mut head = json!({
        "rec": if record.verdict == Verdict::Rejected { "rejected" } else { "event" },
        "seq": record.seq, "at": record.at, "id": record.event_id, "type": record.event_type,
        "provider": record.provider, "account": record.account, "verified": record.verified,
        "msg_id": record.msg_id, "path": record.path, "source": record.source, "headers": headers,
        "targets": record.targets(), "body_len": record.body_len,
    });
    if let Some(reason) = &record.reason {
        head["reason"] = json!(reason);
    }
    match std::str::from_utf8(&record.body) {
        Ok(text) => head["body"] = json!(text),
        Err(_) => head["body_base64"] = json!(base64::engine::general_purpose::STANDARD.encode(&record.body)),
    }
    let mut lines = vec![head];
    for a in attempts {
        let mut line = json!({
            "rec": "attempt", "seq": record.seq, "target": a.target, "attempt": a.number, "at": a.at,
            "status": a.status, "duration_ms": a.duration_ms, "error": a.error,
        });
        // Only when set, so exports of relay deliveries read as they did in 0.1.
        for (flag, set) in [("replay", a.replay), ("edited", a.edited)] {
            if set {
                line[flag] = Value::Bool(true);
            }
        }
        lines.push(line);
    }
    for d in record.deliveries.iter().filter(|d| d.state != State::Pending) {
        lines.push(json!({
            "rec": d.state.name(), "seq": record.seq, "target": d.target, "at": d.updated_at, "reason": d.reason,
        }));
    }
    lines
}

/// Builds records from a JSON Lines log (0.1's, or `whk log export`'s): events with their
/// attempts and outcomes, oldest first. Lines that are not records (a torn last line) are
/// counted, not fatal.
#[derive(Default)]
pub struct Importer {
    records: BTreeMap<u64, (Record, Vec<Attempt>)>,
    next_unnumbered: u64,
    pub skipped: usize,
}

impl Importer {
    /// Takes one line.
    pub fn line(&mut self, line: &[u8]) {
        if line.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        match decode_line(line) {
            Some(Line::Record(record)) => {
                // 0.1 rejections had no seq: number them after everything else.
                let seq = if record.seq == 0 {
                    self.next_unnumbered += 1;
                    u64::MAX / 2 + self.next_unnumbered
                } else {
                    record.seq
                };
                self.records.insert(seq, (*record, Vec::new()));
            }
            Some(Line::Attempt(seq, attempt)) => match self.records.get_mut(&seq) {
                Some((_, attempts)) => attempts.push(*attempt),
                None => self.skipped += 1,
            },
            Some(Line::Outcome { seq, target, state, at, reason }) => {
                match self.records.get_mut(&seq).and_then(|(r, _)| r.deliveries.iter_mut().find(|d| d.target == target))
                {
                    Some(delivery) => {
                        delivery.state = state;
                        delivery.updated_at = at;
                        delivery.reason = reason;
                    }
                    None => self.skipped += 1,
                }
            }
            None => self.skipped += 1,
        }
    }

    pub fn finish(self) -> Vec<(Record, Vec<Attempt>)> {
        self.records.into_values().collect()
    }
}

/// One decoded JSON Lines log line.
#[derive(Debug)]
pub enum Line {
    Record(Box<Record>),
    Attempt(u64, Box<Attempt>),
    Outcome { seq: u64, target: String, state: State, at: Option<String>, reason: Option<String> },
}

/// Decodes one JSON Lines log line; None for anything that is not a whk record. Never panics,
/// whatever the bytes (fuzzed: `fuzz/fuzz_targets/store_line.rs`).
pub fn decode_line(line: &[u8]) -> Option<Line> {
    use base64::Engine;
    let value: Value = serde_json::from_slice(line).ok()?;
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(String::from);
    let seq = value.get("seq").and_then(Value::as_u64).unwrap_or(0);
    match value.get("rec")?.as_str()? {
        kind @ ("event" | "rejected") => {
            let body = match (value.get("body").and_then(Value::as_str), text("body_base64")) {
                (Some(body), _) => body.as_bytes().to_vec(),
                (None, Some(b64)) => base64::engine::general_purpose::STANDARD.decode(b64).ok()?,
                (None, None) => Vec::new(),
            };
            let rejected = kind == "rejected";
            let kept = if rejected { body[..body.len().min(KEPT_PREFIX)].to_vec() } else { body.clone() };
            let headers = match value.get("headers") {
                Some(h) => decode_headers(&h.to_string()),
                None => Vec::new(),
            };
            let deliveries = value
                .get("targets")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(Delivery::pending)
                .collect();
            Some(Line::Record(Box::new(Record {
                seq: if rejected && value.get("seq").is_none() { 0 } else { seq },
                change: 0,
                at: text("at").unwrap_or_default(),
                verdict: if rejected { Verdict::Rejected } else { Verdict::Accepted },
                reason: text("reason"),
                event_id: text("id").unwrap_or_default(),
                event_type: text("type").unwrap_or_default(),
                source: text("source"),
                provider: text("provider").unwrap_or_default(),
                account: text("account"),
                verified: text("verified").unwrap_or_default(),
                msg_id: text("msg_id"),
                path: text("path").unwrap_or_default(),
                headers,
                body_len: value.get("body_len").and_then(Value::as_u64).unwrap_or(body.len() as u64),
                body: kept,
                deliveries,
            })))
        }
        "attempt" => Some(Line::Attempt(
            seq,
            Box::new(Attempt {
                target: text("target")?,
                number: value.get("attempt").and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok()).unwrap_or(0),
                at: text("at").unwrap_or_default(),
                status: value.get("status").and_then(Value::as_u64).and_then(|s| u16::try_from(s).ok()),
                duration_ms: value.get("duration_ms").and_then(Value::as_f64).unwrap_or(0.0),
                error: text("error"),
                answer_headers: Vec::new(),
                answer_body: Vec::new(),
                replay: value.get("replay").and_then(Value::as_bool).unwrap_or(false),
                edited: value.get("edited").and_then(Value::as_bool).unwrap_or(false),
            }),
        )),
        kind @ ("delivered" | "failed") => Some(Line::Outcome {
            seq,
            target: text("target")?,
            state: State::parse(kind),
            at: text("at"),
            reason: text("reason"),
        }),
        _ => None,
    }
}
