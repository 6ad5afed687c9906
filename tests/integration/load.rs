//! Load mode: `whk trigger EVENT --count N --concurrency C [--rate R]`.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{assert_signed_with, free_port, Received, Sink, Whk, SECRET};

fn load(url: &str, extra: &[&str]) -> crate::support::Run {
    Whk::new().args(["trigger", "--secret", SECRET, "--forward-to", url]).args(extra).run()
}

fn summary(run: &crate::support::Run) -> Value {
    serde_json::from_str(run.stdout().trim()).unwrap_or_else(|e| panic!("one JSON object: {e}\n{}", run.stdout()))
}

/// An HTTP/1.1 server on loopback, a thread per connection, that counts the requests in flight
/// and answers each after `delay` with `answer` (raw bytes: status line, headers and body).
struct Server {
    port: u16,
    in_flight: Arc<AtomicUsize>,
    most_in_flight: Arc<AtomicUsize>,
    connections: Arc<AtomicUsize>,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Server {
    fn start(answer: &'static str, delay: Duration, keep: bool) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let server = Server {
            port: listener.local_addr().unwrap().port(),
            in_flight: Default::default(),
            most_in_flight: Default::default(),
            connections: Default::default(),
            received: Default::default(),
        };
        let (in_flight, most, connections, received) = (
            server.in_flight.clone(),
            server.most_in_flight.clone(),
            server.connections.clone(),
            server.received.clone(),
        );
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                connections.fetch_add(1, Ordering::SeqCst);
                let (in_flight, most, received) = (in_flight.clone(), most.clone(), received.clone());
                std::thread::spawn(move || serve(stream, answer, delay, keep, &in_flight, &most, &received));
            }
        });
        server
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port)
    }
}

fn serve(
    stream: TcpStream,
    answer: &str,
    delay: Duration,
    keep: bool,
    in_flight: &AtomicUsize,
    most: &AtomicUsize,
    received: &Mutex<Vec<Received>>,
) {
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    let closes = answer.contains("Connection: close") || answer.starts_with("HTTP/1.0");
    loop {
        let mut headers = Vec::new();
        let mut path = String::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end().to_string();
            if line.is_empty() {
                break;
            }
            match line.split_once(": ") {
                Some((k, v)) => headers.push((k.to_string(), v.to_string())),
                None => path = line.split(' ').nth(1).unwrap_or("").to_string(),
            }
        }
        let length: usize = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .map_or(0, |(_, v)| v.parse().unwrap());
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        most.fetch_max(now, Ordering::SeqCst);
        std::thread::sleep(delay);
        in_flight.fetch_sub(1, Ordering::SeqCst);
        if keep {
            received.lock().unwrap().push(Received { path, headers, body });
        }
        if writer.write_all(answer.as_bytes()).is_err() || closes {
            return;
        }
    }
}

const OK: &str = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

/// Every request is a distinct event, signed over its own exact body.
fn assert_distinct_and_signed(received: &[Received], header: &str) {
    let mut ids = HashSet::new();
    let mut objects = HashSet::new();
    for request in received {
        assert_signed_with(SECRET, request.header(header).expect("signed"), &request.body);
        let event = request.json();
        assert!(ids.insert(event["id"].as_str().unwrap().to_string()), "event ids are distinct");
        // Stripe wraps the resource in data.object; Fintoc's data is the resource.
        let resource = if header == "Stripe-Signature" { &event["data"]["object"] } else { &event["data"] };
        objects.insert(resource["id"].as_str().expect("the resource has an id").to_string());
    }
    assert_eq!(objects.len(), received.len(), "each event's object has a fresh id too");
}

#[test]
fn n_events_each_with_its_own_id_and_signature_and_a_json_summary() {
    let sink = Sink::start(200);
    let run =
        load(&sink.url("/webhook"), &["payout.failed", "--count", "60", "--concurrency", "4", "--json"]).expect(0);
    let received = sink.received();
    assert_eq!(received.len(), 60);
    assert!(received.iter().all(|r| r.path == "/webhook"));
    assert_eq!(received[0].header("User-Agent"), Some("Stripe/1.0 (+https://stripe.com/docs/webhooks)"));
    assert_eq!(received[0].header("Content-Type"), Some("application/json; charset=utf-8"));
    assert_distinct_and_signed(&received, "Stripe-Signature");
    assert!(received.iter().all(|r| r.json()["type"] == "payout.failed"));

    let s = summary(&run);
    assert_eq!((s["count"].as_u64(), s["concurrency"].as_u64(), s["sent"].as_u64()), (Some(60), Some(4), Some(60)));
    assert_eq!(
        (s["answered"].as_u64(), s["expected"].as_u64(), s["unexpected"].as_u64()),
        (Some(60), Some(60), Some(0))
    );
    assert_eq!(s["statuses"], serde_json::json!({"200": 60}));
    assert_eq!(s["errors"], serde_json::json!({"connect": 0, "timeout": 0, "closed": 0, "other": 0}));
    assert_eq!(
        (s["type"].as_str(), s["provider"].as_str(), s["ok"].as_bool()),
        (Some("payout.failed"), Some("stripe"), Some(true))
    );
    assert_eq!(s["url"], sink.url("/webhook"));
    assert!(s["throughput_per_s"].as_f64().unwrap() > 0.0 && s["duration_s"].as_f64().unwrap() > 0.0);
    let latency = &s["latency_ms"];
    let [p50, p90, p99, max] = ["p50", "p90", "p99", "max"].map(|k| latency[k].as_f64().unwrap());
    assert!(0.0 < p50 && p50 <= p90 && p90 <= p99 && p99 <= max, "{latency}");
    assert!(latency["mean"].as_f64().unwrap() > 0.0);
}

#[test]
fn fintoc_events_connect_events_and_edits_load_too() {
    let sink = Sink::start(200);
    load(&sink.url("/f"), &["fintoc:payment_intent.succeeded", "--count", "20", "--concurrency", "3"]).expect(0);
    let received = sink.received();
    assert_eq!(received.len(), 20);
    assert_distinct_and_signed(&received, "Fintoc-Signature");
    assert!(received.iter().all(|r| r.json()["object"] == "event" && r.json()["mode"] == "test"));

    let sink = Sink::start(200);
    let flags =
        ["person.updated", "--count", "10", "--account", "acct_1Nv0FGQ9RKHgCVdK", "--override", "first_name=Ada"];
    load(&sink.url("/c"), &[&flags[..], &["-H", "X-Run: 7"]].concat()).expect(0);
    for request in sink.received() {
        let event = request.json();
        assert_eq!(event["account"], "acct_1Nv0FGQ9RKHgCVdK");
        assert_eq!(event["data"]["object"]["first_name"], "Ada");
        assert_eq!(request.header("X-Run"), Some("7"));
    }
}

#[test]
fn at_most_concurrency_deliveries_are_in_flight() {
    let server = Server::start(OK, Duration::from_millis(30), true);
    let run = load(&server.url(), &["payout.failed", "--count", "24", "--concurrency", "3", "--json"]).expect(0);
    assert_eq!(summary(&run)["sent"], 24);
    assert_eq!(server.received.lock().unwrap().len(), 24);
    let most = server.most_in_flight.load(Ordering::SeqCst);
    assert!((2..=3).contains(&most), "at most 3 in flight, and more than one: {most}");
    let connections = server.connections.load(Ordering::SeqCst);
    assert!(connections <= 3, "kept-alive connections, one per slot: {connections}");
    assert_distinct_and_signed(&server.received.lock().unwrap(), "Stripe-Signature");
}

#[test]
fn rate_paces_the_starts() {
    let sink = Sink::start(200);
    let started = Instant::now();
    let run = load(&sink.url("/"), &["payout.failed", "--count", "11", "--concurrency", "4", "--rate", "20", "--json"])
        .expect(0);
    // Event i starts at i/20 s: the last one no sooner than 0.5 s in.
    assert!(started.elapsed() >= Duration::from_millis(500), "{:?}", started.elapsed());
    assert!(summary(&run)["duration_s"].as_f64().unwrap() >= 0.5);
    assert_eq!(summary(&run)["rate"], 20.0);
    assert_eq!(sink.received().len(), 11);
}

#[test]
fn unexpected_statuses_exit_1_and_errors_exit_3() {
    let sink = Sink::start(500);
    let run = load(&sink.url("/"), &["payout.failed", "--count", "5", "--json"]).expect(1);
    let s = summary(&run);
    assert_eq!((s["unexpected"].as_u64(), s["ok"].as_bool()), (Some(5), Some(false)));
    assert_eq!(s["statuses"], serde_json::json!({"500": 5}));
    assert!(run.stderr().contains("5 of 5 answered outside 2xx; the first was 500: sink says no"), "{}", run.stderr());
    load(&sink.url("/"), &["payout.failed", "--count", "5", "--expect-status", "500"]).expect(0);

    let run = load(&sink.url("/"), &["payout.failed", "--count", "5", "--concurrency", "2"]).expect(1);
    assert!(run.stdout().contains("answers  [500] ×5"), "{}", run.stdout());

    let run = load(&format!("127.0.0.1:{}/x", free_port()), &["payout.failed", "--count", "4", "--json"]).expect(3);
    assert_eq!(summary(&run)["errors"]["connect"], 4);
    assert_eq!(summary(&run)["latency_ms"], Value::Null);
    assert!(run.stderr().contains("nothing is listening on 127.0.0.1:"), "{}", run.stderr());

    let slow = Server::start(OK, Duration::from_millis(1500), false);
    let run = load(&slow.url(), &["payout.failed", "--count", "2", "--timeout", "0.2", "--json"]).expect(3);
    assert_eq!(summary(&run)["errors"]["timeout"], 2);
}

#[test]
fn answers_framed_every_way_http_allows_are_read() {
    let answers = [
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        "HTTP/1.1 201 Created\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
        "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
        "HTTP/1.1 202 Accepted\r\nConnection: close\r\n\r\nread to the end",
    ];
    for answer in answers {
        let server = Server::start(answer, Duration::ZERO, true);
        let run = load(&server.url(), &["payout.failed", "--count", "6", "--concurrency", "2", "--json"]);
        let run = run.expect(0);
        assert_eq!(summary(&run)["answered"], 6, "{answer:?}");
        assert_eq!(server.received.lock().unwrap().len(), 6, "{answer:?}");
    }
    // A 3xx is not followed, and the start of a refusal's body is shown.
    let server = Server::start(
        "HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nmoved\r\n0\r\n\r\n",
        Duration::ZERO,
        true,
    );
    let run = load(&server.url(), &["payout.failed", "--count", "3"]).expect(1);
    assert!(run.stderr().contains("the first was 302: moved"), "{}", run.stderr());
    assert_eq!(server.received.lock().unwrap().len(), 3);
}

#[test]
fn one_event_flags_and_bad_numbers_are_usage_errors() {
    let sink = Sink::start(200);
    let url = sink.url("/");
    for (extra, says) in [
        (&["--print"][..], "--print"),
        (&["--tamper", "bad-signature"], "--tamper"),
        (&["--save", "x.json"], "--save"),
        (&["--rate", "0"], "--rate 0"),
    ] {
        let run = load(&url, &[&["payout.failed", "--count", "3"][..], extra].concat()).expect(2);
        assert!(run.stderr().contains(says), "{says}: {}", run.stderr());
    }
    load(&url, &["payout.failed", "--count", "0"]).expect(2);
    load(&url, &["payout.failed", "--concurrency", "2"]).expect(2);
    load(&url, &["payout.failed", "--rate", "5"]).expect(2);
    load(&url, &["payout.failed", "--count", "2", "--concurrency", "0"]).expect(2);
    load(&url, &["payout.failed", "--count", "2", "--override", "nope.deeper=1"]).expect(2);
    assert!(sink.received().is_empty(), "nothing is sent on a usage error");
}

/// Peak RSS of a finished child, from wait4 (which reaps it: clippy cannot see that).
#[allow(clippy::zombie_processes)]
fn run_measuring_rss(count: &str, url: &str) -> u64 {
    let config = tempfile::tempdir().unwrap();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_whk"))
        .env("WHK_CONFIG_DIR", config.path())
        .args(["trigger", "payout.failed", "--secret", SECRET, "--forward-to", url, "--json"])
        .args(["--count", count, "--concurrency", "8"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: rusage is a plain C struct of integers, for which all zero bytes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `child` is our own unreaped child, and `status` and `usage` are valid for writes for
    // the whole call. std's Child is not used afterwards, so it never waits on the reaped pid.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as libc::pid_t);
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "whk failed: {status}");
    usage.ru_maxrss as u64 * 1024
}

#[test]
fn memory_stays_flat_however_many_events() {
    let server = Server::start(OK, Duration::ZERO, false);
    let small = run_measuring_rss("500", &server.url());
    let large = run_measuring_rss("25000", &server.url());
    assert!(large < small + 4 * 1024 * 1024, "500 events: {small} bytes, 25000 events: {large} bytes");
}
