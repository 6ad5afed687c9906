//! `whk listen`: the local relay.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueHint};

use super::parsers::{Header, HeaderList, Seconds};
use super::{SecretArgs, TlsArgs};
use crate::relay::console::ListenFormat;

pub(super) const HELP: &str = "\
With no target, listen is the endpoint itself: it verifies, records and prints each event and
answers 200. Every accepted event is committed to the event store (a SQLite database, --log) before
the 2xx goes back, so an event whk acknowledged survives a crash; undelivered events are delivered
on the next start. One listen per store: a second one refuses to start and names the first. Besides
its own secret, listen accepts the config file's [secrets] for each provider no --verify-secret names.

Examples:
  whk listen
  whk listen --forward-to localhost:4242/webhook
  whk listen -f 4242/webhook --forward-connect-to 4242/connect --events 'payout.*,account.updated'
  whk listen --route 'link.created=localhost:8000/fintoc/widget' --forward-to 8000/fintoc/webhook
  whk listen --route 'stripe:*=8000/stripe/webhook' --forward-to 8000/fintoc/webhook
  whk listen --forward-to https://localhost:4242/webhook --cacert cert.pem
  whk listen --verify-secret stripe=whsec_from_dashboard --forward-to 4242/webhook
  whk listen --print-secret";

#[derive(Args, Debug)]
pub struct ListenArgs {
    /// Address to listen on (loopback unless --allow-remote).
    #[arg(long, value_name = "HOST:PORT", conflicts_with = "port")]
    pub addr: Option<String>,

    /// Port to listen on, on 127.0.0.1.
    #[arg(long, short = 'p')]
    pub port: Option<u16>,

    /// Allow binding a non-loopback address (anyone who can reach it can post events).
    #[arg(long)]
    pub allow_remote: bool,

    /// Forward events here (a port, host:port/path, /path or a full URL). Default: WHK_FORWARD_TO or the
    /// config file; with neither, listen is the endpoint itself.
    #[arg(long, short = 'f', value_name = "URL", value_hint = ValueHint::Url)]
    pub forward_to: Option<String>,

    /// Forward Stripe Connect events (with a top-level `account`) here; defaults to --forward-to.
    #[arg(long, value_name = "URL", value_hint = ValueHint::Url)]
    pub forward_connect_to: Option<String>,

    /// Route event types to their own URL: 'TYPE_OR_GLOB=URL' (repeatable; first match wins).
    #[arg(long = "route", value_name = "GLOB=URL")]
    pub routes: Vec<String>,

    /// Forward only these event types (comma-separated, globs allowed); others are still recorded.
    #[arg(long, short = 'e', value_delimiter = ',', value_name = "TYPES")]
    pub events: Vec<String>,

    /// Extra header on forwarded requests, 'Name: value' (repeatable; 'K1: v1, K2: v2' sets several).
    // `--headers` was its name before trigger and replay's `--header` set the spelling.
    #[arg(long = "header", alias = "headers", short = 'H', value_name = "NAME: VALUE", value_parser = Header)]
    pub headers: Vec<HeaderList>,

    /// Extra header on forwarded Connect requests, 'Name: value' (repeatable; 'K1: v1, K2: v2' sets several).
    #[arg(long = "connect-header", alias = "connect-headers", value_name = "NAME: VALUE", value_parser = Header)]
    pub connect_headers: Vec<HeaderList>,

    /// Also accept events signed with this provider secret: PROVIDER=SECRET (repeatable).
    #[arg(long = "verify-secret", value_name = "PROVIDER=SECRET")]
    pub verify_secrets: Vec<String>,

    /// Accept unsigned or unverifiable requests (recorded as unverified). Not --skip-verify, which
    /// skips certificate checks of https:// targets, as in the Stripe CLI.
    #[arg(long)]
    pub accept_unsigned: bool,

    #[command(flatten)]
    pub tls: TlsArgs,

    /// Largest accepted body in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 1024 * 1024)]
    pub max_body: u64,

    /// Seconds a client may take to send its request headers, and then its body, before a 408.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = Seconds)]
    pub client_timeout: Duration,

    /// Attempts after the first for connection errors, timeouts and 5xx (4xx is not retried).
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub retries: u32,

    /// Requests to a target sent ahead of its answers, in order, on one connection (HTTP/1.1
    /// pipelining). 1 waits for each answer before sending the next event.
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub in_flight: u64,

    /// Seconds to wait for the app's answer on each attempt.
    #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = Seconds)]
    pub timeout: Duration,

    /// Event store: a SQLite database (not a text file; read it with `whk log`). Default: whk.db in
    /// the user's data directory. One listen per store.
    #[arg(long, value_name = "PATH", env = "WHK_LOG", value_hint = ValueHint::FilePath)]
    pub log: Option<PathBuf>,

    /// Connections served at once; beyond it a 503 (default: what the open-files limit allows).
    #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true)]
    pub max_connections: usize,

    /// Console output: human lines on stderr, or JSON lines on stdout.
    #[arg(long, value_enum, default_value_t = ListenFormat::Text)]
    pub format: ListenFormat,

    /// Print the signing secret that forwarded events are signed with, and exit.
    #[arg(long)]
    pub print_secret: bool,

    /// Exit after this many events have been received and handled (for scripts and CI), with the
    /// code of the worst delivery: 0 every one delivered, 1 an app answered otherwise or delivery
    /// was given up after it answered, 3 an app was never reached.
    #[arg(long, value_name = "N")]
    pub exit_after: Option<u64>,

    /// Do not serve the web inspector (on by default on a loopback address).
    #[arg(long, conflicts_with = "inspector")]
    pub no_inspector: bool,

    /// Serve the web inspector on a non-loopback address too (it stays off there otherwise).
    #[arg(long)]
    pub inspector: bool,

    #[command(flatten)]
    pub secret: SecretArgs,
}
