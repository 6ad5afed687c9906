//! `whk replay`: re-deliver recorded events or fixture files.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::parsers::{Header, HeaderList, Seconds, Span};
use super::{EditArgs, SecretArgs, TlsArgs};
use crate::providers::Provider;

pub(super) const HELP: &str = "\
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
  3  could not connect, or a request timed out
  4  whk could not use its own files (config folder, local secret, event log)";

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
    #[arg(long, value_name = "DURATION", value_parser = Span)]
    pub since: Option<Duration>,

    /// Only events whose most recent delivery (to any target, a replay included) failed: a
    /// successful replay clears an event from it.
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

    /// Extra request header, 'Name: value' (repeatable; 'K1: v1, K2: v2' sets several, as in the Stripe CLI).
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE", value_parser = Header)]
    pub headers: Vec<HeaderList>,

    /// Seconds to wait for each answer.
    #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = Seconds)]
    pub timeout: Duration,

    /// Print one JSON object per delivery on stdout.
    #[arg(long)]
    pub json: bool,

    /// What counts as success: a code (200) or a class (2xx, 4xx).
    #[arg(long, value_name = "CODE|2xx|4xx", default_value = "2xx")]
    pub expect_status: crate::delivery::expect::ExpectStatus,

    #[command(flatten)]
    pub tls: TlsArgs,

    #[command(flatten)]
    pub secret: SecretArgs,
}
