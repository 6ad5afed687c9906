//! Command-line definitions. Every command's help ends with real examples.

use std::path::PathBuf;

use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};

use crate::catalog::Catalog;
use crate::providers::Provider;
use crate::signature::Scheme;

const WHK_HELP: &str = "\
Examples:
  whk listen --forward-to localhost:4242/webhook
  whk trigger payout.failed
  whk events --provider fintoc
  whk sign --provider stripe --secret whsec_test --verify 't=1700000000,v1=5257a8…' body.json
  whk config

Defaults: a flag beats its WHK_* environment variable, which beats the config file, which beats the
built-in default. `whk config` shows what is in effect and where each value came from.

Exit codes:
  0  delivered and the endpoint answered 2xx (sign --verify: the signature is valid)
  1  the endpoint answered something else (sign --verify: the signature is not valid)
  2  usage or input error
  3  could not connect, or the request timed out";

#[derive(Parser, Debug)]
#[command(name = "whk", version, about = "Test Stripe and Fintoc webhooks locally and offline", after_help = WHK_HELP)]
pub struct Cli {
    /// When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set.
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
    /// Re-deliver recorded events (from the event store) or fixture files, freshly signed.
    #[command(after_help = REPLAY_HELP)]
    Replay(ReplayArgs),
    /// Show the settings in effect (forward-to, API version, provider, secrets) and where each comes from.
    #[command(after_help = CONFIG_HELP)]
    Config(ConfigArgs),
    /// Export, import or prune the event store that listen writes.
    #[command(after_help = LOG_HELP)]
    Log(LogArgs),
    /// Print a shell completion script.
    #[command(after_help = COMPLETION_HELP)]
    Completion(CompletionArgs),
    /// Print the manual page, or write every page to a folder.
    #[command(after_help = MAN_HELP)]
    Man(ManArgs),
}

const REPLAY_HELP: &str = "\
Events come from the `whk listen` event store (select with ids, --last, --type, --since, --failed,
--pending; they combine) or from --file fixtures: one event as JSON, an array of events, or JSON
Lines. The body is sent byte for byte with a fresh signature; --new-id and edits re-serialise it.
The target is --to, else the route the event had, else `whk listen` on 127.0.0.1:7171.

Examples:
  whk replay evt_1QxK2LGQ9RKHgCVdKp3f8sTz --to 4242/webhook
  whk replay --last 3 --to localhost:4242/webhook
  whk replay --type 'payout.*' --since 2h
  whk replay --failed --to 4242/webhook --new-id
  whk replay --pending
  whk replay --file tests/fixtures/payout_failed.json --to 4242/webhook --expect-status 2xx

Exit codes:
  0  every delivery got the expected status (default 2xx)
  1  some endpoint answered otherwise
  2  usage or input error
  3  could not connect, or a request timed out";

const TRIGGER_HELP: &str = "\
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

Forged deliveries (--tamper): bad-signature, wrong-secret, stale-timestamp, modified-body,
missing-signature and malformed-signature must be refused with a 4xx; future-timestamp and replayed
are advisory (the official SDKs may rightly accept them) and never fail the run.

Exit codes:
  0  delivered and the endpoint answered 2xx (--expect-status sets another; with --tamper: every
     forged delivery that must be refused got a 4xx; with --count: every one of the N did)
  1  the endpoint answered something else (3xx included: redirects are not followed); with
     --tamper: the endpoint accepted a forged event
  2  usage or input error
  3  could not connect, or the request timed out (with --count: for any of the N)";

const EVENTS_HELP: &str = "\
Examples:
  whk events
  whk events --provider fintoc
  whk events --json | jq -r '.[].type'";

const LISTEN_HELP: &str = "\
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
  whk listen --verify-secret stripe=whsec_from_dashboard --forward-to 4242/webhook
  whk listen --print-secret";

const LOG_HELP: &str = "\
The store is a SQLite database (default whk.db in the data directory; --log or WHK_LOG picks
another). Export writes one JSON object per line, as whk 0.1's events.jsonl did: event, attempt,
delivered, failed and rejected records, bodies byte for byte (body_base64 when not UTF-8). Import
reads such a file (a torn last line is skipped and counted); its pending deliveries go out on the
next `whk listen`. Prune deletes records older than the duration that owe no delivery.

Examples:
  whk log export > events.jsonl
  whk log import ~/.local/share/whk/events.jsonl
  whk log prune --older-than 7d
  whk log export --log ci-run.db | jq -c 'select(.rec == \"failed\")'";

const SIGN_HELP: &str = "\
Without --secret, the secret is WHK_SECRET, else the config file's [secrets] entry for the
provider, else the local secret that `whk listen --print-secret` prints.

Examples:
  whk sign --provider stripe --secret whsec_test body.json
  echo -n '{\"id\":\"evt_1\"}' | whk sign --provider fintoc --secret whsec_test -
  whk sign --provider standard --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw --id msg_1 body.json
  whk sign --provider stripe --secret whsec_test --verify 't=1700000000,v1=5257a8…' body.json

Exit codes:
  0  signed, or the signature verified
  1  the signature did not verify (the reason and the likely culprit are printed)
  2  usage or input error";

const CONFIG_HELP: &str = "\
Each setting comes from, highest first: its flag, its WHK_* environment variable (empty counts as
unset), the config file, whk's built-in default. The config file is config.toml in the config
directory ($WHK_CONFIG_DIR, else ~/.config/whk on Linux); every key is optional:

  forward_to = \"localhost:4242/webhook\"   # WHK_FORWARD_TO: where trigger sends and listen forwards
  api_version = \"2024-06-20\"              # WHK_API_VERSION: Stripe API version of triggered events
  provider = \"stripe\"                     # WHK_PROVIDER: settles shared names; sign's scheme

  [secrets]                               # WHK_SECRET (one secret for all) beats these
  stripe = \"whsec_…\"                      # trigger and sign sign with it; listen also accepts it
  fintoc = \"whsec_…\"
  standard = \"whsec_…\"

Secrets are shown masked.

Examples:
  whk config
  WHK_PROVIDER=fintoc whk config
  $EDITOR \"$(whk config --path)\"";

const COMPLETION_HELP: &str = "\
Event names (bare and as stripe:NAME / fintoc:NAME), providers and paths complete. The README says
where each shell looks for the script.

Examples:
  whk completion bash > ~/.local/share/bash-completion/completions/whk
  whk completion zsh > ~/.zfunc/_whk
  whk completion fish > ~/.config/fish/completions/whk.fish
  whk completion powershell >> $PROFILE
  whk completion elvish >> ~/.config/elvish/rc.elv";

const MAN_HELP: &str = "\
Examples:
  whk man | man -l -
  whk man trigger | man -l -
  whk man --out ~/.local/share/man/man1";

#[derive(Args, Debug)]
pub struct TriggerArgs {
    /// The event type, e.g. payout.failed or fintoc:payout.created (`whk events` lists them). Omit it on a
    /// terminal to pick one from a list.
    #[arg(value_parser = EventName, hide_possible_values = true)]
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

    /// Stripe API version of the event. Default: WHK_API_VERSION, the config file, else the version the
    /// built-in templates follow (`whk config` shows it).
    #[arg(long, value_name = "VERSION")]
    pub api_version: Option<String>,

    /// Mark the event as live mode (Stripe livemode=true, Fintoc mode=live).
    #[arg(long)]
    pub livemode: bool,

    #[command(flatten)]
    pub edits: EditArgs,

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

    /// What counts as success: a code (200) or a class (2xx, 4xx).
    #[arg(long, value_name = "CODE|2xx|4xx", default_value = "2xx", conflicts_with = "tamper")]
    pub expect_status: crate::expect::ExpectStatus,

    /// Also write the generated event to this fixture file (or folder) for `whk replay --file`.
    #[arg(long, value_name = "PATH", value_hint = ValueHint::AnyPath)]
    pub save: Option<PathBuf>,

    /// With --save: write the fixture and send nothing.
    #[arg(long, requires = "save")]
    pub no_send: bool,

    /// Send a forged delivery the endpoint must refuse (or `all` of them, with a table of verdicts).
    #[arg(long, value_enum, value_name = "KIND", conflicts_with = "print")]
    pub tamper: Option<crate::tamper::TamperKind>,

    /// Load mode: send N events, each with its own id and signature, then print a summary (statuses,
    /// errors, throughput, latency percentiles) instead of a line per delivery.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..), help_heading = "Load mode")]
    pub count: Option<u64>,

    /// Load mode: deliveries in flight at once [default: 1].
    #[arg(long, value_name = "C", requires = "count", help_heading = "Load mode",
        value_parser = clap::value_parser!(u32).range(1..=crate::load::MAX_CONCURRENCY as i64))]
    pub concurrency: Option<u32>,

    /// Load mode: start at most this many deliveries per second (default: as fast as the endpoint answers).
    #[arg(long, value_name = "PER_SECOND", requires = "count", help_heading = "Load mode")]
    pub rate: Option<f64>,

    #[command(flatten)]
    pub secret: SecretArgs,

    #[command(flatten)]
    pub templates: TemplatesArgs,
}

/// Edits to an event by dotted path, shared by trigger and replay.
#[derive(Args, Debug)]
pub struct EditArgs {
    /// Replace a field that exists: PATH=VALUE (repeatable).
    #[arg(long = "override", value_name = "PATH=VALUE")]
    pub overrides: Vec<String>,

    /// Set a field only where it is missing: PATH=VALUE (repeatable).
    #[arg(long = "add", value_name = "PATH=VALUE")]
    pub adds: Vec<String>,

    /// Remove a field: PATH (repeatable).
    #[arg(long = "remove", value_name = "PATH")]
    pub removes: Vec<String>,
}

impl EditArgs {
    pub fn patches(&self) -> Result<Vec<crate::patch::Patch>, crate::patch::PatchError> {
        crate::patch::from_flags(&self.overrides, &self.adds, &self.removes)
    }
}

#[derive(Args, Debug)]
pub struct SecretArgs {
    /// Signing secret [env: WHK_SECRET]. Default: the local secret that `whk listen --print-secret` prints.
    #[arg(long, value_name = "SECRET")]
    pub secret: Option<String>,
}

#[derive(Args, Debug)]
pub struct TemplatesArgs {
    /// Folder of extra or replacement templates, laid out as DIR/stripe/<type>.json, DIR/fintoc/<type>.json.
    #[arg(long = "templates", env = "WHK_TEMPLATES", value_name = "DIR", value_hint = ValueHint::DirPath)]
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
    #[arg(default_value = "-", value_name = "FILE|-", value_hint = ValueHint::FilePath)]
    pub file: String,

    /// Signing scheme. Default: WHK_PROVIDER or the config file's provider.
    #[arg(long, value_enum)]
    pub provider: Option<Scheme>,

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

    /// Event store: a SQLite database (not a text file; read it with `whk log export`). Default:
    /// whk.db in the user's data directory. One listen per store.
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

#[derive(Args, Debug)]
pub struct ConfigArgs {
    /// Print only the config file's path, whether or not it exists.
    #[arg(long)]
    pub path: bool,
}

#[derive(Args, Debug)]
pub struct CompletionArgs {
    /// The shell to print the script for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Args, Debug)]
pub struct ManArgs {
    /// The command whose page to print (whk-COMMAND(1)); without it, whk(1).
    #[arg(value_name = "COMMAND", conflicts_with = "out")]
    pub command: Option<String>,

    /// Write every page (whk.1, whk-trigger.1, …) into this folder instead.
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub out: Option<PathBuf>,
}

/// An event name. Any name parses (a `--templates` folder adds its own), but the built-in catalog's
/// names, bare and as `stripe:NAME`/`fintoc:NAME`, are offered to shell completion and the man page.
#[derive(Clone)]
struct EventName;

impl TypedValueParser for EventName {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        // Only completion scripts ask (help and the man page hide the list), so a normal run never
        // loads the catalog here.
        let catalog = Catalog::load(None).ok()?;
        let templates = catalog.templates();
        let mut bare: Vec<PossibleValue> = Vec::new();
        let mut names: Vec<&str> = templates.iter().map(|t| t.event_type.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        for name in names {
            let owners: Vec<_> = templates.iter().filter(|t| t.event_type == name).collect();
            let help = match owners.as_slice() {
                [one] => one.description.clone(),
                _ => format!(
                    "in both {}: add the provider, e.g. {}:{name}",
                    owners.iter().map(|t| t.provider.name()).collect::<Vec<_>>().join(" and "),
                    owners[0].provider
                ),
            };
            bare.push(PossibleValue::new(name.to_string()).help(help));
        }
        let qualified = templates
            .iter()
            .map(|t| PossibleValue::new(format!("{}:{}", t.provider, t.event_type)).help(t.description.clone()));
        Some(Box::new(bare.into_iter().chain(qualified).collect::<Vec<_>>().into_iter()))
    }
}

#[derive(Args, Debug)]
pub struct ReplayArgs {
    /// Event ids to replay from the log.
    #[arg(value_name = "EVT_ID")]
    pub ids: Vec<String>,

    /// Only the last N matching events.
    #[arg(long, value_name = "N")]
    pub last: Option<usize>,

    /// Only event types matching this glob, e.g. 'payout.*'.
    #[arg(long = "type", value_name = "GLOB")]
    pub type_glob: Option<String>,

    /// Only events received within this long, e.g. 10m, 2h, 1d.
    #[arg(long, value_name = "DURATION")]
    pub since: Option<String>,

    /// Only events that some target gave up on.
    #[arg(long)]
    pub failed: bool,

    /// Only events still owed to a target; a success is written back to the log.
    #[arg(long)]
    pub pending: bool,

    /// The event store (SQLite database) to read (default: where `whk listen` keeps it).
    #[arg(long, value_name = "PATH", env = "WHK_LOG", value_hint = clap::ValueHint::FilePath)]
    pub log: Option<PathBuf>,

    /// Replay events from fixture files instead of the log (one or more paths; repeatable).
    #[arg(
        long = "file",
        value_name = "PATH",
        num_args = 1..,
        value_hint = clap::ValueHint::FilePath,
        conflicts_with_all = ["ids", "last", "type_glob", "since", "failed", "pending"]
    )]
    pub files: Vec<PathBuf>,

    /// Provider of fixture events, when their shape does not say.
    #[arg(long, value_enum)]
    pub provider: Option<Provider>,

    /// Give each event a fresh id and creation time (for apps that de-duplicate on id).
    #[arg(long)]
    pub new_id: bool,

    #[command(flatten)]
    pub edits: EditArgs,

    /// Where to send: a port, host:port/path, /path or a full URL.
    #[arg(long, value_name = "URL")]
    pub to: Option<String>,

    /// Extra request header, 'Name: value' (repeatable).
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    pub headers: Vec<String>,

    /// Seconds to wait for each answer.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub timeout: f64,

    /// Print one JSON object per delivery on stdout.
    #[arg(long)]
    pub json: bool,

    /// What counts as success: a code (200) or a class (2xx, 4xx).
    #[arg(long, value_name = "CODE|2xx|4xx", default_value = "2xx")]
    pub expect_status: crate::expect::ExpectStatus,

    #[command(flatten)]
    pub secret: SecretArgs,
}

#[derive(Args, Debug)]
pub struct LogArgs {
    #[command(subcommand)]
    pub command: LogCommand,

    /// The event store (SQLite database; default: where `whk listen` keeps it).
    #[arg(long, value_name = "PATH", env = "WHK_LOG", global = true, value_hint = ValueHint::FilePath)]
    pub log: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum LogCommand {
    /// Write every record as JSON Lines on stdout (bodies byte for byte), oldest first.
    Export,
    /// Add the records of a JSON Lines log (whk 0.1's events.jsonl, or an export) to the store.
    Import {
        /// The JSON Lines file.
        #[arg(value_name = "FILE", value_hint = ValueHint::FilePath)]
        file: PathBuf,
    },
    /// Delete records older than a duration that owe no delivery.
    Prune {
        /// For example 7d, 12h.
        #[arg(long, value_name = "DURATION")]
        older_than: String,
    },
}
