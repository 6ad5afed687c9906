//! The event store: one SQLite database (WAL, `synchronous=FULL`, schema versioned by
//! `PRAGMA user_version`) shared by `whk listen`, `whk replay`, `whk log` and the inspector.
//!
//! What it keeps, per request listen answered: one [`Record`] (store sequence number, arrival
//! time, verdict, provider, type, event id, masked headers, the body bytes exactly as received,
//! or the first 4 KiB of a rejected one) and, per target, a [`Delivery`] with every [`Attempt`]
//! (status, duration, error, the app's answer: status, headers, first 4 KiB of body).
//!
//! The query API (read side, any process, [`Store::open`] / [`Store::open_existing`]):
//! - [`Store::list`]: newest first, filters combine ([`Filter`]: type glob, provider, status
//!   delivered|pending|failed|last-failed|rejected, since, event id, target, body search, limit,
//!   `before` cursor = a seq). Last-failed looks at the most recent attempt, a replay's included
//!   ([`Store::record_replay`] records those).
//! - [`Store::show`]: one record by seq or event id ([`Key`]), with its deliveries and attempts.
//! - Following: [`Store::latest_change`] is a counter every write transaction raises; poll it, then
//!   [`Store::changed_since`] returns the records (with deliveries) that changed after a value.
//! - [`Store::last`]: the newest n accepted events (replay), streamed, never the whole store.
//!
//! The write side: listen's one [`Writer`] thread commits every batch of arrivals in one
//! transaction (group commit) and only then runs their callbacks (which send the 2xx).
//!
//! Many processes: one listen per store (a lock file beside it names the running one); deliveries
//! are claimed in the database by the pid of the process sending them, so `replay --pending`
//! beside a running listen leaves that listen's deliveries alone, and vice versa.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use serde_json::{json, Value};

use crate::time::iso_millis;

/// How much of a rejected request's body, and of an app's answer, is kept.
pub const KEPT_PREFIX: usize = 4096;

/// The schema, one step per version: `user_version` says how many have run.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE events(
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    change INTEGER NOT NULL,
    at TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    verdict TEXT NOT NULL,
    reason TEXT,
    event_id TEXT NOT NULL,
    type TEXT NOT NULL,
    provider TEXT NOT NULL,
    account TEXT,
    verified TEXT NOT NULL,
    msg_id TEXT,
    path TEXT NOT NULL,
    headers TEXT NOT NULL,
    body BLOB NOT NULL,
    body_len INTEGER NOT NULL
);
CREATE INDEX events_event_id ON events(event_id);
CREATE INDEX events_change ON events(change);
CREATE TABLE deliveries(
    seq INTEGER NOT NULL,
    target TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    claimed_by INTEGER,
    updated_at TEXT,
    change INTEGER NOT NULL,
    PRIMARY KEY(seq, target)
) WITHOUT ROWID;
CREATE INDEX deliveries_pending ON deliveries(seq) WHERE state = 'pending';
CREATE INDEX deliveries_change ON deliveries(change);
CREATE TABLE attempts(
    seq INTEGER NOT NULL,
    target TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    at TEXT NOT NULL,
    status INTEGER,
    duration_ms REAL NOT NULL,
    error TEXT,
    answer_headers TEXT,
    answer_body BLOB,
    change INTEGER NOT NULL
);
CREATE INDEX attempts_seq ON attempts(seq);
CREATE TABLE clock(id INTEGER PRIMARY KEY CHECK (id = 1), change INTEGER NOT NULL);
INSERT INTO clock VALUES (1, 0);
"#,
    r#"
ALTER TABLE attempts ADD COLUMN replay INTEGER NOT NULL DEFAULT 0;
ALTER TABLE attempts ADD COLUMN edited INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN source TEXT;
CREATE INDEX attempts_change ON attempts(change);
"#,
];

/// Accepted (stored, forwarded) or rejected (kept for inspection only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Accepted,
    Rejected,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Accepted => "accepted",
            Verdict::Rejected => "rejected",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Pending,
    Delivered,
    Failed,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Delivered => "delivered",
            State::Failed => "failed",
        }
    }

    fn parse(text: &str) -> State {
        match text {
            "delivered" => State::Delivered,
            "failed" => State::Failed,
            _ => State::Pending,
        }
    }
}

/// One request listen answered, as stored. The one record type every reader gets.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub seq: u64,
    /// The value of the change counter when this record or one of its deliveries last changed.
    pub change: u64,
    /// Arrival time, RFC 3339 with milliseconds.
    pub at: String,
    pub verdict: Verdict,
    /// Why it was rejected.
    pub reason: Option<String>,
    pub event_id: String,
    pub event_type: String,
    /// stripe, fintoc, standard or unknown.
    pub provider: String,
    /// A Stripe Connect event's account.
    pub account: Option<String>,
    /// local, provider-secret or unverified.
    pub verified: String,
    /// Standard Webhooks' webhook-id, when it came with one.
    pub msg_id: Option<String>,
    pub path: String,
    /// The sender's address (`ip:port`); None in records kept before it was.
    pub source: Option<String>,
    /// As received, credentials masked.
    pub headers: Vec<(String, String)>,
    /// Exactly as received (for a rejected request, its first [`KEPT_PREFIX`] bytes).
    pub body: Vec<u8>,
    /// The length of the body as received.
    pub body_len: u64,
    pub deliveries: Vec<Delivery>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub target: String,
    pub state: State,
    pub reason: Option<String>,
    pub updated_at: Option<String>,
    /// Filled by [`Store::show`] only.
    pub attempts: Vec<Attempt>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub target: String,
    pub number: u32,
    pub at: String,
    pub status: Option<u16>,
    pub duration_ms: f64,
    pub error: Option<String>,
    pub answer_headers: Vec<(String, String)>,
    /// The first [`KEPT_PREFIX`] bytes of the app's answer.
    pub answer_body: Vec<u8>,
    /// Made by a replay (the inspector's, or `whk replay`), not by the relay's own delivery.
    pub replay: bool,
    /// The body sent was not the recorded one.
    pub edited: bool,
}

impl Record {
    /// Targets not yet delivered to nor given up on.
    pub fn pending_targets(&self) -> Vec<String> {
        self.deliveries.iter().filter(|d| d.state == State::Pending).map(|d| d.target.clone()).collect()
    }

    pub fn targets(&self) -> Vec<String> {
        self.deliveries.iter().map(|d| d.target.clone()).collect()
    }

    pub fn has_state(&self, state: State) -> bool {
        self.deliveries.iter().any(|d| d.state == state)
    }
}

/// How to find one record.
#[derive(Debug, Clone)]
pub enum Key {
    Seq(u64),
    EventId(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    /// Accepted, and delivered to every target it has (at least one).
    Delivered,
    Pending,
    Failed,
    /// Owes nothing, and its most recent delivery attempt, to any target and replays included,
    /// failed (or, never attempted, a delivery failed): what `replay --failed` re-sends, so a
    /// successful replay clears it.
    LastFailed,
    Rejected,
}

/// What [`Store::list`] returns; every field narrows, `None` does not.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// `*` matches any run of characters, as in `--route`.
    pub type_glob: Option<String>,
    pub provider: Option<String>,
    pub status: Option<StatusFilter>,
    /// Arrived at or after this time.
    pub since: Option<SystemTime>,
    /// This event id exactly.
    pub event_id: Option<String>,
    /// Has a delivery to this target.
    pub target: Option<String>,
    /// The body contains these bytes.
    pub body_contains: Option<String>,
    /// Only records older than this seq (the cursor for the next page).
    pub before: Option<u64>,
    pub limit: Option<usize>,
    /// Include rejected requests (a `Rejected` status filter implies it).
    pub include_rejected: bool,
}

pub fn default_path() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("WHK_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir).join("whk.db"));
    }
    dirs::data_dir().map(|d| d.join("whk").join("whk.db")).context("cannot find a data directory: pass --log PATH")
}

/// A connection to the store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// An error that names the store and what to do, for a store that cannot be used.
fn unusable(path: &Path, err: impl std::fmt::Display) -> anyhow::Error {
    let mut start = [0u8; 1];
    let json_lines = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut start))
        .is_ok_and(|_| start[0] == b'{');
    let hint = if json_lines {
        format!(
            "it looks like a whk 0.1 JSON Lines log: `whk log import {} --log NEW.db` copies it into a store",
            path.display()
        )
    } else {
        "is it a whk store? pass --log PATH to use another".to_string()
    };
    anyhow::Error::new(crate::UsageError(format!("cannot open the event store {}: {err} ({hint})", path.display())))
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(10))?;
    // Only takes effect on a new, empty store (before the first table): bigger pages, fewer
    // write-ahead log frames (and system calls) per committed batch. Measured on 2 cores at 64
    // connections: 16 KiB acknowledged about 10% more than 4 KiB; 64 KiB less than either.
    conn.pragma_update(None, "page_size", 16384)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    // 16 MiB of page cache (the default is 2): index pages stay in memory between batches.
    conn.pragma_update(None, "cache_size", -16384)?;
    Ok(())
}

fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let version: usize = conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))? as usize;
    if version >= MIGRATIONS.len() {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // Another process may have migrated while this one waited for the lock.
    let version: usize = tx.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))? as usize;
    for step in MIGRATIONS.iter().skip(version) {
        tx.execute_batch(step)?;
    }
    tx.pragma_update(None, "user_version", MIGRATIONS.len() as i64)?;
    tx.commit()
}

impl Store {
    /// Opens the store, creating it (owner-only, in an owner-only folder) if it does not exist.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::os::create_private_dir(dir).map_err(|e| {
                crate::UsageError(format!("cannot create the store folder {}: {e} (check --log)", dir.display()))
            })?;
        }
        if !path.exists() {
            // Created owner-only before SQLite opens it: it holds bodies and headers.
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(false);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            options.open(path).map_err(|e| unusable(path, e))?;
        }
        Store::connect(path)
    }

    /// Opens a store that must already exist (readers: replay, `whk log`).
    pub fn open_existing(path: &Path) -> Result<Store> {
        if !path.exists() {
            anyhow::bail!(crate::UsageError(format!(
                "there is no event store at {}: `whk listen` creates it, or pass --log PATH",
                path.display()
            )));
        }
        Store::connect(path)
    }

    fn connect(path: &Path) -> Result<Store> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, flags).map_err(|e| unusable(path, e))?;
        configure(&conn).and_then(|_| migrate(&mut conn)).map_err(|e| unusable(path, e))?;
        Ok(Store { conn, path: path.to_path_buf() })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The change counter: raised by every write transaction.
    pub fn latest_change(&self) -> Result<u64> {
        Ok(self.conn.query_row("SELECT change FROM clock", [], |r| r.get::<_, i64>(0))? as u64)
    }

    /// One record, with its deliveries and every attempt.
    pub fn show(&self, key: &Key) -> Result<Option<Record>> {
        let seq: Option<i64> = match key {
            Key::Seq(seq) => Some(*seq as i64),
            Key::EventId(id) => self
                .conn
                .query_row("SELECT seq FROM events WHERE event_id = ?1 ORDER BY seq DESC LIMIT 1", [id], |r| r.get(0))
                .optional()?,
        };
        let Some(seq) = seq else { return Ok(None) };
        let mut records = self.select(&format!("{SELECT_EVENTS} WHERE e.seq = ?1"), &[&seq])?;
        let Some(mut record) = records.pop() else { return Ok(None) };
        let attempts = self.attempts(seq as u64)?;
        for attempt in attempts {
            if let Some(delivery) = record.deliveries.iter_mut().find(|d| d.target == attempt.target) {
                delivery.attempts.push(attempt);
            }
        }
        Ok(Some(record))
    }

    /// Records newest first, narrowed by `filter`.
    pub fn list(&self, filter: &Filter) -> Result<Vec<Record>> {
        let mut clauses: Vec<String> = Vec::new();
        let mut values: Vec<rusqlite::types::Value> = Vec::new();
        let mut bind = |clause: &str, value: rusqlite::types::Value| {
            values.push(value);
            clauses.push(clause.replace('?', &format!("?{}", values.len())));
        };
        if let Some(glob) = &filter.type_glob {
            bind("e.type GLOB ?", glob_to_sqlite(glob).into());
        }
        if let Some(id) = &filter.event_id {
            bind("e.event_id = ?", id.clone().into());
        }
        if let Some(provider) = &filter.provider {
            bind("e.provider = ?", provider.clone().into());
        }
        if let Some(since) = filter.since {
            bind("e.at_ms >= ?", unix_ms(since).into());
        }
        if let Some(target) = &filter.target {
            bind("EXISTS (SELECT 1 FROM deliveries d WHERE d.seq = e.seq AND d.target = ?)", target.clone().into());
        }
        if let Some(text) = &filter.body_contains {
            bind("instr(e.body, CAST(? AS BLOB)) > 0", text.clone().into());
        }
        if let Some(before) = filter.before {
            bind("e.seq < ?", (before.min(i64::MAX as u64) as i64).into());
        }
        match filter.status {
            Some(StatusFilter::Rejected) => clauses.push("e.verdict = 'rejected'".into()),
            Some(status) => {
                clauses.push("e.verdict = 'accepted'".into());
                clauses.push(
                    match status {
                        StatusFilter::Pending => {
                            "EXISTS (SELECT 1 FROM deliveries d WHERE d.seq = e.seq AND d.state = 'pending')"
                        }
                        StatusFilter::Failed => {
                            "EXISTS (SELECT 1 FROM deliveries d WHERE d.seq = e.seq AND d.state = 'failed')"
                        }
                        StatusFilter::LastFailed => {
                            "NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.seq = e.seq AND d.state = 'pending') AND \
                             CASE WHEN EXISTS (SELECT 1 FROM attempts a WHERE a.seq = e.seq) \
                             THEN (SELECT coalesce(a.status BETWEEN 200 AND 299, 0) FROM attempts a \
                                   WHERE a.seq = e.seq ORDER BY a.rowid DESC LIMIT 1) = 0 \
                             ELSE EXISTS (SELECT 1 FROM deliveries d WHERE d.seq = e.seq AND d.state = 'failed') END"
                        }
                        _ => {
                            "EXISTS (SELECT 1 FROM deliveries d WHERE d.seq = e.seq) AND NOT EXISTS \
                              (SELECT 1 FROM deliveries d WHERE d.seq = e.seq AND d.state != 'delivered')"
                        }
                    }
                    .into(),
                );
            }
            None if !filter.include_rejected => clauses.push("e.verdict = 'accepted'".into()),
            None => {}
        }
        let mut sql = SELECT_EVENTS.to_string();
        if !clauses.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&clauses.join(" AND "));
        }
        sql.push_str(" ORDER BY e.seq DESC");
        if let Some(limit) = filter.limit {
            sql.push_str(&format!(" LIMIT {}", limit.min(i64::MAX as usize)));
        }
        let params: Vec<&dyn rusqlite::ToSql> = values.iter().map(|v| v as &dyn rusqlite::ToSql).collect();
        self.select(&sql, &params)
    }

    /// Records (accepted or rejected) whose row or deliveries changed after `change`, oldest
    /// change first, at most `limit`: what a follower polls for after [`Store::latest_change`].
    pub fn changed_since(&self, change: u64, limit: usize) -> Result<Vec<Record>> {
        let change = change.min(i64::MAX as u64) as i64;
        let sql = format!(
            "{SELECT_EVENTS} WHERE e.seq IN (
                SELECT seq FROM events WHERE change > ?1
                UNION SELECT seq FROM deliveries WHERE change > ?1)
             ORDER BY e.seq LIMIT {}",
            limit.min(i64::MAX as usize)
        );
        self.select(&sql, &[&change])
    }

    /// Calls `each` for every record oldest first, one at a time (export).
    pub fn for_each(&self, mut each: impl FnMut(Record) -> Result<()>) -> Result<()> {
        let mut after = 0i64;
        loop {
            let page = self.select(&format!("{SELECT_EVENTS} WHERE e.seq > ?1 ORDER BY e.seq LIMIT 500"), &[&after])?;
            let Some(last) = page.last() else { return Ok(()) };
            after = last.seq as i64;
            for record in page {
                each(record)?;
            }
        }
    }

    /// Every attempt at one record in the order they were made: listen's, and replays' to any
    /// target, one it has no delivery for included (export, `whk log show`, the inspector).
    pub fn attempts(&self, seq: u64) -> Result<Vec<Attempt>> {
        let mut statement = self
            .conn
            .prepare_cached(&format!("SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE seq = ?1 ORDER BY rowid"))?;
        let attempts = statement.query_map([seq as i64], |r| attempt_from_row(r, 0))?;
        Ok(attempts.collect::<rusqlite::Result<_>>()?)
    }

    /// Attempts recorded after the change counter was `change`, in the order they were recorded,
    /// with their event's seq: what the inspector's live feed announces.
    pub fn attempts_since(&self, change: u64) -> Result<Vec<(u64, Attempt)>> {
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT seq, {ATTEMPT_COLUMNS} FROM attempts WHERE change > ?1 ORDER BY rowid LIMIT 1000"
        ))?;
        let attempts = statement.query_map([change.min(i64::MAX as u64) as i64], |r| {
            Ok((r.get::<_, i64>(0)? as u64, attempt_from_row(r, 1)?))
        })?;
        Ok(attempts.collect::<rusqlite::Result<_>>()?)
    }

    /// How many attempts each of `seqs` has (replays included); absent seqs have none.
    pub fn attempt_counts(&self, seqs: &[u64]) -> Result<BTreeMap<u64, u64>> {
        let mut statement = self.conn.prepare_cached("SELECT count(*) FROM attempts WHERE seq = ?1")?;
        let mut counts = BTreeMap::new();
        for &seq in seqs {
            let n: i64 = statement.query_row([seq as i64], |r| r.get(0))?;
            counts.insert(seq, n as u64);
        }
        Ok(counts)
    }

    /// The newest seq in the store (0 when it is empty).
    pub fn latest_seq(&self) -> Result<u64> {
        Ok(self.conn.query_row("SELECT coalesce(max(seq), 0) FROM events", [], |r| r.get::<_, i64>(0))? as u64)
    }

    /// Records per state over the whole store: (delivered, pending, failed, rejected). A record
    /// with a pending delivery counts as pending, else with a failed one as failed; an accepted
    /// record without deliveries was delivered to listen itself.
    pub fn state_counts(&self) -> Result<[u64; 4]> {
        let sql = "SELECT
            sum(verdict = 'rejected'),
            sum(verdict = 'accepted' AND p > 0),
            sum(verdict = 'accepted' AND p = 0 AND f > 0),
            sum(verdict = 'accepted' AND p = 0 AND f = 0)
            FROM (SELECT e.verdict AS verdict,
                (SELECT count(*) FROM deliveries d WHERE d.seq = e.seq AND d.state = 'pending') AS p,
                (SELECT count(*) FROM deliveries d WHERE d.seq = e.seq AND d.state = 'failed') AS f
                FROM events e)";
        let [rejected, pending, failed, delivered] = self.conn.query_row(sql, [], |r| {
            let n = |i| r.get::<_, Option<i64>>(i).map(|n| n.unwrap_or(0) as u64);
            Ok([n(0)?, n(1)?, n(2)?, n(3)?])
        })?;
        Ok([delivered, pending, failed, rejected])
    }

    fn select(&self, sql: &str, params: &[&dyn rusqlite::ToSql]) -> Result<Vec<Record>> {
        let mut statement = self.conn.prepare_cached(sql)?;
        let rows = statement.query_map(params, record_from_row)?;
        let mut records = Vec::new();
        for row in rows {
            records.push(row?);
        }
        if records.is_empty() {
            return Ok(records);
        }
        // Deliveries for the whole page in one query.
        let (low, high) = records.iter().fold((u64::MAX, 0), |(lo, hi), r| (lo.min(r.seq), hi.max(r.seq)));
        let mut statement = self.conn.prepare_cached(
            "SELECT seq, target, state, reason, updated_at, change FROM deliveries
             WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq, target",
        )?;
        let mut by_seq: BTreeMap<u64, Vec<(Delivery, u64)>> = BTreeMap::new();
        if records.len() as u64 * 4 > high - low || records.len() == 1 {
            let rows = statement.query_map([low as i64, high as i64], delivery_from_row)?;
            for row in rows {
                let (seq, delivery, change) = row?;
                by_seq.entry(seq).or_default().push((delivery, change));
            }
        } else {
            // Sparse pages (filters): one small query per record rather than a wide range.
            for record in &records {
                let rows = statement.query_map([record.seq as i64, record.seq as i64], delivery_from_row)?;
                for row in rows {
                    let (seq, delivery, change) = row?;
                    by_seq.entry(seq).or_default().push((delivery, change));
                }
            }
        }
        for record in &mut records {
            for (delivery, change) in by_seq.remove(&record.seq).unwrap_or_default() {
                record.change = record.change.max(change);
                record.deliveries.push(delivery);
            }
        }
        Ok(records)
    }

    /// Deletes records that arrived before `cutoff` and owe nothing (no pending delivery);
    /// returns how many went. The space is reused by later records.
    pub fn prune(&mut self, cutoff: SystemTime) -> Result<usize> {
        let cutoff = unix_ms(cutoff);
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let doomed = "SELECT seq FROM events WHERE at_ms < ?1 AND NOT EXISTS
             (SELECT 1 FROM deliveries d WHERE d.seq = events.seq AND d.state = 'pending')";
        tx.execute(&format!("DELETE FROM attempts WHERE seq IN ({doomed})"), [cutoff])?;
        tx.execute(&format!("DELETE FROM deliveries WHERE seq IN ({doomed})"), [cutoff])?;
        let removed = tx.execute(&format!("DELETE FROM events WHERE seq IN ({doomed})"), [cutoff])?;
        bump(&tx)?;
        tx.commit()?;
        Ok(removed)
    }

    /// Gives the space of deleted records back to the file system.
    pub fn vacuum(&self) -> Result<()> {
        self.conn.execute_batch("VACUUM")?;
        Ok(())
    }

    /// Claims the pending deliveries no live process is sending, for this process, oldest first.
    /// Returns them, and how many a live process (another pid) holds.
    pub fn claim_pending(&mut self, only_seqs: Option<&[u64]>) -> Result<(Vec<(u64, String)>, usize)> {
        let me = std::process::id() as i64;
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut mine = Vec::new();
        let mut held = 0;
        {
            let mut statement = tx.prepare(
                "SELECT d.seq, d.target, d.claimed_by FROM deliveries d
                 JOIN events e ON e.seq = d.seq WHERE d.state = 'pending' ORDER BY d.seq",
            )?;
            let rows = statement.query_map([], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get::<_, String>(1)?, r.get::<_, Option<i64>>(2)?))
            })?;
            let mut alive: BTreeMap<i64, bool> = BTreeMap::new();
            for row in rows {
                let (seq, target, owner) = row?;
                if only_seqs.is_some_and(|only| !only.contains(&seq)) {
                    continue;
                }
                let taken = owner
                    .filter(|&pid| pid != me)
                    .is_some_and(|pid| *alive.entry(pid).or_insert_with(|| crate::os::process_alive(pid)));
                if taken {
                    held += 1;
                } else {
                    mine.push((seq, target));
                }
            }
        }
        {
            let mut claim = tx.prepare("UPDATE deliveries SET claimed_by = ?1 WHERE seq = ?2 AND target = ?3")?;
            for (seq, target) in &mine {
                claim.execute(params![me, *seq as i64, target])?;
            }
        }
        tx.commit()?;
        Ok((mine, held))
    }

    /// Records what became of a delivery this process claimed (replay).
    pub fn settle(&mut self, seq: u64, target: &str, state: State, reason: Option<&str>) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let change = bump(&tx)?;
        tx.execute(
            "UPDATE deliveries SET state = ?1, reason = ?2, updated_at = ?3, change = ?4, claimed_by = NULL
             WHERE seq = ?5 AND target = ?6",
            params![state.name(), reason, iso_millis(SystemTime::now()), change, seq as i64, target],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Records a replay's attempt at an event, numbered after the target's earlier attempts, so the
    /// event's history (and [`StatusFilter::LastFailed`]) sees it.
    pub fn record_replay(&mut self, seq: u64, mut attempt: Attempt) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let change = bump(&tx)?;
        attempt.number = tx.query_row(
            "SELECT coalesce(max(attempt), 0) + 1 FROM attempts WHERE seq = ?1 AND target = ?2",
            params![seq as i64, attempt.target],
            |r| r.get(0),
        )?;
        insert_attempt(&tx, change, seq, &attempt)?;
        tx.commit()?;
        Ok(())
    }

    /// Releases this process's claims (a replay that ends without delivering them).
    pub fn release_claims(&mut self) -> Result<()> {
        self.conn.execute(
            "UPDATE deliveries SET claimed_by = NULL WHERE claimed_by = ?1 AND state = 'pending'",
            [std::process::id() as i64],
        )?;
        Ok(())
    }

    /// Appends records read from elsewhere (import), each with its deliveries and attempts, in one
    /// transaction; returns the seqs they were given.
    pub fn insert_records(&mut self, records: &[(Record, Vec<Attempt>)]) -> Result<Vec<u64>> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let change = bump(&tx)?;
        let mut seqs = Vec::new();
        for (record, attempts) in records {
            let seq = insert_event(&tx, change, &Row::new(Box::new(record.clone())), None)?;
            for attempt in attempts {
                insert_attempt(&tx, change, seq, attempt)?;
            }
            seqs.push(seq);
        }
        tx.commit()?;
        Ok(seqs)
    }

    /// The newest `n` accepted events, oldest of them first (replay --last): a bounded query, so
    /// the store's size does not matter.
    pub fn last(&self, n: usize) -> Result<Vec<Record>> {
        let mut records = self.list(&Filter { limit: Some(n), ..Filter::default() })?;
        records.reverse();
        Ok(records)
    }

    /// What forwarding reads back: the event's body and the fields that sign it.
    pub fn forwardable(&self, seq: u64) -> Result<Forwardable> {
        let mut statement = self.conn.prepare_cached(
            "SELECT event_id, type, provider, msg_id, account, body, headers FROM events WHERE seq = ?1",
        )?;
        statement
            .query_row([seq as i64], |r| {
                Ok(Forwardable {
                    id: r.get(0)?,
                    event_type: r.get(1)?,
                    provider: r.get(2)?,
                    msg_id: r.get(3)?,
                    account: r.get(4)?,
                    body: r.get(5)?,
                    relayed_by: decode_headers(&r.get::<_, String>(6)?)
                        .into_iter()
                        .find(|(name, _)| name == RELAYED_BY)
                        .map(|(_, value)| value),
                })
            })
            .optional()?
            .with_context(|| format!("event #{seq} is not in the store (pruned or imported elsewhere?)"))
    }
}

/// The fields of an event forwarding uses.
#[derive(Debug)]
pub struct Forwardable {
    pub id: String,
    pub event_type: String,
    pub provider: String,
    pub msg_id: Option<String>,
    pub account: Option<String>,
    pub body: Vec<u8>,
    /// The relays it came through (their `whk-relayed-by` header), when it came from one.
    pub relayed_by: Option<String>,
}

/// The header forwarded requests carry: the relay tokens of every whk listen they passed through.
pub const RELAYED_BY: &str = "whk-relayed-by";

const SELECT_EVENTS: &str = "SELECT e.seq, e.change, e.at, e.verdict, e.reason, e.event_id, e.type, e.provider,
    e.account, e.verified, e.msg_id, e.path, e.headers, e.body, e.body_len, e.source FROM events e";

fn record_from_row(r: &rusqlite::Row) -> rusqlite::Result<Record> {
    Ok(Record {
        seq: r.get::<_, i64>(0)? as u64,
        change: r.get::<_, i64>(1)? as u64,
        at: r.get(2)?,
        verdict: if r.get::<_, String>(3)? == "rejected" { Verdict::Rejected } else { Verdict::Accepted },
        reason: r.get(4)?,
        event_id: r.get(5)?,
        event_type: r.get(6)?,
        provider: r.get(7)?,
        account: r.get(8)?,
        verified: r.get(9)?,
        msg_id: r.get(10)?,
        path: r.get(11)?,
        headers: decode_headers(&r.get::<_, String>(12)?),
        body: r.get(13)?,
        body_len: r.get::<_, i64>(14)? as u64,
        source: r.get(15)?,
        deliveries: Vec::new(),
    })
}

const ATTEMPT_COLUMNS: &str =
    "target, attempt, at, status, duration_ms, error, answer_headers, answer_body, replay, edited";

/// An attempt from [`ATTEMPT_COLUMNS`] starting at column `first`.
fn attempt_from_row(r: &rusqlite::Row, first: usize) -> rusqlite::Result<Attempt> {
    Ok(Attempt {
        target: r.get(first)?,
        number: r.get(first + 1)?,
        at: r.get(first + 2)?,
        status: r.get(first + 3)?,
        duration_ms: r.get(first + 4)?,
        error: r.get(first + 5)?,
        answer_headers: decode_headers(r.get::<_, Option<String>>(first + 6)?.as_deref().unwrap_or("[]")),
        answer_body: r.get::<_, Option<Vec<u8>>>(first + 7)?.unwrap_or_default(),
        replay: r.get(first + 8)?,
        edited: r.get(first + 9)?,
    })
}

fn delivery_from_row(r: &rusqlite::Row) -> rusqlite::Result<(u64, Delivery, u64)> {
    Ok((
        r.get::<_, i64>(0)? as u64,
        Delivery {
            target: r.get(1)?,
            state: State::parse(&r.get::<_, String>(2)?),
            reason: r.get(3)?,
            updated_at: r.get(4)?,
            attempts: Vec::new(),
        },
        r.get::<_, i64>(5)? as u64,
    ))
}

/// Headers are kept as a JSON array of [name, value] pairs (a name may repeat). Anything else
/// (a store written by hand, a damaged row) reads as no headers rather than an error.
pub fn decode_headers(text: &str) -> Vec<(String, String)> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(pairs)) => pairs
            .iter()
            .filter_map(|pair| Some((pair.get(0)?.as_str()?.to_string(), pair.get(1)?.as_str()?.to_string())))
            .collect(),
        Ok(Value::Object(map)) => {
            map.into_iter().filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string()))).collect()
        }
        _ => Vec::new(),
    }
}

pub fn encode_headers(headers: &[(String, String)]) -> String {
    Value::Array(headers.iter().map(|(k, v)| json!([k, v])).collect()).to_string()
}

/// `--route`-style globs (`*` only) as SQLite GLOB patterns, whose other specials are escaped.
fn glob_to_sqlite(glob: &str) -> String {
    let mut out = String::new();
    for c in glob.chars() {
        match c {
            '?' | '[' | ']' => {
                out.push('[');
                out.push(c);
                out.push(']');
            }
            c => out.push(c),
        }
    }
    out
}

/// `now - DURATION` for flags such as `--since 10m`: an error naming the flag, never a panic,
/// for text that is not a duration or a span reaching before 1970.
pub fn ago(flag: &str, text: &str) -> Result<SystemTime, crate::UsageError> {
    let span = humantime::parse_duration(text)
        .map_err(|_| crate::UsageError(format!("{flag} `{text}` is not a duration such as 90s, 10m, 2h or 7d")))?;
    SystemTime::now()
        .checked_sub(span)
        .filter(|t| *t >= UNIX_EPOCH)
        .ok_or_else(|| crate::UsageError(format!("{flag} `{text}` reaches back before 1970: give a shorter duration")))
}

fn unix_ms(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_millis().min(i64::MAX as u128) as i64,
        Err(_) => 0,
    }
}

/// Raises the change counter; returns its new value.
fn bump(tx: &rusqlite::Transaction) -> rusqlite::Result<i64> {
    tx.query_row("UPDATE clock SET change = change + 1 RETURNING change", [], |r| r.get(0))
}

/// A record with its columns that take work to compute (arrival in ms, headers as JSON) computed
/// already: [`Row::new`] runs on the receiving thread, so listen's one writer thread only inserts.
pub struct Row {
    record: Box<Record>,
    at_ms: i64,
    headers: String,
}

impl Row {
    pub fn new(record: Box<Record>) -> Row {
        let at_ms = humantime::parse_rfc3339_weak(&record.at).map(unix_ms).unwrap_or(0);
        let headers = encode_headers(&record.headers);
        Row { record, at_ms, headers }
    }
}

fn insert_event(tx: &rusqlite::Transaction, change: i64, row: &Row, claimed_by: Option<i64>) -> Result<u64> {
    let Row { record, at_ms, headers } = row;
    let mut insert = tx.prepare_cached(
        "INSERT INTO events(change, at, at_ms, verdict, reason, event_id, type, provider, account, verified,
            msg_id, path, headers, body, body_len, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?;
    insert.execute(params![
        change,
        record.at,
        at_ms,
        record.verdict.name(),
        record.reason,
        record.event_id,
        record.event_type,
        record.provider,
        record.account,
        record.verified,
        record.msg_id,
        record.path,
        headers,
        record.body,
        record.body_len.min(i64::MAX as u64) as i64,
        record.source,
    ])?;
    let seq = tx.last_insert_rowid();
    let mut delivery = tx.prepare_cached(
        "INSERT OR IGNORE INTO deliveries(seq, target, state, reason, claimed_by, updated_at, change)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for d in &record.deliveries {
        delivery.execute(params![seq, d.target, d.state.name(), d.reason, claimed_by, d.updated_at, change])?;
    }
    Ok(seq as u64)
}

fn insert_attempt(tx: &rusqlite::Transaction, change: i64, seq: u64, a: &Attempt) -> rusqlite::Result<()> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO attempts(seq, target, attempt, at, status, duration_ms, error, answer_headers, answer_body, change,
            replay, edited)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    insert.execute(params![
        seq as i64,
        a.target,
        a.number,
        a.at,
        a.status,
        a.duration_ms,
        a.error,
        encode_headers(&a.answer_headers),
        a.answer_body,
        change,
        a.replay,
        a.edited
    ])?;
    Ok(())
}

/// Runs on the writer thread once an event is committed, with its seq.
pub type OnDurable = Box<dyn FnOnce(u64) + Send>;

/// What listen's writer thread is asked to write.
pub enum Write {
    /// A received event, acknowledged (by `on_durable`) only after its transaction commits.
    Event {
        row: Row,
        on_durable: OnDurable,
    },
    /// A rejected request, kept for inspection (no one waits for it).
    Rejected(Row),
    Attempt {
        seq: u64,
        attempt: Box<Attempt>,
    },
    /// A delivery's outcome: delivered or failed.
    Outcome {
        seq: u64,
        target: String,
        state: State,
        reason: Option<String>,
    },
}

impl Write {
    /// Written later if its transaction fails? Outcomes are (a lost one repeats a delivery);
    /// events are not (their sender got a 503 and retries).
    fn worth_retrying(&self) -> bool {
        matches!(self, Write::Outcome { .. } | Write::Attempt { .. })
    }
}

/// A handle to listen's writer thread. Cloneable; the thread ends when every handle is dropped.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Write>,
}

impl Writer {
    pub fn send(&self, write: Write) -> Result<()> {
        self.tx.send(write).map_err(|_| anyhow::anyhow!("the event store writer has stopped"))
    }
}

/// The store as listen holds it: the writer thread and what the last run left pending.
pub struct Opened {
    pub writer: Writer,
    /// Undelivered (seq, target) pairs, claimed for this process, in arrival order.
    pub pending: Vec<(u64, String)>,
    /// Pending deliveries another live process (a `replay --pending`) is sending.
    pub held_elsewhere: usize,
    pub path: PathBuf,
    writer_thread: std::thread::JoinHandle<()>,
}

impl Opened {
    /// Waits until everything sent so far is committed (all handles must be dropped first).
    pub fn close(self) {
        drop(self.writer);
        let _ = self.writer_thread.join();
    }
}

/// How long writes that are not events (attempts, outcomes, rejections) may wait for company.
const NOTE_FLUSH: Duration = Duration::from_millis(10);
/// At most this many writes kept for retry after failed transactions.
const RETRY_CAP: usize = 100_000;

/// Opens the store for listen: claims what is pending and starts the writer thread.
pub fn open_for_listen(path: &Path, on_broken: impl Fn(&str) + Send + 'static) -> Result<Opened> {
    let store = Store::open(path)?;
    // The schema moves from the write-ahead log into the file itself, so an emptied file
    // (copy-truncate rotation) is recognisable as such from here on.
    store.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).map_err(|e| unusable(path, e))?;
    let mut store = store;
    let (pending, held_elsewhere) = store.claim_pending(None)?;
    let identity = file_identity(path).with_context(|| format!("cannot stat the event store {}", path.display()))?;
    let (tx, rx) = mpsc::channel();
    let thread_path = path.to_path_buf();
    let writer_thread = std::thread::Builder::new()
        .name("whk-store".into())
        .spawn(move || write_loop(store.conn, &thread_path, identity, rx, on_broken))
        .context("cannot start the store writer")?;
    Ok(Opened { writer: Writer { tx }, pending, held_elsewhere, path: path.to_path_buf(), writer_thread })
}

/// (device, inode): a store file deleted or replaced under listen has another one, or none.
fn file_identity(path: &Path) -> std::io::Result<(u64, u64)> {
    file_state(path).map(|(identity, _)| identity)
}

/// The file's identity and whether it is empty, from one `stat`.
fn file_state(path: &Path) -> std::io::Result<((u64, u64), bool)> {
    let meta = std::fs::metadata(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Ok(((meta.dev(), meta.ino()), meta.len() == 0))
    }
    #[cfg(not(unix))]
    {
        Ok(((0, 0), meta.len() == 0))
    }
}

fn write_loop(
    mut conn: Connection,
    path: &Path,
    identity: (u64, u64),
    rx: mpsc::Receiver<Write>,
    on_broken: impl Fn(&str),
) {
    let me = std::process::id() as i64;
    let mut retry: Vec<Write> = Vec::new();
    let mut broken: Option<String> = None;
    loop {
        let first = if retry.is_empty() {
            match rx.recv() {
                Ok(write) => write,
                Err(_) => break,
            }
        } else {
            match rx.recv_timeout(Duration::from_millis(200)) {
                Ok(write) => write,
                Err(mpsc::RecvTimeoutError::Timeout) => retry.pop().expect("retry is not empty"),
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        };
        let mut batch = std::mem::take(&mut retry);
        batch.push(first);
        if !batch.iter().any(|w| matches!(w, Write::Event { .. })) {
            // Only notes: wait a little for an event to ride along with, rather than commit each.
            if let Ok(write) = rx.recv_timeout(NOTE_FLUSH) {
                batch.push(write);
            }
        }
        batch.extend(rx.try_iter());

        // Checked before every commit: writing on would land in a file no one will ever read.
        if broken.is_none() {
            match file_state(path) {
                Ok((now, empty)) if now == identity => {
                    if empty {
                        broken = Some(format!("the event store {} was emptied (truncated)", path.display()));
                    }
                }
                Ok(_) => broken = Some(format!("the event store {} was replaced", path.display())),
                Err(err) => broken = Some(format!("the event store {} is gone ({err})", path.display())),
            }
            if let Some(why) = &broken {
                on_broken(why);
            }
        }
        if broken.is_some() {
            // Every waiting sender gets a 503 (their callbacks are dropped unrun).
            continue;
        }
        match commit(&mut conn, me, &batch) {
            Ok(seqs) => {
                let mut seqs = seqs.into_iter();
                for write in batch {
                    if let Write::Event { on_durable, .. } = write {
                        on_durable(seqs.next().expect("one seq per event"));
                    }
                }
            }
            Err(err) => {
                // Nothing is acknowledged that is not committed: the senders get a 503 and retry.
                crate::relay::console::say_error(&format!("whk: cannot write to the event store: {err}"));
                retry = batch.into_iter().filter(Write::worth_retrying).take(RETRY_CAP).collect();
            }
        }
    }
    // Whatever outcomes are left get one last try.
    if !retry.is_empty() && broken.is_none() {
        let _ = commit(&mut conn, me, &retry);
    }
}

/// One transaction for the batch; returns the seqs the events got, in order.
fn commit(conn: &mut Connection, me: i64, batch: &[Write]) -> Result<Vec<u64>> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let change = bump(&tx)?;
    let mut seqs = Vec::new();
    for write in batch {
        match write {
            Write::Event { row, .. } => seqs.push(insert_event(&tx, change, row, Some(me))?),
            Write::Rejected(row) => {
                insert_event(&tx, change, row, None)?;
            }
            Write::Attempt { seq, attempt } => insert_attempt(&tx, change, *seq, attempt)?,
            Write::Outcome { seq, target, state, reason } => {
                let mut update = tx.prepare_cached(
                    "UPDATE deliveries SET state = ?1, reason = ?2, updated_at = ?3, change = ?4, claimed_by = NULL
                     WHERE seq = ?5 AND target = ?6",
                )?;
                update.execute(params![
                    state.name(),
                    reason,
                    iso_millis(SystemTime::now()),
                    change,
                    *seq as i64,
                    target
                ])?;
            }
        }
    }
    tx.commit()?;
    Ok(seqs)
}

/// A store reader for forwarding, on listen's forward thread.
pub struct Reader {
    store: std::sync::Mutex<Store>,
}

impl Reader {
    pub fn open(path: &Path) -> Result<Reader> {
        Ok(Reader { store: std::sync::Mutex::new(Store::open_existing(path)?) })
    }

    pub fn forwardable(&self, seq: u64) -> Result<Forwardable> {
        self.store.lock().unwrap_or_else(|e| e.into_inner()).forwardable(seq)
    }
}

/// A record as a 0.1-compatible JSON Lines object (`whk log export`); a body that is not UTF-8
/// goes as `body_base64`.
pub fn export_lines(record: &Record, attempts: &[Attempt]) -> Vec<Value> {
    use base64::Engine;
    // An object as in 0.1's log, unless a name repeats (then [name, value] pairs, which import reads too).
    let object: serde_json::Map<String, Value> =
        record.headers.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    let headers = if object.len() == record.headers.len() {
        Value::Object(object)
    } else {
        Value::Array(record.headers.iter().map(|(k, v)| json!([k, v])).collect())
    };
    let mut head = json!({
        "rec": if record.verdict == Verdict::Rejected { "rejected" } else { "event" },
        "seq": record.seq, "at": record.at, "id": record.event_id, "type": record.event_type,
        "provider": record.provider, "account": record.account, "verified": record.verified,
        "msg_id": record.msg_id, "path": record.path, "source": record.source, "headers": headers,
        "targets": record.targets(), "body_len": record.body_len,
    });
    if let Some(reason) = &record.reason {
        head["reason"] = json!(reason);
    }
    match std::str::from_utf8(&record.body) {
        Ok(text) => head["body"] = json!(text),
        Err(_) => head["body_base64"] = json!(base64::engine::general_purpose::STANDARD.encode(&record.body)),
    }
    let mut lines = vec![head];
    for a in attempts {
        let mut line = json!({
            "rec": "attempt", "seq": record.seq, "target": a.target, "attempt": a.number, "at": a.at,
            "status": a.status, "duration_ms": a.duration_ms, "error": a.error,
        });
        // Only when set, so exports of relay deliveries read as they did in 0.1.
        for (flag, set) in [("replay", a.replay), ("edited", a.edited)] {
            if set {
                line[flag] = Value::Bool(true);
            }
        }
        lines.push(line);
    }
    for d in record.deliveries.iter().filter(|d| d.state != State::Pending) {
        lines.push(json!({
            "rec": d.state.name(), "seq": record.seq, "target": d.target, "at": d.updated_at, "reason": d.reason,
        }));
    }
    lines
}

/// Builds records from a JSON Lines log (0.1's, or `whk log export`'s): events with their
/// attempts and outcomes, oldest first. Lines that are not records (a torn last line) are
/// counted, not fatal.
#[derive(Default)]
pub struct Importer {
    records: BTreeMap<u64, (Record, Vec<Attempt>)>,
    next_unnumbered: u64,
    pub skipped: usize,
}

impl Importer {
    /// Takes one line.
    pub fn line(&mut self, line: &[u8]) {
        if line.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        match decode_line(line) {
            Some(Line::Record(record)) => {
                // 0.1 rejections had no seq: number them after everything else.
                let seq = if record.seq == 0 {
                    self.next_unnumbered += 1;
                    u64::MAX / 2 + self.next_unnumbered
                } else {
                    record.seq
                };
                self.records.insert(seq, (*record, Vec::new()));
            }
            Some(Line::Attempt(seq, attempt)) => match self.records.get_mut(&seq) {
                Some((_, attempts)) => attempts.push(*attempt),
                None => self.skipped += 1,
            },
            Some(Line::Outcome { seq, target, state, at, reason }) => {
                match self.records.get_mut(&seq).and_then(|(r, _)| r.deliveries.iter_mut().find(|d| d.target == target))
                {
                    Some(delivery) => {
                        delivery.state = state;
                        delivery.updated_at = at;
                        delivery.reason = reason;
                    }
                    None => self.skipped += 1,
                }
            }
            None => self.skipped += 1,
        }
    }

    pub fn finish(self) -> Vec<(Record, Vec<Attempt>)> {
        self.records.into_values().collect()
    }
}

/// One decoded JSON Lines log line.
#[derive(Debug)]
pub enum Line {
    Record(Box<Record>),
    Attempt(u64, Box<Attempt>),
    Outcome { seq: u64, target: String, state: State, at: Option<String>, reason: Option<String> },
}

/// Decodes one JSON Lines log line; None for anything that is not a whk record. Never panics,
/// whatever the bytes (fuzzed: `fuzz/fuzz_targets/store_line.rs`).
pub fn decode_line(line: &[u8]) -> Option<Line> {
    use base64::Engine;
    let value: Value = serde_json::from_slice(line).ok()?;
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(String::from);
    let seq = value.get("seq").and_then(Value::as_u64).unwrap_or(0);
    match value.get("rec")?.as_str()? {
        kind @ ("event" | "rejected") => {
            let body = match (value.get("body").and_then(Value::as_str), text("body_base64")) {
                (Some(body), _) => body.as_bytes().to_vec(),
                (None, Some(b64)) => base64::engine::general_purpose::STANDARD.decode(b64).ok()?,
                (None, None) => Vec::new(),
            };
            let rejected = kind == "rejected";
            let kept = if rejected { body[..body.len().min(KEPT_PREFIX)].to_vec() } else { body.clone() };
            let headers = match value.get("headers") {
                Some(h) => decode_headers(&h.to_string()),
                None => Vec::new(),
            };
            let deliveries = value
                .get("targets")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|t| Delivery {
                    target: t.to_string(),
                    state: State::Pending,
                    reason: None,
                    updated_at: None,
                    attempts: Vec::new(),
                })
                .collect();
            Some(Line::Record(Box::new(Record {
                seq: if rejected && value.get("seq").is_none() { 0 } else { seq },
                change: 0,
                at: text("at").unwrap_or_default(),
                verdict: if rejected { Verdict::Rejected } else { Verdict::Accepted },
                reason: text("reason"),
                event_id: text("id").unwrap_or_default(),
                event_type: text("type").unwrap_or_default(),
                source: text("source"),
                provider: text("provider").unwrap_or_default(),
                account: text("account"),
                verified: text("verified").unwrap_or_default(),
                msg_id: text("msg_id"),
                path: text("path").unwrap_or_default(),
                headers,
                body_len: value.get("body_len").and_then(Value::as_u64).unwrap_or(body.len() as u64),
                body: kept,
                deliveries,
            })))
        }
        "attempt" => Some(Line::Attempt(
            seq,
            Box::new(Attempt {
                target: text("target")?,
                number: value.get("attempt").and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok()).unwrap_or(0),
                at: text("at").unwrap_or_default(),
                status: value.get("status").and_then(Value::as_u64).and_then(|s| u16::try_from(s).ok()),
                duration_ms: value.get("duration_ms").and_then(Value::as_f64).unwrap_or(0.0),
                error: text("error"),
                answer_headers: Vec::new(),
                answer_body: Vec::new(),
                replay: value.get("replay").and_then(Value::as_bool).unwrap_or(false),
                edited: value.get("edited").and_then(Value::as_bool).unwrap_or(false),
            }),
        )),
        kind @ ("delivered" | "failed") => Some(Line::Outcome {
            seq,
            target: text("target")?,
            state: State::parse(kind),
            at: text("at"),
            reason: text("reason"),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepted(body: &str, targets: &[&str]) -> Record {
        Record {
            seq: 0,
            change: 0,
            at: iso_millis(SystemTime::now()),
            verdict: Verdict::Accepted,
            reason: None,
            event_id: "evt_1".into(),
            event_type: "payment_intent.succeeded".into(),
            provider: "stripe".into(),
            account: None,
            verified: "local".into(),
            msg_id: None,
            path: "/".into(),
            source: Some("127.0.0.1:40000".into()),
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
            body_len: body.len() as u64,
            deliveries: targets
                .iter()
                .map(|t| Delivery {
                    target: t.to_string(),
                    state: State::Pending,
                    reason: None,
                    updated_at: None,
                    attempts: Vec::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn list_filters_combine_and_page_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db")).unwrap();
        let mut other = accepted(r#"{"id":"evt_2","needle":1}"#, &["http://a/"]);
        other.event_type = "charge.failed".into();
        other.event_id = "evt_2".into();
        let seqs = store
            .insert_records(&[
                (accepted("{}", &["http://a/"]), vec![]),
                (other, vec![]),
                (accepted("{}", &["http://b/"]), vec![]),
            ])
            .unwrap();
        let all = store.list(&Filter::default()).unwrap();
        assert_eq!(all.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![seqs[2], seqs[1], seqs[0]]);
        let charges = store.list(&Filter { type_glob: Some("charge.*".into()), ..Filter::default() }).unwrap();
        assert_eq!(charges.len(), 1);
        let needle = store
            .list(&Filter {
                body_contains: Some("needle".into()),
                target: Some("http://a/".into()),
                ..Filter::default()
            })
            .unwrap();
        assert_eq!(needle[0].event_id, "evt_2");
        let page = store.list(&Filter { before: Some(seqs[1]), limit: Some(5), ..Filter::default() }).unwrap();
        assert_eq!(page.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![seqs[0]]);
        let before = store.latest_change().unwrap();
        store.settle(seqs[0], "http://a/", State::Delivered, None).unwrap();
        let changed = store.changed_since(before, 10).unwrap();
        assert_eq!(changed.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![seqs[0]]);
        let delivered = store.list(&Filter { status: Some(StatusFilter::Delivered), ..Filter::default() }).unwrap();
        assert_eq!(delivered.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![seqs[0]]);
        let shown = store.show(&Key::EventId("evt_2".into())).unwrap().unwrap();
        assert_eq!(shown.seq, seqs[1]);
    }

    #[test]
    fn an_exported_record_imports_as_it_was() {
        let mut record = accepted(r#"{"id":"evt_1"}"#, &["http://a/", "http://b/"]);
        record.seq = 7;
        record.deliveries[0].state = State::Delivered;
        record.deliveries[0].updated_at = Some("2026-01-01T00:00:00.000Z".into());
        let attempt = Attempt {
            target: "http://a/".into(),
            number: 1,
            at: "2026-01-01T00:00:00.000Z".into(),
            status: Some(200),
            duration_ms: 1.5,
            error: None,
            answer_headers: Vec::new(),
            answer_body: Vec::new(),
            replay: false,
            edited: false,
        };
        let mut importer = Importer::default();
        for line in export_lines(&record, std::slice::from_ref(&attempt)) {
            importer.line(line.to_string().as_bytes());
        }
        importer.line(b"{\"rec\":\"event\",\"seq\":8,\"bo");
        assert_eq!(importer.skipped, 1);
        let imported = importer.finish();
        assert_eq!(imported, vec![(record, vec![attempt])]);
    }
}
