//! The event log: JSON Lines, append-only, one writer thread. An event's line is on disk (fsynced)
//! before the sender gets its 2xx; writes that arrive together share one fsync (group commit).

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use anyhow::{Context, Result};
use serde_json::{json, Value};

/// Where an event's line sits in the log, so a forwarder can read it back instead of keeping it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventRef {
    pub seq: u64,
    pub offset: u64,
    pub len: u64,
}

/// Runs on the writer thread once an event is on disk.
type OnDurable = Box<dyn FnOnce(EventRef) + Send>;

enum Command {
    /// A received event: written, fsynced, then `on_durable` runs with its place in the log.
    Event { record: Value, on_durable: OnDurable },
    /// Anything else (attempts, outcomes, rejections): written, flushed with the next fsync.
    Note(Value),
}

/// A handle to the writer thread. Cloneable; the thread ends when every handle is dropped.
#[derive(Clone)]
pub struct LogWriter {
    tx: mpsc::Sender<Command>,
}

/// What a previous run left undelivered, per target, in arrival order.
pub type Pending = BTreeMap<String, Vec<EventRef>>;

pub struct OpenedLog {
    pub writer: LogWriter,
    pub pending: Pending,
    pub path: PathBuf,
    writer_thread: std::thread::JoinHandle<()>,
}

impl OpenedLog {
    /// Waits until everything sent so far is on disk (all handles must be dropped first).
    pub fn close(self) {
        drop(self.writer);
        let _ = self.writer_thread.join();
    }
}

pub fn default_path() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("WHK_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir).join("events.jsonl"));
    }
    dirs::data_dir()
        .map(|d| d.join("whk").join("events.jsonl"))
        .context("cannot find a data directory: pass --log PATH")
}

/// Opens (or creates, owner-only) the log, finds what is still pending, and starts the writer.
pub fn open(path: &Path) -> Result<OpenedLog> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir).with_context(|| format!("cannot create the log folder {}", dir.display()))?;
    }
    let mut options = OpenOptions::new();
    options.read(true).append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| format!("cannot open the event log {}", path.display()))?;
    let scan = scan(&mut file).with_context(|| format!("cannot read the event log {}", path.display()))?;
    if scan.needs_newline {
        // A crash cut the last line short; start the next record on a line of its own.
        file.write_all(b"\n")?;
    }
    let (tx, rx) = mpsc::channel();
    let end = file.seek(SeekFrom::End(0))?;
    let writer_thread = std::thread::Builder::new()
        .name("whk-log".into())
        .spawn(move || write_loop(file, end, scan.next_seq, rx))
        .context("cannot start the log writer")?;
    Ok(OpenedLog { writer: LogWriter { tx }, pending: scan.pending, path: path.to_path_buf(), writer_thread })
}

impl LogWriter {
    /// Appends a received event; `on_durable` runs on the writer thread once it is fsynced, in
    /// log order, which is what keeps deliveries in arrival order.
    pub fn append_event(&self, record: Value, on_durable: impl FnOnce(EventRef) + Send + 'static) -> Result<()> {
        self.tx
            .send(Command::Event { record, on_durable: Box::new(on_durable) })
            .map_err(|_| anyhow::anyhow!("the event log writer has stopped"))
    }

    pub fn note(&self, record: Value) {
        let _ = self.tx.send(Command::Note(record));
    }
}

fn write_loop(mut file: File, mut offset: u64, mut next_seq: u64, rx: mpsc::Receiver<Command>) {
    let mut durable: Vec<(OnDurable, EventRef)> = Vec::new();
    let mut buffer = Vec::new();
    while let Ok(first) = rx.recv() {
        // Take everything already queued, so one fsync covers the whole batch.
        for command in std::iter::once(first).chain(rx.try_iter()) {
            let start = offset + buffer.len() as u64;
            match command {
                Command::Event { mut record, on_durable } => {
                    record["seq"] = json!(next_seq);
                    serde_json::to_writer(&mut buffer, &record).expect("a JSON value always serialises");
                    let len = offset + buffer.len() as u64 - start;
                    durable.push((on_durable, EventRef { seq: next_seq, offset: start, len }));
                    next_seq += 1;
                }
                Command::Note(record) => {
                    serde_json::to_writer(&mut buffer, &record).expect("a JSON value always serialises")
                }
            }
            buffer.push(b'\n');
        }
        let written = file.write_all(&buffer).and_then(|_| file.sync_data());
        if let Err(err) = written {
            // Nothing is acknowledged that is not on disk: the senders get a 5xx and retry.
            eprintln!("whk: cannot write the event log: {err}");
            durable.clear();
            buffer.clear();
            continue;
        }
        offset += buffer.len() as u64;
        buffer.clear();
        for (on_durable, event) in durable.drain(..) {
            on_durable(event);
        }
    }
}

struct Scan {
    next_seq: u64,
    pending: Pending,
    needs_newline: bool,
}

fn scan(file: &mut File) -> std::io::Result<Scan> {
    file.seek(SeekFrom::Start(0))?;
    let mut reader = BufReader::new(&mut *file);
    let mut offset = 0u64;
    let mut next_seq = 1;
    let mut open: BTreeMap<u64, (EventRef, BTreeSet<String>)> = BTreeMap::new();
    let mut line = Vec::new();
    let mut needs_newline = false;
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line)? as u64;
        if n == 0 {
            break;
        }
        needs_newline = !line.ends_with(b"\n");
        if let Ok(record) = serde_json::from_slice::<Value>(&line) {
            let seq = record["seq"].as_u64().unwrap_or(0);
            match record["rec"].as_str() {
                Some("event") => {
                    next_seq = next_seq.max(seq + 1);
                    let targets: BTreeSet<String> = record["targets"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|t| t.as_str().map(String::from))
                        .collect();
                    if !targets.is_empty() {
                        let len = line.strip_suffix(b"\n").map_or(n, |l| l.len() as u64);
                        open.insert(seq, (EventRef { seq, offset, len }, targets));
                    }
                }
                Some("delivered") | Some("failed") => {
                    if let (Some((_, targets)), Some(target)) = (open.get_mut(&seq), record["target"].as_str()) {
                        targets.remove(target);
                    }
                }
                _ => {}
            }
        }
        offset += n;
    }
    let mut pending = Pending::new();
    for (event, targets) in open.into_values() {
        for target in targets {
            pending.entry(target).or_default().push(event);
        }
    }
    Ok(Scan { next_seq, pending, needs_newline })
}

/// Reads an event's line back by its place in the log.
pub struct LogReader {
    file: File,
}

impl LogReader {
    pub fn open(path: &Path) -> Result<LogReader> {
        Ok(LogReader {
            file: File::open(path).with_context(|| format!("cannot read the event log {}", path.display()))?,
        })
    }

    pub fn read(&self, event: EventRef) -> Result<Value> {
        let mut bytes = vec![0u8; event.len as usize];
        std::os::unix::fs::FileExt::read_exact_at(&self.file, &mut bytes, event.offset)?;
        Ok(serde_json::from_slice(&bytes)?)
    }
}

/// A recorded event with what became of it, for `whk replay`.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The event's line in the log.
    pub record: Value,
    pub delivered: BTreeSet<String>,
    pub failed: BTreeSet<String>,
}

impl Recorded {
    pub fn targets(&self) -> Vec<String> {
        self.record["targets"].as_array().into_iter().flatten().filter_map(|t| t.as_str().map(String::from)).collect()
    }

    /// Targets the event has not yet been delivered to, nor given up on.
    pub fn pending_targets(&self) -> Vec<String> {
        self.targets().into_iter().filter(|t| !self.delivered.contains(t) && !self.failed.contains(t)).collect()
    }
}

/// Every accepted event in the log, oldest first, with its outcomes.
pub fn history(path: &Path) -> Result<Vec<Recorded>> {
    let file =
        File::open(path).with_context(|| format!("cannot read the event log {} (pass --log PATH)", path.display()))?;
    let mut events: BTreeMap<u64, Recorded> = BTreeMap::new();
    for line in BufReader::new(file).split(b'\n') {
        let Ok(record) = serde_json::from_slice::<Value>(&line?) else { continue };
        let seq = record["seq"].as_u64().unwrap_or(0);
        let target = record["target"].as_str().map(String::from);
        match (record["rec"].as_str(), events.get_mut(&seq), target) {
            (Some("event"), _, _) => {
                events.insert(seq, Recorded { record, delivered: BTreeSet::new(), failed: BTreeSet::new() });
            }
            (Some("delivered"), Some(event), Some(target)) => {
                event.delivered.insert(target);
            }
            (Some("failed"), Some(event), Some(target)) => {
                event.failed.insert(target);
            }
            _ => {}
        }
    }
    Ok(events.into_values().collect())
}

/// Appends one record from another process (`whk replay` marking a pending event delivered).
/// O_APPEND keeps a single short write whole even while `whk listen` writes too.
pub fn append_record(path: &Path, record: &Value) -> Result<()> {
    let mut line = serde_json::to_vec(record)?;
    line.push(b'\n');
    let mut file =
        OpenOptions::new().append(true).open(path).with_context(|| format!("cannot append to {}", path.display()))?;
    file.write_all(&line)?;
    file.sync_data()?;
    Ok(())
}
