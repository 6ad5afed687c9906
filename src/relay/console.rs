//! What listen tells the user: Stripe-CLI-style lines on stderr, or JSON lines on stdout.

use colored::Colorize;
use serde_json::{json, Value};

use crate::cli::ListenFormat;
use crate::ui::console;

/// `eprintln!` with one write: stderr is unbuffered, so `eprintln!` makes a system call per
/// piece of the line, and the received-line is printed on the log writer's thread, where every
/// microsecond delays the next group commit.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write;
        let mut text = format!($($arg)*);
        text.push('\n');
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }};
}

pub struct Console {
    pub format: ListenFormat,
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
    fn json(&self, value: Value) {
        println!("{value}");
    }

    pub fn received(&self, e: &Shown, provider: &str, verified: &str, body: Option<&str>) {
        match self.format {
            ListenFormat::Json => self.json(json!({
                "kind": "received", "seq": e.seq, "id": e.id, "type": e.event_type, "provider": provider,
                "connect": e.connect, "verified": verified,
            })),
            ListenFormat::Text => {
                say!("{} {} [{}] {}", "-->".bold(), e.label(), e.id, format!("({provider}, {verified})").dimmed());
                // With no target, listen is the receiver: the event itself is the data it shows,
                // one event a line (JSON Lines) however the sender formatted it.
                if let Some(body) = body {
                    match serde_json::from_str::<Value>(body) {
                        Ok(event) => println!("{event}"),
                        Err(_) => println!("{body}"),
                    }
                }
            }
        }
    }

    pub fn delivered(&self, e: &Shown, target: &str, status: u16, ms: f64, attempt: u32) {
        match self.format {
            ListenFormat::Json => self.json(json!({
                "kind": "delivery", "seq": e.seq, "id": e.id, "type": e.event_type, "url": target,
                "status": status, "duration_ms": ms, "attempt": attempt, "ok": (200..300).contains(&status),
            })),
            ListenFormat::Text => {
                say!("{} {} POST {target} [{}] ({ms:.0} ms)", "<--".bold(), console::status(status), e.id)
            }
        }
    }

    pub fn retry(&self, e: &Shown, target: &str, attempt: u32, retries: u32, delay: f64, reason: &str) {
        match self.format {
            ListenFormat::Json => self.json(json!({
                "kind": "retry", "seq": e.seq, "id": e.id, "url": target, "attempt": attempt, "delay_s": delay, "reason": reason,
            })),
            ListenFormat::Text => say!("    {} {reason}", format!("[retry {attempt}/{retries} in {delay:.1} s]").yellow()),
        }
    }

    pub fn failed(&self, e: &Shown, target: &str, reason: &str) {
        match self.format {
            ListenFormat::Json => self.json(json!({
                "kind": "failed", "seq": e.seq, "id": e.id, "type": e.event_type, "url": target, "reason": reason,
            })),
            ListenFormat::Text => say!("{} {} [{}] to {target}: {reason}", "xx".red().bold(), e.label(), e.id),
        }
    }

    pub fn rejected(&self, status: u16, path: &str, reason: &str) {
        match self.format {
            ListenFormat::Json => {
                self.json(json!({"kind": "rejected", "status": status, "path": path, "reason": reason}))
            }
            ListenFormat::Text => say!("{} {} {path}: {reason}", "!!".red().bold(), console::status(status)),
        }
    }

    pub fn info(&self, message: &str) {
        say!("{message}");
    }
}
