//! What listen tells the user: Stripe-CLI-style lines on stderr, or JSON lines on stdout.
//!
//! Off the acknowledgement path: lines go through bounded queues to one thread per stream, so a
//! terminal or pipe nobody reads never delays a 2xx. When a queue is full the line is dropped and
//! counted; when stdout is closed (`whk listen | head -n 1`) listen is told to shut down cleanly.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use colored::Colorize;
use serde_json::{json, Value};
use tokio::sync::watch;

use crate::ui::console;

/// Lines that may wait for a slow stream before new ones are dropped.
const QUEUE: usize = 4096;
/// Lines in one write that mean the stream is busy, and how long a busy stream's thread waits
/// for more before its next write (well inside QUEUE at any rate listen reaches).
const BUSY: usize = 8;
const LINGER: Duration = Duration::from_millis(5);

/// A line straight to stderr, bypassing the queues: for the store writer's failures, which must be
/// seen even when the console is backed up, and for shutdown reports.
pub fn say_error(message: &str) {
    let _ = std::io::stderr().lock().write_all(format!("{message}\n").as_bytes());
}

enum Item {
    Line(String),
    /// Answered once every line queued before it is written.
    Flush(mpsc::Sender<()>),
}

/// A stream written by a thread of its own.
struct Lane {
    tx: mpsc::SyncSender<Item>,
}

impl Lane {
    fn start(name: &str, mut stream: Box<dyn Write + Send>, closed: Option<watch::Sender<bool>>) -> Lane {
        let (tx, rx) = mpsc::sync_channel::<Item>(QUEUE);
        let spawned = std::thread::Builder::new().name(name.into()).spawn(move || {
            let mut open = true;
            let mut pending = Vec::new();
            while let Ok(first) = rx.recv() {
                // Whatever else is queued goes out in the same write: one system call, not one a line.
                let mut flushes = Vec::new();
                let mut lines = 0;
                for item in std::iter::once(first).chain(rx.try_iter().take(QUEUE)) {
                    match item {
                        Item::Line(line) if open => {
                            lines += 1;
                            pending.extend_from_slice(line.as_bytes())
                        }
                        Item::Line(_) => {}
                        Item::Flush(done) => flushes.push(done),
                    }
                }
                if open && !pending.is_empty() && stream.write_all(&pending).and_then(|_| stream.flush()).is_err() {
                    // Nobody reads any more: stop writing, and ask listen to end.
                    open = false;
                    if let Some(closed) = &closed {
                        let _ = closed.send(true);
                    }
                }
                pending.clear();
                for done in flushes {
                    let _ = done.send(());
                }
                if lines >= BUSY {
                    // Lines are coming fast: let them gather for a moment, so each write carries
                    // many and senders need not wake this thread for every one.
                    std::thread::sleep(LINGER);
                }
            }
        });
        if spawned.is_err() {
            say_error("whk: cannot start a console thread; console lines are dropped");
        }
        Lane { tx }
    }
}

/// How listen reports: human lines on stderr, or JSON lines on stdout (`--format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ListenFormat {
    Text,
    Json,
}

pub struct Console {
    pub format: ListenFormat,
    out: Lane,
    err: Lane,
    /// Lines dropped because their stream was not keeping up.
    pub dropped: AtomicU64,
}

/// The identity of an event, as shown on every line about it.
pub struct Shown<'a> {
    pub seq: u64,
    pub id: &'a str,
    pub event_type: &'a str,
    pub connect: bool,
}

impl Shown<'_> {
    fn label(&self) -> String {
        if self.connect {
            format!("[connect] {}", self.event_type)
        } else {
            self.event_type.to_string()
        }
    }
}

impl Console {
    /// Starts the console threads; the receiver turns true when stdout is closed.
    pub fn start(format: ListenFormat) -> (Console, watch::Receiver<bool>) {
        let (closed, closed_rx) = watch::channel(false);
        let console = Console {
            format,
            out: Lane::start("whk-stdout", Box::new(std::io::stdout()), Some(closed)),
            err: Lane::start("whk-stderr", Box::new(std::io::stderr()), None),
            dropped: AtomicU64::new(0),
        };
        (console, closed_rx)
    }

    fn queue(&self, lane: &Lane, mut line: String) {
        line.push('\n');
        if lane.tx.try_send(Item::Line(line)).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn say(&self, line: String) {
        self.queue(&self.err, line);
    }

    /// A line about an event on stderr, after the time it happened (UTC, HH:MM:SS.mmm).
    fn say_at(&self, line: String) {
        let clock = crate::time::utc_clock(std::time::SystemTime::now());
        self.queue(&self.err, format!("{} {line}", clock.dimmed()));
    }

    /// A JSON line on stdout, with its RFC 3339 `time`.
    fn json(&self, mut value: Value) {
        value["time"] = Value::String(crate::time::iso_millis(std::time::SystemTime::now()));
        self.queue(&self.out, value.to_string());
    }

    /// Waits (at most `limit`) for the queued lines to be written.
    pub fn flush(&self, limit: Duration) {
        for lane in [&self.out, &self.err] {
            let (done, wait) = mpsc::channel();
            if lane.tx.send(Item::Flush(done)).is_ok() {
                let _ = wait.recv_timeout(limit);
            }
        }
    }

    pub fn received(&self, e: &Shown, provider: &str, verified: &str, body: Option<&[u8]>) {
        match self.format {
            ListenFormat::Json => self.json(json!({
                "kind": "received", "seq": e.seq, "id": e.id, "type": e.event_type, "provider": provider,
                "connect": e.connect, "verified": verified,
            })),
            ListenFormat::Text => {
                self.say_at(format!(
                    "{} {} [{}] {}",
                    "-->".bold(),
                    e.label(),
                    e.id,
                    format!("({provider}, {verified})").dimmed()
                ));
                // With no target, listen is the receiver: the event itself is the data it shows,
                // one event a line (JSON Lines) however the sender formatted it.
                if let Some(body) = body {
                    let line = match serde_json::from_slice::<Value>(body) {
                        Ok(event) => event.to_string(),
                        Err(_) => String::from_utf8_lossy(body).into_owned(),
                    };
                    self.queue(&self.out, line);
                }
            }
        }
    }

    /// The app's answer to one attempt; `body` is the start of its body, shown when it is not a 2xx
    /// (what the app says went wrong), as the Stripe CLI does.
    pub fn delivered(&self, e: &Shown, target: &str, status: u16, ms: f64, attempt: u32, body: &str) {
        let ok = (200..300).contains(&status);
        let excerpt = (!ok).then(|| body_excerpt(body)).filter(|b| !b.is_empty());
        match self.format {
            ListenFormat::Json => {
                let mut line = json!({
                    "kind": "delivery", "seq": e.seq, "id": e.id, "type": e.event_type, "url": target,
                    "status": status, "duration_ms": ms, "attempt": attempt, "ok": ok,
                });
                if let Some(excerpt) = excerpt {
                    line["body"] = Value::String(excerpt);
                }
                self.json(line)
            }
            ListenFormat::Text => {
                let mut line =
                    format!("{} {} POST {target} [{}] ({ms:.0} ms)", "<--".bold(), console::status(status), e.id);
                if let Some(excerpt) = excerpt {
                    line.push_str(&format!("\n    {} {excerpt}", "app answered:".dimmed()));
                }
                self.say_at(line)
            }
        }
    }

    pub fn retry(&self, e: &Shown, target: &str, attempt: u32, retries: u32, delay: f64, reason: &str) {
        match self.format {
            ListenFormat::Json => self.json(json!({
                "kind": "retry", "seq": e.seq, "id": e.id, "url": target, "attempt": attempt, "delay_s": delay, "reason": reason,
            })),
            ListenFormat::Text => {
                self.say_at(format!(
                    "    {} [{}] {reason}",
                    format!("[retry {attempt}/{retries} in {delay:.1} s]").yellow(),
                    e.id
                ))
            }
        }
    }

    pub fn failed(&self, e: &Shown, target: &str, reason: &str) {
        match self.format {
            ListenFormat::Json => self.json(json!({
                "kind": "failed", "seq": e.seq, "id": e.id, "type": e.event_type, "url": target, "reason": reason,
            })),
            ListenFormat::Text => {
                self.say_at(format!("{} {} [{}] to {target}: {reason}", "xx".red().bold(), e.label(), e.id))
            }
        }
    }

    pub fn rejected(&self, status: u16, path: &str, reason: &str) {
        match self.format {
            ListenFormat::Json => {
                self.json(json!({"kind": "rejected", "status": status, "path": path, "reason": reason}))
            }
            ListenFormat::Text => {
                self.say_at(format!("{} {} {path}: {reason}", "!!".red().bold(), console::status(status)))
            }
        }
    }

    pub fn info(&self, message: &str) {
        self.say(message.to_string());
    }
}

/// How much of an app's error answer a console line shows.
const EXCERPT_CHARS: usize = 200;

/// The start of an answer's body on one line: whitespace runs folded, cut at [`EXCERPT_CHARS`].
fn body_excerpt(body: &str) -> String {
    let folded = body.split_whitespace().collect::<Vec<_>>().join(" ");
    match folded.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &folded[..cut]),
        None => folded,
    }
}

#[cfg(test)]
mod tests {
    use super::body_excerpt;

    #[test]
    fn excerpts_are_one_short_line() {
        assert_eq!(body_excerpt("database\n  is down\n"), "database is down");
        assert_eq!(body_excerpt(""), "");
        let long = "é".repeat(300);
        assert_eq!(body_excerpt(&long), format!("{}…", "é".repeat(200)));
    }
}
