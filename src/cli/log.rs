//! `whk log`: what listen recorded, and the event store itself.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueHint};

pub(super) const LOG_HELP: &str = "\
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
