//! The Stripe catalog judged by Stripe's own declarations (issue 12): every Stripe event whk
//! generates, plainly and as a Connect event, must type-check as an object literal of its
//! `Stripe.<Name>Event` from npm `stripe@23.1.0` under `tsc --strict --noEmit`, where excess-
//! property checks make an invented field an error. tests/tsc/typecheck.mjs does the checking and
//! plants three defects that tsc must catch; scripts/stripe-catalog/generate.mjs must reproduce
//! the checked-in templates byte for byte.
//!
//! `./scripts/test` installs tests/tsc/node_modules (pinned by its package-lock.json). Without
//! it those two tests say so and pass vacuously; the catalog and event-fit tests need nothing.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const ACCOUNT: &str = "acct_1Nv0FGQ9RKHgCVdK";

/// stripe-node 23 declares these resources' required decimal fields (Climate.Order.metric_tons,
/// Climate.Product.metric_tons_available, InvoiceItem.quantity_decimal) as its Decimal class, which
/// it builds from the wire's decimal string for API responses only; a webhook body carries the
/// string, so for these types tsc's one complaint is "string is not assignable to Decimal".
const DECIMAL_STRING_TYPES: &[&str] = &[
    "climate.order.canceled",
    "climate.order.created",
    "climate.order.delayed",
    "climate.order.delivered",
    "climate.order.product_substituted",
    "climate.product.created",
    "climate.product.pricing_updated",
    "invoiceitem.created",
    "invoiceitem.deleted",
];

#[test]
fn every_stripe_event_type_checks_against_stripe_node() {
    let Some(node) = node_with_typescript() else { return };
    let config = tempfile::tempdir().expect("temporary folder");
    let out = Command::new(node)
        .arg(root().join("tests/tsc/typecheck.mjs"))
        .arg(env!("CARGO_BIN_EXE_whk"))
        .args(["--account", ACCOUNT])
        .env("WHK_CONFIG_DIR", config.path())
        .env_remove("WHK_TEMPLATES") // a developer's own templates would change the events
        .output()
        .expect("run node tests/tsc/typecheck.mjs");
    let summary = summary(&out);
    println!("{summary}");
    assert!(out.status.success(), "tsc refused whk's events:\n{}", String::from_utf8_lossy(&out.stderr));

    let types = catalog_types().len() as u64;
    assert_eq!(summary["events"], types * 2, "every type, plainly and with --account: {summary}");
    assert_eq!(summary["failed"], 0, "{summary}");
    assert_eq!(summary["controls_failing_as_they_must"], 3, "a planted defect went unnoticed: {summary}");
    let decimal: Vec<&str> =
        summary["decimal_string_types"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    assert_eq!(decimal, DECIMAL_STRING_TYPES, "the Decimal allowance covers exactly the known fields");
}

#[test]
fn the_stripe_templates_are_what_the_generator_writes() {
    let Some(node) = node_with_typescript() else { return };
    let out = Command::new(node)
        .arg(root().join("scripts/stripe-catalog/generate.mjs"))
        .arg("--check")
        .output()
        .expect("run node scripts/stripe-catalog/generate.mjs --check");
    assert!(
        out.status.success(),
        "templates/stripe is stale:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// templates/stripe holds exactly the event types of Stripe's list, nothing invented.
#[test]
fn the_stripe_catalog_is_every_declared_event_type() {
    let templates: BTreeSet<String> = fs::read_dir(root().join("templates/stripe"))
        .expect("templates/stripe")
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .map(|name| name.strip_suffix(".json").expect("only .json files in templates/stripe").to_owned())
        .collect();
    assert_eq!(templates, catalog_types());
}

/// Each event's object fits the event (issue 12's rules), times are ordered, ids cross-reference,
/// and with --account every connected-account id in the event is that account.
#[test]
fn every_stripe_event_fits_its_type() {
    let config = tempfile::tempdir().expect("temporary folder");
    let mut misfits = Vec::new();
    for event_type in catalog_types() {
        let event = trigger(config.path(), &event_type);
        let object = &event["data"]["object"];
        let mut check = |ok: bool, rule: &str| {
            if !ok {
                misfits.push(format!("{event_type}: {rule}"));
            }
        };
        let created = event["created"].as_i64().unwrap();
        let times = Times::of(object);
        check(times.created.iter().all(|&t| t <= created), "every created is at or before the event's");
        check(times.periods.iter().all(|(start, end)| start < end), "every period starts before it ends");
        let accounts = strings(&event).into_iter().filter(|s| s.starts_with("acct_")).collect::<BTreeSet<_>>();
        check(accounts.iter().all(|a| *a == ACCOUNT), "every acct_ id is the --account");

        if event_type.ends_with(".updated") {
            let previous = event["data"]["previous_attributes"].as_object();
            check(previous.is_some_and(|p| !p.is_empty()), "an update carries previous_attributes");
            for (key, old) in previous.into_iter().flatten() {
                check(object.get(key).is_some_and(|now| now != old), &format!("previous {key} is a changed property"));
            }
        }
        let field = |name: &str| &object[name];
        match event_type.as_str() {
            "invoice.paid" | "invoice.payment_succeeded" => {
                check(field("status") == "paid", "status paid");
                check(field("amount_paid") == field("total"), "amount_paid = total");
                check(field("amount_remaining") == 0, "amount_remaining 0");
            }
            "invoice.payment_failed" => {
                check(field("status") == "open", "status open");
                check(field("attempted") == true, "attempted");
                check(field("next_payment_attempt").as_i64().is_some_and(|t| t > created), "a next attempt ahead");
            }
            "customer.subscription.deleted" => {
                check(field("status") == "canceled", "status canceled");
                check(field("ended_at").as_i64().is_some_and(|t| t <= created), "ended_at set");
                check(field("canceled_at").as_i64().is_some_and(|t| t <= created), "canceled_at set");
            }
            "charge.refunded" => {
                check(field("refunded") == true, "refunded");
                check(field("amount_refunded") == field("amount"), "amount_refunded = amount");
            }
            "charge.dispute.created" => check(field("status") == "needs_response", "status needs_response"),
            "checkout.session.completed" => {
                check(field("status") == "complete", "status complete");
                check(field("payment_status") == "paid", "payment_status paid");
            }
            "payment_intent.payment_failed" => {
                check(field("status") == "requires_payment_method", "status requires_payment_method");
                check(field("last_payment_error").is_object(), "last_payment_error set");
            }
            _ => {}
        }
        if event_type.starts_with("invoice.") && event_type != "invoice.upcoming" {
            let invoice = field("id").as_str().unwrap();
            let lines = field("lines")["data"].as_array().unwrap();
            check(lines.iter().all(|line| line["invoice"] == *invoice), "every line names its invoice");
            let subscription = &field("parent")["subscription_details"]["subscription"];
            check(subscription.as_str().is_some_and(|s| s.starts_with("sub_")), "the invoice's subscription is an id");
            check(field("customer").as_str().is_some_and(|c| c.starts_with("cus_")), "the customer is an id");
        }
        if event_type.starts_with("charge.")
            && !event_type.starts_with("charge.dispute.")
            && object["object"] == "charge"
        {
            check(field("payment_intent").as_str().is_some_and(|p| p.starts_with("pi_")), "payment_intent is a pi_ id");
            check(field("customer").as_str().is_some_and(|c| c.starts_with("cus_")), "customer is a cus_ id");
        }
    }
    assert!(misfits.is_empty(), "{} misfit(s):\n{}", misfits.len(), misfits.join("\n"));
}

/// `whk trigger TYPE --provider stripe --account ACCOUNT --print`: the body it would send.
fn trigger(config: &Path, event_type: &str) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_whk"))
        .args(["trigger", event_type, "--provider", "stripe", "--account", ACCOUNT, "--print"])
        .args(["--forward-to", "127.0.0.1:9"])
        .env("WHK_CONFIG_DIR", config)
        .env_remove("WHK_TEMPLATES")
        .output()
        .expect("run whk");
    assert!(out.status.success(), "whk trigger {event_type}: {}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8(out.stdout).expect("UTF-8");
    // --print shows the request: headers, a blank line, then the body.
    let body = printed.split_once("\n\n").map(|(_, body)| body).unwrap_or_default();
    serde_json::from_str(body)
        .unwrap_or_else(|e| panic!("whk trigger {event_type} printed no JSON body ({e}):\n{printed}"))
}

/// The `created` times and the (start, end) pairs found anywhere in a value.
#[derive(Default)]
struct Times {
    created: Vec<i64>,
    periods: Vec<(i64, i64)>,
}

impl Times {
    fn of(value: &Value) -> Times {
        let mut times = Times::default();
        times.collect(value);
        times
    }

    fn collect(&mut self, value: &Value) {
        match value {
            Value::Object(map) => {
                self.created.extend(map.get("created").and_then(Value::as_i64));
                for (start, end) in
                    [("period_start", "period_end"), ("current_period_start", "current_period_end"), ("start", "end")]
                {
                    if let (Some(s), Some(e)) =
                        (map.get(start).and_then(Value::as_i64), map.get(end).and_then(Value::as_i64))
                    {
                        self.periods.push((s, e));
                    }
                }
                map.values().for_each(|v| self.collect(v));
            }
            Value::Array(items) => items.iter().for_each(|v| self.collect(v)),
            _ => {}
        }
    }
}

fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(s) => vec![s.as_str()],
        Value::Object(map) => map.values().flat_map(strings).collect(),
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        _ => vec![],
    }
}

fn catalog_types() -> BTreeSet<String> {
    let tsv = fs::read_to_string(root().join("scripts/stripe-catalog/stripe-event-types.tsv")).expect("the TSV");
    let types: BTreeSet<String> = tsv
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| line.split('\t').next().unwrap().to_owned())
        .collect();
    assert_eq!(types.len(), 275, "stripe-event-types.tsv lists 275 v1 event types");
    types
}

/// Node (WHK_SDK_NODE, as ./scripts/test sets it, else `node`) when tests/tsc/node_modules is
/// installed; otherwise None after saying why the test checks nothing.
fn node_with_typescript() -> Option<PathBuf> {
    let modules = root().join("tests/tsc/node_modules");
    if !modules.join("typescript").is_dir() || !modules.join("stripe").is_dir() {
        eprintln!(
            "SKIPPED: {} is missing, so stripe-node's types cannot be consulted; \
             run ./scripts/test (or `npm ci` in tests/tsc)",
            modules.display()
        );
        return None;
    }
    Some(std::env::var_os("WHK_SDK_NODE").filter(|p| !p.is_empty()).map_or_else(|| "node".into(), PathBuf::from))
}

fn summary(out: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line).unwrap_or_else(|_| {
        panic!("typecheck.mjs printed no summary:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr))
    })
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}
