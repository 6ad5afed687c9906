//! Fintoc events as Fintoc sends them at API version 2026-02-01: the fields its documentation
//! gives each object, no invented ones, and only the headers Fintoc documents.

use serde_json::Value;

use crate::support::{Sink, Whk, SECRET};

/// `data` of one Fintoc event, as delivered.
fn resource(event: &str) -> Value {
    let sink = Sink::start(200);
    Whk::new()
        .args(["trigger", &format!("fintoc:{event}"), "--secret", SECRET, "--forward-to", &sink.url("/f")])
        .run()
        .expect(0);
    sink.received().pop().unwrap().json()["data"].clone()
}

fn keys(object: &Value) -> Vec<&str> {
    object.as_object().unwrap_or_else(|| panic!("not an object: {object}")).keys().map(String::as_str).collect()
}

#[test]
fn a_fintoc_delivery_carries_only_the_headers_fintoc_documents() {
    let sink = Sink::start(200);
    let run = Whk::new()
        .args(["trigger", "fintoc:payment_intent.succeeded", "--secret", SECRET, "--forward-to", &sink.url("/f")])
        .run()
        .expect(0);
    let got = sink.received().pop().unwrap_or_else(|| panic!("nothing received: {}", run.stderr()));
    let mut names: Vec<String> = got.headers.iter().map(|(k, _)| k.to_ascii_lowercase()).collect();
    names.sort();
    assert_eq!(names, ["content-length", "content-type", "fintoc-signature", "host"], "{:?}", got.headers);
    assert_eq!(got.header("Content-Type"), Some("application/json"));
    let printed = Whk::new()
        .args(["trigger", "fintoc:payout.created", "--secret", SECRET, "--print", "--forward-to", "/f"])
        .run()
        .expect(0)
        .stdout();
    let head: Vec<&str> = printed.lines().skip(1).take_while(|l| !l.is_empty()).collect();
    assert_eq!(head.len(), 2, "{printed}");
    assert!(head[0] == "Content-Type: application/json" && head[1].starts_with("Fintoc-Signature: t="), "{printed}");
}

#[test]
fn account_refresh_intents_carry_public_error() {
    for (event, expected) in [
        ("account.refresh_intent.succeeded", Value::Null),
        ("account.refresh_intent.rejected", Value::Null),
        ("account.refresh_intent.movements_removed", Value::Null),
        ("account.refresh_intent.failed", "retryable_error".into()),
    ] {
        let intent = resource(event);
        assert_eq!(intent.get("public_error"), Some(&expected), "{event}: {intent}");
    }
}

#[test]
fn no_field_fintoc_does_not_document() {
    for event in ["charge.succeeded", "charge.failed"] {
        assert!(resource(event).get("subscription_id").is_none(), "{event}: the Charge object has no subscription_id");
    }
    for event in ["checkout_session.finished", "checkout_session.expired"] {
        assert!(resource(event).get("ui_mode").is_none(), "{event}: Fintoc documents no ui_mode");
    }
}

#[test]
fn objects_follow_api_version_2026_02_01() {
    let current_payment_intent = ["customer", "next_action", "payment_method", "subscription"];
    for status in ["succeeded", "failed", "rejected", "pending", "expired"] {
        let intent = resource(&format!("payment_intent.{status}"));
        for field in current_payment_intent {
            assert!(intent.get(field).is_some(), "payment_intent.{status} lacks {field}: {intent}");
        }
    }
    let session = resource("checkout_session.finished");
    let customer = &session["customer"];
    for field in ["id", "object", "address", "created_at", "mode", "phone", "name", "email", "tax_id", "metadata"] {
        assert!(customer.get(field).is_some(), "the checkout session's customer lacks {field}: {customer}");
    }
    assert_eq!(customer["object"], "customer");
    assert!(customer["id"].as_str().unwrap().starts_with("cus_"), "{customer}");
    let paid = &session["payment_resource"]["payment_intent"];
    for field in current_payment_intent {
        assert!(paid.get(field).is_some(), "the session's payment intent lacks {field}: {paid}");
    }
    assert_eq!(paid["customer"]["id"], customer["id"], "one customer");
    assert!(session.get("payment_methods").is_none() && session["payment_method_types"].is_array(), "{session}");
    let refund = resource("refund.succeeded");
    assert_eq!(
        keys(&refund).iter().copied().collect::<std::collections::BTreeSet<_>>(),
        [
            "id",
            "object",
            "amount",
            "created_at",
            "currency",
            "failure_code",
            "metadata",
            "mode",
            "recipient_account",
            "resource_id",
            "resource_type",
            "status",
            "updated_at"
        ]
        .into(),
    );
    for event in ["subscription.activated", "subscription.canceled"] {
        let balance = &resource(event)["account"]["balance"];
        for field in ["available", "current", "limit"] {
            assert!(balance[field].is_i64(), "{event}: account.balance.{field}: {balance}");
        }
    }
}

#[test]
fn the_future_timestamp_verdict_names_each_sdk_truthfully() {
    let careless = Sink::start(200);
    let tamper = |event: &str, sink: &Sink| {
        let args =
            ["trigger", event, "--secret", SECRET, "--forward-to", &sink.url("/f"), "--tamper", "future-timestamp"];
        Whk::new().args(args).run().expect(0).stdout()
    };
    let out = tamper("fintoc:payout.created", &careless);
    assert!(out.contains("accepted, as fintoc-python would; fintoc-node refuses it"), "{out}");
    assert!(!out.contains("the official SDKs accept"), "{out}");
    let strict = Sink::with_response(400, &[], "timestamp outside the tolerance zone");
    let out = tamper("fintoc:payout.created", &strict);
    assert!(out.contains("refused (400), as fintoc-node would; fintoc-python accepts it"), "{out}");
    let out = tamper("stripe:payout.failed", &careless);
    assert!(out.contains("accepted, as stripe-node and stripe-python would"), "{out}");
    let json = Whk::new()
        .args(["trigger", "fintoc:payout.created", "--secret", SECRET, "--forward-to", &careless.url("/f")])
        .args(["--tamper", "future-timestamp", "--json"])
        .run()
        .expect(0)
        .stdout();
    let row: Value = serde_json::from_str(json.trim()).unwrap();
    assert_eq!(row["sdks"], serde_json::json!({"fintoc-node": "refuses", "fintoc-python": "accepts"}));
}
