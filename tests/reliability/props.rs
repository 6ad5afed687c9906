//! Property tests: sign → verify round trips for every scheme (checked against an independent HMAC
//! too, so a bug shared by signer and verifier cannot hide), tolerance enforced on verify, and
//! byte-identical forwarding of any JSON object text through a real `whk listen`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::Mac;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use whk::signing::{verify, Received, Scheme, VerifyError};

use crate::support::{exchange, free_port, post_bytes, signed, unix_now, wait_until, App, Listen, Records};

fn scheme() -> impl Strategy<Value = Scheme> {
    prop_oneof![Just(Scheme::Stripe), Just(Scheme::Fintoc), Just(Scheme::Standard)]
}

fn received<'a>(scheme: Scheme, header: &'a str, body: &'a [u8], id: &'a str, t: i64) -> Received<'a> {
    Received { scheme, header, body, msg_id: Some(id), timestamp: Some(t) }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn sign_then_verify_round_trips_and_nothing_else_verifies(
        scheme in scheme(),
        key in vec(any::<u8>(), 1..48),
        body in vec(any::<u8>(), 0..600),
        t in 0i64..4_000_000_000,
        id in "[a-zA-Z0-9_]{1,32}",
        flip in any::<prop::sample::Index>(),
    ) {
        let secret = format!("whsec_{}", B64.encode(&key));
        let headers = scheme.sign(&secret, t, &id, &body).unwrap();
        let header = headers.last().unwrap().1.clone();
        let r = received(scheme, &header, &body, &id, t);
        prop_assert_eq!(verify(&r, &secret, 300, t), Ok(()));
        // Tolerance: valid up to 300 s old, refused one second later.
        prop_assert_eq!(verify(&r, &secret, 300, t + 300), Ok(()));
        prop_assert_eq!(verify(&r, &secret, 300, t + 301), Err(VerifyError::TooOld(1, 300)));
        let early = verify(&r, &secret, 300, t - 301);
        if scheme == Scheme::Standard {
            prop_assert_eq!(early, Err(VerifyError::TooNew(301, 300)));
        } else {
            prop_assert_eq!(early, Ok(()), "Stripe's and Fintoc's SDKs accept future timestamps");
        }
        // Another secret, another body, or one changed character of the signature never verify.
        let mut other_key = key.clone();
        other_key[0] ^= 1;
        prop_assert_eq!(verify(&r, &format!("whsec_{}", B64.encode(&other_key)), 300, t), Err(VerifyError::NoMatch));
        let longer = [body.as_slice(), b"\n"].concat();
        prop_assert_eq!(verify(&received(scheme, &header, &longer, &id, t), &secret, 300, t), Err(VerifyError::NoMatch));
        if !body.is_empty() {
            let mut changed = body.clone();
            changed[flip.index(body.len())] ^= 0x20;
            prop_assert_eq!(verify(&received(scheme, &header, &changed, &id, t), &secret, 300, t), Err(VerifyError::NoMatch));
        }
        let mut forged = header.clone().into_bytes();
        let last = forged.len() - 2; // inside the signature, before any base64 padding
        forged[last] = if forged[last] == b'A' { b'B' } else { b'A' };
        let forged = String::from_utf8(forged).unwrap();
        prop_assert!(verify(&received(scheme, &forged, &body, &id, t), &secret, 300, t).is_err());
    }

    #[test]
    fn signatures_match_an_independent_hmac(
        secret in "[!-~]{1,64}",
        body in vec(any::<u8>(), 0..600),
        t in 0i64..4_000_000_000,
    ) {
        // Stripe and Fintoc: hex HMAC-SHA256 over "t.body", keyed by the whole secret string.
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{t}.").as_bytes());
        mac.update(&body);
        let expected = format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()));
        for scheme in [Scheme::Stripe, Scheme::Fintoc] {
            let headers = scheme.sign(&secret, t, "", &body).unwrap();
            prop_assert_eq!(&headers, &vec![(scheme.signature_header().to_string(), expected.clone())]);
            prop_assert_eq!(verify(&received(scheme, &expected, &body, "", t), &secret, 300, t), Ok(()));
        }
    }
}

/// JSON text as a sender might write it: any whitespace, escapes or literal characters, numbers
/// in every notation, duplicate keys. listen must pass it on byte for byte.
fn json_text() -> impl Strategy<Value = String> {
    let ws = || prop::sample::select(vec!["", " ", "\n", "\t", "\r\n", "  \n\t "]);
    let number = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        prop::sample::select(vec![
            "0",
            "-0",
            "1.5e+10",
            "1E-7",
            "12345678901234567890123",
            "3.14159265358979323846264",
            "-1e308"
        ])
        .prop_map(String::from),
    ];
    let leaf =
        prop_oneof![prop::sample::select(vec!["null", "true", "false"]).prop_map(String::from), number, json_string(),];
    let value = leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            (vec(inner.clone(), 0..6), ws())
                .prop_map(|(items, w)| format!("[{w}{}{w}]", items.join(&format!("{w},{w}")))),
            (vec((json_string(), inner), 0..6), ws()).prop_map(|(members, w)| object(&members, w)),
        ]
    });
    (vec((json_string(), value), 0..8), ws(), ws())
        .prop_map(|(members, w, edge)| format!("{edge}{}{edge}", object(&members, w)))
}

fn object(members: &[(String, String)], w: &str) -> String {
    let members: Vec<String> = members.iter().map(|(k, v)| format!("{k}{w}:{w}{v}")).collect();
    format!("{{{w}{}{w}}}", members.join(&format!("{w},{w}")))
}

/// A JSON string literal: each character literal or `\u` escaped (surrogate pairs beyond the BMP).
fn json_string() -> impl Strategy<Value = String> {
    vec((any::<char>(), any::<bool>()), 0..12).prop_map(|chars| {
        let mut out = String::from("\"");
        for (c, escape) in chars {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '/' if escape => out.push_str("\\/"),
                c if (c as u32) < 0x20 || escape => {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        out.push_str(&format!("\\u{unit:04x}"));
                    }
                }
                c => out.push(c),
            }
        }
        out.push('"');
        out
    })
}

#[test]
fn the_generated_json_is_json() {
    let mut runner = TestRunner::new(Config { cases: 256, failure_persistence: None, ..Config::default() });
    runner
        .run(&json_text(), |text| {
            let value: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
            prop_assert!(value.is_object());
            Ok(())
        })
        .unwrap();
}

#[test]
fn forwarding_is_byte_identical_for_any_json_object() {
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let dir = tempfile::tempdir().unwrap();
    let records: Records = Arc::new(Mutex::new(Vec::new()));
    let app = App::start(0, records.clone(), App::always(200));
    let listen =
        Listen::start(dir.path(), free_port(), "props", &["--forward-to", &app.url("/fwd"), "--secret", SECRET]);
    let mut runner = TestRunner::new(Config { cases: 200, failure_persistence: None, ..Config::default() });
    let n = std::sync::atomic::AtomicUsize::new(0);
    runner
        .run(&(json_text(), scheme()), |(text, scheme)| {
            let id = format!("msg_{}", n.fetch_add(1, std::sync::atomic::Ordering::SeqCst));
            let body = text.into_bytes();
            let headers = signed(scheme, SECRET, 0, &id, &body);
            let before = records.lock().unwrap().len();
            let answer = exchange(listen.port, &post_bytes("/hook", &headers, &body), Duration::from_secs(10)).unwrap();
            prop_assert_eq!(answer.status, Some(200), "{}", answer.text);
            prop_assert!(
                wait_until(Duration::from_secs(10), || records.lock().unwrap().len() > before),
                "not forwarded"
            );
            let got = records.lock().unwrap()[before].clone();
            prop_assert_eq!(&got.body, &body, "forwarded byte for byte");
            // Re-signed by listen, under the event's own scheme, over exactly those bytes.
            let header = got.header(scheme.signature_header()).expect("a signature header");
            let t = got.header("webhook-timestamp").and_then(|t| t.parse().ok()).unwrap_or(0);
            let msg = got.header("webhook-id").unwrap_or("");
            let r = Received { scheme, header, body: &got.body, msg_id: Some(msg), timestamp: Some(t) };
            prop_assert_eq!(verify(&r, SECRET, 300, unix_now()), Ok(()));
            Ok(())
        })
        .unwrap();
    assert!(!listen.stderr_text().contains("panicked"));
}
