//! Reading the store: the query API of the module doc, and the rows it is read from.

use super::*;

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
        configure(&conn).and_then(|_| migrate(&mut conn, path)).map_err(|e| unusable(path, e))?;
        Ok(Store { conn, path: path.to_path_buf() })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The change counter: raised by every write transaction.
    pub fn latest_change(&self) -> Result<u64> {
        Ok(self.conn.prepare_cached(&format!("SELECT {LATEST_CHANGE}"))?.query_row([], |r| r.get::<_, i64>(0))? as u64)
    }

    /// One record, with its deliveries and every attempt.
    pub fn show(&self, key: &Key) -> Result<Option<Record>> {
        let seq: Option<i64> = match key {
            Key::Seq(seq) => Some(*seq as i64),
            Key::EventId(id) => self
                .conn
                .query_row("SELECT seq FROM event_ids WHERE event_id = ?1 ORDER BY seq DESC LIMIT 1", [id], |r| {
                    r.get(0)
                })
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
            bind("e.seq IN (SELECT seq FROM event_ids WHERE event_id = ?)", id.clone().into());
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
                        // Nothing below the claims' mark is pending (see `claim_pending`).
                        StatusFilter::Pending => {
                            "e.seq >= (SELECT pending_from FROM clock) AND \
                             EXISTS (SELECT 1 FROM deliveries d WHERE d.seq = e.seq AND d.state = 'pending')"
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

    /// Records (accepted or rejected) whose row, deliveries or attempts changed after `change`, in
    /// seq order, at most `limit`: what a follower polls for after [`Store::latest_change`]. (A
    /// delivery that became delivered is found by the attempt that delivered it: see
    /// [`LATEST_CHANGE`].)
    pub fn changed_since(&self, change: u64, limit: usize) -> Result<Vec<Record>> {
        let change = change.min(i64::MAX as u64) as i64;
        let sql = format!(
            "{SELECT_EVENTS} WHERE e.seq IN (
                SELECT seq FROM events WHERE seq > {NEWER_EVENTS}
                UNION SELECT seq FROM attempts WHERE rowid > {NEWER_ATTEMPTS}
                UNION SELECT seq FROM deliveries WHERE change > ?1 AND updated_at IS NOT NULL AND state <> 'delivered')
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
            "SELECT seq, {ATTEMPT_COLUMNS} FROM attempts WHERE rowid > {NEWER_ATTEMPTS} ORDER BY rowid LIMIT 1000"
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
        // Counted before the deletions, which may take the newest rows the counter is read from.
        let tick = tick(&tx)?;
        let doomed = "SELECT seq FROM events WHERE at_ms < ?1 AND NOT EXISTS
             (SELECT 1 FROM deliveries d WHERE d.seq = events.seq AND d.state = 'pending')";
        tx.execute(&format!("DELETE FROM attempts WHERE seq IN ({doomed})"), [cutoff])?;
        tx.execute(&format!("DELETE FROM deliveries WHERE seq IN ({doomed})"), [cutoff])?;
        tx.execute(&format!("DELETE FROM event_ids WHERE seq IN ({doomed})"), [cutoff])?;
        let removed = tx.execute(&format!("DELETE FROM events WHERE seq IN ({doomed})"), [cutoff])?;
        tx.execute("UPDATE clock SET change = ?1, last_seq = ?2", [tick.change, tick.next_seq - 1])?;
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
    ///
    /// It reads the deliveries from `clock.pending_from` on and raises that mark to the oldest one
    /// still pending (or past the newest event), so the next claim starts there. The mark stays
    /// true: a delivery becomes pending only as its event is stored, with a seq above every
    /// other, or when a replay hands back one it claimed, which was pending at or above the mark.
    pub fn claim_pending(&mut self, only_seqs: Option<&[u64]>) -> Result<(Vec<(u64, String)>, usize)> {
        let me = std::process::id() as i64;
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut mine = Vec::new();
        let mut held = 0;
        let mut oldest_pending = None;
        {
            let mut statement = tx.prepare(
                "SELECT d.seq, d.target, d.claimed_by FROM deliveries d JOIN events e ON e.seq = d.seq
                 WHERE d.seq >= (SELECT pending_from FROM clock) AND d.state = 'pending' ORDER BY d.seq",
            )?;
            let rows = statement.query_map([], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get::<_, String>(1)?, r.get::<_, Option<i64>>(2)?))
            })?;
            let mut alive: BTreeMap<i64, bool> = BTreeMap::new();
            for row in rows {
                let (seq, target, owner) = row?;
                oldest_pending.get_or_insert(seq);
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
        match oldest_pending {
            Some(seq) => tx.execute("UPDATE clock SET pending_from = ?1", [seq as i64])?,
            None => tx.execute("UPDATE clock SET pending_from = (SELECT coalesce(max(seq), 0) + 1 FROM events)", [])?,
        };
        tx.commit()?;
        Ok((mine, held))
    }

    /// Records a replay's attempt at an event, numbered after the target's earlier attempts, so the
    /// event's history (and [`StatusFilter::LastFailed`]) sees it; and, in the same transaction,
    /// what became of the delivery when this process had claimed it (`settles`: delivered, or
    /// pending again for a later run).
    pub fn record_replay(
        &mut self,
        seq: u64,
        mut attempt: Attempt,
        settles: Option<(State, Option<&str>)>,
    ) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let change = tick(&tx)?.change;
        attempt.number = tx.query_row(
            "SELECT coalesce(max(attempt), 0) + 1 FROM attempts WHERE seq = ?1 AND target = ?2",
            params![seq as i64, attempt.target],
            |r| r.get(0),
        )?;
        insert_attempt(&tx, change, seq, &attempt)?;
        if let Some((state, reason)) = settles {
            update_delivery(&tx, change, seq, &attempt.target, state, reason)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Releases this process's claims (a replay that ends without delivering them). They are all
    /// at or above the claims' mark (see [`Store::claim_pending`]), so only those deliveries are read.
    pub fn release_claims(&mut self) -> Result<()> {
        self.conn.execute(
            "UPDATE deliveries SET claimed_by = NULL
             WHERE seq >= (SELECT pending_from FROM clock) AND claimed_by = ?1 AND state = 'pending'",
            [std::process::id() as i64],
        )?;
        Ok(())
    }

    /// Appends records read from elsewhere (import), each with its deliveries and attempts, in one
    /// transaction; returns the seqs they were given.
    pub fn insert_records(&mut self, records: &[(Record, Vec<Attempt>)]) -> Result<Vec<u64>> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut tick = tick(&tx)?;
        let change = tick.change;
        let mut seqs = Vec::new();
        for (record, attempts) in records {
            let seq = insert_event(&tx, &mut tick, &Row::new(Box::new(record.clone())), None)?;
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
                    relayed_by: relayed_by(&decode_headers(&r.get::<_, String>(6)?)),
                })
            })
            .optional()?
            .with_context(|| format!("event #{seq} is not in the store (pruned or imported elsewhere?)"))
    }
}

/// The last event (seq), and attempt (rowid), at or before change ?1; what follows it is newer.
/// Both are appended in change order, so the scan from the end stops after the new rows.
const NEWER_EVENTS: &str = "coalesce((SELECT seq FROM events WHERE change <= ?1 ORDER BY seq DESC LIMIT 1), 0)";
const NEWER_ATTEMPTS: &str = "coalesce((SELECT rowid FROM attempts WHERE change <= ?1 ORDER BY rowid DESC LIMIT 1), 0)";

pub(super) const SELECT_EVENTS: &str =
    "SELECT e.seq, e.change, e.at, e.verdict, e.reason, e.event_id, e.type, e.provider,
    e.account, e.verified, e.msg_id, e.path, e.headers, e.body, e.body_len, e.source FROM events e";

pub(super) fn record_from_row(r: &rusqlite::Row) -> rusqlite::Result<Record> {
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

pub(super) const ATTEMPT_COLUMNS: &str =
    "target, attempt, at, status, duration_ms, error, answer_headers, answer_body, replay, edited";

/// An attempt from [`ATTEMPT_COLUMNS`] starting at column `first`.
pub(super) fn attempt_from_row(r: &rusqlite::Row, first: usize) -> rusqlite::Result<Attempt> {
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

pub(super) fn delivery_from_row(r: &rusqlite::Row) -> rusqlite::Result<(u64, Delivery, u64)> {
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

/// `--route`-style globs (`*` only) as SQLite GLOB patterns, whose other specials are escaped.
pub(super) fn glob_to_sqlite(glob: &str) -> String {
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
