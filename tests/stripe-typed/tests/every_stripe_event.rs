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

/// Every built-in Stripe event and the `EventObject` variant it must parse as. Written out (not
/// derived from the type) so that a dropped or renamed template fails here.
const EXPECTED: [(&str, &str); 15] = [
    ("account.application.deauthorized", "AccountApplicationDeauthorized"),
    ("account.external_account.updated", "AccountExternalAccountUpdated"),
    ("account.updated", "AccountUpdated"),
    ("balance.available", "BalanceAvailable"),
    ("customer.created", "CustomerCreated"),
    ("financial_connections.account.created", "FinancialConnectionsAccountCreated"),
    ("financial_connections.account.deactivated", "FinancialConnectionsAccountDeactivated"),
    ("financial_connections.account.disconnected", "FinancialConnectionsAccountDisconnected"),
    ("financial_connections.account.reactivated", "FinancialConnectionsAccountReactivated"),
    ("financial_connections.account.refreshed_balance", "FinancialConnectionsAccountRefreshedBalance"),
    ("financial_connections.account.refreshed_ownership", "FinancialConnectionsAccountRefreshedOwnership"),
    ("financial_connections.account.refreshed_transactions", "FinancialConnectionsAccountRefreshedTransactions"),
    ("payment_intent.succeeded", "PaymentIntentSucceeded"),
    ("payout.failed", "PayoutFailed"),
    ("person.updated", "PersonUpdated"),
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

#[test]
fn every_stripe_event_parses_as_its_typed_variant() {
    let catalog = catalog();
    let stripe: Vec<&Template> = catalog.templates().iter().filter(|t| t.provider == Provider::Stripe).collect();
    let generated: Vec<&str> = stripe.iter().map(|t| t.event_type.as_str()).collect();
    let expected: Vec<&str> = EXPECTED.iter().map(|(event_type, _)| *event_type).collect();
    assert_eq!(generated, expected, "the built-in Stripe events changed; update EXPECTED");
    assert_eq!(stripe.len(), 15);

    let mut failures = Vec::new();
    let mut checked = 0;
    for (template, (_, variant)) in stripe.iter().zip(EXPECTED) {
        for account in [None, Some(ACCOUNT)] {
            let (body, signature) = signed(template, account, &[]);
            checked += 1;
            match check(&body, &signature, SECRET) {
                Ok(parsed) if parsed == variant => {}
                Ok(parsed) => failures.push(format!(
                    "{} (account {account:?}): parsed as {parsed}, expected {variant}",
                    template.event_type
                )),
                Err(reason) => failures.push(format!("{} (account {account:?}): {reason}", template.event_type)),
            }
        }
    }
    assert_eq!(checked, 30);
    assert!(
        failures.is_empty(),
        "{} of {checked} events failed the typed check:\n{}",
        failures.len(),
        failures.join("\n")
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
