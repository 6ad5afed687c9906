//! The event log: JSON Lines, append-only, one writer thread. An event's line is on disk (fsynced)
//! before the sender gets its 2xx; writes that arrive together share one fsync (group commit).

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result};
use serde_json::Value;

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
    /// A received event, serialised with `"seq":null` at `seq_at` for the writer to fill in:
    /// written, fsynced, then `on_durable` runs with its place in the log.
    Event { line: Vec<u8>, seq_at: usize, on_durable: OnDurable },
    /// Notes are waiting in the shared buffer (sent once when it stops being empty).
    Notes,
}

/// What an event record's `seq` reads before the writer numbers it.
const SEQ_NULL: &[u8] = b"\"seq\":null";

/// A handle to the writer thread. Cloneable; the thread ends when every handle is dropped.
#[derive(Clone)]
pub struct LogWriter {
    tx: mpsc::Sender<Command>,
    /// Notes (attempts, outcomes, rejections) not yet written, as JSON lines. Adding to them does
    /// not wake the writer thread, except for the first: forwarding makes two per event.
    notes: Arc<Mutex<Vec<u8>>>,
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
    let notes = Arc::new(Mutex::new(Vec::new()));
    let pending_notes = notes.clone();
    let end = file.seek(SeekFrom::End(0))?;
    let writer_thread = std::thread::Builder::new()
        .name("whk-log".into())
        .spawn(move || write_loop(file, end, scan.next_seq, rx, &pending_notes))
        .context("cannot start the log writer")?;
    Ok(OpenedLog { writer: LogWriter { tx, notes }, pending: scan.pending, path: path.to_path_buf(), writer_thread })
}

impl LogWriter {
    /// Appends a received event; `on_durable` runs on the writer thread once it is fsynced, in
    /// log order, which is what keeps deliveries in arrival order.
    /// The record is serialised here, on the caller's thread, so the one writer thread does
    /// little more than write and fsync.
    pub fn append_event(&self, mut record: Value, on_durable: impl FnOnce(EventRef) + Send + 'static) -> Result<()> {
        record["seq"] = Value::Null;
        let line = serde_json::to_vec(&record).expect("a JSON value always serialises");
        let seq_at = line
            .windows(SEQ_NULL.len())
            .position(|w| w == SEQ_NULL)
            .expect("a null seq at the top level serialises as \"seq\":null")
            + SEQ_NULL.len()
            - 4;
        self.tx
            .send(Command::Event { line, seq_at, on_durable: Box::new(on_durable) })
            .map_err(|_| anyhow::anyhow!("the event log writer has stopped"))
    }

    /// Adds a note: written with the next event batch, or within NOTE_FLUSH.
    pub fn note(&self, record: Value) {
        let line = serde_json::to_vec(&record).expect("a JSON value always serialises");
        let first = {
            let mut notes = self.notes.lock().unwrap();
            let first = notes.is_empty();
            notes.extend_from_slice(&line);
            notes.push(b'\n');
            first
        };
        if first {
            let _ = self.tx.send(Command::Notes);
        }
    }
}

/// How long notes may wait to be written when no event comes to take them along.
const NOTE_FLUSH: Duration = Duration::from_millis(10);
/// How long notes written without an event may wait for an fsync of their own.
const NOTE_SYNC: Duration = Duration::from_millis(200);

fn write_loop(mut file: File, mut offset: u64, mut next_seq: u64, rx: mpsc::Receiver<Command>, notes: &Mutex<Vec<u8>>) {
    let mut durable: Vec<(OnDurable, EventRef)> = Vec::new();
    let mut buffer = Vec::new();
    // Notes are not what the 2xx waits for. Written without an fsync of their own, they are in the
    // file and survive the process being killed; they ride along with the next event's fsync, or
    // get one after NOTE_SYNC of quiet (an fsync of their own would only make the events that
    // arrive meanwhile wait for it). Losing one to a power cut means a delivery is repeated.
    let mut unsynced = false;
    let mut notes_waiting = false;
    loop {
        let wait = if notes_waiting {
            Some(NOTE_FLUSH)
        } else if unsynced {
            Some(NOTE_SYNC)
        } else {
            None
        };
        let first = match wait {
            Some(wait) => match rx.recv_timeout(wait) {
                Ok(command) => Some(command),
                Err(mpsc::RecvTimeoutError::Timeout) => None,
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            },
            None => match rx.recv() {
                Ok(command) => Some(command),
                Err(_) => break,
            },
        };
        match first {
            // Quiet: notes that waited long enough are written; written ones get their fsync.
            None if !notes_waiting => {
                let _ = file.sync_data();
                unsynced = false;
                continue;
            }
            // The first note since the last write: wait a little for company, an event to ride
            // along with or more notes, rather than wake for each.
            Some(Command::Notes) => {
                notes_waiting = true;
                continue;
            }
            _ => {}
        }
        // The notes first (they are about events already written), then every event already
        // queued, so that one fsync covers the whole batch.
        buffer.append(&mut notes.lock().unwrap());
        notes_waiting = false;
        for command in first.into_iter().chain(rx.try_iter()) {
            match command {
                Command::Event { line, seq_at, on_durable } => {
                    let start = offset + buffer.len() as u64;
                    buffer.extend_from_slice(&line[..seq_at]);
                    buffer.extend_from_slice(next_seq.to_string().as_bytes());
                    buffer.extend_from_slice(&line[seq_at + 4..]);
                    let len = offset + buffer.len() as u64 - start;
                    buffer.push(b'\n');
                    durable.push((on_durable, EventRef { seq: next_seq, offset: start, len }));
                    next_seq += 1;
                }
                // Notes that came after the buffer was taken wait for the next round.
                Command::Notes => notes_waiting = true,
            }
        }
        if buffer.is_empty() {
            continue;
        }
        let events = !durable.is_empty();
        let written = file.write_all(&buffer).and_then(|_| if events { file.sync_data() } else { Ok(()) });
        unsynced = !events;
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
    let rest = std::mem::take(&mut *notes.lock().unwrap());
    if (!rest.is_empty() && file.write_all(&rest).is_ok()) || unsynced {
        let _ = file.sync_data();
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
        Ok(serde_json::from_slice(&self.bytes(event)?)?)
    }

    /// Just what forwarding needs from an event's line: cheaper than [`LogReader::read`], which
    /// builds the whole record, headers and all.
    pub fn read_stored(&self, event: EventRef) -> Result<Stored> {
        Ok(serde_json::from_slice(&self.bytes(event)?)?)
    }

    fn bytes(&self, event: EventRef) -> Result<Vec<u8>> {
        let mut bytes = vec![0u8; event.len as usize];
        std::os::unix::fs::FileExt::read_exact_at(&self.file, &mut bytes, event.offset)?;
        Ok(bytes)
    }
}

/// The fields of an event's record that forwarding uses.
#[derive(Debug, serde::Deserialize)]
pub struct Stored {
    #[serde(default)]
    pub id: String,
    #[serde(default, rename = "type")]
    pub event_type: String,
    #[serde(default)]
    pub provider: String,
    #[serde(default)]
    pub msg_id: Option<String>,
    /// A Stripe Connect event's account.
    #[serde(default)]
    pub account: Option<String>,
    #[serde(default)]
    pub body: String,
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
