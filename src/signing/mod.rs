//! The three signing schemes whk speaks, and a verifier that explains failures.
//!
//! Stripe and Fintoc share one construction (`t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`, keyed by the
//! secret string's bytes, `whsec_` included); they differ only in the header name. Standard Webhooks
//! keys by the base64-decoded secret and signs `id.timestamp.body`, base64-encoded.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Seconds a signature stays valid, as in every official SDK.
pub const DEFAULT_TOLERANCE: u64 = 300;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Scheme {
    Stripe,
    Fintoc,
    /// Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature).
    Standard,
}

impl Scheme {
    pub const ALL: [Scheme; 3] = [Scheme::Stripe, Scheme::Fintoc, Scheme::Standard];

    /// The scheme of this name (as recorded with each event, and as `--verify-secret` and route
    /// patterns write it).
    pub fn from_name(name: &str) -> Option<Scheme> {
        Scheme::ALL.into_iter().find(|s| s.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Scheme::Stripe => "stripe",
            Scheme::Fintoc => "fintoc",
            Scheme::Standard => "standard",
        }
    }

    /// The header that carries the signature.
    pub fn signature_header(self) -> &'static str {
        match self {
            Scheme::Stripe => "Stripe-Signature",
            Scheme::Fintoc => "Fintoc-Signature",
            Scheme::Standard => "webhook-signature",
        }
    }

    /// Signs `body` and returns the headers a provider would send, in order.
    pub fn sign(
        self,
        secret: &str,
        timestamp: i64,
        msg_id: &str,
        body: &[u8],
    ) -> Result<Vec<(String, String)>, SignError> {
        match self {
            Scheme::Stripe | Scheme::Fintoc => Ok(vec![(
                self.signature_header().to_string(),
                format!("t={timestamp},v1={}", hex_hmac(secret.as_bytes(), timestamp, body)),
            )]),
            Scheme::Standard => {
                let key = standard_key(secret)?;
                Ok(vec![
                    ("webhook-id".to_string(), msg_id.to_string()),
                    ("webhook-timestamp".to_string(), timestamp.to_string()),
                    (
                        "webhook-signature".to_string(),
                        format!("v1,{}", standard_signature(&key, msg_id, timestamp, body)),
                    ),
                ])
            }
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignError {
    #[error("the secret is empty: pass a signing secret such as whsec_… (see `whk listen --print-secret`)")]
    EmptySecret,
    #[error(
        "a Standard Webhooks secret must be `whsec_` followed by base64 (the part after the prefix did not decode)"
    )]
    NotBase64,
}

type HmacSha256 = Hmac<Sha256>;

fn mac(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes any key length")
}

fn raw_hmac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut m = mac(key);
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().to_vec()
}

/// Stripe/Fintoc `v1`: lowercase hex of HMAC-SHA256(key, "t.body").
pub fn hex_hmac(key: &[u8], timestamp: i64, body: &[u8]) -> String {
    hex::encode(raw_hmac(key, &[timestamp.to_string().as_bytes(), b".", body]))
}

/// Signs many bodies with one secret under Stripe's or Fintoc's scheme (the same construction),
/// keeping the HMAC key schedule between them: load mode signs every event.
#[derive(Clone)]
pub struct TimestampedSigner {
    mac: HmacSha256,
}

impl TimestampedSigner {
    /// None for Standard Webhooks, which signs differently.
    pub fn new(scheme: Scheme, secret: &str) -> Option<TimestampedSigner> {
        (scheme != Scheme::Standard).then(|| TimestampedSigner { mac: mac(secret.as_bytes()) })
    }

    /// Writes the header value `t=<timestamp>,v1=<hex>` into `out` (cleared first): what
    /// [`Scheme::sign`] puts in the signature header.
    pub fn sign_into(&self, timestamp: i64, body: &[u8], out: &mut String) {
        use std::fmt::Write;
        let mut m = self.mac.clone();
        out.clear();
        let _ = write!(out, "{timestamp}");
        m.update(out.as_bytes());
        m.update(b".");
        m.update(body);
        out.insert_str(0, "t=");
        out.push_str(",v1=");
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for byte in m.finalize().into_bytes() {
            out.push(char::from(HEX[(byte >> 4) as usize]));
            out.push(char::from(HEX[(byte & 15) as usize]));
        }
    }
}

fn standard_signature(key: &[u8], msg_id: &str, timestamp: i64, body: &[u8]) -> String {
    B64.encode(raw_hmac(key, &[msg_id.as_bytes(), b".", timestamp.to_string().as_bytes(), b".", body]))
}

/// Standard Webhooks: strip `whsec_`, base64-decode, use the bytes as key.
pub fn standard_key(secret: &str) -> Result<Vec<u8>, SignError> {
    if secret.is_empty() {
        return Err(SignError::EmptySecret);
    }
    B64.decode(secret.strip_prefix("whsec_").unwrap_or(secret)).map_err(|_| SignError::NotBase64)
}

/// Constant-time equality, so a verifier leaks nothing about how much of a guess was right.
fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A parsed `t=…,v1=…` header.
#[derive(Debug, PartialEq, Eq)]
pub struct TimestampedHeader {
    pub timestamp: i64,
    pub v1: Vec<String>,
}

/// Why a header could not be read at all.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HeaderError {
    #[error("the header is empty")]
    Empty,
    #[error("the header has no `t=` timestamp (expected `t=<unix seconds>,v1=<hex>`)")]
    MissingTimestamp,
    #[error("the timestamp `{0}` is not a whole number of unix seconds")]
    BadTimestamp(String),
    #[error("the header has no `v1=` signature (expected `t=<unix seconds>,v1=<hex>`)")]
    MissingV1,
    #[error("the part `{0}` is not `key=value`")]
    BadPair(String),
    #[error(
        "no `v1,<base64>` signature in the header (expected e.g. `v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=`)"
    )]
    MissingStandardV1,
}

/// Parses a Stripe or Fintoc signature header. Unknown schemes (`v0=`) are ignored as the SDKs do.
pub fn parse_timestamped(header: &str) -> Result<TimestampedHeader, HeaderError> {
    let header = header.trim();
    if header.is_empty() {
        return Err(HeaderError::Empty);
    }
    let mut timestamp = None;
    let mut v1 = Vec::new();
    for part in header.split(',') {
        let (key, value) = part.trim().split_once('=').ok_or_else(|| HeaderError::BadPair(part.trim().to_string()))?;
        match key {
            "t" => timestamp = Some(value.parse::<i64>().map_err(|_| HeaderError::BadTimestamp(value.to_string()))?),
            "v1" => v1.push(value.to_string()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(HeaderError::MissingTimestamp)?;
    if v1.is_empty() {
        return Err(HeaderError::MissingV1);
    }
    Ok(TimestampedHeader { timestamp, v1 })
}

/// Parses `webhook-signature`: space-separated `v1,<base64>` entries; other versions ignored.
pub fn parse_standard(header: &str) -> Result<Vec<String>, HeaderError> {
    if header.trim().is_empty() {
        return Err(HeaderError::Empty);
    }
    let sigs: Vec<String> =
        header.split_whitespace().filter_map(|entry| entry.strip_prefix("v1,").map(str::to_string)).collect();
    if sigs.is_empty() {
        return Err(HeaderError::MissingStandardV1);
    }
    Ok(sigs)
}

/// What a receiver has in hand.
pub struct Received<'a> {
    pub scheme: Scheme,
    pub header: &'a str,
    pub body: &'a [u8],
    /// Standard Webhooks only: the `webhook-id` and `webhook-timestamp` headers.
    pub msg_id: Option<&'a str>,
    pub timestamp: Option<i64>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VerifyError {
    #[error("malformed signature header: {0}")]
    Malformed(#[from] HeaderError),
    #[error("{0}")]
    Secret(#[from] SignError),
    #[error("Standard Webhooks needs the webhook-id and webhook-timestamp values too (pass --id and --timestamp)")]
    MissingStandardFields,
    #[error("no signature matches the body and secret")]
    NoMatch,
    #[error("timestamp too old by {0} s (tolerance {1} s)")]
    TooOld(u64, u64),
    #[error("timestamp {0} s in the future (tolerance {1} s)")]
    TooNew(u64, u64),
}

/// The HMAC key a scheme derives from a secret: the string's bytes, or (Standard) the decoded base64.
pub fn key_for(scheme: Scheme, secret: &str) -> Result<Vec<u8>, SignError> {
    match scheme {
        Scheme::Stripe | Scheme::Fintoc if secret.is_empty() => Err(SignError::EmptySecret),
        Scheme::Stripe | Scheme::Fintoc => Ok(secret.as_bytes().to_vec()),
        Scheme::Standard => standard_key(secret),
    }
}

/// The timestamp the signature covers, once the header has been read.
pub fn signed_timestamp(r: &Received) -> Result<i64, VerifyError> {
    match r.scheme {
        Scheme::Stripe | Scheme::Fintoc => Ok(parse_timestamped(r.header)?.timestamp),
        Scheme::Standard => {
            parse_standard(r.header)?;
            r.timestamp.ok_or(VerifyError::MissingStandardFields)
        }
    }
}

/// Whether any signature in the header matches `body` under the raw HMAC `key`.
pub fn matches_with_key(r: &Received, key: &[u8], body: &[u8]) -> Result<bool, VerifyError> {
    Ok(match r.scheme {
        Scheme::Stripe | Scheme::Fintoc => {
            let h = parse_timestamped(r.header)?;
            let expected = hex::encode(raw_hmac(key, &[h.timestamp.to_string().as_bytes(), b".", body]));
            h.v1.iter().any(|c| ct_eq(c.as_bytes(), expected.as_bytes()))
        }
        Scheme::Standard => {
            let sigs = parse_standard(r.header)?;
            let (Some(id), Some(ts)) = (r.msg_id, r.timestamp) else {
                return Err(VerifyError::MissingStandardFields);
            };
            let expected = standard_signature(key, id, ts, body);
            sigs.iter().any(|c| ct_eq(c.as_bytes(), expected.as_bytes()))
        }
    })
}

/// Verifies as the official SDKs do: signature first, then timestamp age. Stripe and Fintoc SDKs
/// accept future timestamps; Standard Webhooks refuses both directions.
pub fn verify(r: &Received, secret: &str, tolerance: u64, now: i64) -> Result<(), VerifyError> {
    let timestamp = signed_timestamp(r)?;
    if !matches_with_key(r, &key_for(r.scheme, secret)?, r.body)? {
        return Err(VerifyError::NoMatch);
    }
    let age = now.saturating_sub(timestamp);
    if age > tolerance as i64 {
        return Err(VerifyError::TooOld(age as u64 - tolerance, tolerance));
    }
    if r.scheme == Scheme::Standard && age < -(tolerance as i64) {
        return Err(VerifyError::TooNew(age.unsigned_abs(), tolerance));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_signer_signs_as_sign_does() {
        let body = br#"{"id":"evt_1","object":"event"}"#;
        for scheme in [Scheme::Stripe, Scheme::Fintoc] {
            let signer = TimestampedSigner::new(scheme, "whsec_test").unwrap();
            let mut value = String::new();
            for timestamp in [0, 1_700_000_000, 1_700_000_001] {
                signer.sign_into(timestamp, body, &mut value);
                assert_eq!(scheme.sign("whsec_test", timestamp, "", body).unwrap()[0].1, value);
            }
        }
        assert!(TimestampedSigner::new(Scheme::Standard, "whsec_dGVzdA==").is_none());
    }

    #[test]
    fn parses_rotation_headers_and_ignores_v0() {
        let h = parse_timestamped("t=12,v1=aa,v0=zz,v1=bb").unwrap();
        assert_eq!(h, TimestampedHeader { timestamp: 12, v1: vec!["aa".into(), "bb".into()] });
    }

    #[test]
    fn header_errors_name_the_problem() {
        assert_eq!(parse_timestamped(""), Err(HeaderError::Empty));
        assert_eq!(parse_timestamped("v1=aa"), Err(HeaderError::MissingTimestamp));
        assert_eq!(parse_timestamped("t=abc,v1=aa"), Err(HeaderError::BadTimestamp("abc".into())));
        assert_eq!(parse_timestamped("t=1"), Err(HeaderError::MissingV1));
        assert_eq!(parse_timestamped("t=1,garbage"), Err(HeaderError::BadPair("garbage".into())));
        assert_eq!(parse_standard("v2,abc"), Err(HeaderError::MissingStandardV1));
    }

    #[test]
    fn stripe_accepts_future_but_standard_does_not() {
        let body = b"{}";
        let header = &Scheme::Stripe.sign("whsec_a", 1_000, "", body).unwrap()[0].1;
        let r = Received { scheme: Scheme::Stripe, header, body, msg_id: None, timestamp: None };
        assert_eq!(verify(&r, "whsec_a", 300, 0), Ok(()));
        assert_eq!(verify(&r, "whsec_a", 300, 1_400), Err(VerifyError::TooOld(100, 300)));
        assert_eq!(verify(&r, "whsec_b", 300, 1_000), Err(VerifyError::NoMatch));

        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let sig = &Scheme::Standard.sign(secret, 1_000, "msg_1", body).unwrap()[2].1;
        let r = Received { scheme: Scheme::Standard, header: sig, body, msg_id: Some("msg_1"), timestamp: Some(1_000) };
        assert_eq!(verify(&r, secret, 300, 1_000), Ok(()));
        assert_eq!(verify(&r, secret, 300, 0), Err(VerifyError::TooNew(1_000, 300)));
    }

    #[test]
    fn constant_time_compare_is_equality() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"ab"));
    }
}
