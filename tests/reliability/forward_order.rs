//! listen's forwarding order with several requests in flight (`--in-flight`, HTTP/1.1 pipelining),
//! against a hand-written app that shows what arrived on which connection and when: events reach
//! the app in store order on one connection, several ahead of their answers; a retry goes alone and
//! nothing newer is sent until it is settled; an app that closes its connection gets the requests
//! it never read again, each event delivered once, with no attempt counted for them.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::{read_log, whk, Listen};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// One request as the raw app read it.
#[derive(Debug, Clone)]
struct Seen {
    /// Which accepted connection it came on (0, 1, …).
    connection: usize,
    id: String,
    /// Complete requests that were waiting in the app's buffer together with this one: above 1
    /// means they were sent before the earlier ones were answered.
    batch: usize,
}

/// How the raw app answers the n-th request (0-based, over all connections).
struct Policy {
    status: Box<dyn Fn(usize) -> u16 + Send + Sync>,
    /// Close each connection after this many answers: saying so in the last one (`Connection:
    /// close`) or not (as a server closing an idle connection does).
    close_after: Option<(usize, Closing)>,
    /// Wait before each read, so that requests sent ahead gather in the socket.
    pause: Duration,
}

#[derive(Clone, Copy, PartialEq)]
enum Closing {
    Announced,
    Silent,
}

/// An HTTP/1.1 app on a raw socket, one thread per connection, answering in order.
struct RawApp {
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl RawApp {
    fn start(policy: Policy) -> RawApp {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let policy = Arc::new(policy);
        let shared = seen.clone();
        std::thread::spawn(move || {
            for (connection, stream) in listener.incoming().enumerate() {
                let Ok(stream) = stream else { continue };
                let (seen, policy) = (shared.clone(), policy.clone());
                std::thread::spawn(move || serve(connection, stream, &seen, &policy));
            }
        });
        RawApp { port, seen }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(connection: usize, mut stream: TcpStream, seen: &Mutex<Vec<Seen>>, policy: &Policy) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 64 * 1024];
    let mut answered = 0;
    loop {
        std::thread::sleep(policy.pause);
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        let mut requests = Vec::new();
        while let Some((len, id)) = complete_request(&buf) {
            requests.push(id);
            buf.drain(..len);
        }
        let batch = requests.len();
        for id in requests {
            let n = {
                let mut seen = seen.lock().unwrap();
                seen.push(Seen { connection, id, batch });
                seen.len() - 1
            };
            answered += 1;
            let status = (policy.status)(n);
            let last = policy.close_after.filter(|(after, _)| answered == *after).map(|(_, closing)| closing);
            let close = if last == Some(Closing::Announced) { "Connection: close\r\n" } else { "" };
            let answer = format!("HTTP/1.1 {status} X\r\nContent-Length: 2\r\n{close}\r\nok");
            if stream.write_all(answer.as_bytes()).is_err() {
                return;
            }
            if last.is_some() {
                // Whatever else was sent on this connection is never processed. Closed the way
                // servers do (nginx's lingering close): no more writes, the rest read and dropped,
                // so the answers already sent are not lost to a reset.
                let _ = stream.shutdown(std::net::Shutdown::Write);
                let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
                while matches!(stream.read(&mut chunk), Ok(n) if n > 0) {}
                return;
            }
        }
    }
}

/// The length of the first complete request in `buf` and its event's id.
fn complete_request(buf: &[u8]) -> Option<(usize, String)> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut headers);
    let httparse::Status::Complete(head) = request.parse(buf).ok()? else { return None };
    let length: usize = request
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-length"))
        .and_then(|h| std::str::from_utf8(h.value).ok()?.parse().ok())?;
    let body = buf.get(head..head + length)?;
    let event: serde_json::Value = serde_json::from_slice(body).ok()?;
    Some((head + length, event["id"].as_str()?.to_string()))
}

/// Fires `count` events at listen with load mode, 8 at a time, so that they queue up behind the app.
fn fire(dir: &Path, port: u16, count: usize) {
    let out = whk(dir)
        .args(["trigger", "payout.failed", "--secret", SECRET, "--forward-to"])
        .arg(format!("http://127.0.0.1:{port}/"))
        .args(["--count", &count.to_string(), "--concurrency", "8"])
        .output()
        .unwrap();
    assert!(out.status.success(), "load mode: {}", String::from_utf8_lossy(&out.stderr));
}

/// The store's events in store order, and the (seq, attempt) records.
fn store_order(store: &Path) -> (Vec<String>, Vec<serde_json::Value>) {
    let log = read_log(store);
    let ids = log.iter().filter(|r| r["rec"] == "event").map(|r| r["id"].as_str().unwrap().to_string()).collect();
    let attempts = log.into_iter().filter(|r| r["rec"] == "attempt").collect();
    (ids, attempts)
}

fn until_seen(app: &RawApp, count: usize) -> Vec<Seen> {
    let done = crate::support::wait_until(Duration::from_secs(60), || app.seen().len() >= count);
    assert!(done, "the app got {} requests of the {count} expected", app.seen().len());
    // Anything more (a duplicate) would come right behind.
    std::thread::sleep(Duration::from_millis(300));
    app.seen()
}

fn ids(seen: &[Seen]) -> Vec<String> {
    seen.iter().map(|s| s.id.clone()).collect()
}

#[test]
fn events_go_out_ahead_of_their_answers_in_store_order_on_one_connection() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("events.db");
    let app = RawApp::start(Policy { status: Box::new(|_| 200), close_after: None, pause: Duration::from_millis(20) });
    let listen =
        Listen::start(tmp.path(), crate::support::free_port(), "ahead", &["--secret", SECRET, "-f", &app.url()]);
    fire(tmp.path(), listen.port, 300);
    let seen = until_seen(&app, 300);
    let (stored, attempts) = store_order(&store);
    assert_eq!(ids(&seen), stored, "every event once, in store order");
    assert!(seen.iter().all(|s| s.connection == 0), "one connection");
    let widest = seen.iter().map(|s| s.batch).max().unwrap();
    assert!((2..=16).contains(&widest), "requests went ahead of answers, at most --in-flight 16: {widest}");
    assert_eq!(attempts.len(), 300, "one attempt each");
}

#[test]
fn in_flight_one_waits_for_each_answer() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("events.db");
    let app = RawApp::start(Policy { status: Box::new(|_| 200), close_after: None, pause: Duration::from_millis(5) });
    let args = ["--secret", SECRET, "-f", &app.url(), "--in-flight", "1"];
    let listen = Listen::start(tmp.path(), crate::support::free_port(), "strict", &args);
    fire(tmp.path(), listen.port, 60);
    let seen = until_seen(&app, 60);
    assert_eq!(ids(&seen), store_order(&store).0);
    assert!(seen.iter().all(|s| s.batch == 1), "never a request before the previous answer: {seen:?}");
}

#[test]
fn a_retry_goes_alone_and_nothing_newer_is_sent_before_it_is_settled() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("events.db");
    // The 40th request (well into the pipelined stream) fails once.
    let app = RawApp::start(Policy {
        status: Box::new(|n| if n == 40 { 503 } else { 200 }),
        close_after: None,
        pause: Duration::from_millis(10),
    });
    let listen =
        Listen::start(tmp.path(), crate::support::free_port(), "retry", &["--secret", SECRET, "-f", &app.url()]);
    fire(tmp.path(), listen.port, 120);
    let seen = until_seen(&app, 121);
    let (stored, _) = store_order(&store);
    let failed = &seen[40].id;
    let retried = seen.iter().rposition(|s| &s.id == failed).unwrap();
    assert!(retried > 40, "the failed event was sent again: {:?}", ids(&seen));
    // Between the failure and the retry: only events that were already in flight behind it, the
    // ones right after it in store order.
    let at = stored.iter().position(|id| id == failed).unwrap();
    let overtaking = ids(&seen[41..retried]);
    assert!(overtaking.len() < 16, "at most --in-flight - 1 were already on their way: {overtaking:?}");
    assert_eq!(overtaking, stored[at + 1..at + 1 + overtaking.len()], "already in flight, in order");
    assert_eq!(seen[retried].batch, 1, "the retry went alone");
    // After it: the rest, in order, once.
    assert_eq!(ids(&seen[retried + 1..]), stored[at + 1 + overtaking.len()..]);
    drop(listen);
}

/// The app closes each connection after 5 answers, with requests sent ahead still unread.
fn closing_app_gets_every_event_once(closing: Closing, name: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("events.db");
    let app = RawApp::start(Policy {
        status: Box::new(|_| 200),
        close_after: Some((5, closing)),
        pause: Duration::from_millis(5),
    });
    let listen = Listen::start(tmp.path(), crate::support::free_port(), name, &["--secret", SECRET, "-f", &app.url()]);
    fire(tmp.path(), listen.port, 100);
    let seen = until_seen(&app, 100);
    let (stored, attempts) = store_order(&store);
    assert_eq!(ids(&seen), stored, "every event once, in store order");
    assert_eq!(seen.iter().map(|s| s.connection).max(), Some(19), "five a connection");
    assert!(seen.iter().any(|s| s.batch > 1), "requests were sent ahead on the connections that closed");
    assert_eq!(attempts.len(), 100, "requests the app never read are not attempts");
}

#[test]
fn an_app_that_closes_its_connections_saying_so_gets_every_event_once_in_order() {
    closing_app_gets_every_event_once(Closing::Announced, "announced");
}

#[test]
fn an_app_that_closes_its_connections_silently_gets_every_event_once_in_order() {
    closing_app_gets_every_event_once(Closing::Silent, "silent");
}
