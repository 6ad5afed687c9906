use serde_json::Value;

use crate::support::Whk;

/// The catalog the issue requires, no fewer.
const STRIPE: &[&str] = &[
    "financial_connections.account.created",
    "financial_connections.account.deactivated",
    "financial_connections.account.reactivated",
    "financial_connections.account.disconnected",
    "financial_connections.account.refreshed_balance",
    "financial_connections.account.refreshed_ownership",
    "financial_connections.account.refreshed_transactions",
    "account.application.deauthorized",
    "account.external_account.updated",
    "account.updated",
    "balance.available",
    "payment_intent.succeeded",
    "payout.failed",
    "person.updated",
    "customer.created",
];
const FINTOC: &[&str] = &[
    "link.created",
    "link.credentials_changed",
    "link.refresh_intent.succeeded",
    "account.refresh_intent.succeeded",
    "account.refresh_intent.failed",
    "account.refresh_intent.rejected",
    "account.refresh_intent.movements_removed",
    "checkout_session.finished",
    "checkout_session.expired",
    "payment_intent.succeeded",
    "payment_intent.rejected",
    "payment_intent.expired",
    "payment_intent.failed",
    "payment_intent.pending",
    "payout.created",
    "payout.succeeded",
    "payout.canceled",
    "refund.in_progress",
    "refund.succeeded",
    "refund.failed",
    "subscription_intent.succeeded",
    "subscription_intent.failed",
    "subscription_intent.rejected",
    "subscription.activated",
    "subscription.canceled",
    "charge.succeeded",
    "charge.failed",
];

#[test]
fn json_lists_every_required_event_with_its_fields() {
    let run = Whk::new().args(["events", "--json"]).run().expect(0);
    let list: Vec<Value> = serde_json::from_str(&run.stdout()).unwrap();
    for (provider, names) in [("stripe", STRIPE), ("fintoc", FINTOC)] {
        for name in names {
            let entry = list.iter().find(|e| e["provider"] == provider && e["type"] == *name);
            let entry = entry.unwrap_or_else(|| panic!("{provider}:{name} missing"));
            assert!(!entry["object"].as_str().unwrap().is_empty());
            assert!(entry["description"].as_str().unwrap().len() > 10);
        }
    }
    let run = Whk::new().args(["events", "--json", "--provider", "fintoc"]).run().expect(0);
    let list: Vec<Value> = serde_json::from_str(&run.stdout()).unwrap();
    assert_eq!(list.len(), FINTOC.len());
}

#[test]
fn the_table_groups_by_provider_without_colour_off_a_terminal() {
    let run = Whk::new().args(["events"]).run().expect(0);
    let out = run.stdout();
    assert!(out.starts_with("stripe\n"), "{out}");
    assert!(out.contains("\nfintoc\n"));
    assert!(out.contains("    payout.failed "));
    assert!(!out.contains('\u{1b}'), "no escape codes when stdout is not a terminal");
    let run = Whk::new().args(["events", "--color", "always"]).env("NO_COLOR", "1").run().expect(0);
    assert!(run.stdout().contains('\u{1b}'), "--color always wins over NO_COLOR");
}

/// Every name the Stripe CLI's `stripe trigger` accepts that is an event type of its own (the
/// file's header says which ten are not) builds offline as that Stripe event; the ten others are
/// refused as unknown, not sent as something else.
#[test]
fn every_stripe_cli_trigger_name_that_is_an_event_type_works() {
    let names = include_str!("../data/stripe-cli-trigger-names.txt");
    let listed = Whk::new().args(["events", "--json", "--provider", "stripe"]).run().expect(0);
    let stripe: Vec<Value> = serde_json::from_str(&listed.stdout()).unwrap();
    let known = |name: &str| stripe.iter().any(|e| e["type"] == name);
    let (mut types, mut others) = (0, 0);
    for name in names.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let run = Whk::new().args(["trigger", &format!("stripe:{name}"), "--print", "--json"]).run();
        if known(name) {
            let request: Value = serde_json::from_str(&run.expect(0).stdout()).unwrap();
            let event: Value = serde_json::from_str(request["body"].as_str().unwrap()).unwrap();
            assert_eq!(event["type"], name);
            types += 1;
        } else {
            assert!(run.expect(2).stderr().contains("unknown event"), "{name}");
            others += 1;
        }
    }
    assert_eq!((types, others), (111, 10), "the CLI's 121 names: 111 event types and 10 others");
}
