//! Every Stripe event whk generates must pass the typed-parser check, with and without a
//! connected account. The events are built in-process with the `whk` library, exactly as
//! `whk trigger` builds and signs them.

use std::time::{SystemTime, UNIX_EPOCH};

use stripe_typed_check::check;
use whk::event::catalog::{Catalog, Template};
use whk::event::patch::Patch;
use whk::event::{build, BuildOptions};
use whk::providers::{Provider, DEFAULT_API_VERSION};
use whk::signing::Scheme;

const SECRET: &str = "whsec_typedcheck0123456789abcdefABCDEF";
const ACCOUNT: &str = "acct_1Nv0FGQ9RKHgCVdK";

/// Events the issue names as what teams on Billing and Checkout need: each must be typed by this
/// build of the crate (its billing and checkout features are on), not merely accepted.
const MUST_BE_TYPED: [&str; 8] = [
    "checkout.session.completed",
    "invoice.paid",
    "invoice.payment_failed",
    "customer.subscription.updated",
    "charge.refunded",
    "charge.dispute.created",
    "payout.failed",
    "financial_connections.account.refreshed_balance",
];

fn catalog() -> Catalog {
    Catalog::load(None).expect("the built-in catalog loads")
}

/// Builds and signs `template` as `whk trigger` would: (body, Stripe-Signature value).
fn signed(template: &Template, account: Option<&str>, patches: &[Patch]) -> (String, String) {
    let options = BuildOptions { account, livemode: false, api_version: DEFAULT_API_VERSION, patches };
    let event = build(template, &options).unwrap_or_else(|e| panic!("{}: build failed: {e}", template.event_type));
    let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs() as i64;
    let headers = Scheme::Stripe.sign(SECRET, now, "", &event.body).expect("a non-empty secret signs");
    let signature = headers
        .into_iter()
        .find(|(name, _)| name == "Stripe-Signature")
        .map(|(_, value)| value)
        .expect("Stripe signing yields a Stripe-Signature header");
    (String::from_utf8(event.body).expect("the body is JSON, so UTF-8"), signature)
}

/// Every Stripe event whk generates, with and without a connected account, parses as its typed
/// `EventObject` variant wherever the crate types that event; an event type the crate does not
/// type (its `EventObject::Unknown`) is counted and listed, never a malformed object: a known
/// type whose object does not fit fails the parse itself.
#[test]
fn every_stripe_event_parses_as_its_typed_variant() {
    let catalog = catalog();
    let stripe: Vec<&Template> = catalog.templates().iter().filter(|t| t.provider == Provider::Stripe).collect();
    assert_eq!(stripe.len(), 275, "every Stripe event type is built in");

    let mut failures = Vec::new();
    let mut typed = Vec::new();
    let mut untyped = Vec::new();
    for template in &stripe {
        for account in [None, Some(ACCOUNT)] {
            let (body, signature) = signed(template, account, &[]);
            match check(&body, &signature, SECRET) {
                Ok(_) => typed.push(template.event_type.as_str()),
                Err(reason) if reason.contains("EventObject::Unknown") => untyped.push(template.event_type.as_str()),
                Err(reason) => failures.push(format!("{} (account {account:?}): {reason}", template.event_type)),
            }
        }
    }
    assert!(failures.is_empty(), "{} events failed the typed check:\n{}", failures.len(), failures.join("\n"));
    for event in MUST_BE_TYPED {
        assert!(typed.contains(&event), "{event} is not typed by this build: {untyped:?}");
    }
    untyped.dedup();
    eprintln!(
        "typed: {} deliveries of {} event types; not typed by this build of async-stripe: {} ({})",
        typed.len(),
        typed.len() / 2,
        untyped.len(),
        untyped.join(", ")
    );
}

#[test]
fn a_payout_without_its_amount_is_rejected() {
    let catalog = catalog();
    let template = catalog.resolve("payout.failed", Some(Provider::Stripe)).expect("payout.failed is built in");

    // The same event intact passes, so the rejection below is down to the removed field.
    let (body, signature) = signed(template, None, &[]);
    assert_eq!(check(&body, &signature, SECRET), Ok("PayoutFailed".to_string()));

    let (body, signature) = signed(template, None, &[Patch::Remove("amount".into())]);
    let sent: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(sent.pointer("/data/object/amount").is_none(), "the patch removed data.object.amount");
    let reason = check(&body, &signature, SECRET).expect_err("a payout with no amount must be rejected");
    assert!(reason.contains("amount"), "the reason should name the missing field: {reason}");
}

#[test]
fn an_unknown_enum_value_is_rejected() {
    // The parser itself accepts it as `Unknown(..)` with a logged warning; the check must not.
    let catalog = catalog();
    let template = catalog.resolve("payout.failed", Some(Provider::Stripe)).expect("payout.failed is built in");
    let (body, signature) = signed(template, None, &[Patch::Override("type".into(), "bnak".into())]);
    let reason = check(&body, &signature, SECRET).expect_err("type \"bnak\" must be rejected");
    assert!(reason.contains("bnak"), "the reason should name the unknown value: {reason}");
}

#[test]
fn a_wrong_secret_is_rejected() {
    let catalog = catalog();
    let template = catalog.resolve("payout.failed", Some(Provider::Stripe)).expect("payout.failed is built in");
    let (body, signature) = signed(template, None, &[]);
    assert!(check(&body, &signature, "whsec_not_the_signing_secret").is_err());
}
