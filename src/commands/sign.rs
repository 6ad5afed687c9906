//! `whk sign`: print the signature headers for a payload, or verify a received one and explain why
//! it fails by trying the usual culprits.

use std::io::Read;

use anyhow::Result;
use colored::Colorize;
use serde_json::Value;

use crate::cli::SignArgs;
use crate::config::settings::Settings;
use crate::signing::{key_for, matches_with_key, verify, Received, Scheme, VerifyError};
use crate::{Exit, UsageError};

/// Payloads larger than this are refused rather than read into memory.
const MAX_PAYLOAD: u64 = 64 * 1024 * 1024;

pub fn run(args: SignArgs) -> Result<Exit> {
    let settings = Settings::load()?;
    let scheme = match args.provider {
        Some(scheme) => scheme,
        None => settings.provider(None)?.map(|r| r.value.scheme()).ok_or_else(|| {
            UsageError(
                "which signing scheme? pass --provider stripe, fintoc or standard (or set a default: WHK_PROVIDER or `provider` in the config file)".into(),
            )
        })?,
    };
    let body = read_payload(&args.file)?;
    let secret = settings.secret(args.secret.secret.as_deref(), scheme)?.value;
    let now = crate::time::unix_now();

    let Some(header) = args.verify.as_deref() else {
        let msg_id = args.id.clone().unwrap_or_else(|| crate::providers::Provider::Stripe.new_id("msg"));
        for (name, value) in scheme.sign(&secret, args.timestamp.unwrap_or(now), &msg_id, &body)? {
            println!("{name}: {value}");
        }
        return Ok(Exit::Success);
    };

    let header = strip_header_name(header, scheme);
    let received = Received { scheme, header, body: &body, msg_id: args.id.as_deref(), timestamp: args.timestamp };
    match verify(&received, &secret, args.tolerance, now) {
        Ok(()) => {
            println!(
                "{} the {} signature matches and is within {} s",
                "valid:".green().bold(),
                scheme.name(),
                args.tolerance
            );
            Ok(Exit::Success)
        }
        Err(VerifyError::Secret(e)) => Err(e.into()),
        Err(VerifyError::MissingStandardFields) => {
            Err(UsageError(VerifyError::MissingStandardFields.to_string()).into())
        }
        Err(err) => {
            println!("{} {err}", "invalid:".red().bold());
            if let Some(explanation) = explain(&received, &secret, &err) {
                println!("  likely cause: {explanation}");
            }
            Ok(Exit::Refused)
        }
    }
}

fn read_payload(file: &str) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    if file == "-" {
        std::io::stdin()
            .take(MAX_PAYLOAD + 1)
            .read_to_end(&mut body)
            .map_err(|e| UsageError(format!("cannot read the payload from standard input: {e}")))?;
    } else {
        std::fs::File::open(file)
            .and_then(|f| f.take(MAX_PAYLOAD + 1).read_to_end(&mut body))
            .map_err(|e| UsageError(format!("cannot read the payload file {file}: {e}")))?;
    }
    if body.len() as u64 > MAX_PAYLOAD {
        anyhow::bail!(UsageError(format!(
            "{file} is larger than {} MiB; webhook payloads are far smaller",
            MAX_PAYLOAD >> 20
        )));
    }
    Ok(body)
}

/// Accepts a pasted `Stripe-Signature: t=…` line as well as the bare value.
fn strip_header_name(header: &str, scheme: Scheme) -> &str {
    let name = scheme.signature_header();
    match header.split_once(':') {
        Some((k, v)) if k.trim().eq_ignore_ascii_case(name) => v.trim(),
        _ => header.trim(),
    }
}

/// Tries what usually breaks a signature and names the first variant that would have matched.
fn explain(r: &Received, secret: &str, err: &VerifyError) -> Option<String> {
    match err {
        VerifyError::Malformed(_) => other_scheme_hint(r),
        VerifyError::TooOld(..) => Some(
            "the signature itself is right but old: the delivery is being replayed, or this machine's clock differs from the sender's".into(),
        ),
        VerifyError::TooNew(..) => Some("the signature is right but dated in the future: check the sender's clock".into()),
        VerifyError::NoMatch => body_culprit(r, secret).or_else(|| secret_culprit(r, secret)).or_else(|| {
            Some("no usual culprit fits: the secret differs from the sender's, or the body was changed in content".into())
        }),
        VerifyError::Secret(_) | VerifyError::MissingStandardFields => None,
    }
}

fn other_scheme_hint(r: &Received) -> Option<String> {
    let looks_standard = r.header.trim_start().starts_with("v1,");
    let looks_timestamped = r.header.contains("t=") && r.header.contains("v1=");
    match r.scheme {
        Scheme::Stripe | Scheme::Fintoc if looks_standard => {
            Some("this is a Standard Webhooks signature (`v1,<base64>`): verify with --provider standard".into())
        }
        Scheme::Standard if looks_timestamped => {
            Some("this is a Stripe/Fintoc signature (`t=…,v1=…`): verify with --provider stripe or fintoc".into())
        }
        _ => None,
    }
}

fn body_culprit(r: &Received, secret: &str) -> Option<String> {
    let key = key_for(r.scheme, secret).ok()?;
    let fits = |candidate: &[u8]| matches_with_key(r, &key, candidate).unwrap_or(false);
    let body = r.body;
    if let Some(stripped) = body.strip_suffix(b"\n") {
        if fits(stripped) || stripped.strip_suffix(b"\r").is_some_and(fits) {
            return Some(
                "a trailing newline was added to the body after signing (verify the raw bytes as received)".into(),
            );
        }
    }
    if fits(&[body, b"\n"].concat()) {
        return Some("the body lost its trailing newline after signing (verify the raw bytes as received)".into());
    }
    let value: Value = serde_json::from_slice(body).ok()?;
    if reserialisations(&value).iter().any(|candidate| candidate.as_slice() != body && fits(candidate)) {
        return Some(
            "the body was re-serialised (whitespace or key order changed) after signing: verify the raw request bytes, not parsed-and-dumped JSON".into(),
        );
    }
    // The received keys may have been sorted or shuffled (a map that does not keep order): put
    // them back in the order whk generates this event type in, then in the order the provider
    // writes keys, and look for the signed bytes again.
    let restored = [whk_order(&value, r.scheme), provider_order(&value, r.scheme, true)];
    let candidates = restored.iter().flatten().flat_map(formats);
    if candidates.into_iter().any(|candidate| candidate.as_slice() != body && fits(&candidate)) {
        return Some(
            "the body's keys were put in another order after signing (sorted, or parsed into a map that does not keep order); the provider signed them in its own order: verify the raw request bytes, not parsed-and-dumped JSON".into(),
        );
    }
    None
}

/// The value with its keys in the order of whk's own event of the same type (its template, built
/// afresh), for events whk sent; None for a type whk does not know.
fn whk_order(value: &Value, scheme: Scheme) -> Option<Value> {
    let provider = crate::providers::Provider::ALL.into_iter().find(|p| p.scheme() == scheme)?;
    let catalog = crate::event::catalog::Catalog::load(None).ok()?;
    let template = catalog.resolve(value.get("type")?.as_str()?, Some(provider)).ok()?;
    let options = crate::event::BuildOptions {
        account: value.get("account").and_then(Value::as_str),
        livemode: false,
        api_version: value.get("api_version").and_then(Value::as_str).unwrap_or(crate::providers::DEFAULT_API_VERSION),
        patches: &[],
    };
    let reference: Value = serde_json::from_slice(&crate::event::build(template, &options).ok()?.body).ok()?;
    Some(reorder_like(value, &reference))
}

/// `value` with each object's keys in the order `reference` has them at the same place; keys the
/// reference lacks follow, as they came. List items all follow the reference's first item.
fn reorder_like(value: &Value, reference: &Value) -> Value {
    match (value, reference) {
        (Value::Object(map), Value::Object(like)) => {
            let mut out = serde_json::Map::new();
            for (key, like) in like {
                if let Some(v) = map.get(key) {
                    out.insert(key.clone(), reorder_like(v, like));
                }
            }
            for (key, v) in map {
                if !out.contains_key(key) {
                    out.insert(key.clone(), v.clone());
                }
            }
            Value::Object(out)
        }
        (Value::Array(items), Value::Array(like)) => match like.first() {
            Some(like) => Value::Array(items.iter().map(|v| reorder_like(v, like)).collect()),
            None => value.clone(),
        },
        _ => value.clone(),
    }
}

/// The value with every object's keys in the order the provider sends them. Stripe writes `id`,
/// then `object`, then the rest alphabetically, at every level. Fintoc's envelope is `id, type,
/// mode, created_at, data, object`, and below it keys come shortest first, then bytewise (the
/// order of its stored JSON). Standard Webhooks payloads have no fixed order: None.
fn provider_order(value: &Value, scheme: Scheme, top: bool) -> Option<Value> {
    const FINTOC_ENVELOPE: [&str; 6] = ["id", "type", "mode", "created_at", "data", "object"];
    if scheme == Scheme::Standard {
        return None;
    }
    let rank = |key: &str| -> (usize, usize, Vec<u8>) {
        match scheme {
            Scheme::Stripe => match key {
                "id" => (0, 0, Vec::new()),
                "object" => (1, 0, Vec::new()),
                _ => (2, 0, key.as_bytes().to_vec()),
            },
            Scheme::Fintoc if top => {
                (FINTOC_ENVELOPE.iter().position(|k| *k == key).unwrap_or(FINTOC_ENVELOPE.len()), 0, Vec::new())
            }
            _ => (0, key.len(), key.as_bytes().to_vec()),
        }
    };
    Some(match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by_key(|(key, _)| rank(key));
            let ordered = entries.into_iter().map(|(k, v)| Some((k.clone(), provider_order(v, scheme, false)?)));
            Value::Object(ordered.collect::<Option<_>>()?)
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| provider_order(v, scheme, false)).collect::<Option<_>>()?)
        }
        other => other.clone(),
    })
}

fn secret_culprit(r: &Received, secret: &str) -> Option<String> {
    let fits = |key: &[u8]| matches_with_key(r, key, r.body).unwrap_or(false);
    let bare = secret.strip_prefix("whsec_");
    let decoded = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, bare.unwrap_or(secret)).ok();
    match r.scheme {
        Scheme::Stripe | Scheme::Fintoc => {
            if bare.is_some_and(|b| fits(b.as_bytes())) {
                return Some("the sender signed with the secret WITHOUT its `whsec_` prefix; Stripe and Fintoc key with the whole string".into());
            }
            if bare.is_none() && fits(format!("whsec_{secret}").as_bytes()) {
                return Some(
                    "the secret lacks its `whsec_` prefix: the whole string, prefix included, is the key".into(),
                );
            }
            if decoded.is_some_and(|d| fits(&d)) {
                return Some("the sender base64-decoded the secret (the Standard Webhooks way); Stripe and Fintoc use the string as is".into());
            }
        }
        Scheme::Standard => {
            if fits(secret.as_bytes()) {
                return Some("the sender used the secret string as the key; Standard Webhooks keys with the base64-decoded part after `whsec_`".into());
            }
            if let Some(b) = bare {
                if fits(b.as_bytes()) {
                    return Some("the sender used the base64 text as the key without decoding it".into());
                }
            }
        }
    }
    None
}

/// The ways a framework commonly re-serialises JSON: compact, pretty, sorted keys, Python's spacing.
fn reserialisations(value: &Value) -> Vec<Vec<u8>> {
    let mut out = formats(value);
    out.extend(formats(&sort_keys(value)));
    out
}

/// One value written compact, pretty (2 spaces, as Stripe sends it) and with Python's spacing.
fn formats(value: &Value) -> Vec<Vec<u8>> {
    let mut out =
        vec![serde_json::to_vec(value).unwrap_or_default(), serde_json::to_vec_pretty(value).unwrap_or_default()];
    let mut python = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut python, PythonFormatter);
    if serde::Serialize::serialize(value, &mut ser).is_ok() {
        out.push(python);
    }
    out
}

fn sort_keys(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k.clone(), sort_keys(v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(sort_keys).collect()),
        other => other.clone(),
    }
}

/// `json.dumps` with default separators: `", "` and `": "`.
struct PythonFormatter;

impl serde_json::ser::Formatter for PythonFormatter {
    fn begin_array_value<W: ?Sized + std::io::Write>(&mut self, writer: &mut W, first: bool) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, writer: &mut W, first: bool) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        writer.write_all(b": ")
    }
}
