//! Forwarding: one worker per target delivers that target's events in log order, re-signed with
//! whk's secret, retrying connection errors, timeouts and 5xx with exponential backoff while later
//! events wait. Queues hold only places in the log, never bodies.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use tokio::sync::{mpsc, watch};

use super::console::{Console, Shown};
use super::log::{EventRef, LogReader, LogWriter, Stored};
use crate::delivery::client::{Connection, Headers};
use crate::delivery::{Answer, Client, DeliveryError, SignedRequest};
use crate::time::iso_millis;

pub struct ForwardSettings {
    pub secret: String,
    pub retries: u32,
    pub headers: Vec<(String, String)>,
    pub connect_headers: Vec<(String, String)>,
    /// The client every attempt goes through, with the timeout of each.
    pub client: Client,
}

/// Shared by the workers; `outstanding` counts deliveries not yet delivered or failed.
pub struct Forwarding {
    settings: ForwardSettings,
    reader: LogReader,
    writer: LogWriter,
    console: Arc<Console>,
    pub outstanding: AtomicU64,
    /// Events fully handled (every target delivered or failed), for --exit-after.
    pub handled: Arc<AtomicU64>,
    remaining_targets: std::sync::Mutex<BTreeMap<u64, usize>>,
}

pub struct Queues {
    senders: BTreeMap<String, mpsc::UnboundedSender<EventRef>>,
}

impl Queues {
    /// Hands an event to each of its targets' workers. Called in log order.
    pub fn dispatch(&self, forwarding: &Forwarding, event: EventRef, targets: &[String]) {
        if targets.is_empty() {
            forwarding.handled.fetch_add(1, Ordering::SeqCst);
            return;
        }
        forwarding.remaining_targets.lock().unwrap().insert(event.seq, targets.len());
        for target in targets {
            if let Some(queue) = self.senders.get(target) {
                forwarding.outstanding.fetch_add(1, Ordering::SeqCst);
                let _ = queue.send(event);
            }
        }
    }
}

impl Queues {
    /// Re-queues a delivery a previous run left pending.
    pub fn resume(&self, forwarding: &Forwarding, event: EventRef, target: &str) {
        if let Some(queue) = self.senders.get(target) {
            forwarding.outstanding.fetch_add(1, Ordering::SeqCst);
            let _ = queue.send(event);
        }
    }
}

impl Forwarding {
    pub fn new(settings: ForwardSettings, reader: LogReader, writer: LogWriter, console: Arc<Console>) -> Forwarding {
        Forwarding {
            settings,
            reader,
            writer,
            console,
            outstanding: AtomicU64::new(0),
            handled: Arc::new(AtomicU64::new(0)),
            remaining_targets: Default::default(),
        }
    }

    fn finish(&self, seq: u64) {
        self.outstanding.fetch_sub(1, Ordering::SeqCst);
        let mut remaining = self.remaining_targets.lock().unwrap();
        if let Some(left) = remaining.get_mut(&seq) {
            *left -= 1;
            if *left == 0 {
                remaining.remove(&seq);
                self.handled.fetch_add(1, Ordering::SeqCst);
            }
        }
    }
}

/// Starts one worker per target on `runtime`.
pub fn start(
    runtime: &tokio::runtime::Handle,
    forwarding: Arc<Forwarding>,
    targets: impl IntoIterator<Item = String>,
    shutdown: watch::Receiver<bool>,
) -> (Queues, Vec<tokio::task::JoinHandle<()>>) {
    let mut senders = BTreeMap::new();
    let mut workers = Vec::new();
    for target in targets {
        if senders.contains_key(&target) {
            continue;
        }
        let (tx, rx) = mpsc::unbounded_channel();
        senders.insert(target.clone(), tx);
        workers.push(runtime.spawn(worker(forwarding.clone(), target, rx, shutdown.clone())));
    }
    (Queues { senders }, workers)
}

async fn worker(
    f: Arc<Forwarding>,
    target: String,
    mut queue: mpsc::UnboundedReceiver<EventRef>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut link = None;
    let url = url::Url::parse(&target).ok();
    loop {
        let event = tokio::select! {
            biased;
            _ = shutdown.wait_for(|stop| *stop) => return,
            next = queue.recv() => match next { Some(e) => e, None => return },
        };
        match f.reader.read_stored(event) {
            Ok(record) => {
                if !deliver(&f, &target, url.as_ref(), event.seq, &record, &mut link, &mut shutdown).await {
                    return; // shutting down: the event stays pending in the log
                }
            }
            Err(err) => {
                f.console.info(&format!("whk: cannot read event #{} back from the log: {err}", event.seq));
                outcome(&f, "failed", event.seq, &target, Some(&format!("unreadable log entry: {err}")));
            }
        }
    }
}

const HINT: &str = "is your server running?";

/// One attempt on the worker's kept-alive connection: the answer, or why there was none.
async fn send_once(
    f: &Forwarding,
    link: &mut Option<Connection>,
    request: &SignedRequest,
) -> Result<Answer, DeliveryError> {
    let connection = match link {
        Some(connection) => connection,
        // The name may resolve next time.
        None => link.insert(f.settings.client.connection(&request.url, HINT).await.map_err(|(_, err)| err)?),
    };
    let headers = Headers::new(request.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let body = hyper::body::Bytes::from(request.body.clone());
    connection.post(&headers, &[], body, |_| true).await.map_err(|(_, err)| err)
}

/// Delivers one event to one target with retries. Returns false when shutdown interrupted it.
#[allow(clippy::too_many_arguments)]
async fn deliver(
    f: &Forwarding,
    target: &str,
    url: Option<&url::Url>,
    seq: u64,
    record: &Stored,
    link: &mut Option<Connection>,
    shutdown: &mut watch::Receiver<bool>,
) -> bool {
    let shown = Shown { seq, id: &record.id, event_type: &record.event_type, connect: record.account.is_some() };
    let Some(url) = url else {
        outcome(f, "failed", seq, target, Some("the recorded target is not a URL"));
        return true;
    };
    let body = record.body.as_bytes().to_vec();
    let mut extra = f.settings.headers.clone();
    if shown.connect {
        extra.extend(f.settings.connect_headers.iter().cloned());
    }
    let retries = f.settings.retries;
    for attempt in 1..=retries + 1 {
        let request = signed(f, record, url.clone(), body.clone(), &extra);
        let result = send_once(f, link, &request).await;
        let (status, ms, error) = match &result {
            Ok(a) => (Some(a.status), a.duration.as_secs_f64() * 1000.0, None),
            Err(e) => (None, 0.0, Some(e.to_string())),
        };
        f.writer.note(json!({
            "rec": "attempt", "seq": seq, "target": target, "attempt": attempt, "at": now_iso(),
            "status": status, "duration_ms": ms, "error": error,
        }));
        let reason = match result {
            Ok(answer) => {
                f.console.delivered(&shown, target, answer.status, ms, attempt);
                if answer.is_success() {
                    outcome(f, "delivered", seq, target, None);
                    return true;
                }
                if answer.status < 500 {
                    // The app answered; retrying would not change its mind.
                    let reason = format!("the app answered {}", answer.status);
                    f.console.failed(&shown, target, &reason);
                    outcome(f, "failed", seq, target, Some(&reason));
                    return true;
                }
                format!("the app answered {}", answer.status)
            }
            Err(err) => err.to_string(),
        };
        if attempt > retries {
            let reason = format!("gave up after {attempt} attempts: {reason}");
            f.console.failed(&shown, target, &reason);
            outcome(f, "failed", seq, target, Some(&reason));
            return true;
        }
        let delay = backoff(attempt);
        f.console.retry(&shown, target, attempt, retries, delay.as_secs_f64(), &reason);
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = shutdown.wait_for(|stop| *stop) => return false,
        }
    }
    true
}

/// 0.5 s, 1 s, 2 s … capped at 30 s.
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(500u64.saturating_mul(1 << (attempt - 1).min(6))).min(Duration::from_secs(30))
}

fn signed(f: &Forwarding, record: &Stored, url: url::Url, body: Vec<u8>, extra: &[(String, String)]) -> SignedRequest {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let msg_id = record.msg_id.as_deref().unwrap_or(&record.id);
    SignedRequest::for_recorded(&record.provider, msg_id, &f.settings.secret, now, url, body, extra)
}

fn outcome(f: &Forwarding, kind: &str, seq: u64, target: &str, reason: Option<&str>) {
    f.writer.note(json!({"rec": kind, "seq": seq, "target": target, "at": now_iso(), "reason": reason}));
    f.finish(seq);
}

pub fn now_iso() -> String {
    iso_millis(std::time::SystemTime::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff(1), Duration::from_millis(500));
        assert_eq!(backoff(2), Duration::from_secs(1));
        assert_eq!(backoff(4), Duration::from_secs(4));
        assert_eq!(backoff(20), Duration::from_secs(30));
    }
}
