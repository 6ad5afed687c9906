//! listen's side of the store: one writer thread that commits each batch of arrivals in one
//! transaction (group commit) before their acknowledgements go out, and notices a store file that
//! was removed or replaced under it.

use std::sync::LazyLock;

use super::*;

/// Where a write transaction stands: the change counter its rows carry and the seq its first
/// event gets. Computed from the newest rows (and the floor in `clock` that pruning leaves), so a
/// commit writes no counter page of its own: see [`LATEST_CHANGE`].
pub(super) struct Tick {
    pub(super) change: i64,
    pub(super) next_seq: i64,
}

/// The newest change counter in the store. Events and attempts are appended in counter order, so
/// their last rows hold their newest. A delivery is updated after its event was stored either to
/// delivered, always in the transaction of the attempt that delivered it, or to failed or pending
/// (it then has `updated_at` set and sits in the partial index `deliveries_change`).
/// `clock.change` is the floor that pruning (which can delete the newest rows) leaves.
pub(super) const LATEST_CHANGE: &str = "max(
    (SELECT change FROM clock),
    coalesce((SELECT change FROM events ORDER BY seq DESC LIMIT 1), 0),
    coalesce((SELECT change FROM attempts ORDER BY rowid DESC LIMIT 1), 0),
    coalesce((SELECT max(change) FROM deliveries WHERE updated_at IS NOT NULL AND state <> 'delivered'), 0))";

/// The next transaction's counter and first seq. Seqs never repeat, even after pruning took the
/// newest events (`clock.last_seq` remembers them).
pub(super) fn tick(tx: &rusqlite::Transaction) -> rusqlite::Result<Tick> {
    // Formatted once: every commit runs it.
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT {LATEST_CHANGE} + 1, max((SELECT last_seq FROM clock), coalesce((SELECT max(seq) FROM events), 0)) + 1"
        )
    });
    tx.prepare_cached(&SQL)?.query_row([], |r| Ok(Tick { change: r.get(0)?, next_seq: r.get(1)? }))
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
        let at_ms = crate::time::parse_unix_ms(&record.at).unwrap_or(0);
        let headers = encode_headers(&record.headers);
        Row { record, at_ms, headers }
    }
}

pub(super) fn insert_event(
    tx: &rusqlite::Transaction,
    tick: &mut Tick,
    row: &Row,
    claimed_by: Option<i64>,
) -> Result<u64> {
    let Row { record, at_ms, headers } = row;
    let (seq, change) = (tick.next_seq, tick.change);
    tick.next_seq += 1;
    let mut insert = tx.prepare_cached(
        "INSERT INTO events(seq, change, at, at_ms, verdict, reason, event_id, type, provider, account, verified,
            msg_id, path, headers, body, body_len, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?;
    insert.execute(params![
        seq,
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
    tx.prepare_cached("INSERT INTO event_ids(seq, event_id) VALUES (?1, ?2)")?
        .execute(params![seq, record.event_id])?;
    let mut delivery = tx.prepare_cached(
        "INSERT OR IGNORE INTO deliveries(seq, target, state, reason, claimed_by, updated_at, change)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for d in &record.deliveries {
        delivery.execute(params![seq, d.target, d.state.name(), d.reason, claimed_by, d.updated_at, change])?;
    }
    Ok(seq as u64)
}

pub(super) fn insert_attempt(tx: &rusqlite::Transaction, change: i64, seq: u64, a: &Attempt) -> rusqlite::Result<()> {
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
    Event { row: Row, on_durable: OnDurable },
    /// A rejected request, kept for inspection (no one waits for it).
    Rejected(Row),
    /// An attempt, and the delivery's outcome when the attempt settles it (the usual case: one
    /// write for both).
    Attempt { seq: u64, attempt: Box<Attempt>, settles: Option<(State, Option<String>)> },
    /// A delivery that failed with no attempt to show for it. (Delivered always comes with the
    /// attempt that delivered it: that attempt is how followers find the change.)
    Failed { seq: u64, target: String, reason: String },
}

impl Write {
    /// Written later if its transaction fails? Outcomes are (a lost one repeats a delivery);
    /// events are not (their sender got a 503 and retries).
    fn worth_retrying(&self) -> bool {
        matches!(self, Write::Failed { .. } | Write::Attempt { .. })
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
pub(super) const NOTE_FLUSH: Duration = Duration::from_millis(10);
/// At most this many writes kept for retry after failed transactions.
pub(super) const RETRY_CAP: usize = 100_000;

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
pub(super) fn file_identity(path: &Path) -> std::io::Result<(u64, u64)> {
    file_state(path).map(|(identity, _)| identity)
}

/// The file's identity and whether it is empty, from one `stat`.
pub(super) fn file_state(path: &Path) -> std::io::Result<((u64, u64), bool)> {
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

pub(super) fn write_loop(
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
pub(super) fn commit(conn: &mut Connection, me: i64, batch: &[Write]) -> Result<Vec<u64>> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut tick = tick(&tx)?;
    let change = tick.change;
    let mut seqs = Vec::new();
    for write in batch {
        match write {
            Write::Event { row, .. } => seqs.push(insert_event(&tx, &mut tick, row, Some(me))?),
            Write::Rejected(row) => {
                insert_event(&tx, &mut tick, row, None)?;
            }
            Write::Attempt { seq, attempt, settles } => {
                insert_attempt(&tx, change, *seq, attempt)?;
                if let Some((state, reason)) = settles {
                    update_delivery(&tx, change, *seq, &attempt.target, *state, reason.as_deref())?;
                }
            }
            Write::Failed { seq, target, reason } => {
                update_delivery(&tx, change, *seq, target, State::Failed, Some(reason))?
            }
        }
    }
    tx.commit()?;
    Ok(seqs)
}

/// Sets how a delivery ended and releases its claim.
pub(super) fn update_delivery(
    tx: &rusqlite::Transaction,
    change: i64,
    seq: u64,
    target: &str,
    state: State,
    reason: Option<&str>,
) -> rusqlite::Result<()> {
    let mut update = tx.prepare_cached(
        "UPDATE deliveries SET state = ?1, reason = ?2, updated_at = ?3, change = ?4, claimed_by = NULL
         WHERE seq = ?5 AND target = ?6",
    )?;
    update.execute(params![state.name(), reason, iso_millis(SystemTime::now()), change, seq as i64, target])?;
    Ok(())
}

/// A store reader for forwarding (its reads run on the blocking pool).
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
