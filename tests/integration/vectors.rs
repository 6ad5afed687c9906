//! The public test vectors (copied from the providers' SDKs into tests/data) reproduced by `whk sign`.

use serde_json::Value;

use crate::support::Whk;

fn vectors() -> Vec<Value> {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/signing-vectors.json")).unwrap();
    serde_json::from_str::<Value>(&text).unwrap()["vectors"].as_array().unwrap().clone()
}

#[test]
fn whk_sign_reproduces_every_vector() {
    let all = vectors();
    assert_eq!(all.len(), 3);
    for v in all {
        let mut args = vec![
            "sign".to_string(),
            "--provider".into(),
            v["provider"].as_str().unwrap().into(),
            "--secret".into(),
            v["secret"].as_str().unwrap().into(),
            "--timestamp".into(),
            v["timestamp"].to_string(),
        ];
        if let Some(id) = v["msg_id"].as_str() {
            args.extend(["--id".into(), id.into()]);
        }
        let run = Whk::new().args(&args).stdin(v["payload"].as_str().unwrap()).run().expect(0);
        let expected = format!("{}: {}", v["header_name"].as_str().unwrap(), v["header_value"].as_str().unwrap());
        assert!(run.stdout().lines().any(|l| l == expected), "{}\nwanted {expected}", run.stdout());
    }
}

fn verify_args(v: &Value, tolerance: Option<&str>) -> Vec<String> {
    let mut args = vec![
        "sign".to_string(),
        "--provider".into(),
        v["provider"].as_str().unwrap().into(),
        "--secret".into(),
        v["secret"].as_str().unwrap().into(),
        "--verify".into(),
        v["header_value"].as_str().unwrap().into(),
    ];
    if let Some(id) = v["msg_id"].as_str() {
        args.extend(["--id".into(), id.into(), "--timestamp".into(), v["timestamp"].to_string()]);
    }
    if let Some(t) = tolerance {
        args.extend(["--tolerance".into(), t.into()]);
    }
    args
}

#[test]
fn whk_sign_verifies_every_vector_and_says_how_old_it_is() {
    for v in vectors() {
        let payload = v["payload"].as_str().unwrap();
        // The vectors are years old: a tolerance reaching back to them checks only the signature.
        let run = Whk::new().args(verify_args(&v, Some("2000000000"))).stdin(payload).run().expect(0);
        assert!(run.stdout().starts_with("valid:"), "{}", run.stdout());
        let run = Whk::new().args(verify_args(&v, None)).stdin(payload).run().expect(1);
        assert!(run.stdout().contains("timestamp too old by"), "{}", run.stdout());
        let tampered = payload.replacen('"', "\"x", 1);
        let run = Whk::new().args(verify_args(&v, Some("2000000000"))).stdin(tampered).run().expect(1);
        assert!(run.stdout().contains("no signature matches"), "{}", run.stdout());
    }
}
