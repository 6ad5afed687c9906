//! `whk trigger`: send one signed sample event, a forged one (--tamper), or N of them (--count).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueHint};

use super::parsers::{Header, HeaderList, Seconds};
use super::{EditArgs, SecretArgs, TemplatesArgs, TlsArgs};
use crate::providers::Provider;

pub(super) const HELP: &str = "\
PATH for --override/--add/--remove is dotted and relative to the resource (data.object for Stripe,
data for Fintoc); start it with `event.` to reach the envelope. Numeric parts index lists. VALUE is
JSON where it parses as JSON, a string otherwise.

With no event on a terminal, whk opens a picker: type to filter, Enter to send, Esc to cancel.
Defaults for --forward-to, --api-version, --provider and --secret come from WHK_FORWARD_TO,
WHK_API_VERSION, WHK_PROVIDER, WHK_SECRET or the config file (see `whk config`).

Examples:
  whk trigger
  whk trigger payout.failed --account acct_1Nv0FGQ9RKHgCVdK --forward-to localhost:4242/webhook
  whk trigger fintoc:payment_intent.succeeded --forward-to 3000/api/fintoc
  whk trigger stripe:payment_intent.succeeded --override amount=4200 --add metadata.order=A17
  whk trigger financial_connections.account.deactivated --print
  whk trigger link.created --json --forward-to http://localhost:8000/fintoc/widget
  whk trigger payout.failed --save tests/fixtures/ --no-send
  whk trigger payout.failed --forward-to 4242/webhook --tamper all
  whk trigger payout.failed --forward-to 4242/webhook --count 10000 --concurrency 32
  whk trigger fintoc:payment_intent.succeeded -f 3000/api/fintoc --count 600 --rate 50 --json

Load mode (--count): every event is generated with fresh ids and signed on its own; at most
--concurrency are in flight, started at no more than --rate per second. A progress bar shows on a
terminal; the summary gives the answers by status, errors by kind, throughput and latency
p50/p90/p99/max (--json: one object). Memory stays flat however large N is.

Forged deliveries (--tamper): genuine (the control, correctly signed) must be accepted with a 2xx;
bad-signature, wrong-secret, stale-timestamp, modified-body, missing-signature and
malformed-signature must be refused with a 4xx; future-timestamp and replayed are advisory (the
official SDKs may rightly accept them) and never fail the run.

Exit codes:
  0  delivered and the endpoint answered 2xx (--expect-status sets another; with --tamper: every
     forged delivery that must be refused got a 4xx; with --count: every one of the N did)
  1  the endpoint answered something else (3xx included: redirects are not followed); with
     --tamper: the endpoint accepted a forged event
  2  usage or input error
  3  could not connect, or the request timed out (with --count: for any of the N)
  4  whk could not use its own files (config folder, local secret, event log)
  130  the event picker was cancelled (Esc or Ctrl-C); nothing was sent";

#[derive(Args, Debug)]
pub struct TriggerArgs {
    /// The event type, e.g. payout.failed or fintoc:payout.created (`whk events` lists them). Omit it on a
    /// terminal to pick one from a list.
    #[arg(add = super::complete::event_names())]
    pub event: Option<String>,

    /// Which provider's event, when both document the name.
    #[arg(long, value_enum)]
    pub provider: Option<Provider>,

    /// Where to POST: a port (4242), host:port/path, /path or a full URL. Default: WHK_FORWARD_TO, the config
    /// file, else a running `whk listen`.
    #[arg(long, short = 'f', value_name = "URL", value_hint = ValueHint::Url)]
    pub forward_to: Option<String>,

    /// Send as a Connect event of this connected account (Stripe only).
    #[arg(long, visible_alias = "stripe-account", value_name = "ACCT")]
    pub account: Option<String>,

    /// Stripe API version label of the event (YYYY-MM-DD or YYYY-MM-DD.name). Default: WHK_API_VERSION,
    /// the config file, else 2026-10-28.endive. Only the label changes: the objects keep the shapes of
    /// 2026-10-28.endive, the version the built-in templates follow.
    #[arg(long, value_name = "VERSION")]
    pub api_version: Option<String>,

    /// Mark the event as live mode (Stripe livemode=true, Fintoc mode=live).
    #[arg(long)]
    pub livemode: bool,

    #[command(flatten)]
    pub edits: EditArgs,

    /// Extra request header, 'Name: value' (repeatable; 'K1: v1, K2: v2' sets several, as in the Stripe CLI).
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE", value_parser = Header)]
    pub headers: Vec<HeaderList>,

    /// Seconds to wait for the endpoint's answer.
    #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = Seconds)]
    pub timeout: Duration,

    /// Print the exact request (method, URL, headers, body) and send nothing.
    #[arg(long)]
    pub print: bool,

    /// Print one JSON object per delivery on stdout (with --print: the request, {method, url, headers, body}).
    #[arg(long)]
    pub json: bool,

    /// What counts as success: a code (200) or a class (2xx, 4xx).
    #[arg(long, value_name = "CODE|2xx|4xx", default_value = "2xx", conflicts_with = "tamper")]
    pub expect_status: crate::delivery::expect::ExpectStatus,

    /// Also write the generated event to this fixture file, or folder (created if missing; a path ending in / or without an extension is a folder), for `whk replay --file`.
    #[arg(long, value_name = "PATH", value_hint = ValueHint::AnyPath)]
    pub save: Option<PathBuf>,

    /// With --save: write the fixture and send nothing.
    #[arg(long, requires = "save")]
    pub no_send: bool,

    /// With --save: overwrite an existing fixture file (without it, whk never overwrites one).
    #[arg(long, requires = "save")]
    pub force: bool,

    /// Send a forged delivery the endpoint must refuse (or `all` of them, with a table of verdicts).
    #[arg(long, value_enum, value_name = "KIND", conflicts_with = "print")]
    pub tamper: Option<crate::delivery::tamper::TamperKind>,

    /// Load mode: send N events, each with its own id and signature, then print a summary (statuses,
    /// errors, throughput, latency percentiles) instead of a line per delivery.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..), help_heading = "Load mode")]
    pub count: Option<u64>,

    /// Load mode: deliveries in flight at once [default: 1].
    #[arg(long, value_name = "C", requires = "count", help_heading = "Load mode",
        value_parser = clap::value_parser!(u32).range(1..=crate::delivery::load::MAX_CONCURRENCY as i64))]
    pub concurrency: Option<u32>,

    /// Load mode: start at most this many deliveries per second (default: as fast as the endpoint answers).
    #[arg(long, value_name = "PER_SECOND", requires = "count", help_heading = "Load mode")]
    pub rate: Option<f64>,

    #[command(flatten)]
    pub tls: TlsArgs,

    #[command(flatten)]
    pub secret: SecretArgs,

    #[command(flatten)]
    pub templates: TemplatesArgs,
}
