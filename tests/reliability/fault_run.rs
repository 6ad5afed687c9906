//! The fault run: 10,000 events from concurrent senders through `whk listen` while the app is
//! stopped and restarted and listen itself is killed with SIGKILL and restarted. Afterwards every
//! acknowledged event must be in the log and delivered at least once, in order per target.
//!
//! What "order per target" means here. Concurrent senders have no order among themselves; the only
//! order there is, is the one listen gives events when it appends them to its log (their `seq`).
//! Per target, listen promises to deliver in that order. A delivery can be repeated: after SIGKILL,
//! an event whose delivery happened but whose `delivered` record was not written yet is delivered
//! again, and a sender whose 200 was lost in the kill sends its event again, so it is in the log
//! twice. Repeats may come late; what must hold is that *first* deliveries keep log order: for each
//! target, the ids in the order the app first saw them equal the ids in the order of their first
//! log record. That is what is checked, across the kill and restart too (listen re-queues what a
//! previous run left pending, in log order, before it accepts anything new).
//!
//! `WHK_FAULT_EVENTS=N` changes the number of events (default 10,000). The figures are written to
//! stdout as `name: value` lines, uncaptured, so `cargo test` shows them.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use whk::event::catalog::Catalog;
use whk::event::{build, BuildOptions, BuiltEvent};
use whk::providers::Provider;

use crate::support::{exchange, free_port, post_bytes, read_log, signed, wait_until, whk, App, Listen, Records};

/// The event mix: (name, connected account). Routing sends payouts to /payouts, Stripe Connect
/// events to /connect and the rest to /main, so three targets with their own order run at once.
const MIX: [(&str, Option<&str>); 5] = [
    ("stripe:payout.failed", None),
    ("stripe:customer.created", Some("acct_1Nv0FGQ9RKHgCVdK")),
    ("fintoc:payment_intent.succeeded", None),
    ("stripe:balance.available", None),
    ("fintoc:link.created", None),
];
const TARGETS: [&str; 3] = ["/payouts", "/connect", "/main"];
const SENDERS: usize = 8;

#[derive(Default)]
struct Tally {
    acknowledged: Vec<String>,
    posts: usize,
    unexpected: Vec<String>,
}

#[test]
fn fault_run_loses_no_acknowledged_event() {
    let total: usize = std::env::var("WHK_FAULT_EVENTS").ok().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    // whk's own local secret, created here the way a user's first run creates it.
    let secret = whk(dir).args(["listen", "--print-secret"]).output().unwrap();
    let secret = String::from_utf8(secret.stdout).unwrap().trim().to_string();

    let (app_port, listen_port) = (free_port(), free_port());
    let records: Records = Arc::new(Mutex::new(Vec::new()));
    let mut app = Some(App::start(app_port, records.clone(), App::always(200)));
    let url = |path: &str| format!("http://127.0.0.1:{app_port}{path}");
    let (route, connect, main) = (format!("payout.*={}", url("/payouts")), url("/connect"), url("/main"));
    let args = [
        "--route",
        &route,
        "--forward-connect-to",
        &connect,
        "--forward-to",
        &main,
        // Enough retries to outlast both outages; a short timeout so an attempt caught in the app's
        // stop (a request on a connection the stopped server never answers) is retried soon.
        "--retries",
        "30",
        "--timeout",
        "2",
    ];
    let mut listen = Listen::start(dir, listen_port, "1", &args);

    let catalog = Arc::new(Catalog::load(None).unwrap());
    let tally = Arc::new(Mutex::new(Tally::default()));
    let acked = Arc::new(AtomicUsize::new(0));
    let senders: Vec<_> = (0..SENDERS)
        .map(|s| {
            let (catalog, secret, tally, acked) = (catalog.clone(), secret.clone(), tally.clone(), acked.clone());
            // Sender s sends events s, s+8, s+16 …, each built as it goes.
            let events = (s..total).step_by(SENDERS);
            std::thread::spawn(move || {
                send_all(events.map(|i| event(&catalog, i)), &secret, listen_port, &acked, &tally)
            })
        })
        .collect();

    // The faults, placed by progress so they land mid-stream however fast the machine is.
    let at = |fraction: f64| {
        wait_until(Duration::from_secs(120), || acked.load(Ordering::SeqCst) as f64 >= fraction * total as f64)
    };
    assert!(at(0.2), "senders stalled before the app outage");
    // The app stops: new connections are refused, and a request on a kept-alive connection gets
    // no answer (listen's --timeout ends that attempt, and it is retried).
    drop(app.take());
    std::thread::sleep(Duration::from_secs(2));
    app = Some(App::start(app_port, records.clone(), App::always(200)));
    assert!(at(0.5), "senders stalled before the kill");
    let killed_at = acked.load(Ordering::SeqCst);
    let status = listen.stop("KILL");
    assert!(!status.success(), "SIGKILL ends listen at once");
    std::thread::sleep(Duration::from_millis(300)); // senders meet a closed port meanwhile
    listen = Listen::start(dir, listen_port, "2", &args);
    for sender in senders {
        sender.join().unwrap();
    }
    let sending_done = started.elapsed();

    // Every event the log holds must reach the app; give the retries time to drain. No event is
    // added after the senders finish, so the set to wait for is known now.
    let log_path = dir.join("events.db");
    let expected: HashSet<(String, String)> =
        log_events(&read_log(&log_path)).into_iter().map(|e| (e.path, e.id)).collect();
    // Only new records are read each time, copied out under the lock: parsing all of them while
    // holding it would stall the app, and with it the deliveries being waited for.
    let (mut got, mut read) = (HashSet::new(), 0);
    let all_delivered = wait_until(Duration::from_secs(60), || {
        let new: Vec<_> = records.lock().unwrap()[read..].to_vec();
        read += new.len();
        got.extend(new.iter().map(app_key));
        expected.is_subset(&got)
    });
    let graceful = listen.stop("TERM");
    drop(app);

    let log = read_log(&log_path);
    let events = log_events(&log);
    let tally = tally.lock().unwrap();
    let received: Vec<(String, String)> = records.lock().unwrap().iter().map(app_key).collect();
    let distinct: HashSet<&(String, String)> = received.iter().collect();
    let in_log: HashSet<&str> = events.iter().map(|e| e.id.as_str()).collect();
    let delivered_ids: HashSet<&str> = received.iter().map(|(_, id)| id.as_str()).collect();
    let lost: Vec<&String> = tally
        .acknowledged
        .iter()
        .filter(|id| !in_log.contains(id.as_str()) || !delivered_ids.contains(id.as_str()))
        .collect();
    let mut order_violations = 0;
    for target in TARGETS {
        order_violations += order_violations_for(target, &events, &received);
    }
    let failed = log.iter().filter(|r| r["rec"] == "failed").count();
    let listen_err: String = ["listen-1.err", "listen-2.err"]
        .iter()
        .map(|f| std::fs::read_to_string(dir.join(f)).unwrap_or_default())
        .collect();

    let figures = [
        ("sent", total.to_string()),
        ("acknowledged", tally.acknowledged.len().to_string()),
        ("posts", tally.posts.to_string()),
        ("log_event_records", log.iter().filter(|r| r["rec"] == "event").count().to_string()),
        (
            "acknowledged_in_log",
            tally.acknowledged.iter().filter(|id| in_log.contains(id.as_str())).count().to_string(),
        ),
        ("delivered", tally.acknowledged.iter().filter(|id| delivered_ids.contains(id.as_str())).count().to_string()),
        ("deliveries", received.len().to_string()),
        ("duplicates", (received.len() - distinct.len()).to_string()),
        ("lost", lost.len().to_string()),
        ("order_violations", order_violations.to_string()),
        ("failed_deliveries", failed.to_string()),
        ("acknowledged_before_kill", killed_at.to_string()),
        ("seconds_sending", format!("{:.1}", sending_done.as_secs_f64())),
        ("seconds_total", format!("{:.1}", started.elapsed().as_secs_f64())),
    ];
    let mut out = format!("\nfault run: {total} events, {SENDERS} senders, app stopped 2 s, listen SIGKILLed once\n");
    for (name, value) in &figures {
        out.push_str(&format!("{name}: {value}\n"));
    }
    // Straight to the process's stdout: libtest captures print!, not this, so the figures always show.
    std::io::stdout().lock().write_all(out.as_bytes()).unwrap();

    assert!(
        tally.unexpected.is_empty(),
        "listen answered unexpectedly: {:?}",
        &tally.unexpected[..5.min(tally.unexpected.len())]
    );
    assert_eq!(tally.acknowledged.len(), total, "every event was eventually acknowledged");
    assert!(lost.is_empty(), "acknowledged but lost: {:?}", &lost[..5.min(lost.len())]);
    assert!(all_delivered, "not everything in the log reached the app");
    assert_eq!(order_violations, 0, "first deliveries out of log order");
    assert_eq!(failed, 0, "no delivery gave up");
    assert!(graceful.success(), "listen stops cleanly on SIGTERM");
    assert!(!listen_err.contains("panicked"), "{listen_err}");
}

/// The i-th event of the run, built by whk's own generator.
fn event(catalog: &Catalog, i: usize) -> BuiltEvent {
    let (name, account) = MIX[i % MIX.len()];
    let template = catalog.resolve(name, None).unwrap();
    let options =
        BuildOptions { account, livemode: false, api_version: whk::providers::DEFAULT_API_VERSION, patches: &[] };
    build(template, &options).unwrap()
}

/// Sends each event until listen answers 200. A refused connection, a connection cut without an
/// answer (listen was killed) or a 503 means "try again", as a provider would.
fn send_all(
    events: impl Iterator<Item = BuiltEvent>,
    secret: &str,
    port: u16,
    acked: &AtomicUsize,
    tally: &Mutex<Tally>,
) {
    let mut posts = 0;
    for event in events {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            posts += 1;
            let scheme = event.provider.scheme();
            let request = post_bytes("/hook", &signed(scheme, secret, 0, "", &event.body), &event.body);
            let answer = exchange(port, &request, Duration::from_secs(10));
            match answer.as_ref().map(|a| a.status) {
                Ok(Some(200)) => {
                    tally.lock().unwrap().acknowledged.push(event.id.clone());
                    acked.fetch_add(1, Ordering::SeqCst);
                    break;
                }
                Err(_) | Ok(None) | Ok(Some(503)) => {}
                Ok(Some(_)) => {
                    let text = answer.map(|a| a.text).unwrap_or_default();
                    tally.lock().unwrap().unexpected.push(format!("{}: {text}", event.id));
                    break;
                }
            }
            if Instant::now() > deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    tally.lock().unwrap().posts += posts;
}

/// An event record of the log, with its target's path.
struct Logged {
    seq: u64,
    id: String,
    path: String,
}

fn log_events(log: &[serde_json::Value]) -> Vec<Logged> {
    let mut events: Vec<Logged> = log
        .iter()
        .filter(|r| r["rec"] == "event")
        .flat_map(|r| {
            let targets = r["targets"].as_array().cloned().unwrap_or_default();
            targets.into_iter().map(move |t| Logged {
                seq: r["seq"].as_u64().unwrap(),
                id: r["id"].as_str().unwrap().to_string(),
                path: reqwest_path(t.as_str().unwrap()),
            })
        })
        .collect();
    events.sort_by_key(|e| e.seq);
    events
}

fn reqwest_path(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme.find('/').map_or("/".to_string(), |i| after_scheme[i..].to_string())
}

fn app_key(r: &crate::support::Received) -> (String, String) {
    let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    (r.path.clone(), body["id"].as_str().unwrap().to_string())
}

/// First deliveries to `target` compared with first log records for it: the number of neighbours in
/// the app's first-delivery order whose log order is reversed, plus ids never delivered.
fn order_violations_for(target: &str, events: &[Logged], received: &[(String, String)]) -> usize {
    let mut rank: HashMap<&str, usize> = HashMap::new();
    for e in events.iter().filter(|e| e.path == target) {
        let next = rank.len();
        rank.entry(e.id.as_str()).or_insert(next);
    }
    let mut seen = HashSet::new();
    let first: Vec<usize> = received
        .iter()
        .filter(|(path, id)| path == target && seen.insert(id.as_str()))
        .map(|(_, id)| *rank.get(id.as_str()).unwrap_or(&usize::MAX))
        .collect();
    let reversed = first.windows(2).filter(|w| w[1] < w[0]).count();
    reversed + rank.len().saturating_sub(first.len())
}

#[test]
fn provider_ids_are_what_the_app_sees() {
    // The order check keys deliveries by the body's `id`: make sure both providers put it there.
    let catalog = Catalog::load(None).unwrap();
    for i in 0..MIX.len() {
        let e = event(&catalog, i);
        let body: serde_json::Value = serde_json::from_slice(&e.body).unwrap();
        assert_eq!(body["id"], e.id.as_str());
        assert!(matches!(e.provider, Provider::Stripe | Provider::Fintoc));
    }
}
