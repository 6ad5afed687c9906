//! Placeholder rendering for event templates (the syntax is documented in templates/README.md).

use std::collections::HashMap;

use rand::Rng;
use serde_json::Value;

use crate::providers::Provider;
use crate::time::{iso_millis, iso_seconds, MAX_ISO};

/// Everything a placeholder can draw on while one event is rendered. Ids are remembered so that one
/// placeholder names the same object everywhere in the event.
pub struct RenderContext {
    provider: Provider,
    livemode: bool,
    now: i64,
    ids: HashMap<String, String>,
    /// Set by [`RenderContext::recording`]: what each marker left in the output stands for.
    recording: Option<Recording>,
}

struct Recording {
    /// Unique to one recording, so template text can never be mistaken for a marker.
    nonce: String,
    slots: Vec<Slot>,
}

/// A value generated afresh for every event, left as a marker by a recording context (see
/// [`RenderContext::recording`]) and filled in by [`crate::event::Blueprint`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// `{{id:PREFIX}}`, `{{account}}` when none was given: one id per key per event.
    Id(String),
    /// `{{rand:N}}`
    Rand(usize),
    /// `{{digits:N}}`
    Digits(usize),
    /// `{{now±N}}`: a number when it is the whole string, else its digits in the text.
    Now(i64),
    /// `{{iso±N}}`
    Iso(i64),
    /// The envelope's event id.
    EventId,
    /// The envelope's creation time in unix seconds (Stripe `created`).
    Created,
    /// The envelope's creation time, ISO with milliseconds (Fintoc `created_at`).
    CreatedIsoMillis,
}

impl Slot {
    /// Whether the value is a number: a marker that is a whole JSON string becomes a bare number.
    pub fn is_number(&self) -> bool {
        matches!(self, Slot::Now(_) | Slot::Created)
    }

    /// A fresh value, as JSON text without quotes (every value is letters, digits and `-:.TZ_`,
    /// which JSON strings need not escape), appended to `out`. `now` is `created` in unix seconds.
    pub fn generate(&self, provider: Provider, created: std::time::SystemTime, now: i64, out: &mut Vec<u8>) {
        use std::io::Write;
        // Writing to a Vec cannot fail.
        match self {
            Slot::Id(prefix) => provider.push_new_id(prefix, out),
            Slot::EventId => provider.push_new_id("evt", out),
            Slot::Rand(n) => crate::providers::push_alphanumeric(out, *n),
            Slot::Digits(n) => out.extend_from_slice(random_digits(*n).as_bytes()),
            Slot::Now(offset) => drop(write!(out, "{}", now.saturating_add(*offset))),
            Slot::Iso(offset) => {
                out.extend_from_slice(iso_seconds(now.saturating_add(*offset).min(MAX_ISO)).as_bytes())
            }
            Slot::Created => drop(write!(out, "{now}")),
            Slot::CreatedIsoMillis => out.extend_from_slice(iso_millis(created).as_bytes()),
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RenderError {
    #[error("unknown placeholder `{{{{{0}}}}}` (see templates/README.md for the list)")]
    UnknownPlaceholder(String),
    #[error("unclosed placeholder in `{0}`: a `{{{{` has no matching `}}}}`")]
    Unclosed(String),
    #[error("bad time offset in `{{{{{0}}}}}`: use a whole number of seconds or N m/h/d, e.g. now-3600 or iso+2d")]
    BadOffset(String),
}

impl RenderContext {
    pub fn new(provider: Provider, account: Option<&str>, livemode: bool, now: i64) -> Self {
        let mut ids = HashMap::new();
        if let Some(account) = account {
            ids.insert("acct".to_string(), account.to_string());
        }
        RenderContext { provider, livemode, now, ids, recording: None }
    }

    /// A context that renders every per-event value (ids, random runs, times) as a marker and
    /// notes what it stands for, so a template can be rendered once and filled in many times.
    /// Static values (a given account, livemode, mode) render as usual. `now` is only used to
    /// check time offsets.
    pub fn recording(provider: Provider, account: Option<&str>, livemode: bool, now: i64, nonce: &str) -> Self {
        let mut ctx = RenderContext::new(provider, account, livemode, now);
        ctx.recording = Some(Recording { nonce: nonce.to_string(), slots: Vec::new() });
        ctx
    }

    /// In a recording context: a marker for a new slot. Outside one, None.
    pub fn mark(&mut self, slot: Slot) -> Option<String> {
        let recording = self.recording.as_mut()?;
        recording.slots.push(slot);
        Some(format!("{}{}~", marker_prefix(&recording.nonce), recording.slots.len() - 1))
    }

    /// The slots a recording context noted, in marker order.
    pub fn into_slots(self) -> Vec<Slot> {
        self.recording.map(|r| r.slots).unwrap_or_default()
    }

    /// The connected account named by `{{account}}`: the one given, else one made up for this event.
    pub fn account(&mut self) -> String {
        self.id("acct")
    }

    /// A fresh id for `prefix`, stable for this context (`prefix#label` gives a distinct one).
    pub fn id(&mut self, key: &str) -> String {
        if let Some(id) = self.ids.get(key) {
            return id.clone();
        }
        let prefix = key.split('#').next().unwrap_or(key);
        let id = match self.mark(Slot::Id(prefix.to_string())) {
            Some(marker) => marker,
            None => self.provider.new_id(prefix),
        };
        self.ids.insert(key.to_string(), id.clone());
        id
    }

    pub fn render(&mut self, value: &Value) -> Result<Value, RenderError> {
        Ok(match value {
            Value::String(s) if s.contains("{{") => self.render_string(s)?,
            Value::Array(items) => Value::Array(items.iter().map(|v| self.render(v)).collect::<Result<_, _>>()?),
            Value::Object(map) => Value::Object(
                map.iter().map(|(k, v)| Ok((k.clone(), self.render(v)?))).collect::<Result<_, RenderError>>()?,
            ),
            other => other.clone(),
        })
    }

    fn render_string(&mut self, s: &str) -> Result<Value, RenderError> {
        // A string that is exactly one placeholder may become a number or a boolean.
        if let Some(inner) = s.strip_prefix("{{").and_then(|r| r.strip_suffix("}}")) {
            if !inner.contains("{{") && !inner.contains("}}") {
                return self.expand(inner.trim());
            }
        }
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after.find("}}").ok_or_else(|| RenderError::Unclosed(s.to_string()))?;
            match self.expand(after[..end].trim())? {
                Value::String(text) => out.push_str(&text),
                other => out.push_str(&other.to_string()),
            }
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        Ok(Value::String(out))
    }

    fn expand(&mut self, token: &str) -> Result<Value, RenderError> {
        let unknown = || RenderError::UnknownPlaceholder(token.to_string());
        if let Some(key) = token.strip_prefix("id:") {
            if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '#') {
                return Err(unknown());
            }
            return Ok(Value::String(self.id(key)));
        }
        if let Some(n) = token.strip_prefix("rand:") {
            let n = random_length(n).ok_or_else(unknown)?;
            return Ok(Value::String(self.mark(Slot::Rand(n)).unwrap_or_else(|| random_alphanumeric(n))));
        }
        if let Some(n) = token.strip_prefix("digits:") {
            let n = random_length(n).ok_or_else(unknown)?;
            return Ok(Value::String(self.mark(Slot::Digits(n)).unwrap_or_else(|| random_digits(n))));
        }
        match token {
            "account" => return Ok(Value::String(self.account())),
            "livemode" => return Ok(Value::Bool(self.livemode)),
            "mode" => return Ok(Value::String(if self.livemode { "live" } else { "test" }.into())),
            _ => {}
        }
        let bad_offset = || RenderError::BadOffset(token.into());
        if let Some(offset) = token.strip_prefix("now") {
            let at = parse_offset(offset).and_then(|o| self.now.checked_add(o)).ok_or_else(bad_offset)?;
            if let Some(marker) = self.mark(Slot::Now(at - self.now)) {
                return Ok(Value::String(marker));
            }
            return Ok(Value::from(at));
        }
        if let Some(offset) = token.strip_prefix("iso") {
            // Past year 9999 RFC 3339 has no form for it, and humantime would panic printing one.
            let at = parse_offset(offset).and_then(|o| self.now.checked_add(o)).filter(|t| *t <= MAX_ISO);
            let at = at.ok_or_else(bad_offset)?;
            if let Some(marker) = self.mark(Slot::Iso(at - self.now)) {
                return Ok(Value::String(marker));
            }
            return Ok(Value::String(iso_seconds(at)));
        }
        Err(unknown())
    }
}

/// How every marker of a recording with this nonce starts; the slot's index and `~` follow.
pub fn marker_prefix(nonce: &str) -> String {
    format!("~whk{nonce}:")
}

fn random_alphanumeric(n: usize) -> String {
    let mut out = Vec::with_capacity(n);
    crate::providers::push_alphanumeric(&mut out, n);
    String::from_utf8(out).expect("letters and digits are ASCII")
}

fn random_digits(n: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..n).map(|_| char::from(b'0' + rng.gen_range(0..10))).collect()
}

/// Random runs are for tokens and account numbers; a cap keeps a typo from allocating gigabytes.
fn random_length(s: &str) -> Option<usize> {
    s.parse().ok().filter(|n| (1..=256).contains(n))
}

/// `""`, `-3600`, `+2d`, `-90m` → seconds.
fn parse_offset(s: &str) -> Option<i64> {
    if s.is_empty() {
        return Some(0);
    }
    let (sign, rest) = match s.as_bytes()[0] {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (digits, unit) = match rest.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&rest[..i], c),
        _ => (rest, 's'),
    };
    let n: i64 = digits.parse().ok()?;
    let scale = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3_600,
        'd' => 86_400,
        _ => return None,
    };
    n.checked_mul(scale)?.checked_mul(sign)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ctx() -> RenderContext {
        RenderContext::new(Provider::Stripe, Some("acct_1Given"), true, 1_000_000)
    }

    #[test]
    fn whole_placeholders_become_typed_values() {
        let out = ctx()
            .render(&json!({"t": "{{now-1h}}", "l": "{{livemode}}", "m": "{{mode}}", "a": "{{account}}"}))
            .unwrap();
        assert_eq!(out, json!({"t": 996_400, "l": true, "m": "live", "a": "acct_1Given"}));
    }

    #[test]
    fn ids_are_stable_within_an_event_and_labels_differ() {
        let out = ctx().render(&json!(["{{id:po}}", "{{id:po}}", "{{id:po#2}}", "x_{{id:po}}_y"])).unwrap();
        let a = out[0].as_str().unwrap();
        assert!(a.starts_with("po_") && a.len() == 3 + 24, "{a}");
        assert_eq!(out[1], out[0]);
        assert_ne!(out[2], out[0]);
        assert_eq!(out[3], json!(format!("x_{a}_y")));
    }

    #[test]
    fn iso_and_offsets() {
        assert_eq!(ctx().render(&json!("{{iso+1d}}")).unwrap(), json!("1970-01-13T13:46:40Z"));
        assert_eq!(parse_offset("-90m"), Some(-5_400));
        assert_eq!(parse_offset("+x"), None);
        assert_eq!(parse_offset("5"), None);
    }

    #[test]
    fn errors_name_the_placeholder() {
        assert_eq!(ctx().render(&json!("{{nope}}")), Err(RenderError::UnknownPlaceholder("nope".into())));
        assert_eq!(ctx().render(&json!("a {{id:x")), Err(RenderError::Unclosed("a {{id:x".into())));
        assert_eq!(ctx().render(&json!("{{now+3y}}")), Err(RenderError::BadOffset("now+3y".into())));
        // Offsets that overflow, or leave the calendar, are errors rather than panics.
        let huge = "{{now+99999999999999999d}}";
        assert_eq!(ctx().render(&json!(huge)), Err(RenderError::BadOffset("now+99999999999999999d".into())));
        assert!(ctx().render(&json!("{{now+9223372036854775807}}")).is_err());
        assert!(ctx().render(&json!("{{iso+999999999999}}")).is_err());
    }
}
