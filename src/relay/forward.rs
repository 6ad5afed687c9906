//! Forwarding: one worker per target delivers that target's events in store order, re-signed with
//! whk's secret, several ahead of their answers on one connection (`--in-flight`), retrying
//! connection errors, timeouts and 5xx with exponential backoff: a retry goes alone and later events
//! wait for it. Queues hold store sequence numbers, and the bodies of just-stored events up to
//! [`HELD_LIMIT`]. An event that cannot be signed is never sent: its delivery fails with the reason.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};

use super::console::{Console, Shown};
use super::store::{Attempt, Forwardable, Reader, State, Write, Writer};
use crate::delivery::client::{Connection, Headers, NoAnswer};
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
    /// Requests pipelined on a target's connection before the first answer is back
    /// (`--in-flight`); 1 waits for each answer.
    pub in_flight: usize,
}

/// The header every forwarded request carries, so a listen recognises its own events coming back,
/// even through other listens: each adds its token to the list the event arrived with.
pub use super::store::RELAYED_BY as RELAY_HEADER;

/// Shared by the workers; `outstanding` counts deliveries not yet delivered or failed.
pub struct Forwarding {
    settings: ForwardSettings,
    reader: Arc<Reader>,
    writer: Writer,
    console: Arc<Console>,
    pub outstanding: AtomicU64,
    /// Events fully handled (every target delivered or failed), for --exit-after.
    pub handled: Arc<AtomicU64>,
    /// The exit code of the worst delivery outcome so far (0, 1 refused or given up, 3 never
    /// reached), for --exit-after.
    pub worst_exit: AtomicU8,
    remaining_targets: std::sync::Mutex<BTreeMap<u64, usize>>,
    /// Bytes of bodies held in the queues (see [`Queued`]).
    held: AtomicUsize,
}

pub struct Queues {
    senders: BTreeMap<String, mpsc::UnboundedSender<Queued>>,
}

/// An event in a target's queue: its store sequence number and, while the bytes held this way
/// stay under [`HELD_LIMIT`], the event itself, so a target that keeps up never waits for the store
/// to read back what just went into it. A queue behind a target that is down soon holds numbers only.
pub struct Queued {
    seq: u64,
    record: Option<Arc<Forwardable>>,
}

/// Bytes of event bodies held in the queues at most, all targets together.
const HELD_LIMIT: usize = 4 * 1024 * 1024;

impl Queues {
    /// Hands an event to each of its targets' workers. Called in store order, once it is committed.
    pub fn dispatch(&self, forwarding: &Forwarding, event: u64, targets: &[String], record: Option<Arc<Forwardable>>) {
        if targets.is_empty() {
            forwarding.handled.fetch_add(1, Ordering::SeqCst);
            return;
        }
        forwarding.remaining_targets.lock().unwrap().insert(event, targets.len());
        for target in targets {
            if let Some(queue) = self.senders.get(target) {
                forwarding.outstanding.fetch_add(1, Ordering::SeqCst);
                let record = record.clone().filter(|r| forwarding.hold(r.body.len()));
                let _ = queue.send(Queued { seq: event, record });
            }
        }
    }

    /// Re-queues a delivery a previous run left pending.
    pub fn resume(&self, forwarding: &Forwarding, event: u64, target: &str) {
        if let Some(queue) = self.senders.get(target) {
            forwarding.outstanding.fetch_add(1, Ordering::SeqCst);
            let _ = queue.send(Queued { seq: event, record: None });
        }
    }
}

impl Forwarding {
    pub fn new(settings: ForwardSettings, reader: Reader, writer: Writer, console: Arc<Console>) -> Forwarding {
        Forwarding {
            settings,
            reader: Arc::new(reader),
            writer,
            console,
            outstanding: AtomicU64::new(0),
            handled: Arc::new(AtomicU64::new(0)),
            worst_exit: AtomicU8::new(0),
            remaining_targets: Default::default(),
            held: AtomicUsize::new(0),
        }
    }

    /// Counts `bytes` as held in a queue, if they fit under [`HELD_LIMIT`].
    fn hold(&self, bytes: usize) -> bool {
        self.held
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |held| {
                (held + bytes <= HELD_LIMIT).then_some(held + bytes)
            })
            .is_ok()
    }

    /// Uncounts a body [`Forwarding::hold`] counted, once its queue has given it up.
    fn release(&self, record: &Forwardable) {
        self.held.fetch_sub(record.body.len(), Ordering::SeqCst);
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

/// Starts one worker per target.
pub fn start(
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
        workers.push(tokio::spawn(worker(forwarding.clone(), target, rx, shutdown.clone())));
    }
    (Queues { senders }, workers)
}

/// One event on its way to the worker's target.
struct Job {
    seq: u64,
    record: Arc<Forwardable>,
    /// Attempts made so far.
    attempts: u32,
    /// Whether the app ever answered it.
    reached: bool,
    /// When it was last written to the connection.
    sent_at: tokio::time::Instant,
    /// When a retry may go out.
    due: tokio::time::Instant,
}

/// A worker's view of its target: the connection, the requests on it awaiting answers, and the
/// events that went wrong, waiting for their retry. Every event is sent after the ones before it;
/// while any event waits for a retry nothing newer is sent.
struct Lane<'a> {
    f: &'a Forwarding,
    target: &'a str,
    url: url::Url,
    link: Option<Connection>,
    /// Sent, unanswered, oldest first: their answers come back in this order.
    in_flight: VecDeque<Job>,
    /// Sent and not processed by the app (it closed the connection first): they go out again,
    /// first, without counting as an attempt.
    unsent: VecDeque<Job>,
    /// Answered with a 5xx or not at all, oldest first, each sent again alone once due.
    retry: VecDeque<Job>,
    /// The current connection has answered and stays open: requests may be pipelined on it.
    proven: bool,
    /// When the last answer came: the next one's timeout runs from then.
    last_answer: tokio::time::Instant,
}

async fn worker(
    f: Arc<Forwarding>,
    target: String,
    mut queue: mpsc::UnboundedReceiver<Queued>,
    mut shutdown: watch::Receiver<bool>,
) {
    let Ok(url) = url::Url::parse(&target) else {
        while let Some(queued) = queue.recv().await {
            if let Some(record) = &queued.record {
                f.release(record);
            }
            failed(&f, queued.seq, &target, "the recorded target is not a URL");
        }
        return;
    };
    let mut lane = Lane {
        f: &f,
        target: &target,
        url,
        link: None,
        in_flight: VecDeque::new(),
        unsent: VecDeque::new(),
        retry: VecDeque::new(),
        proven: false,
        last_answer: tokio::time::Instant::now(),
    };
    loop {
        let stopping = *shutdown.borrow();
        if lane.in_flight.is_empty() {
            if stopping {
                return; // what is left stays pending in the store
            }
            // Nothing awaits an answer: wait for what goes next, a retry once due or a new event.
            if let Some(due) = lane.retry.front().map(|job| job.due) {
                tokio::select! {
                    biased;
                    _ = shutdown.wait_for(|stop| *stop) => return,
                    _ = tokio::time::sleep_until(due) => {}
                }
                let job = lane.retry.pop_front().expect("a retry is waiting");
                lane.send(job).await;
            } else if let Some(job) = lane.unsent.pop_front() {
                lane.send(job).await;
            } else {
                let queued = tokio::select! {
                    biased;
                    _ = shutdown.wait_for(|stop| *stop) => return,
                    next = queue.recv() => match next { Some(queued) => queued, None => return },
                };
                if let Some(job) = lane.job(queued).await {
                    lane.send(job).await;
                }
            }
        }
        // Pipelining: newer events join the ones in flight, up to the window, unless a retry is
        // waiting or in flight (it goes alone, and nothing newer goes before it is settled) or
        // listen is stopping.
        while !stopping && lane.retry.is_empty() && lane.in_flight.len() < lane.window() {
            let job = match lane.unsent.pop_front() {
                Some(job) => job,
                None => match queue.try_recv() {
                    Ok(queued) => match lane.job(queued).await {
                        Some(job) => job,
                        None => continue,
                    },
                    Err(_) => break,
                },
            };
            lane.send(job).await;
        }
        if lane.in_flight.is_empty() {
            continue; // nothing could be signed
        }
        lane.exchange().await;
    }
}

const HINT: &str = "is your server running?";

impl Lane<'_> {
    /// Requests on one connection at once: `--in-flight`, but one until the connection has
    /// answered once and kept itself open, and one while a retry is out.
    fn window(&self) -> usize {
        let retrying = self.in_flight.iter().any(|job| job.attempts > 0);
        if self.proven && !retrying {
            self.f.settings.in_flight.max(1)
        } else {
            1
        }
    }

    /// The event to send: as it was handed over in memory, or read back from the store; None when
    /// it cannot be read (its delivery then fails).
    async fn job(&self, Queued { seq, record }: Queued) -> Option<Job> {
        let record = match record {
            Some(record) => {
                self.f.release(&record);
                Ok(record)
            }
            // On the blocking pool, as the inspector's queries are: this runtime also serves the
            // senders, and a read may wait on the store.
            None => {
                let reader = self.f.reader.clone();
                match tokio::task::spawn_blocking(move || reader.forwardable(seq)).await {
                    Ok(read) => read.map(Arc::new),
                    Err(err) => Err(anyhow::anyhow!("the read did not finish: {err}")),
                }
            }
        };
        match record {
            Ok(record) => {
                let now = tokio::time::Instant::now();
                Some(Job { seq, record, attempts: 0, reached: false, sent_at: now, due: now })
            }
            Err(err) => {
                self.f.console.info(&format!("whk: cannot read event #{seq} back from the store: {err:#}"));
                failed(self.f, seq, self.target, &format!("unreadable store entry: {err:#}"));
                None
            }
        }
    }

    /// Signs the event afresh and queues it on the connection. An event that cannot be signed is
    /// never sent: the app would take a forgery for the real thing.
    async fn send(&mut self, mut job: Job) {
        let f = self.f;
        let request = match signed(f, &job.record, self.url.clone(), job.record.body.clone()) {
            Ok(request) => request,
            Err(why) => {
                let reason = format!("not sent: cannot sign it ({why})");
                f.console.failed(&shown(job.seq, &job.record), self.target, &reason);
                failed(f, job.seq, self.target, &reason);
                return;
            }
        };
        let link = match &mut self.link {
            Some(link) => link,
            None => match f.settings.client.connection(&self.url, HINT).await {
                Ok(link) => self.link.insert(link),
                // The name may resolve next time.
                Err((_, err)) => {
                    self.in_flight.push_back(job);
                    return self.unanswered(err);
                }
            },
        };
        let headers = Headers::new(request.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        link.queue(&headers, &[], &request.body);
        job.sent_at = tokio::time::Instant::now();
        self.in_flight.push_back(job);
    }

    /// Writes what was queued, then reads the oldest answer and any others already arrived with it
    /// (so the next write carries as many new requests as were answered), settling their events.
    async fn exchange(&mut self) {
        self.read_one().await;
        while !self.in_flight.is_empty() && self.link.as_ref().is_some_and(Connection::answer_waiting) {
            self.read_one().await;
        }
    }

    async fn read_one(&mut self) {
        let timeout = self.f.settings.client.timeout();
        let link = self.link.as_mut().expect("a job was queued on the connection");
        let front_sent = self.in_flight.front().expect("a job is in flight").sent_at;
        if let Err(failure) = link.flush(tokio::time::Instant::now() + timeout).await {
            self.proven = false;
            return self.unanswered(failure.1);
        }
        let deadline = front_sent.max(self.last_answer) + timeout;
        match link.next_answer(|_| true, deadline).await {
            Ok((mut answer, keep_alive)) => {
                // The app's time for this one: from when it was sent or the previous answer came.
                let now = tokio::time::Instant::now();
                answer.duration = now - front_sent.max(self.last_answer);
                self.last_answer = now;
                let job = self.in_flight.pop_front().expect("an answer is for the oldest job");
                if keep_alive {
                    self.proven = true;
                } else {
                    // The app read nothing after this request: what followed goes out again.
                    self.proven = false;
                    self.send_again_unread();
                }
                self.answered(job, answer);
            }
            Err(NoAnswer { failure, closed_idle }) => {
                self.proven = false;
                if closed_idle {
                    // Closed while idle, before reading these requests: they go out again.
                    self.send_again_unread();
                } else {
                    self.unanswered(failure.1);
                }
            }
        }
    }

    /// Puts the requests in flight, which the app never read, back at the front of what goes
    /// out next, in order, no attempt counted.
    fn send_again_unread(&mut self) {
        while let Some(job) = self.in_flight.pop_back() {
            self.unsent.push_front(job);
        }
    }

    /// The app answered the event: delivered, refused for good, or to be retried.
    fn answered(&mut self, mut job: Job, answer: Answer) {
        let f = self.f;
        job.attempts += 1;
        job.reached = true;
        let ms = answer.duration.as_secs_f64() * 1000.0;
        let attempt = Box::new(Attempt::of(self.target, job.attempts, Ok(&answer), false, false));
        f.console.delivered(
            &shown(job.seq, &job.record),
            self.target,
            answer.status,
            ms,
            job.attempts,
            &answer.body_start,
        );
        if answer.is_success() {
            settle(f, job.seq, (State::Delivered, None), attempt);
        } else if answer.status < 500 {
            // The app answered; retrying would not change its mind.
            let reason = format!("the app answered {}", answer.status);
            f.console.failed(&shown(job.seq, &job.record), self.target, &reason);
            settle(f, job.seq, (State::Failed, Some(reason)), attempt);
        } else {
            let _ = f.writer.send(Write::Attempt { seq: job.seq, attempt, settles: None });
            self.retry_later(job, format!("the app answered {}", answer.status));
        }
    }

    /// The connection failed: no request in flight got its answer.
    fn unanswered(&mut self, err: DeliveryError) {
        while let Some(mut job) = self.in_flight.pop_front() {
            job.attempts += 1;
            let record = Attempt::of(self.target, job.attempts, Err(&err), false, false);
            let _ = self.f.writer.send(Write::Attempt { seq: job.seq, attempt: Box::new(record), settles: None });
            self.retry_later(job, err.to_string());
        }
    }

    fn retry_later(&mut self, mut job: Job, reason: String) {
        let f = self.f;
        let retries = f.settings.retries;
        if job.attempts > retries {
            let reason = format!("gave up after {} attempts: {reason}", job.attempts);
            if !job.reached {
                f.worst_exit.fetch_max(crate::Exit::Unreachable as u8, Ordering::SeqCst);
            }
            f.console.failed(&shown(job.seq, &job.record), self.target, &reason);
            failed(f, job.seq, self.target, &reason);
            return;
        }
        let delay = backoff(job.attempts);
        f.console.retry(&shown(job.seq, &job.record), self.target, job.attempts, retries, delay.as_secs_f64(), &reason);
        job.due = tokio::time::Instant::now() + delay;
        self.retry.push_back(job);
    }
}

/// How console lines name an event being forwarded.
fn shown(seq: u64, record: &Forwardable) -> Shown<'_> {
    Shown { seq, id: &record.id, event_type: &record.event_type, connect: record.account.is_some() }
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
        let mut request = signed(self, record, url, body)?;
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
        let attempt = Attempt::of(&target, number, result.as_ref(), true, edited);
        if let Ok(answer) = &result {
            let shown = shown(seq, record);
            self.console.delivered(&shown, &target, answer.status, attempt.duration_ms, number, &answer.body_start);
        }
        let _ = self.writer.send(Write::Attempt { seq, attempt: Box::new(attempt.clone()), settles: None });
        Ok(attempt)
    }
}

/// 0.5 s, 1 s, 2 s … capped at 30 s.
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(500u64.saturating_mul(1 << (attempt - 1).min(6))).min(Duration::from_secs(30))
}

/// The request re-signed under the event's own scheme, with `-H` headers (and `--connect-header`
/// ones for a Connect event) and the relay header. An event of unknown origin (unsigned, accepted
/// under --accept-unsigned) is passed on as it came; an event whose scheme cannot sign with whk's
/// secret is an error, never a request without its signature.
fn signed(f: &Forwarding, record: &Forwardable, url: url::Url, body: Vec<u8>) -> Result<SignedRequest, String> {
    let now = crate::time::unix_now();
    let msg_id = record.msg_id.as_deref().unwrap_or(&record.id);
    let secret = &f.settings.secret;
    let mut extra = f.settings.headers.clone();
    if record.account.is_some() {
        extra.extend(f.settings.connect_headers.iter().cloned());
    }
    let relayed_by = match &record.relayed_by {
        Some(earlier) => format!("{earlier}, {}", f.settings.relay_token),
        None => f.settings.relay_token.clone(),
    };
    extra.push((RELAY_HEADER.to_string(), relayed_by));
    SignedRequest::for_recorded(&record.provider, msg_id, secret, now, url, body, &extra).map_err(|e| e.to_string())
}

/// Records how a delivery ended (delivered or failed, and why) with the attempt that ended it, in
/// one write: the store's followers learn that a delivery was delivered from that attempt.
fn settle(f: &Forwarding, seq: u64, (state, reason): (State, Option<String>), attempt: Box<Attempt>) {
    ended(f, seq, state, Write::Attempt { seq, attempt, settles: Some((state, reason)) });
}

/// Records a delivery that failed with no attempt of its own to show for it (none could be made,
/// or the retries ran out).
fn failed(f: &Forwarding, seq: u64, target: &str, reason: &str) {
    ended(f, seq, State::Failed, Write::Failed { seq, target: target.to_string(), reason: reason.to_string() });
}

fn ended(f: &Forwarding, seq: u64, state: State, write: Write) {
    let _ = f.writer.send(write);
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
