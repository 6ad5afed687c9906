//! `--override`, `--add` and `--remove`: edits to a generated event by dotted path.
//!
//! Paths are relative to the resource (`data.object` for Stripe, `data` for Fintoc), so
//! `amount=500` changes the payout's amount; a leading `event.` reaches the envelope instead
//! (`event.livemode=true`, `event.data.previous_attributes.status=paid`). Numeric segments index arrays.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum Patch {
    /// Replace a value that exists.
    Override(String, Value),
    /// Set a value only where it is missing.
    Add(String, Value),
    Remove(String),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PatchError {
    #[error("`{0}` is not PATH=VALUE (for example amount=500 or metadata.order_id=\"42\")")]
    NotAssignment(String),
    #[error("empty path in `{0}`: name a field such as amount or event.livemode")]
    EmptyPath(String),
    #[error("`{path}`: `{segment}` does not exist in this event{hint}")]
    Missing { path: String, segment: String, hint: String },
    #[error("`{path}`: `{segment}` is inside {kind}, which has no fields; the path does not fit this event")]
    NotContainer { path: String, segment: String, kind: &'static str },
    #[error("--add {path}: `{path}` already exists (it is {existing}); --add only creates missing fields: to replace it, use --override {path}={value}")]
    AlreadyExists { path: String, existing: String, value: String },
    #[error("--add {path}: `{segment}` does not exist in this event, and --add creates only the last part of a path: add the whole object instead, --add '{whole}'")]
    MissingParent { path: String, segment: String, whole: String },
    #[error("`{path}`: index {index} is past the end of a list of {len}")]
    OutOfRange { path: String, index: usize, len: usize },
}

/// `PATH=VALUE`; VALUE is JSON where it parses as JSON, a string otherwise.
pub fn parse_assignment(s: &str) -> Result<(String, Value), PatchError> {
    let (path, raw) = s.split_once('=').ok_or_else(|| PatchError::NotAssignment(s.to_string()))?;
    if path.trim().is_empty() {
        return Err(PatchError::EmptyPath(s.to_string()));
    }
    let value = serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_string()));
    Ok((path.trim().to_string(), value))
}

/// The patches named by `--override`, `--add` and `--remove`, applied in that order.
pub fn from_flags(overrides: &[String], adds: &[String], removes: &[String]) -> Result<Vec<Patch>, PatchError> {
    let mut out = Vec::new();
    for raw in overrides {
        let (path, value) = parse_assignment(raw)?;
        out.push(Patch::Override(path, value));
    }
    for raw in adds {
        let (path, value) = parse_assignment(raw)?;
        out.push(Patch::Add(path, value));
    }
    out.extend(removes.iter().map(|p| Patch::Remove(p.clone())));
    Ok(out)
}

/// Applies one patch. `resource_path` is where the resource sits in the envelope.
pub fn apply(event: &mut Value, resource_path: &[&str], patch: &Patch) -> Result<(), PatchError> {
    let path = match patch {
        Patch::Override(p, _) | Patch::Add(p, _) | Patch::Remove(p) => p,
    };
    let segments: Vec<&str> = match path.strip_prefix("event.") {
        Some(rest) => rest.split('.').collect(),
        None => resource_path.iter().copied().chain(path.split('.')).collect(),
    };
    if segments.iter().any(|s| s.is_empty()) {
        return Err(PatchError::EmptyPath(path.clone()));
    }
    let (last, parents) = segments.split_last().expect("split on '.' yields at least one segment");
    let mut node = event;
    for (depth, segment) in parents.iter().enumerate() {
        node = match (patch, child(node, segment, path)) {
            (Patch::Add(_, value), Err(PatchError::Missing { .. })) => {
                let implied = if path.starts_with("event.") { 0 } else { resource_path.len() };
                return Err(missing_parent(path, &segments, implied, depth, value));
            }
            (_, found) => found?,
        };
    }
    match (patch, node) {
        (Patch::Override(_, value), parent) => *child(parent, last, path)? = value.clone(),
        (Patch::Remove(_), Value::Object(map)) => {
            map.shift_remove(*last).ok_or_else(|| missing(path, last, false))?;
        }
        (Patch::Remove(_), Value::Array(items)) => {
            let index = index(last, items.len(), path)?;
            items.remove(index);
        }
        (Patch::Add(_, value), Value::Object(map)) => match map.get(*last) {
            Some(existing) => return Err(already_exists(path, existing, value)),
            None => {
                map.insert(last.to_string(), value.clone());
            }
        },
        (Patch::Add(_, value), Value::Array(items)) => {
            // Appending is the only way to add to a list.
            let i: usize = last.parse().map_err(|_| missing(path, last, false))?;
            if i < items.len() {
                return Err(already_exists(path, &items[i], value));
            } else if i == items.len() {
                items.push(value.clone());
            } else {
                return Err(PatchError::OutOfRange { path: path.clone(), index: i, len: items.len() });
            }
        }
        (_, other) => return Err(not_container(path, last, other)),
    }
    Ok(())
}

fn child<'a>(node: &'a mut Value, segment: &str, path: &str) -> Result<&'a mut Value, PatchError> {
    match node {
        Value::Object(map) => map.get_mut(segment).ok_or_else(|| missing(path, segment, true)),
        Value::Array(items) => {
            let i = index(segment, items.len(), path)?;
            Ok(&mut items[i])
        }
        other => Err(not_container(path, segment, other)),
    }
}

fn index(segment: &str, len: usize, path: &str) -> Result<usize, PatchError> {
    let i: usize = segment.parse().map_err(|_| PatchError::Missing {
        path: path.to_string(),
        segment: segment.to_string(),
        hint: " (that part is a list: use a number such as 0)".into(),
    })?;
    if i >= len {
        return Err(PatchError::OutOfRange { path: path.to_string(), index: i, len });
    }
    Ok(i)
}

fn missing(path: &str, segment: &str, suggest_add: bool) -> PatchError {
    let hint = if suggest_add && !path.starts_with("event.") {
        " (use --add to create a field; prefix with `event.` to reach the envelope)".to_string()
    } else if suggest_add {
        " (use --add to create a field)".to_string()
    } else {
        String::new()
    };
    PatchError::Missing { path: path.to_string(), segment: segment.to_string(), hint }
}

/// `--add` on a field that is there: adding would silently do nothing, so say what would work.
fn already_exists(path: &str, existing: &Value, value: &Value) -> PatchError {
    let mut existing = existing.to_string();
    if existing.chars().count() > 60 {
        existing = format!("{}…", existing.chars().take(60).collect::<String>());
    }
    PatchError::AlreadyExists { path: path.to_string(), existing, value: shell_value(value) }
}

/// `--add a.b.c=1` where `a.b` is missing: the advice is one `--add` of the missing part as a whole
/// object, `a.b={"c":1}`, written with the path as the user wrote it. `implied` is how many leading
/// segments the user did not type (the resource's place in the envelope); when the missing part is
/// among them (an earlier patch took it away), the advice names it from the envelope, `event.data=…`.
fn missing_parent(path: &str, segments: &[&str], implied: usize, depth: usize, value: &Value) -> PatchError {
    let below = &segments[depth + 1..];
    let whole = below.iter().rev().fold(value.clone(), |inner, key| serde_json::json!({ *key: inner }));
    let head = &segments[..=depth];
    let written = match head.get(implied..) {
        Some(typed) if implied > 0 && !typed.is_empty() => typed.join("."),
        _ => format!("event.{}", head.join(".")),
    };
    PatchError::MissingParent {
        path: path.to_string(),
        segment: segments[depth].to_string(),
        whole: format!("{written}={whole}"),
    }
}

/// A value as it would be typed after `PATH=`: strings bare, everything else as JSON.
fn shell_value(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn not_container(path: &str, segment: &str, value: &Value) -> PatchError {
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    };
    PatchError::NotContainer { path: path.to_string(), segment: segment.to_string(), kind }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const RES: &[&str] = &["data", "object"];

    fn event() -> Value {
        json!({"id": "evt_1", "data": {"object": {"amount": 1, "metadata": {}, "items": [{"q": 1}], "n": null}}})
    }

    #[test]
    fn assignment_values_are_json_or_strings() {
        assert_eq!(parse_assignment("a=5").unwrap(), ("a".into(), json!(5)));
        assert_eq!(parse_assignment("a=hello").unwrap(), ("a".into(), json!("hello")));
        assert_eq!(parse_assignment("a=\"5\"").unwrap(), ("a".into(), json!("5")));
        assert_eq!(parse_assignment("a=x=y").unwrap(), ("a".into(), json!("x=y")));
        assert_eq!(parse_assignment("nope"), Err(PatchError::NotAssignment("nope".into())));
        assert_eq!(parse_assignment("=1"), Err(PatchError::EmptyPath("=1".into())));
    }

    #[test]
    fn override_add_remove() {
        let mut e = event();
        apply(&mut e, RES, &Patch::Override("amount".into(), json!(9))).unwrap();
        apply(&mut e, RES, &Patch::Override("items.0.q".into(), json!(3))).unwrap();
        apply(&mut e, RES, &Patch::Add("metadata.k".into(), json!("v"))).unwrap();
        apply(&mut e, RES, &Patch::Add("items.1".into(), json!({"q": 2}))).unwrap();
        apply(&mut e, RES, &Patch::Remove("n".into())).unwrap();
        apply(&mut e, RES, &Patch::Override("event.id".into(), json!("evt_2"))).unwrap();
        assert_eq!(
            e,
            json!({"id": "evt_2", "data": {"object": {"amount": 9, "metadata": {"k": "v"}, "items": [{"q": 3}, {"q": 2}]}}})
        );
    }

    #[test]
    fn paths_that_do_not_fit_are_errors() {
        let mut e = event();
        let err = apply(&mut e, RES, &Patch::Override("nope".into(), json!(1))).unwrap_err().to_string();
        assert!(err.contains("`nope` does not exist") && err.contains("--add"), "{err}");
        let err = apply(&mut e, RES, &Patch::Override("amount.x".into(), json!(1))).unwrap_err();
        assert!(matches!(err, PatchError::NotContainer { kind: "a number", .. }));
        let err = apply(&mut e, RES, &Patch::Remove("items.4".into())).unwrap_err();
        assert_eq!(err, PatchError::OutOfRange { path: "items.4".into(), index: 4, len: 1 });
        assert!(matches!(apply(&mut e, RES, &Patch::Remove("a..b".into())), Err(PatchError::EmptyPath(_))));
        assert_eq!(e, event(), "a failed patch changes nothing");
    }

    #[test]
    fn add_says_when_it_would_do_nothing_and_what_works_instead() {
        let mut e = event();
        let err = apply(&mut e, RES, &Patch::Add("amount".into(), json!(100))).unwrap_err().to_string();
        assert!(err.contains("`amount` already exists (it is 1)") && err.contains("--override amount=100"), "{err}");
        let err = apply(&mut e, RES, &Patch::Add("items.0".into(), json!(5))).unwrap_err().to_string();
        assert!(err.contains("already exists") && err.contains("--override items.0=5"), "{err}");
        let err = apply(&mut e, RES, &Patch::Add("nonexist.deep".into(), json!(1))).unwrap_err().to_string();
        assert!(
            err.contains("--add creates only the last part") && err.contains(r#"--add 'nonexist={"deep":1}'"#),
            "{err}"
        );
        assert!(!err.contains("use --add to create"), "{err}");
        let err = apply(&mut e, RES, &Patch::Add("metadata.a.b".into(), json!("x"))).unwrap_err().to_string();
        assert!(err.contains(r#"--add 'metadata.a={"b":"x"}'"#), "{err}");
        assert_eq!(e, event(), "a failed patch changes nothing");
    }

    /// Found by fuzzing: once an earlier patch has taken away part of the resource's place in the
    /// envelope, `--add` under the resource is missing a part the user never typed. The advice names
    /// it from the envelope (it used to panic, or advise an empty path).
    #[test]
    fn add_under_a_removed_resource_names_the_part_from_the_envelope() {
        let mut e = event();
        apply(&mut e, RES, &Patch::Remove("event.data".into())).unwrap();
        let err = apply(&mut e, RES, &Patch::Add("x".into(), json!(1))).unwrap_err().to_string();
        assert!(err.contains(r#"--add 'event.data={"object":{"x":1}}'"#), "{err}");
        let mut e = event();
        apply(&mut e, RES, &Patch::Remove("event.data.object".into())).unwrap();
        let err = apply(&mut e, RES, &Patch::Add("x.y".into(), json!(1))).unwrap_err().to_string();
        assert!(err.contains(r#"--add 'event.data.object={"x":{"y":1}}'"#), "{err}");
        let err = apply(&mut e, RES, &Patch::Add("event.data.object.x".into(), json!(1))).unwrap_err().to_string();
        assert!(err.contains(r#"--add 'event.data.object={"x":1}'"#), "{err}");
    }
}
