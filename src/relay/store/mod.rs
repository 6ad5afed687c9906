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
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use serde_json::{json, Value};

use crate::time::{iso_millis, unix_ms};

mod jsonl;
mod query;
mod writer;

pub use jsonl::{decode_line, export_lines, Importer, Line};
use writer::*;
pub use writer::{open_for_listen, Opened, Reader, Row, Write, Writer};

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
    // Events and attempts are only ever appended, each with the change counter of its own
    // transaction, so their order (seq, rowid) is the counter's order and followers find what is
    // new by reading back from the end: these two indexes cost every insert for nothing.
    r#"
DROP INDEX events_change;
DROP INDEX attempts_change;
"#,
    // Fewer pages per commit (each is a 16 KiB frame in the write-ahead log): a commit no longer
    // writes AUTOINCREMENT's counter (`clock.last_seq` keeps seqs from repeating after pruning),
    // nor the `clock` row (the newest rows carry the counter), nor index entries for deliveries
    // still as they were stored (their event's row carries their counter) or delivered (the
    // attempt that delivered them, in the same transaction, does).
    //
    // Nor an entry in `deliveries_pending` for each new delivery: claiming what is pending scans
    // the deliveries from `clock.pending_from` instead, below which every delivery is settled.
    //
    // And event ids are no longer a B-tree index: every event has its own random id, so each of a
    // commit's events landed on a leaf of its own (about 20 of a commit's 30 pages at 64
    // connections; acknowledged throughput fell from about 35,000 to 22,000/s). `event_ids` is
    // appended in seq order instead, a compact copy (about 40 bytes an event) that a lookup by id
    // scans newest first.
    r#"
CREATE TABLE events_v4(
    seq INTEGER PRIMARY KEY,
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
    body_len INTEGER NOT NULL,
    source TEXT
);
INSERT INTO events_v4(seq, change, at, at_ms, verdict, reason, event_id, type, provider, account, verified, msg_id,
    path, headers, body, body_len, source)
    SELECT seq, change, at, at_ms, verdict, reason, event_id, type, provider, account, verified, msg_id,
    path, headers, body, body_len, source FROM events;
ALTER TABLE clock ADD COLUMN last_seq INTEGER NOT NULL DEFAULT 0;
UPDATE clock SET last_seq = coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0);
DROP TABLE events;
ALTER TABLE events_v4 RENAME TO events;
CREATE TABLE event_ids(seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL);
INSERT INTO event_ids(seq, event_id) SELECT seq, event_id FROM events;
DROP INDEX deliveries_change;
CREATE INDEX deliveries_change ON deliveries(change) WHERE updated_at IS NOT NULL AND state <> 'delivered';
DROP INDEX deliveries_pending;
ALTER TABLE clock ADD COLUMN pending_from INTEGER NOT NULL DEFAULT 0;
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

impl Delivery {
    /// A delivery still owed to `target`, as every accepted event's start.
    pub fn pending(target: &str) -> Delivery {
        Delivery {
            target: target.to_string(),
            state: State::Pending,
            reason: None,
            updated_at: None,
            attempts: Vec::new(),
        }
    }
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

impl Attempt {
    /// What the store keeps of one attempt: the app's status, headers and the start of its body,
    /// or why there was no answer.
    pub fn of(
        target: &str,
        number: u32,
        result: Result<&crate::delivery::Answer, &crate::delivery::DeliveryError>,
        replay: bool,
        edited: bool,
    ) -> Attempt {
        let (status, duration_ms, error, answer_headers, answer_body) = match result {
            Ok(a) => (
                Some(a.status),
                a.duration.as_secs_f64() * 1000.0,
                None,
                a.headers.clone(),
                a.body_start.as_bytes()[..a.body_start.len().min(KEPT_PREFIX)].to_vec(),
            ),
            Err(e) => (None, 0.0, Some(e.to_string()), Vec::new(), Vec::new()),
        };
        Attempt {
            target: target.to_string(),
            number,
            at: iso_millis(SystemTime::now()),
            status,
            duration_ms,
            error,
            answer_headers,
            answer_body,
            replay,
            edited,
        }
    }
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

fn migrate(conn: &mut Connection, path: &Path) -> rusqlite::Result<()> {
    let version: usize = conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))? as usize;
    if version >= MIGRATIONS.len() {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // Another process may have migrated while this one waited for the lock.
    let version: usize = tx.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))? as usize;
    if version > 0 && version < MIGRATIONS.len() {
        // A step may copy a table (schema 4 copies the events): a pause worth a word.
        eprintln!(
            "whk: upgrading the event store {} to schema {} (once; a large store takes a few seconds)",
            path.display(),
            MIGRATIONS.len()
        );
    }
    for step in MIGRATIONS.iter().skip(version) {
        tx.execute_batch(step)?;
    }
    tx.pragma_update(None, "user_version", MIGRATIONS.len() as i64)?;
    tx.commit()
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

/// The relays an event came through, from the headers it arrived with.
pub fn relayed_by(headers: &[(String, String)]) -> Option<String> {
    headers.iter().find(|(name, _)| name == RELAYED_BY).map(|(_, value)| value.clone())
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
    // A pair serialises as a two-element array.
    serde_json::to_string(headers).unwrap_or_else(|_| "[]".into())
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
            deliveries: targets.iter().map(|t| Delivery::pending(t)).collect(),
        }
    }

    fn answered(target: &str) -> Attempt {
        Attempt {
            target: target.into(),
            number: 1,
            at: "2026-01-01T00:00:00.000Z".into(),
            status: Some(200),
            duration_ms: 1.5,
            error: None,
            answer_headers: Vec::new(),
            answer_body: Vec::new(),
            replay: false,
            edited: false,
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
        // Followers find a delivery that became delivered (by its attempt) and one that failed
        // with no attempt (by the deliveries_change index).
        let before = store.latest_change().unwrap();
        store.record_replay(seqs[0], answered("http://a/"), Some((State::Delivered, None))).unwrap();
        let changed = store.changed_since(before, 10).unwrap();
        assert_eq!(changed.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![seqs[0]]);
        let before = store.latest_change().unwrap();
        let gave_up = Write::Failed { seq: seqs[2], target: "http://b/".into(), reason: "gave up".into() };
        commit(&mut store.conn, 1, &[gave_up]).unwrap();
        assert!(store.latest_change().unwrap() > before);
        let changed = store.changed_since(before, 10).unwrap();
        assert_eq!(changed.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![seqs[2]]);
        let delivered = store.list(&Filter { status: Some(StatusFilter::Delivered), ..Filter::default() }).unwrap();
        assert_eq!(delivered.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![seqs[0]]);
        let shown = store.show(&Key::EventId("evt_2".into())).unwrap().unwrap();
        assert_eq!(shown.seq, seqs[1]);
    }

    #[test]
    fn seqs_and_the_change_counter_never_go_back_when_pruning_takes_the_newest_rows() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db")).unwrap();
        let seqs = store.insert_records(&[(accepted("{}", &[]), vec![]), (accepted("{}", &[]), vec![])]).unwrap();
        let before = store.latest_change().unwrap();
        assert_eq!(store.prune(SystemTime::now() + Duration::from_secs(3600)).unwrap(), 2);
        assert_eq!(store.latest_seq().unwrap(), 0);
        let ids_left: i64 = store.conn.query_row("SELECT count(*) FROM event_ids", [], |r| r.get(0)).unwrap();
        assert_eq!(ids_left, 0, "pruning removes the events' ids too");
        let after_prune = store.latest_change().unwrap();
        assert!(after_prune > before, "{after_prune} > {before}");
        let next = store.insert_records(&[(accepted("{}", &["http://a/"]), vec![])]).unwrap();
        assert_eq!(next, vec![seqs[1] + 1]);
        let changed = store.changed_since(after_prune, 10).unwrap();
        assert_eq!(changed.iter().map(|r| r.seq).collect::<Vec<_>>(), next);
        assert!(changed[0].change > after_prune);
    }

    #[test]
    fn claims_start_from_the_oldest_pending_delivery_and_miss_none() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db")).unwrap();
        let pending = |n| (0..n).map(|_| (accepted("{}", &["http://a/"]), vec![])).collect::<Vec<_>>();
        let mark =
            |store: &Store| store.conn.query_row("SELECT pending_from FROM clock", [], |r| r.get::<_, i64>(0)).unwrap();
        let seqs = store.insert_records(&pending(3)).unwrap();
        store.record_replay(seqs[0], answered("http://a/"), Some((State::Delivered, None))).unwrap();
        let claimed = |store: &mut Store| {
            store.claim_pending(None).unwrap().0.into_iter().map(|(seq, _)| seq).collect::<Vec<_>>()
        };
        assert_eq!(claimed(&mut store), &seqs[1..]);
        assert_eq!(mark(&store), seqs[1] as i64);
        // Handed back (a replay that did not deliver): still pending, still claimed next time.
        store.record_replay(seqs[1], answered("http://a/"), Some((State::Pending, None))).unwrap();
        assert_eq!(claimed(&mut store), &seqs[1..]);
        for &seq in &seqs[1..] {
            store.record_replay(seq, answered("http://a/"), Some((State::Delivered, None))).unwrap();
        }
        assert!(claimed(&mut store).is_empty());
        assert_eq!(mark(&store), seqs[2] as i64 + 1, "past the newest event");
        let later = store.insert_records(&pending(1)).unwrap();
        assert_eq!(claimed(&mut store), later);
    }

    #[test]
    fn a_version_3_store_migrates_keeping_its_records_and_its_seq_counter() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        {
            let conn = Connection::open(&path).unwrap();
            for step in &MIGRATIONS[..3] {
                conn.execute_batch(step).unwrap();
            }
            conn.pragma_update(None, "user_version", 3).unwrap();
            for seq in 1..=3 {
                conn.execute(
                    "INSERT INTO events(change, at, at_ms, verdict, event_id, type, provider, verified, path, headers,
                        body, body_len) VALUES (?1, '2026-01-01T00:00:00.000Z', 0, 'accepted', ?2, 't', 'stripe',
                        'local', '/', '[]', X'7B7D', 2)",
                    params![seq, format!("evt_{seq}")],
                )
                .unwrap();
            }
            // AUTOINCREMENT remembers seq 3 after its row is gone; version 3 raised `clock` itself.
            conn.execute("DELETE FROM events WHERE seq = 3", []).unwrap();
            conn.execute("UPDATE clock SET change = 3", []).unwrap();
        }
        let mut store = Store::open(&path).unwrap();
        let old = store.show(&Key::EventId("evt_2".into())).unwrap().unwrap();
        assert_eq!(old.seq, 2);
        assert_eq!((old.event_id.as_str(), old.body.as_slice()), ("evt_2", b"{}".as_slice()));
        assert_eq!(store.insert_records(&[(accepted("{}", &[]), vec![])]).unwrap(), vec![4]);
        assert_eq!(store.latest_change().unwrap(), 4);
    }

    #[test]
    fn an_exported_record_imports_as_it_was() {
        let mut record = accepted(r#"{"id":"evt_1"}"#, &["http://a/", "http://b/"]);
        record.seq = 7;
        record.deliveries[0].state = State::Delivered;
        record.deliveries[0].updated_at = Some("2026-01-01T00:00:00.000Z".into());
        let attempt = answered("http://a/");
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
