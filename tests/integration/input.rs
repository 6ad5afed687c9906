//! Input a new user gets wrong or writes the Stripe CLI's way: each is either understood or
//! answered with a message that names the problem and the fix.

use serde_json::Value;

use crate::support::{Sink, Whk, SECRET};

fn trigger(sink: &Sink, extra: &[&str]) -> crate::support::Run {
    Whk::new().args(["trigger", "--secret", SECRET, "--forward-to", &sink.url("/webhook")]).args(extra).run()
}

#[test]
fn headers_take_the_stripe_cli_comma_list_and_one_per_flag() {
    let sink = Sink::start(200);
    trigger(&sink, &["payout.failed", "-H", "Key1:Value1, Key2:Value2", "-H", "X-Third: 3"]).expect(0);
    let got = sink.received().pop().unwrap();
    assert_eq!(got.header("Key1"), Some("Value1"));
    assert_eq!(got.header("Key2"), Some("Value2"));
    assert_eq!(got.header("X-Third"), Some("3"));
    trigger(&sink, &["payout.failed", "-H", "X-List: a/b, c/d", "-H", "X-Date: Mon, 01 Jan 2026 10:00:00 GMT"])
        .expect(0);
    let got = sink.received().pop().unwrap();
    assert_eq!(got.header("X-List"), Some("a/b, c/d"), "a comma inside a value stays in it");
    assert_eq!(got.header("X-Date"), Some("Mon, 01 Jan 2026 10:00:00 GMT"));

    // listen forwards with them too.
    let app = Sink::start(200);
    let listen = crate::support::Listener::start(&["--forward-to", &app.url("/app"), "-H", "K1: v1, K2: v2"]);
    listen.whk().args(["trigger", "payout.failed", "--forward-to", &listen.url()]).run().expect(0);
    listen.wait_for_log("the delivery", |log| log.iter().any(|e| e["rec"] == "delivered"));
    let got = app.received().pop().unwrap();
    assert_eq!((got.header("K1"), got.header("K2")), (Some("v1"), Some("v2")));
}

#[test]
fn an_api_key_given_as_the_secret_gets_a_warning_and_still_signs() {
    let sink = Sink::start(200);
    for key in ["sk_test_51Nv0FGQ9RKHgCVdKabc", "rk_live_xyz", "pk_test_abc"] {
        let run = Whk::new().args(["trigger", "payout.failed", "--secret", key, "--forward-to", &sink.url("/")]).run();
        let run = run.expect(0);
        let err = run.stderr();
        assert!(err.contains("warning:") && err.contains("like an API key") && err.contains("whsec_"), "{err}");
        assert!(!err.contains(key), "the key is never echoed: {err}");
        let got = sink.received().pop().unwrap();
        crate::support::assert_signed_with(key, got.header("Stripe-Signature").unwrap(), &got.body);
    }
    for fine in [SECRET, "fintoc_secret_abc", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] {
        let run = Whk::new().args(["sign", "--provider", "stripe", "--secret", fine, "-"]).stdin("{}").run().expect(0);
        assert!(!run.stderr().contains("warning"), "{fine}: {}", run.stderr());
    }
    let run =
        Whk::new().env("WHK_SECRET", "sk_live_fromenv").args(["sign", "--provider", "fintoc", "-"]).stdin("{}").run();
    assert!(run.expect(0).stderr().contains("env WHK_SECRET"), "names where the key came from");
}

#[test]
fn add_on_an_existing_field_points_to_override_and_a_missing_parent_gets_the_right_advice() {
    let sink = Sink::start(200);
    let run = trigger(&sink, &["payout.failed", "--add", "amount=1"]).expect(2);
    let err = run.stderr();
    assert!(err.contains("`amount` already exists") && err.contains("--override amount=1"), "{err}");
    let run = trigger(&sink, &["payout.failed", "--add", "nonexist.deep=1"]).expect(2);
    let err = run.stderr();
    assert!(err.contains(r#"--add 'nonexist={"deep":1}'"#) && !err.contains("use --add to create"), "{err}");
    assert!(sink.received().is_empty(), "nothing sent");
    trigger(&sink, &["payout.failed", "--add", r#"nonexist={"deep":1}"#]).expect(0);
    assert_eq!(sink.received()[0].json()["data"]["object"]["nonexist"]["deep"], 1, "the advice works");
}

#[test]
fn print_json_prints_the_request_as_one_object() {
    let sink = Sink::start(200);
    let run = trigger(&sink, &["fintoc:payout.created", "--print", "--json", "-H", "X-Test: 1"]).expect(0);
    let out = run.stdout();
    assert_eq!(out.lines().count(), 1, "one line: {out}");
    let request: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(request["method"], "POST");
    assert_eq!(request["url"], sink.url("/webhook"));
    assert_eq!(request["headers"]["Content-Type"], "application/json");
    assert_eq!(request["headers"]["X-Test"], "1");
    let body = request["body"].as_str().unwrap();
    let signature = request["headers"]["Fintoc-Signature"].as_str().unwrap();
    crate::support::assert_signed_with(SECRET, signature, body.as_bytes());
    assert_eq!(serde_json::from_str::<Value>(body).unwrap()["type"], "payout.created");
    assert!(sink.received().is_empty(), "--print sends nothing");
}

#[test]
fn save_makes_its_folder_and_never_overwrites_without_force() {
    let project = tempfile::tempdir().unwrap();
    let sink = Sink::start(200);
    let save = |extra: &[&str]| {
        Whk::new()
            .args(["trigger", "payout.failed", "--secret", SECRET, "--forward-to", &sink.url("/")])
            .args(extra)
            .env("PWD", project.path())
            .run()
    };
    let folder = project.path().join("tests/fixtures/");
    let folder_arg = format!("{}/", folder.display());
    let run = save(&["--save", &folder_arg, "--no-send"]).expect(0);
    assert!(run.stderr().contains("stripe.payout.failed.json"), "{}", run.stderr());
    save(&["--save", &folder_arg, "--no-send"]).expect(0);
    save(&["--save", &folder_arg, "--no-send", "--account", "acct_1Nv0FGQ9RKHgCVdK"]).expect(0);
    let mut names: Vec<String> =
        std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(
        names,
        ["stripe.payout.failed.2.json", "stripe.payout.failed.connect.json", "stripe.payout.failed.json"]
    );
    let first = std::fs::read(folder.join("stripe.payout.failed.json")).unwrap();
    let connect: Value =
        serde_json::from_slice(&std::fs::read(folder.join("stripe.payout.failed.connect.json")).unwrap()).unwrap();
    assert_eq!(connect["account"], "acct_1Nv0FGQ9RKHgCVdK");

    let file = folder.join("mine.json");
    let file_arg = file.to_str().unwrap();
    save(&["--save", file_arg, "--no-send"]).expect(0);
    let kept = std::fs::read(&file).unwrap();
    let run = save(&["--save", file_arg, "--no-send"]).expect(2);
    assert!(run.stderr().contains("already exists") && run.stderr().contains("--force"), "{}", run.stderr());
    assert_eq!(std::fs::read(&file).unwrap(), kept, "not overwritten");
    save(&["--save", file_arg, "--no-send", "--force"]).expect(0);
    assert_ne!(std::fs::read(&file).unwrap(), kept, "--force overwrites");
    save(&["--save", &folder_arg, "--no-send", "--force"]).expect(0);
    assert_ne!(std::fs::read(folder.join("stripe.payout.failed.json")).unwrap(), first);
    assert!(sink.received().is_empty());

    let not_a_folder = folder.join("mine.json/x.json");
    save(&["--save", not_a_folder.to_str().unwrap(), "--no-send"]).expect(2);
}

#[test]
fn sign_verify_detects_reordered_and_sorted_keys() {
    let sink = Sink::start(200);
    for (event, provider) in [("stripe:payout.failed", "stripe"), ("fintoc:payment_intent.succeeded", "fintoc")] {
        let out = trigger(&sink, &[event, "--print", "--json"]).expect(0).stdout();
        let request: Value = serde_json::from_str(&out).unwrap();
        let body = request["body"].as_str().unwrap();
        let header = request["headers"].as_object().unwrap().iter().find(|(k, _)| k.ends_with("-Signature")).unwrap().1;
        let value: Value = serde_json::from_str(body).unwrap();
        for (how, changed) in [("sorted", sorted(&value)), ("reversed", reversed(&value))] {
            for bytes in [serde_json::to_vec(&changed).unwrap(), serde_json::to_vec_pretty(&changed).unwrap()] {
                let run = Whk::new()
                    .args(["sign", "--provider", provider, "--secret", SECRET, "--verify", header.as_str().unwrap()])
                    .stdin(bytes)
                    .run()
                    .expect(1);
                let out = run.stdout();
                assert!(out.contains("keys were put in another order"), "{event} {how}: {out}");
            }
        }
    }
}

/// A body in Stripe's own order (`id`, `object`, then alphabetical) for a type whk does not know.
#[test]
fn sign_verify_detects_sorted_keys_in_stripe_order_for_any_event_type() {
    let body = r#"{"id":"evt_1","object":"event","api_version":"2026-10-28.endive","created":1,"data":{"object":{"id":"po_1","object":"payout","amount":5,"currency":"usd"}},"livemode":false,"type":"some.new_event"}"#;
    let run = Whk::new().args(["sign", "--provider", "stripe", "--secret", SECRET, "-"]).stdin(body).run().expect(0);
    let header = run.stdout().trim().split_once(": ").unwrap().1.to_string();
    let changed = serde_json::to_vec(&sorted(&serde_json::from_str(body).unwrap())).unwrap();
    let run =
        Whk::new().args(["sign", "--provider", "stripe", "--secret", SECRET, "--verify", &header]).stdin(changed).run();
    assert!(run.expect(1).stdout().contains("keys were put in another order"));
}

fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k.clone(), sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

fn reversed(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(map.iter().rev().map(|(k, v)| (k.clone(), reversed(v))).collect()),
        Value::Array(items) => Value::Array(items.iter().map(reversed).collect()),
        other => other.clone(),
    }
}
