//! `whk log`: what listen recorded (list, show, tail), and the event store itself.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand, ValueHint};

use super::parsers::Span;

pub(super) const LOG_HELP: &str = "\
Plain `whk log` is `whk log list`. The store is a SQLite database (default whk.db in the data
directory; --log or WHK_LOG picks another), readable while `whk listen` writes it.

Examples:
  whk log                                   # the newest 50 events, one line each
  whk log list --status failed --since 1h   # what the app did not take in the last hour
  whk log list --type 'invoice.*' --search cus_123 --json | jq -r .id
  whk log show evt_1Nv0FGQ9RKHgCVdK         # headers, body, verdict and every attempt
  whk log show 42 --raw > body.json         # the body exactly as received
  whk log tail                              # new events and deliveries as they happen (Ctrl-C ends)
  whk log export > events.jsonl
  whk log import ~/.local/share/whk/events.jsonl
  whk log prune --older-than 7d

Export writes one JSON object per line, as whk 0.1's events.jsonl did: event, attempt, delivered,
failed and rejected records, bodies byte for byte (body_base64 when not UTF-8). Import reads such a
file (a torn last line is skipped and counted); its pending deliveries go out on the next `whk
listen`. Prune deletes records older than the duration that owe no delivery.

Exit codes:
  0  listed or shown (an empty list too: a note on stderr says so); tail ended by Ctrl-C or SIGTERM
  2  usage error: a bad flag, an id the store does not hold, no store at the --log path or a file
     that is not a store
  4  the store could not be read";

const LIST_HELP: &str = "\
Examples:
  whk log list
  whk log list --status failed --since 1h
  whk log list --type 'invoice.*' --provider stripe --search cus_123 --limit 10
  whk log list --json | jq -r 'select(.verdict == \"rejected\") | .reason'
  whk log list --follow

Exit codes:
  0  listed (an empty list too: a note on stderr says so)
  2  usage error: a bad flag, no store at the --log path or a file that is not a store
  4  the store could not be read";

const SHOW_HELP: &str = "\
Examples:
  whk log show evt_1Nv0FGQ9RKHgCVdK
  whk log show 42 --raw > body.json
  whk log show 42 --json | jq '.deliveries[].attempts[].answer.status'

Exit codes:
  0  shown
  2  usage error: an id the store does not hold, no store at the --log path or a file that is not a
     store
  4  the store could not be read";

const TAIL_HELP: &str = "\
Examples:
  whk log tail
  whk log tail --type 'payout.*' --status failed
  whk log tail --json | jq -c 'select(.rec == \"delivery\")'

Exit codes:
  0  ended by Ctrl-C or SIGTERM, or after --exit-after lines
  2  usage error: a bad flag, no store at the --log path or a file that is not a store
  4  the store could not be read";

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct LogArgs {
    #[command(subcommand)]
    pub command: Option<LogCommand>,

    /// `whk log` with no subcommand lists, taking list's flags.
    #[command(flatten)]
    pub list: ListArgs,

    /// The event store (SQLite database; default: where `whk listen` keeps it).
    #[arg(long, value_name = "PATH", env = "WHK_LOG", global = true, value_hint = ValueHint::FilePath)]
    pub log: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum LogCommand {
    /// One line per recorded event, newest first: time, provider, type, id, source, verdict,
    /// delivery state and target.
    #[command(after_help = LIST_HELP)]
    List(ListArgs),
    /// One event: headers (secrets masked), body, signature verdict and every delivery attempt.
    #[command(after_help = SHOW_HELP)]
    Show(ShowArgs),
    /// Print new events and delivery outcomes as they happen, until Ctrl-C.
    #[command(after_help = TAIL_HELP)]
    Tail(TailArgs),
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

/// Which events: every flag narrows, and they combine.
#[derive(Args, Debug, Clone, Default)]
pub struct LogFilter {
    /// Event type, `*` matching any run of characters: 'invoice.*'.
    #[arg(long = "type", short = 't', value_name = "GLOB")]
    pub event_type: Option<String>,

    /// stripe, fintoc, standard or unknown.
    #[arg(long, value_name = "PROVIDER")]
    pub provider: Option<String>,

    /// Only events in this state (rejected: the requests listen refused).
    #[arg(long, value_enum, value_name = "STATUS")]
    pub status: Option<LogStatus>,

    /// Arrived within this span: 90s, 10m, 2h, 1d.
    #[arg(long, value_name = "SPAN", value_parser = Span)]
    pub since: Option<Duration>,

    /// Has a delivery to this target URL (as listed).
    #[arg(long, value_name = "URL")]
    pub target: Option<String>,

    /// The body contains this text.
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct ListArgs {
    #[command(flatten)]
    pub filter: LogFilter,

    /// At most this many events (1 or more).
    #[arg(long, short = 'n', value_name = "N", default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: u64,

    /// JSON Lines on stdout: one object per event.
    #[arg(long)]
    pub json: bool,

    /// After the list, keep printing new events and deliveries (as `whk log tail`).
    #[arg(long, short = 'f')]
    pub follow: bool,

    /// With --follow: stop after this many new lines (for scripts and tests).
    #[arg(long, value_name = "N", requires = "follow")]
    pub exit_after: Option<usize>,
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// The store sequence number (the `#` column of `whk log list`) or the event id.
    #[arg(value_name = "ID")]
    pub id: String,

    /// Only the body, exactly the bytes received, on stdout.
    #[arg(long, conflicts_with = "json")]
    pub raw: bool,

    /// One JSON object: the record, its deliveries and every attempt.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct TailArgs {
    #[command(flatten)]
    pub filter: LogFilter,

    /// JSON Lines on stdout: one object per event or delivery outcome.
    #[arg(long)]
    pub json: bool,

    /// Stop after this many lines (for scripts and tests).
    #[arg(long, value_name = "N")]
    pub exit_after: Option<usize>,
}

/// `--status`: an event's delivery state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogStatus {
    /// Accepted and delivered to every target.
    Delivered,
    /// A delivery still to be made (or being retried).
    Pending,
    /// A delivery listen gave up on.
    Failed,
    /// Refused by listen (bad signature, not JSON…), kept for inspection.
    Rejected,
}
