use serde_json::Value;

use crate::support::{free_port, write_file, Sink, Whk, SECRET};

fn catalog() -> Vec<(String, String, String)> {
    let run = Whk::new().args(["events", "--json"]).run().expect(0);
    let list: Vec<Value> = serde_json::from_str(&run.stdout()).unwrap();
    list.iter()
        .map(|e| {
            (
                e["provider"].as_str().unwrap().into(),
                e["type"].as_str().unwrap().into(),
                e["object"].as_str().unwrap().into(),
            )
        })
        .collect()
}

fn assert_signed(header: &str, body: &[u8]) {
    crate::support::assert_signed_with(SECRET, header, body);
}

fn trigger(sink: &Sink, extra: &[&str]) -> crate::support::Run {
    Whk::new().args(["trigger", "--secret", SECRET, "--forward-to", &sink.url("/webhook")]).args(extra).run()
}

#[test]
fn every_event_in_the_catalog_is_delivered_signed_in_the_provider_envelope() {
    let sink = Sink::start(200);
    let events = catalog();
    assert!(events.len() >= 42, "15 Stripe + 27 Fintoc events, got {}", events.len());
    for (provider, event_type, object) in &events {
        let run = trigger(&sink, &[&format!("{provider}:{event_type}")]).expect(0);
        let out = run.stdout();
        // Stripe sends account.application.* only for a connected account: whk adds one.
        let connect_only = provider == "stripe" && event_type.starts_with("account.application.");
        let connect = if connect_only { "[connect] " } else { "" };
        assert!(out.contains(&format!("--> {connect}{event_type} [evt_")), "{out}");
        assert!(out.contains("<-- [200] POST http://127.0.0.1:"), "{out}");
        let got = sink.received().pop().unwrap();
        assert_eq!(got.path, "/webhook");
        let event = got.json();
        let keys: Vec<&str> = event.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(event["type"], event_type.as_str());
        assert!(event["id"].as_str().unwrap().starts_with("evt_"));
        match provider.as_str() {
            "stripe" => {
                assert_signed(got.header("Stripe-Signature").unwrap(), &got.body);
                assert_eq!(got.header("Content-Type"), Some("application/json; charset=utf-8"));
                assert_eq!(got.header("User-Agent"), Some("Stripe/1.0 (+https://stripe.com/docs/webhooks)"));
                assert_eq!(keys.get(2) == Some(&"account"), connect_only, "{event_type}: top-level account");
                let keys: Vec<&str> = keys.into_iter().filter(|k| *k != "account").collect();
                assert_eq!(
                    keys,
                    [
                        "id",
                        "object",
                        "api_version",
                        "created",
                        "data",
                        "livemode",
                        "pending_webhooks",
                        "request",
                        "type"
                    ]
                );
                assert_eq!(event["data"]["object"]["object"], object.as_str());
                assert_eq!(event["api_version"], "2026-10-28.endive");
                if event_type.ends_with(".updated") {
                    assert!(event["data"]["previous_attributes"].is_object(), "{event_type} has previous_attributes");
                }
            }
            "fintoc" => {
                assert_signed(got.header("Fintoc-Signature").unwrap(), &got.body);
                assert_eq!(keys, ["id", "type", "mode", "created_at", "data", "object"]);
                assert_eq!(event["mode"], "test");
                assert_eq!(event["data"]["object"], object.as_str());
                let created_at = event["created_at"].as_str().unwrap();
                assert!(created_at.len() == 24 && created_at.ends_with('Z'), "ISO with millis: {created_at}");
            }
            other => panic!("unknown provider {other}"),
        }
    }
    assert_eq!(sink.received().len(), events.len());
}

#[test]
fn each_delivery_has_fresh_ids() {
    let sink = Sink::start(200);
    trigger(&sink, &["payout.failed"]).expect(0);
    trigger(&sink, &["payout.failed"]).expect(0);
    let [a, b] = [0, 1].map(|i| sink.received()[i].json());
    assert_ne!(a["id"], b["id"]);
    assert_ne!(a["data"]["object"]["id"], b["data"]["object"]["id"]);
    let id = a["data"]["object"]["id"].as_str().unwrap();
    assert!(id.starts_with("po_") && id.len() == 27, "{id}");
}

#[test]
fn stripe_events_carry_values_that_fit_them() {
    let sink = Sink::start(200);
    let get = |name: &str| {
        trigger(&sink, &[name]).expect(0);
        sink.received().pop().unwrap().json()
    };
    let payout = get("payout.failed");
    assert_eq!(payout["data"]["object"]["status"], "failed");
    assert!(payout["data"]["object"]["failure_code"].is_string());
    assert!(payout["data"]["object"]["failure_message"].is_string());
    let deactivated = get("financial_connections.account.deactivated");
    assert_eq!(deactivated["data"]["object"]["status"], "inactive");
    assert_eq!(deactivated["data"]["previous_attributes"]["status"], "active");
    let refreshed = get("financial_connections.account.refreshed_balance");
    assert_eq!(refreshed["data"]["object"]["balance_refresh"]["status"], "succeeded");
    let pi = get("stripe:payment_intent.succeeded");
    assert_eq!(pi["data"]["object"]["status"], "succeeded");
    assert_eq!(pi["data"]["object"]["amount_received"], pi["data"]["object"]["amount"]);
}

#[test]
fn events_stripe_sends_only_for_a_connected_account_always_carry_one() {
    let sink = Sink::start(200);
    let run = trigger(&sink, &["account.application.deauthorized"]).expect(0);
    let event = sink.received()[0].json();
    let account = event["account"].as_str().expect("a top-level account without --account");
    assert!(account.starts_with("acct_"), "{account}");
    assert!(
        run.stderr().contains(&format!("only for a connected account: it carries account {account}")),
        "{}",
        run.stderr()
    );
    let run = trigger(&sink, &["account.application.deauthorized", "--account", "acct_1Nv0FGQ9RKHgCVdK"]).expect(0);
    assert_eq!(sink.received()[1].json()["account"], "acct_1Nv0FGQ9RKHgCVdK");
    assert!(!run.stderr().contains("only for a connected account"), "{}", run.stderr());
}

#[test]
fn connect_events_belong_to_the_given_account() {
    let sink = Sink::start(200);
    let run = trigger(&sink, &["person.updated", "--account", "acct_1Nv0FGQ9RKHgCVdK"]).expect(0);
    assert!(run.stdout().contains("--> [connect] person.updated"), "{}", run.stdout());
    let event = sink.received().pop().unwrap().json();
    assert_eq!(event["account"], "acct_1Nv0FGQ9RKHgCVdK");
    assert_eq!(event["data"]["object"]["account"], "acct_1Nv0FGQ9RKHgCVdK");
    trigger(&sink, &["stripe-account-alias-check"]).expect(2);
    trigger(&sink, &["account.updated", "--stripe-account", "acct_1Nv0FGQ9RKHgCVdK"]).expect(0);
    assert_eq!(sink.received().pop().unwrap().json()["data"]["object"]["id"], "acct_1Nv0FGQ9RKHgCVdK");

    trigger(&sink, &["person.updated"]).expect(0);
    let event = sink.received().pop().unwrap().json();
    assert!(event.get("account").is_none(), "no top-level account without --account");
    assert!(event["data"]["object"]["account"].as_str().unwrap().starts_with("acct_"));

    let run = trigger(&sink, &["link.created", "--account", "acct_1Nv0FGQ9RKHgCVdK"]).expect(2);
    assert!(run.stderr().contains("Fintoc"), "{}", run.stderr());
    let run = trigger(&sink, &["person.updated", "--account", "bob"]).expect(2);
    assert!(run.stderr().contains("acct_"), "{}", run.stderr());
}

#[test]
fn names_both_providers_document_need_a_provider() {
    let sink = Sink::start(200);
    let run = trigger(&sink, &["payment_intent.succeeded"]).expect(2);
    let err = run.stderr();
    assert!(err.contains("stripe") && err.contains("fintoc") && err.contains("--provider"), "{err}");
    trigger(&sink, &["payment_intent.succeeded", "--provider", "fintoc"]).expect(0);
    assert!(sink.received().pop().unwrap().header("Fintoc-Signature").is_some());
    trigger(&sink, &["stripe:payment_intent.succeeded"]).expect(0);
    assert!(sink.received().pop().unwrap().header("Stripe-Signature").is_some());
    let run = trigger(&sink, &["payout.faild"]).expect(2);
    assert!(run.stderr().contains("did you mean payout.failed"), "{}", run.stderr());
    let run = trigger(&sink, &["paypal:payout.failed"]).expect(2);
    assert!(run.stderr().contains("unknown provider `paypal`"), "{}", run.stderr());
    assert_eq!(sink.received().len(), 2, "nothing sent for bad names");
}

#[test]
fn fintoc_envelope_live_mode_and_link_token() {
    let sink = Sink::start(200);
    trigger(&sink, &["link.created", "--livemode"]).expect(0);
    let event = sink.received().pop().unwrap().json();
    assert_eq!(event["mode"], "live");
    let link = &event["data"];
    let id = link["id"].as_str().unwrap();
    assert!(id.starts_with("link_"));
    let token = link["link_token"].as_str().unwrap();
    assert!(token.starts_with(&format!("{id}_token_")), "{token}");
    trigger(&sink, &["payout.failed", "--livemode"]).expect(0);
    let event = sink.received().pop().unwrap().json();
    assert_eq!(event["livemode"], true);
    assert_eq!(event["data"]["object"]["livemode"], true);
}

#[test]
fn override_add_and_remove() {
    let sink = Sink::start(200);
    trigger(
        &sink,
        &[
            "payout.failed",
            "--override",
            "amount=777",
            "--override",
            "event.pending_webhooks=3",
            "--add",
            "metadata.order=A17",
            "--remove",
            "description",
            "--override",
            "currency=eur",
        ],
    )
    .expect(0);
    let event = sink.received().pop().unwrap().json();
    let payout = &event["data"]["object"];
    assert_eq!(payout["amount"], 777);
    assert_eq!(payout["currency"], "eur");
    assert_eq!(payout["metadata"]["order"], "A17");
    assert!(payout.get("description").is_none());
    assert_eq!(event["pending_webhooks"], 3);

    let run = trigger(&sink, &["payout.failed", "--override", "no_such_field=1"]).expect(2);
    assert!(
        run.stderr().contains("`no_such_field` does not exist") && run.stderr().contains("--add"),
        "{}",
        run.stderr()
    );
    let run = trigger(&sink, &["payout.failed", "--override", "amount.cents=1"]).expect(2);
    assert!(run.stderr().contains("a number"), "{}", run.stderr());
    trigger(&sink, &["payout.failed", "--override", "amount"]).expect(2);
    assert_eq!(sink.received().len(), 1);
}

#[test]
fn non_2xx_and_redirects_are_failures_with_the_body_shown() {
    let other = Sink::start(200);
    let redirect = Sink::with_response(302, &[("Location", &other.url("/"))], "moved");
    let run = trigger(&redirect, &["customer.created"]).expect(1);
    assert!(run.stdout().contains("<-- [302]"), "{}", run.stdout());
    assert!(run.stderr().contains("redirect"), "{}", run.stderr());
    assert!(other.received().is_empty(), "redirect not followed");

    let refusing = Sink::with_response(400, &[], "No signatures found matching the expected signature");
    let run = trigger(&refusing, &["customer.created"]).expect(1);
    assert!(run.stdout().contains("<-- [400]") && run.stdout().contains("No signatures found"), "{}", run.stdout());
}

#[test]
fn unreachable_targets_exit_3_with_a_hint() {
    let port = free_port().to_string();
    let run = Whk::new().args(["trigger", "customer.created", "--forward-to", &port]).run().expect(3);
    assert!(run.stderr().contains(&format!("nothing is listening on localhost:{port}")), "{}", run.stderr());

    // A server that accepts and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", silent.local_addr().unwrap());
    let run =
        Whk::new().args(["trigger", "customer.created", "--timeout", "0.5", "--forward-to", &url]).run().expect(3);
    assert!(run.stderr().contains("did not answer within 0.5 s"), "{}", run.stderr());
}

#[test]
fn default_target_is_whk_listen_and_the_error_says_so() {
    let run = Whk::new().args(["trigger", "customer.created"]).run();
    // Exit 3 unless a developer happens to run `whk listen` on this machine.
    if run.code() == 3 {
        assert!(run.stderr().contains("whk listen"), "{}", run.stderr());
    }
}

#[test]
fn print_writes_the_exact_request_and_sends_nothing() {
    let sink = Sink::start(200);
    let run = trigger(&sink, &["payout.failed", "--print", "-H", "X-Test: 1"]).expect(0);
    let out = run.stdout();
    let (head, body) = out.split_once("\n\n").unwrap();
    let body = body.strip_suffix('\n').expect("the output ends with a newline");
    assert!(!body.ends_with('\n'), "one newline, after the body");
    assert!(head.starts_with(&format!("POST {}", sink.url("/webhook"))), "{head}");
    assert!(head.contains("\nX-Test: 1"));
    let signature = head.lines().find_map(|l| l.strip_prefix("Stripe-Signature: ")).unwrap();
    assert_signed(signature, body.as_bytes());
    assert!(sink.received().is_empty());
}

#[test]
fn json_reports_one_object_per_delivery() {
    let sink = Sink::start(200);
    let run = trigger(&sink, &["fintoc:payout.created", "--json", "-H", "X-Extra: yes"]).expect(0);
    let report: Value = serde_json::from_str(run.stdout().trim()).unwrap();
    assert_eq!(report["type"], "payout.created");
    assert_eq!(report["status"], 200);
    assert_eq!(report["ok"], true);
    assert_eq!(report["url"], sink.url("/webhook"));
    assert!(report["duration_ms"].as_f64().unwrap() >= 0.0);
    assert_eq!(report["id"], sink.received()[0].json()["id"]);
    assert_eq!(sink.received()[0].header("X-Extra"), Some("yes"));
    let run = trigger(&sink, &["payout.failed", "-H", "X-Bad: a\r\nInjected: 1"]).expect(2);
    assert!(run.stderr().contains("bad header"), "{}", run.stderr());
}

#[test]
fn the_local_secret_is_made_once_owner_only_and_shared() {
    let sink = Sink::start(200);
    let whk = Whk::new();
    let config = whk.config_dir().to_path_buf();
    let run = whk.args(["trigger", "customer.created", "--forward-to", &sink.url("/")]).run().expect(0);
    let secret = std::fs::read_to_string(config.join("secret")).unwrap();
    assert!(secret.starts_with("whsec_"));
    assert!(!run.stdout().contains(&secret) && !run.stderr().contains(&secret), "the secret is never printed");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(config.join("secret")).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let got = sink.received().pop().unwrap();
    // The same secret verifies the delivery through `whk sign --verify`.
    let header = got.header("Stripe-Signature").unwrap().to_string();
    Whk::new()
        .env("WHK_SECRET", &secret)
        .args(["sign", "--provider", "stripe", "--verify", &header])
        .stdin(got.body.clone())
        .run()
        .expect(0);
}

#[test]
fn user_templates_add_and_replace_events() {
    let dir = tempfile::tempdir().unwrap();
    write_file(
        dir.path(),
        "stripe/invoice.paid.json",
        r#"{"description":"An invoice was paid.","object":"invoice","data":{"id":"{{id:in}}","object":"invoice","status":"paid","created":"{{now}}"}}"#,
    );
    write_file(
        dir.path(),
        "fintoc/payout.created.json",
        r#"{"description":"Mine.","object":"payout","data":{"id":"{{id:po}}","object":"payout","amount":1}}"#,
    );
    let sink = Sink::start(200);
    let with_dir = |args: &[&str]| {
        Whk::new().env("WHK_TEMPLATES", dir.path()).args(["trigger", "--forward-to", &sink.url("/")]).args(args).run()
    };
    with_dir(&["invoice.paid"]).expect(0);
    let invoice = sink.received().pop().unwrap().json();
    assert_eq!(invoice["data"]["object"]["status"], "paid");
    assert!(invoice["data"]["object"]["created"].is_number());
    with_dir(&["fintoc:payout.created"]).expect(0);
    assert_eq!(sink.received().pop().unwrap().json()["data"]["amount"], 1);

    write_file(dir.path(), "stripe/broken.event.json", "{ not json");
    let run = with_dir(&["invoice.paid"]).expect(2);
    assert!(run.stderr().contains("broken.event.json: not valid JSON"), "{}", run.stderr());
    std::fs::remove_file(dir.path().join("stripe/broken.event.json")).unwrap();
    write_file(
        dir.path(),
        "stripe/bad.placeholder.json",
        r#"{"description":"d","object":"x","data":{"a":"{{nonsense}}"}}"#,
    );
    let run = with_dir(&["bad.placeholder"]).expect(2);
    assert!(run.stderr().contains("bad.placeholder.json") && run.stderr().contains("{{nonsense}}"), "{}", run.stderr());
    let run = Whk::new().args(["events", "--templates", "/nonexistent/dir"]).run().expect(2);
    assert!(run.stderr().contains("/nonexistent/dir"), "{}", run.stderr());
}

#[test]
fn an_endpoint_that_checks_nothing_fails_every_must_refuse_forgery() {
    let careless = Sink::start(200);
    let run = trigger(&careless, &["payout.failed", "--tamper", "all"]).expect(1);
    let out = run.stdout();
    for kind in [
        "bad-signature",
        "wrong-secret",
        "stale-timestamp",
        "modified-body",
        "missing-signature",
        "malformed-signature",
    ] {
        let line =
            out.lines().find(|l| l.trim_start().starts_with(kind)).unwrap_or_else(|| panic!("{kind} row: {out}"));
        assert!(line.contains("FAIL") && line.contains("ACCEPTED a forged event"), "{line}");
    }
    for kind in ["future-timestamp", "replayed"] {
        let line = out.lines().find(|l| l.trim_start().starts_with(kind)).unwrap();
        assert!(line.contains(" ok ") && line.contains("advisory"), "{line}");
    }
    let genuine = out.lines().find(|l| l.trim_start().starts_with("genuine")).unwrap();
    assert!(genuine.contains(" ok ") && genuine.contains("accepted, as it must"), "{genuine}");
    let got = careless.received();
    assert_eq!(got.len(), 10, "the control and 8 kinds, replayed sends twice");
    assert!(got.iter().any(|r| r.header("Stripe-Signature").is_none()), "missing-signature sends none");
    assert_eq!(got[8].body, got[9].body, "replayed is the same delivery twice");
    assert_eq!(got[8].header("Stripe-Signature"), got[9].header("Stripe-Signature"));

    let strict = Sink::with_response(400, &[], "bad signature");
    let run = trigger(&strict, &["fintoc:payout.created", "--tamper", "modified-body"]).expect(0);
    assert!(run.stdout().contains("refused, as it must"), "{}", run.stdout());
    let run = trigger(&strict, &["fintoc:payout.created", "--tamper", "replayed"]).expect(0);
    assert!(run.stdout().contains("advisory: refused"), "{}", run.stdout());
    let run = trigger(&strict, &["fintoc:payout.created", "--tamper", "genuine"]).expect(1);
    assert!(run.stdout().contains("REFUSED (400)") && run.stdout().contains("re-serialised body"), "{}", run.stdout());
    let run = trigger(&careless, &["payout.failed", "--tamper", "bad-signature"]).expect(1);
    assert!(run.stdout().contains("anyone who knows its URL can send it fake events"), "{}", run.stdout());
    Whk::new()
        .args(["trigger", "payout.failed", "--tamper", "all", "--forward-to", &free_port().to_string()])
        .run()
        .expect(3);
    trigger(&careless, &["payout.failed", "--tamper", "nonsense"]).expect(2);
}

#[test]
fn expect_status_and_save() {
    let refusing = Sink::with_response(400, &[], "no");
    trigger(&refusing, &["customer.created", "--expect-status", "4xx"]).expect(0);
    trigger(&refusing, &["customer.created", "--expect-status", "400"]).expect(0);
    trigger(&refusing, &["customer.created", "--expect-status", "2xx"]).expect(1);
    trigger(&refusing, &["customer.created", "--expect-status", "banana"]).expect(2);

    let dir = tempfile::tempdir().unwrap();
    let sink = Sink::start(200);
    let file = dir.path().join("payout.json");
    let run = trigger(&sink, &["payout.failed", "--save", file.to_str().unwrap()]).expect(0);
    assert!(run.stderr().contains("saved payout.failed to"), "{}", run.stderr());
    let saved = std::fs::read(&file).unwrap();
    assert_eq!(saved.strip_suffix(b"\n").unwrap(), sink.received()[0].body.as_slice(), "the fixture is the sent body");
    trigger(&sink, &["fintoc:refund.failed", "--save", dir.path().to_str().unwrap(), "--no-send"]).expect(0);
    assert_eq!(sink.received().len(), 1, "--no-send sends nothing");
    let fixture: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("fintoc.refund.failed.json")).unwrap()).unwrap();
    assert_eq!(fixture["type"], "refund.failed");
    // A folder cannot be made under a file.
    let under_a_file = file.join("dir/x.json");
    trigger(&sink, &["payout.failed", "--save", under_a_file.to_str().unwrap()]).expect(2);
}
