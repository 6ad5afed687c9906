//! Forwarding: one worker per target delivers that target's events in store order, re-signed with
//! whk's secret, retrying connection errors, timeouts and 5xx with exponential backoff while later
//! events wait. Queues hold only store sequence numbers, never bodies. An event that cannot be
//! signed is never sent: its delivery fails with the reason.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};

use super::console::{Console, Shown};
use super::store::{Attempt, Forwardable, Reader, State, Write, Writer};
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
    /// This listen's relay header value: an event carrying it came back from a target.
    pub relay_token: String,
}

/// The header every forwarded request carries, so a listen recognises its own events coming back,
/// even through other listens: each adds its token to the list the event arrived with.
pub use super::store::RELAYED_BY as RELAY_HEADER;

/// Shared by the workers; `outstanding` counts deliveries not yet delivered or failed.
pub struct Forwarding {
    settings: ForwardSettings,
    reader: Reader,
    writer: Writer,
    console: Arc<Console>,
    pub outstanding: AtomicU64,
    /// Events fully handled (every target delivered or failed), for --exit-after.
    pub handled: Arc<AtomicU64>,
    /// The exit code of the worst delivery outcome so far (0, 1 refused or given up, 3 never
    /// reached), for --exit-after.
    pub worst_exit: AtomicU8,
    remaining_targets: std::sync::Mutex<BTreeMap<u64, usize>>,
}

pub struct Queues {
    senders: BTreeMap<String, mpsc::UnboundedSender<u64>>,
}

impl Queues {
    /// Hands an event to each of its targets' workers. Called in log order.
    pub fn dispatch(&self, forwarding: &Forwarding, event: u64, targets: &[String]) {
        if targets.is_empty() {
            forwarding.handled.fetch_add(1, Ordering::SeqCst);
            return;
        }
        forwarding.remaining_targets.lock().unwrap().insert(event, targets.len());
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
    pub fn resume(&self, forwarding: &Forwarding, event: u64, target: &str) {
        if let Some(queue) = self.senders.get(target) {
            forwarding.outstanding.fetch_add(1, Ordering::SeqCst);
            let _ = queue.send(event);
        }
    }
}

impl Forwarding {
    pub fn new(settings: ForwardSettings, reader: Reader, writer: Writer, console: Arc<Console>) -> Forwarding {
        Forwarding {
            settings,
            reader,
            writer,
            console,
            outstanding: AtomicU64::new(0),
            handled: Arc::new(AtomicU64::new(0)),
            worst_exit: AtomicU8::new(0),
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
    mut queue: mpsc::UnboundedReceiver<u64>,
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
        match f.reader.forwardable(event) {
            Ok(record) => {
                if !deliver(&f, &target, url.as_ref(), event, &record, &mut link, &mut shutdown).await {
                    return; // shutting down: the event stays pending in the store
                }
            }
            Err(err) => {
                f.console.info(&format!("whk: cannot read event #{event} back from the store: {err:#}"));
                outcome(&f, State::Failed, event, &target, Some(&format!("unreadable store entry: {err:#}")));
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
    record: &Forwardable,
    link: &mut Option<Connection>,
    shutdown: &mut watch::Receiver<bool>,
) -> bool {
    let shown = Shown { seq, id: &record.id, event_type: &record.event_type, connect: record.account.is_some() };
    let Some(url) = url else {
        outcome(f, State::Failed, seq, target, Some("the recorded target is not a URL"));
        return true;
    };
    let body = record.body.clone();
    let mut extra = f.settings.headers.clone();
    if shown.connect {
        extra.extend(f.settings.connect_headers.iter().cloned());
    }
    let retries = f.settings.retries;
    let mut reached = false;
    for attempt in 1..=retries + 1 {
        let request = match signed(f, record, url.clone(), body.clone(), &extra) {
            Ok(request) => request,
            Err(why) => {
                // Never sent unsigned: the app would take a forgery for the real thing.
                let reason = format!("not sent: cannot sign it ({why})");
                f.console.failed(&shown, target, &reason);
                outcome(f, State::Failed, seq, target, Some(&reason));
                return true;
            }
        };
        let result = send_once(f, link, &request).await;
        let _ = f
            .writer
            .send(Write::Attempt { seq, attempt: Box::new(attempt_of(target, attempt, &result, false, false)) });
        let reason = match result {
            Ok(answer) => {
                reached = true;
                let ms = answer.duration.as_secs_f64() * 1000.0;
                f.console.delivered(&shown, target, answer.status, ms, attempt, &answer.body_start);
                if answer.is_success() {
                    outcome(f, State::Delivered, seq, target, None);
                    return true;
                }
                if answer.status < 500 {
                    // The app answered; retrying would not change its mind.
                    let reason = format!("the app answered {}", answer.status);
                    f.console.failed(&shown, target, &reason);
                    outcome(f, State::Failed, seq, target, Some(&reason));
                    return true;
                }
                format!("the app answered {}", answer.status)
            }
            Err(err) => err.to_string(),
        };
        if attempt > retries {
            let reason = format!("gave up after {attempt} attempts: {reason}");
            if !reached {
                f.worst_exit.fetch_max(crate::Exit::Unreachable as u8, Ordering::SeqCst);
            }
            f.console.failed(&shown, target, &reason);
            outcome(f, State::Failed, seq, target, Some(&reason));
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

/// What the store keeps of one attempt: the app's status, headers and the start of its body, or
/// why there was no answer.
fn attempt_of(
    target: &str,
    number: u32,
    result: &Result<Answer, DeliveryError>,
    replay: bool,
    edited: bool,
) -> Attempt {
    let (status, duration_ms, error, answer_headers, answer_body) = match result {
        Ok(a) => (
            Some(a.status),
            a.duration.as_secs_f64() * 1000.0,
            None,
            a.headers.clone(),
            a.body_start.as_bytes()[..a.body_start.len().min(KEPT_ANSWER)].to_vec(),
        ),
        Err(e) => (None, 0.0, Some(e.to_string()), Vec::new(), Vec::new()),
    };
    Attempt {
        target: target.to_string(),
        number,
        at: now_iso(),
        status,
        duration_ms,
        error,
        answer_headers,
        answer_body,
        replay,
        edited,
    }
}

/// Recorded headers a replay does not resend: hop-by-hop ones, what describes the old body or
/// signature, and the relay chain (the replay gets this listen's own).
const NOT_REPLAYED: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
    "webhook-id",
    "webhook-timestamp",
    RELAY_HEADER,
];

impl Forwarding {
    /// One replay of a recorded event (the inspector's Replay): `body` signed afresh under the
    /// event's scheme with listen's secret, sent once to `url`, the attempt recorded as
    /// attempt `number` to that target. Err: it could not be signed, so nothing was sent.
    pub async fn replay_once(
        &self,
        seq: u64,
        record: &Forwardable,
        url: url::Url,
        body: Vec<u8>,
        recorded_headers: &[(String, String)],
        number: u32,
    ) -> Result<Attempt, String> {
        let edited = body != record.body;
        let mut extra = self.settings.headers.clone();
        if record.account.is_some() {
            extra.extend(self.settings.connect_headers.iter().cloned());
        }
        let mut request = signed(self, record, url, body, &extra)?;
        // The headers the sender sent come along, except what the new signature and this
        // connection set: the app sees the request as it arrived, signed afresh.
        for (name, value) in recorded_headers {
            let name = name.to_ascii_lowercase();
            let set = request.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name));
            if !set && value != "***" && !NOT_REPLAYED.contains(&name.as_str()) && !name.contains("signature") {
                request.headers.push((name, value.clone()));
            }
        }
        let target = request.url.to_string();
        let result = self.settings.client.send(&request, HINT).await;
        let attempt = attempt_of(&target, number, &result, true, edited);
        if let Ok(answer) = &result {
            let shown =
                Shown { seq, id: &record.id, event_type: &record.event_type, connect: record.account.is_some() };
            self.console.delivered(&shown, &target, answer.status, attempt.duration_ms, number, &answer.body_start);
        }
        let _ = self.writer.send(Write::Attempt { seq, attempt: Box::new(attempt.clone()) });
        Ok(attempt)
    }
}

/// 0.5 s, 1 s, 2 s … capped at 30 s.
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(500u64.saturating_mul(1 << (attempt - 1).min(6))).min(Duration::from_secs(30))
}

/// How much of the app's answer is kept with each attempt.
const KEPT_ANSWER: usize = super::store::KEPT_PREFIX;

/// The request re-signed under the event's own scheme, with the relay header. An event of unknown
/// origin (unsigned, accepted under --accept-unsigned) is passed on as it came; an event whose scheme
/// cannot sign with whk's secret is an error, never a request without its signature.
fn signed(
    f: &Forwarding,
    record: &Forwardable,
    url: url::Url,
    body: Vec<u8>,
    extra: &[(String, String)],
) -> Result<SignedRequest, String> {
    let now = crate::time::unix_now();
    let msg_id = record.msg_id.as_deref().unwrap_or(&record.id);
    let secret = &f.settings.secret;
    let mut extra = extra.to_vec();
    let relayed_by = match &record.relayed_by {
        Some(earlier) => format!("{earlier}, {}", f.settings.relay_token),
        None => f.settings.relay_token.clone(),
    };
    extra.push((RELAY_HEADER.to_string(), relayed_by));
    SignedRequest::for_recorded(&record.provider, msg_id, secret, now, url, body, &extra).map_err(|e| e.to_string())
}

fn outcome(f: &Forwarding, state: State, seq: u64, target: &str, reason: Option<&str>) {
    let _ = f.writer.send(Write::Outcome { seq, target: target.to_string(), state, reason: reason.map(String::from) });
    if state == State::Failed {
        f.worst_exit.fetch_max(crate::Exit::Refused as u8, Ordering::SeqCst);
    }
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
