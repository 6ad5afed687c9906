//! Command-line definitions. Every command's help ends with real examples.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::providers::Provider;
use crate::signature::Scheme;

const EXIT_CODES: &str = "\
Exit codes:
  0  delivered and the endpoint answered 2xx (sign --verify: the signature is valid)
  1  the endpoint answered something else (sign --verify: the signature is not valid)
  2  usage or input error
  3  could not connect, or the request timed out";

#[derive(Parser, Debug)]
#[command(name = "whk", version, about = "Test Stripe and Fintoc webhooks locally and offline", after_help = EXIT_CODES)]
pub struct Cli {
    /// When to use colours: auto means only on a terminal, and never when NO_COLOR is set.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build a realistic sample event, sign it as the provider does, and POST it.
    #[command(after_help = TRIGGER_HELP)]
    Trigger(TriggerArgs),
    /// List the event types whk can trigger.
    #[command(after_help = EVENTS_HELP)]
    Events(EventsArgs),
    /// Sign a payload, or verify a received signature and explain why it fails.
    #[command(after_help = SIGN_HELP)]
    Sign(SignArgs),
    /// Receive webhooks locally: verify, record durably, and forward them re-signed, in order.
    #[command(after_help = LISTEN_HELP)]
    Listen(ListenArgs),
}

const TRIGGER_HELP: &str = "\
PATH for --override/--add/--remove is dotted and relative to the resource (data.object for Stripe,
data for Fintoc); start it with `event.` to reach the envelope. Numeric parts index lists. VALUE is
JSON where it parses as JSON, a string otherwise.

Examples:
  whk trigger payout.failed --account acct_1Nv0FGQ9RKHgCVdK --forward-to localhost:4242/webhook
  whk trigger fintoc:payment_intent.succeeded --forward-to 3000/api/fintoc
  whk trigger payment_intent.succeeded --provider stripe --override amount=4200 --add metadata.order=A17
  whk trigger financial_connections.account.deactivated --print
  whk trigger link.created --json --forward-to http://localhost:8000/fintoc/widget

Exit codes:
  0  delivered and the endpoint answered 2xx
  1  the endpoint answered something else (3xx included: redirects are not followed)
  2  usage or input error
  3  could not connect, or the request timed out";

const EVENTS_HELP: &str = "\
Examples:
  whk events
  whk events --provider fintoc
  whk events --json | jq -r '.[].type'";

const LISTEN_HELP: &str = "\
With no target, listen is the endpoint itself: it verifies, records and prints each event and answers
200. Every accepted event is flushed to the event log before the 2xx goes back, so an event whk
acknowledged survives a crash; undelivered events are delivered on the next start.

Examples:
  whk listen
  whk listen --forward-to localhost:4242/webhook
  whk listen --forward-to 4242/webhook --forward-connect-to 4242/connect --events 'payout.*,account.updated'
  whk listen --route 'link.created=localhost:8000/fintoc/widget' --forward-to 8000/fintoc/webhook
  whk listen --verify-secret stripe=whsec_from_dashboard --forward-to 4242/webhook
  whk listen --print-secret";

const SIGN_HELP: &str = "\
Examples:
  whk sign --provider stripe --secret whsec_test body.json
  echo -n '{\"id\":\"evt_1\"}' | whk sign --provider fintoc --secret whsec_test -
  whk sign --provider standard --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw --id msg_1 body.json
  whk sign --provider stripe --secret whsec_test --verify 't=1700000000,v1=5257a8…' body.json

Exit codes:
  0  signed, or the signature verified
  1  the signature did not verify (the reason and the likely culprit are printed)
  2  usage or input error";

#[derive(Args, Debug)]
pub struct TriggerArgs {
    /// The event type, e.g. payout.failed or fintoc:payout.created (`whk events` lists them).
    pub event: String,

    /// Which provider's event, when both document the name.
    #[arg(long, value_enum)]
    pub provider: Option<Provider>,

    /// Where to POST: a port (4242), host:port/path, /path or a full URL. Default: a running `whk listen`.
    #[arg(long, short = 'f', value_name = "URL")]
    pub forward_to: Option<String>,

    /// Send as a Connect event of this connected account (Stripe only).
    #[arg(long, visible_alias = "stripe-account", value_name = "ACCT")]
    pub account: Option<String>,

    /// Stripe API version of the event.
    #[arg(long, value_name = "VERSION", default_value = crate::providers::DEFAULT_API_VERSION)]
    pub api_version: String,

    /// Mark the event as live mode (Stripe livemode=true, Fintoc mode=live).
    #[arg(long)]
    pub livemode: bool,

    /// Replace a field that exists: PATH=VALUE (repeatable).
    #[arg(long = "override", value_name = "PATH=VALUE")]
    pub overrides: Vec<String>,

    /// Set a field only where it is missing: PATH=VALUE (repeatable).
    #[arg(long = "add", value_name = "PATH=VALUE")]
    pub adds: Vec<String>,

    /// Remove a field: PATH (repeatable).
    #[arg(long = "remove", value_name = "PATH")]
    pub removes: Vec<String>,

    /// Extra request header, 'Name: value' (repeatable).
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    pub headers: Vec<String>,

    /// Seconds to wait for the endpoint's answer.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub timeout: f64,

    /// Print the exact request (method, URL, headers, body) and send nothing.
    #[arg(long)]
    pub print: bool,

    /// Print one JSON object per delivery on stdout.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub secret: SecretArgs,

    #[command(flatten)]
    pub templates: TemplatesArgs,
}

#[derive(Args, Debug)]
pub struct SecretArgs {
    /// Signing secret. Default: the local secret that `whk listen` prints.
    #[arg(long, env = "WHK_SECRET", hide_env_values = true, value_name = "SECRET")]
    pub secret: Option<String>,
}

#[derive(Args, Debug)]
pub struct TemplatesArgs {
    /// Folder of extra or replacement templates, laid out as DIR/stripe/<type>.json, DIR/fintoc/<type>.json.
    #[arg(long = "templates", env = "WHK_TEMPLATES", value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct EventsArgs {
    /// Only this provider's events.
    #[arg(long, value_enum)]
    pub provider: Option<Provider>,

    /// Print a JSON array of {provider, type, object, description}.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub templates: TemplatesArgs,
}

#[derive(Args, Debug)]
pub struct SignArgs {
    /// The payload file, or - for standard input.
    #[arg(default_value = "-", value_name = "FILE|-")]
    pub file: String,

    /// Signing scheme.
    #[arg(long, value_enum)]
    pub provider: Scheme,

    /// Unix timestamp to sign with (default: now). With --verify and standard: the webhook-timestamp value.
    #[arg(long, value_name = "UNIX")]
    pub timestamp: Option<i64>,

    /// Message id (Standard Webhooks' webhook-id; generated when signing if absent).
    #[arg(long, value_name = "MSG_ID")]
    pub id: Option<String>,

    /// Verify this received signature header value instead of signing.
    #[arg(long, value_name = "HEADER_VALUE")]
    pub verify: Option<String>,

    /// Seconds a signature stays valid when verifying.
    #[arg(long, value_name = "SECONDS", default_value_t = crate::signature::DEFAULT_TOLERANCE)]
    pub tolerance: u64,

    #[command(flatten)]
    pub secret: SecretArgs,
}

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

    /// Forward events here (a port, host:port/path, /path or a full URL).
    #[arg(long, short = 'f', value_name = "URL")]
    pub forward_to: Option<String>,

    /// Forward Stripe Connect events (with a top-level `account`) here; defaults to --forward-to.
    #[arg(long, value_name = "URL")]
    pub forward_connect_to: Option<String>,

    /// Route event types to their own URL: 'TYPE_OR_GLOB=URL' (repeatable; first match wins).
    #[arg(long = "route", value_name = "GLOB=URL")]
    pub routes: Vec<String>,

    /// Forward only these event types (comma-separated, globs allowed); others are still recorded.
    #[arg(long, short = 'e', value_delimiter = ',', value_name = "TYPES")]
    pub events: Vec<String>,

    /// Extra header on forwarded requests, 'Name: value' (repeatable).
    #[arg(long = "headers", short = 'H', value_name = "NAME: VALUE")]
    pub headers: Vec<String>,

    /// Extra header on forwarded Connect requests, 'Name: value' (repeatable).
    #[arg(long = "connect-headers", value_name = "NAME: VALUE")]
    pub connect_headers: Vec<String>,

    /// Also accept events signed with this provider secret: PROVIDER=SECRET (repeatable).
    #[arg(long = "verify-secret", value_name = "PROVIDER=SECRET")]
    pub verify_secrets: Vec<String>,

    /// Accept unsigned or unverifiable requests (recorded as unverified).
    #[arg(long)]
    pub skip_verify: bool,

    /// Largest accepted body in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 1024 * 1024)]
    pub max_body: u64,

    /// Seconds a client may take to send its request headers, and then its body, before a 408.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub client_timeout: f64,

    /// Attempts after the first for connection errors, timeouts and 5xx (4xx is not retried).
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub retries: u32,

    /// Seconds to wait for the app's answer on each attempt.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub timeout: f64,

    /// Event log (JSON Lines). Default: events.jsonl in the user's data directory.
    #[arg(long, value_name = "PATH", env = "WHK_LOG")]
    pub log: Option<PathBuf>,

    /// Console output: human lines on stderr, or JSON lines on stdout.
    #[arg(long, value_enum, default_value_t = ListenFormat::Text)]
    pub format: ListenFormat,

    /// Print the signing secret that forwarded events are signed with, and exit.
    #[arg(long)]
    pub print_secret: bool,

    /// Exit after this many events have been received and handled (for scripts and demos).
    #[arg(long, value_name = "N")]
    pub exit_after: Option<u64>,

    #[command(flatten)]
    pub secret: SecretArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListenFormat {
    Text,
    Json,
}
