//! `whk log`: what listen recorded, read for people and scripts (list, show, tail: in `view`);
//! the event store's records as JSON Lines (export), a JSON Lines log into the store (import, so
//! nothing recorded by whk 0.1 is stranded), and retention (prune).

mod tail;
mod view;

use std::io::{BufRead, Write};

use anyhow::{Context, Result};

use crate::cli::{LogArgs, LogCommand};
use crate::relay::store::{self, Importer, Store};
use crate::Exit;

/// Records per import transaction.
const IMPORT_BATCH: usize = 1000;

pub fn run(args: LogArgs) -> Result<Exit> {
    let path = crate::relay::log_path(args.log)?;
    match args.command {
        None => return view::list(&path, args.list),
        Some(LogCommand::List(list)) => return view::list(&path, list),
        Some(LogCommand::Show(show)) => return view::show(&path, show),
        Some(LogCommand::Tail(tail)) => return tail::tail(&path, tail),
        Some(LogCommand::Export) => {
            let store = Store::open_existing(&path)?;
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            store.for_each(|record| {
                let attempts = store.attempts(record.seq)?;
                for line in store::export_lines(&record, &attempts) {
                    serde_json::to_writer(&mut out, &line)?;
                    out.write_all(b"\n")?;
                }
                Ok(())
            })?;
            out.flush()?;
        }
        Some(LogCommand::Import { file }) => {
            let reader = std::io::BufReader::new(
                std::fs::File::open(&file)
                    .map_err(|e| crate::UsageError(format!("cannot read {}: {e}", file.display())))?,
            );
            let mut importer = Importer::default();
            for line in reader.split(b'\n') {
                importer.line(&line.with_context(|| format!("cannot read {}", file.display()))?);
            }
            let skipped = importer.skipped;
            let records = importer.finish();
            let mut store = Store::open(&path)?;
            for chunk in records.chunks(IMPORT_BATCH) {
                store.insert_records(chunk)?;
            }
            let pending: usize = records.iter().map(|(r, _)| r.pending_targets().len()).sum();
            eprintln!(
                "Imported {} records from {} into {}{}{}",
                records.len(),
                file.display(),
                path.display(),
                if pending > 0 {
                    format!(" ({pending} deliveries pending: the next `whk listen` sends them)")
                } else {
                    String::new()
                },
                if skipped > 0 { format!("; skipped {skipped} lines that are not whk records") } else { String::new() },
            );
        }
        Some(LogCommand::Prune { older_than }) => {
            let cutoff = crate::time::span_ago("--older-than", &older_than).map_err(crate::UsageError)?.1;
            let mut store = Store::open_existing(&path)?;
            let removed = store.prune(cutoff)?;
            eprintln!("Pruned {removed} records older than {older_than} from {}", path.display());
        }
    }
    Ok(Exit::Success)
}
