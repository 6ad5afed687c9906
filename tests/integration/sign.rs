//! `whk sign --verify` names the check that failed and the culprit that fits.

use crate::support::Whk;

const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const BODY: &str = r#"{"id":"evt_1","object":"event","data":{"object":{"amount":5,"b":1}}}"#;

fn signed_header(provider: &str, secret: &str, body: &str) -> String {
    let run = Whk::new().args(["sign", "--provider", provider, "--secret", secret, "-"]).stdin(body).run().expect(0);
    run.stdout().trim().split_once(": ").unwrap().1.to_string()
}

fn verify(provider: &str, secret: &str, header: &str, body: impl Into<Vec<u8>>) -> crate::support::Run {
    Whk::new().args(["sign", "--provider", provider, "--secret", secret, "--verify", header]).stdin(body).run()
}

#[test]
fn valid_signatures_verify_and_a_pasted_header_line_works() {
    let header = signed_header("stripe", SECRET, BODY);
    verify("stripe", SECRET, &header, BODY).expect(0);
    verify("stripe", SECRET, &format!("Stripe-Signature: {header}"), BODY).expect(0);
    // Stripe and Fintoc share the construction; a rotation header with an extra v1 still verifies.
    verify("fintoc", SECRET, &format!("{header},v1=deadbeef"), BODY).expect(0);
}

#[test]
fn culprits_are_named() {
    let header = signed_header("stripe", SECRET, BODY);
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("trailing newline added", format!("{BODY}\n").into_bytes(), "trailing newline was added"),
        (
            "re-serialised pretty",
            serde_json::to_vec_pretty(&serde_json::from_str::<serde_json::Value>(BODY).unwrap()).unwrap(),
            "re-serialised",
        ),
        ("python spacing", BODY.replace(',', ", ").replace("\":", "\": ").into_bytes(), "re-serialised"),
        ("content changed", BODY.replace('5', "6").into_bytes(), "no usual culprit fits"),
    ];
    for (name, body, expected) in cases {
        let run = verify("stripe", SECRET, &header, body).expect(1);
        assert!(run.stdout().contains("no signature matches"), "{name}: {}", run.stdout());
        assert!(run.stdout().contains(expected), "{name}: {}", run.stdout());
    }
    let with_newline = format!("{BODY}\n");
    let header_nl = signed_header("stripe", SECRET, &with_newline);
    let run = verify("stripe", SECRET, &header_nl, BODY).expect(1);
    assert!(run.stdout().contains("lost its trailing newline"), "{}", run.stdout());
}

#[test]
fn secret_culprits_are_named() {
    let bare = SECRET.strip_prefix("whsec_").unwrap();
    let header = signed_header("stripe", bare, BODY);
    let run = verify("stripe", SECRET, &header, BODY).expect(1);
    assert!(run.stdout().contains("WITHOUT its `whsec_` prefix"), "{}", run.stdout());
    let header = signed_header("stripe", SECRET, BODY);
    let run = verify("stripe", bare, &header, BODY).expect(1);
    assert!(run.stdout().contains("lacks its `whsec_` prefix"), "{}", run.stdout());
}

#[test]
fn other_schemes_and_malformed_headers() {
    let run = verify("stripe", SECRET, "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=", BODY).expect(1);
    assert!(run.stdout().contains("malformed") && run.stdout().contains("--provider standard"), "{}", run.stdout());
    let run = verify("stripe", SECRET, "t=abc,v1=00", BODY).expect(1);
    assert!(run.stdout().contains("`abc` is not a whole number"), "{}", run.stdout());
    let header = signed_header("stripe", SECRET, BODY);
    let run = Whk::new()
        .args([
            "sign",
            "--provider",
            "standard",
            "--secret",
            SECRET,
            "--id",
            "msg_1",
            "--timestamp",
            "1",
            "--verify",
            &header,
        ])
        .stdin(BODY)
        .run()
        .expect(1);
    assert!(run.stdout().contains("--provider stripe or fintoc"), "{}", run.stdout());
    let run = Whk::new()
        .args(["sign", "--provider", "standard", "--secret", SECRET, "--verify", "v1,abc"])
        .stdin(BODY)
        .run()
        .expect(2);
    assert!(run.stderr().contains("--id and --timestamp"), "{}", run.stderr());
}

#[test]
fn standard_webhooks_sign_and_verify_round_trip() {
    let run = Whk::new()
        .args(["sign", "--provider", "standard", "--secret", SECRET, "--id", "msg_9", "--timestamp", "1700000000"])
        .stdin(BODY)
        .run()
        .expect(0);
    let out = run.stdout();
    assert!(out.contains("webhook-id: msg_9\nwebhook-timestamp: 1700000000\nwebhook-signature: v1,"), "{out}");
    let sig = out.lines().find_map(|l| l.strip_prefix("webhook-signature: ")).unwrap();
    let args = ["sign", "--provider", "standard", "--secret", SECRET, "--id", "msg_9", "--timestamp", "1700000000"];
    Whk::new().args(args).args(["--tolerance", "2000000000", "--verify", sig]).stdin(BODY).run().expect(0);
    let run = Whk::new().args(args).args(["--verify", sig]).stdin(BODY).run().expect(1);
    assert!(run.stdout().contains("too old"), "{}", run.stdout());
    let run = Whk::new()
        .args(["sign", "--provider", "standard", "--secret", "whsec_!!notbase64"])
        .stdin(BODY)
        .run()
        .expect(2);
    assert!(run.stderr().contains("base64"), "{}", run.stderr());
}

#[test]
fn bad_input_files_are_clear_errors() {
    let run =
        Whk::new().args(["sign", "--provider", "stripe", "--secret", SECRET, "/nonexistent/body.json"]).run().expect(2);
    assert!(run.stderr().contains("cannot read the payload file /nonexistent/body.json"), "{}", run.stderr());
    let run = Whk::new().args(["sign", "--provider", "stripe", "--secret", "", "-"]).stdin(BODY).run().expect(2);
    assert!(run.stderr().contains("secret is empty"), "{}", run.stderr());
    Whk::new().args(["sign", "--provider", "paypal"]).run().expect(2);
}
