//! `whk log tail`: new events and delivery outcomes as listen records them.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use serde_json::json;

use super::view::*;
use crate::cli::{LogFilter, TailArgs};
use crate::relay::store::{Attempt, Filter, Record, State, Store};
use crate::Exit;

/// How often a follower looks for changes: fast enough to feel live, idle otherwise.
const POLL: Duration = Duration::from_millis(200);

pub fn tail(path: &Path, args: TailArgs) -> Result<Exit> {
    let store = Store::open_existing(path)?;
    let mut follower = Follower::new(&store, args.filter, args.json, args.exit_after)?;
    follow(&store, &mut follower)
}

/// Prints what changes in the store after a point: new events, then each delivery's progress.
pub(super) struct Follower {
    filter: Filter,
    json: bool,
    /// Lines left before stopping (`--exit-after`).
    lines_left: Option<usize>,
    from_change: u64,
    /// The newest seq when following began: a change to an older event is a delivery line only.
    newest_at_start: u64,
    /// Events already printed.
    seen: HashSet<u64>,
    /// Per (seq, target): the state and number of attempts last printed.
    deliveries: HashMap<(u64, String), (State, usize)>,
}

impl Follower {
    pub(super) fn new(store: &Store, filter: LogFilter, json: bool, exit_after: Option<usize>) -> Result<Follower> {
        Ok(Follower {
            filter: store_filter(&filter),
            json,
            lines_left: exit_after,
            from_change: store.latest_change().with_context(|| unreadable(store.path()))?,
            newest_at_start: store
                .list(&Filter { include_rejected: true, limit: Some(1), ..Filter::default() })
                .with_context(|| unreadable(store.path()))?
                .first()
                .map_or(0, |r| r.seq),
            seen: HashSet::new(),
            deliveries: HashMap::new(),
        })
    }

    pub(super) fn remember(&mut self, record: &Record, attempts: &[Attempt]) {
        self.seen.insert(record.seq);
        for d in &record.deliveries {
            self.deliveries.insert((record.seq, d.target.clone()), (d.state, progress(attempts, &d.target).attempts));
        }
    }

    /// Whether the record passes the filters, asked of the store so it means what `list` means.
    fn wants(&self, store: &Store, seq: u64) -> Result<bool> {
        let mut filter = self.filter.clone();
        filter.before = Some(seq.saturating_add(1));
        filter.limit = Some(1);
        Ok(store.list(&filter).with_context(|| unreadable(store.path()))?.first().is_some_and(|r| r.seq == seq))
    }

    /// Prints what changed since the last poll; false once `--exit-after` lines are out.
    fn poll(&mut self, store: &Store, out: &mut impl Write) -> Result<bool> {
        let latest = store.latest_change().with_context(|| unreadable(store.path()))?;
        if latest == self.from_change {
            return Ok(true);
        }
        let changed = store.changed_since(self.from_change, usize::MAX).with_context(|| unreadable(store.path()))?;
        self.from_change = latest;
        for record in changed {
            if !self.wants(store, record.seq)? {
                continue;
            }
            let attempts = store.attempts(record.seq).with_context(|| unreadable(store.path()))?;
            let mut lines = Vec::new();
            if record.seq > self.newest_at_start && self.seen.insert(record.seq) {
                lines.push(if self.json {
                    event_json(&record, &attempts).to_string()
                } else {
                    aligned(&[event_cells(&record, &attempts)], &TAIL_WIDTHS).remove(0)
                });
                self.remember(&record, &attempts);
            }
            for d in &record.deliveries {
                let progress = progress(&attempts, &d.target);
                let now = (d.state, progress.attempts);
                if self.deliveries.insert((record.seq, d.target.clone()), now) == Some(now) {
                    continue;
                }
                let at = progress.last.map(|a| a.at.clone()).or_else(|| d.updated_at.clone()).unwrap_or_default();
                lines.push(if self.json {
                    json!({
                        "rec": "delivery", "seq": record.seq, "id": record.event_id, "at": at,
                        "target": d.target, "state": d.state.name(), "attempts": progress.attempts,
                        "status": progress.last.and_then(|a| a.status),
                        "error": progress.last.and_then(|a| a.error.clone()), "reason": d.reason,
                    })
                    .to_string()
                } else {
                    let state = delivery_state(d.state, &progress);
                    format!(
                        "{}  {}  {}  {} → {}",
                        styled(&crate::time::local_clock(&at), Style::Dim),
                        styled(&format!("#{}", record.seq), Style::Dim),
                        or_dash(&record.event_id),
                        styled(&state, state_style(d.state)),
                        d.target
                    )
                });
            }
            for line in lines {
                writeln!(out, "{line}")?;
                if let Some(left) = &mut self.lines_left {
                    *left -= 1;
                    if *left == 0 {
                        out.flush()?;
                        return Ok(false);
                    }
                }
            }
        }
        out.flush()?;
        Ok(true)
    }
}

/// Polls until Ctrl-C or SIGTERM (exit 0), or `--exit-after` lines.
pub(super) fn follow(store: &Store, follower: &mut Follower) -> Result<Exit> {
    if follower.lines_left == Some(0) {
        return Ok(Exit::Success);
    }
    eprintln!("Following {} (Ctrl-C to stop)", store.path().display());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        #[cfg(unix)]
        let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        let interrupt = tokio::signal::ctrl_c();
        tokio::pin!(interrupt);
        let out = std::io::stdout();
        loop {
            #[cfg(unix)]
            let terminated = terminate.recv();
            #[cfg(not(unix))]
            let terminated = std::future::pending::<()>();
            tokio::select! {
                _ = &mut interrupt => break,
                _ = terminated => break,
                _ = tokio::time::sleep(POLL) => {}
            }
            if !follower.poll(store, &mut out.lock())? {
                break;
            }
        }
        Ok(Exit::Success)
    })
}
