//! The Stripe catalog judged by Stripe's own declarations (issue 12): every Stripe event whk
//! generates, plainly and as a Connect event, must type-check as an object literal of its
//! `Stripe.<Name>Event` from npm `stripe@23.1.0` under `tsc --strict --noEmit`, where excess-
//! property checks make an invented field an error. tests/tsc/typecheck.mjs does the checking and
//! plants three defects that tsc must catch; scripts/stripe-catalog/generate.mjs must reproduce
//! the checked-in templates byte for byte.
//!
//! `./scripts/test` installs tests/tsc/node_modules (pinned by its package-lock.json). Without
//! it these tests say so and pass vacuously; the catalog-coverage test needs nothing.

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
