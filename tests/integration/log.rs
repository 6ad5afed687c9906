//! `whk log list|show|tail` against a store filled through a real `whk listen`: accepted events
//! delivered to a recording app, one to an app answering 500, and a forged request listen rejected.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

use crate::support::{post, Listener, Sink, Whk};

fn store_of(listen: &Listener) -> PathBuf {
    listen.dir.path().join("events.db")
}

fn log(store: &Path, args: &[&str]) -> Whk {
    Whk::new().arg("log").args(args).arg("--log").arg(store)
}

/// `whk log ARGS --json` as parsed objects, checking it succeeds.
fn listed(store: &Path, args: &[&str]) -> Vec<Value> {
    let run = log(store, args).arg("--json").run().expect(0);
    run.stdout().lines().map(|l| serde_json::from_str(l).expect("one JSON object per line")).collect()
}

fn ids(records: &[Value]) -> Vec<String> {
    records.iter().map(|r| r["id"].as_str().unwrap().to_string()).collect()
}

/// Triggers `event` (plus ARGS) into listen and returns its event id.
fn trigger(listen: &Listener, event: &str, args: &[&str]) -> String {
    let run = listen.whk().args(["trigger", event, "--json", "--forward-to", &listen.url()]).args(args).run().expect(0);
    serde_json::from_str::<Value>(&run.stdout()).unwrap()["id"].as_str().unwrap().to_string()
}

struct Filled {
    listen: Listener,
    app: Sink,
    broken: Sink,
    customer: String,
    payout: String,
    fintoc: String,
}

/// customer.created (delivered, with a searchable description), payout.failed (to an app answering
/// 500: two attempts, then failed), fintoc:payout.created (delivered), then a forged request.
fn filled() -> Filled {
    let app = Sink::start(200);
    let broken = Sink::with_response(500, &[("X-App", "broken")], "database is down");
    let listen = Listener::start(&[
        "--forward-to",
        &app.url("/webhook"),
        "--route",
        &format!("payout.failed={}", broken.url("/broken")),
        "--retries",
        "1",
    ]);
    let customer = trigger(&listen, "customer.created", &["--override", "description=needle-7f3"]);
    let payout = trigger(&listen, "payout.failed", &[]);
    let fintoc = trigger(&listen, "fintoc:payout.created", &[]);
    let forged = post(listen.port, &[("Stripe-Signature", "t=1700000000,v1=deadbeef")], br#"{"id":"evt_forged"}"#);
    assert!(forged.starts_with("HTTP/1.1 400"), "{forged}");
    listen.wait_for_log("two deliveries and a failure", |log| {
        let count = |kind: &str| log.iter().filter(|r| r["rec"] == kind).count();
        count("delivered") == 2 && count("failed") == 1 && count("rejected") == 1
    });
    Filled { listen, app, broken, customer, payout, fintoc }
}

#[test]
fn list_filters_each_and_combined() {
    let f = filled();
    let store = store_of(&f.listen);

    let all = listed(&store, &["list"]);
    assert_eq!(all.len(), 4, "{all:#?}");
    assert_eq!(all[0]["verdict"], "rejected", "newest first: the forged request came last");
    assert!(all[0]["reason"].as_str().unwrap().contains("signature"), "{}", all[0]);
    assert_eq!(ids(&all[1..]), [f.fintoc.as_str(), f.payout.as_str(), f.customer.as_str()]);
    let seqs: Vec<u64> = all.iter().map(|r| r["seq"].as_u64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "{seqs:?}");
    // Plain `whk log` is `whk log list`, flags included.
    assert_eq!(listed(&store, &[]), all);

    let failed = &all[2];
    assert_eq!(
        (failed["provider"].as_str(), failed["type"].as_str(), failed["source"].as_str()),
        (Some("stripe"), Some("payout.failed"), Some("local"))
    );
    let delivery = &failed["deliveries"][0];
    assert_eq!(delivery["target"], f.broken.url("/broken"));
    assert_eq!((delivery["state"].as_str(), delivery["attempts"].as_u64()), (Some("failed"), Some(2)));
    assert_eq!(delivery["status"], 500);
    assert_eq!(all[3]["deliveries"][0]["state"], "delivered");
    assert!(humantime::parse_rfc3339(all[3]["at"].as_str().unwrap()).is_ok(), "RFC 3339 time: {}", all[3]["at"]);

    let only = |args: &[&str]| ids(&listed(&store, args));
    assert_eq!(only(&["--type", "payout.*"]), [f.fintoc.as_str(), f.payout.as_str()]);
    assert_eq!(only(&["--type", "customer.created"]), [f.customer.as_str()]);
    assert_eq!(only(&["--provider", "fintoc"]), [f.fintoc.as_str()]);
    assert_eq!(only(&["--status", "failed"]), [f.payout.as_str()]);
    assert_eq!(only(&["--status", "delivered"]), [f.fintoc.as_str(), f.customer.as_str()]);
    assert_eq!(only(&["--status", "pending"]), Vec::<String>::new());
    assert_eq!(listed(&store, &["--status", "rejected"]).len(), 1);
    assert_eq!(only(&["--target", &f.broken.url("/broken")]), [f.payout.as_str()]);
    assert_eq!(only(&["--search", "needle-7f3"]), [f.customer.as_str()]);
    assert_eq!(listed(&store, &["--since", "10m"]).len(), 4);
    assert_eq!(only(&["--limit", "2", "--status", "delivered", "--provider", "stripe"]), [f.customer.as_str()]);
    assert_eq!(only(&["--type", "payout.*", "--provider", "stripe", "--status", "failed"]), [f.payout.as_str()]);
    assert_eq!(only(&["--type", "payout.*", "--status", "delivered"]), [f.fintoc.as_str()]);
    assert_eq!(listed(&store, &["--limit", "2"]).len(), 2);

    // Text: one aligned line per event, no colour off a terminal.
    let text = log(&store, &["list"]).run().expect(0).stdout();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(!text.contains('\x1b'), "{text}");
    assert!(lines[0].contains("rejected") && lines[0].contains("signature verification failed"), "{text}");
    assert!(lines[2].contains(&f.payout) && lines[2].contains("payout.failed") && lines[2].contains("stripe"));
    assert!(lines[2].contains("failed [500] after 2 attempts") && lines[2].contains(&f.broken.url("/broken")));
    assert!(lines[3].contains("delivered [200]") && lines[3].contains(&f.app.url("/webhook")), "{text}");
    let clock = lines[3].split_whitespace().next().unwrap();
    assert!(clock.len() == 12 && clock.as_bytes()[2] == b':' && clock.as_bytes()[8] == b'.', "HH:MM:SS.mmm: {clock}");
    let column = |line: &str| line.find(" #").unwrap();
    assert!(lines.iter().all(|l| column(l) == column(lines[0])), "aligned:\n{text}");

    let coloured = log(&store, &["list", "--color", "always"]).run().expect(0).stdout();
    assert!(coloured.contains("\x1b[31mrejected"), "asked for, colour comes: {coloured}");

    // Nothing matches: an empty list, a note on stderr, exit 0.
    let none = log(&store, &["list", "--type", "charge.*", "--provider", "stripe"]).run().expect(0);
    assert_eq!(none.stdout(), "");
    assert!(none.stderr().contains("match"), "{}", none.stderr());

    // An event older than --since reaches back (imported, as from an older store) is left out.
    let export = log(&store, &["export"]).run().expect(0).stdout();
    let mut old: Value = serde_json::from_str(export.lines().next().unwrap()).unwrap();
    old["at"] = "2020-01-01T00:00:00.000Z".into();
    old["id"] = "evt_from_2020".into();
    old["targets"] = serde_json::json!([]);
    let file = f.listen.dir.path().join("old.jsonl");
    std::fs::write(&file, format!("{old}\n")).unwrap();
    log(&store, &["import"]).arg(&file).run().expect(0);
    assert_eq!(listed(&store, &["--since", "10m"]).len(), 4);
    assert!(ids(&listed(&store, &["--search", "needle-7f3"])).contains(&"evt_from_2020".to_string()));
    assert_eq!(only(&["--search", "needle-7f3", "--since", "1h"]), [f.customer.as_str()]);
}

#[test]
fn show_pretty_raw_and_json_with_every_attempt() {
    let f = filled();
    let store = store_of(&f.listen);

    // --raw: the exact bytes the app received (listen forwards them unchanged).
    let raw = log(&store, &["show", &f.customer, "--raw"]).run().expect(0);
    let received = f.app.received().into_iter().find(|r| r.json()["id"] == f.customer.as_str()).unwrap();
    assert_eq!(raw.output.stdout, received.body, "byte for byte");

    let shown = log(&store, &["show", &f.payout]).run().expect(0).stdout();
    for part in [
        "payout.failed",
        "Verdict",
        "accepted (signature verified with whk's local secret)",
        "stripe-signature: t=",
        "\"object\": \"payout\"",
        "failed [500] after 2 attempts",
        "attempt 1",
        "attempt 2",
        "body: database is down",
    ] {
        assert!(shown.contains(part), "`{part}` in:\n{shown}");
    }
    assert!(shown.contains(&f.broken.url("/broken")), "{shown}");
    let body_start = shown.find("\n{\n").expect("the body pretty-printed");
    assert!(shown[body_start..].contains("\n  \"id\": "), "{shown}");

    // By store sequence number too, and as one JSON object.
    let all = listed(&store, &["list"]);
    let seq = all.iter().find(|r| r["id"] == f.payout.as_str()).unwrap()["seq"].to_string();
    let run = log(&store, &["show", &seq, "--json"]).run().expect(0);
    assert_eq!(run.stdout().lines().count(), 1);
    let detail: Value = serde_json::from_str(&run.stdout()).unwrap();
    assert_eq!(detail["id"], f.payout.as_str());
    assert_eq!(serde_json::from_str::<Value>(detail["body"].as_str().unwrap()).unwrap()["type"], "payout.failed");
    assert_eq!(detail["body_truncated"], false);
    assert!(detail["headers"].as_array().unwrap().iter().any(|h| h[0] == "stripe-signature"), "{detail}");
    let attempts = detail["deliveries"][0]["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2);
    for (n, attempt) in attempts.iter().enumerate() {
        assert_eq!(attempt["attempt"], n as u64 + 1);
        assert_eq!(attempt["status"], 500);
        assert!(attempt["duration_ms"].as_f64().unwrap() > 0.0);
        assert_eq!(attempt["answer"]["body"], "database is down");
        assert!(humantime::parse_rfc3339(attempt["at"].as_str().unwrap()).is_ok());
    }

    // A rejected request: its reason, no deliveries.
    let rejected = all.iter().find(|r| r["verdict"] == "rejected").unwrap()["seq"].to_string();
    let shown = log(&store, &["show", &rejected]).run().expect(0).stdout();
    assert!(shown.contains("rejected: signature verification failed"), "{shown}");
    assert!(shown.contains("evt_forged"), "{shown}");

    // An id the store does not hold: exit 2, naming it and the way to find one.
    let unknown = log(&store, &["show", "evt_not_recorded"]).run().expect(2);
    assert!(unknown.stderr().contains("evt_not_recorded") && unknown.stderr().contains("whk log list"));
    assert_eq!(unknown.stdout(), "");
    log(&store, &["show", "999999"]).run().expect(2);
}

#[test]
fn exit_codes_without_a_usable_store() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.db");
    let run = log(&missing, &["list"]).run().expect(2);
    assert!(run.stderr().contains("no event store") && run.stderr().contains("--log"), "{}", run.stderr());
    let not_a_store = crate::support::write_file(dir.path(), "notes.txt", "hello, not SQLite at all\n");
    let run = log(&not_a_store, &["show", "1"]).run().expect(2);
    assert!(run.stderr().contains("cannot open the event store"), "{}", run.stderr());
    // A SQLite file claiming whk's schema without its tables opens, then cannot be read: exit 4.
    let foreign = dir.path().join("foreign.db");
    let conn = rusqlite::Connection::open(&foreign).unwrap();
    conn.execute_batch("CREATE TABLE notes(text); PRAGMA user_version = 1000;").unwrap();
    drop(conn);
    for args in [&["list"][..], &["show", "1"], &["tail"]] {
        let run = log(&foreign, args).run().expect(4);
        assert!(run.stderr().contains("cannot read the event store") && run.stderr().contains("no such table"));
    }
    log(&missing, &["list", "--status", "lost"]).run().expect(2);
    log(&missing, &["list", "--since", "soon"]).run().expect(2);
}

/// A `whk log ARGS` running in the background, its stdout lines arriving on a channel.
struct Follower {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Follower {
    fn start(store: &Path, args: &[&str]) -> Follower {
        let mut child = crate::support::whk_command(&store.with_extension("config"))
            .arg("log")
            .args(args)
            .arg("--log")
            .arg(store)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // It says so on stderr once it has read where the store is: what changes after that is new.
        let mut started = String::new();
        BufReader::new(child.stderr.take().unwrap()).read_line(&mut started).unwrap();
        assert!(started.starts_with("Following"), "{started}");
        let (send, lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                if send.send(line.unwrap()).is_err() {
                    return;
                }
            }
        });
        Follower { child, lines }
    }

    /// Reads lines until `done` holds for the lines so far.
    fn until(&self, what: &str, done: impl Fn(&[String]) -> bool) -> Vec<String> {
        let mut seen = Vec::new();
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while !done(&seen) {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => seen.push(line),
                Err(_) => panic!("timed out waiting for {what}; got {seen:#?}"),
            }
        }
        seen
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn tail_prints_new_events_and_their_outcomes_until_sigterm() {
    let f = filled();
    let store = store_of(&f.listen);
    let json = Follower::start(&store, &["tail", "--json"]);
    let text = Follower::start(&store, &["tail", "--type", "payout.*"]);
    let bounded = Follower::start(&store, &["list", "--follow", "--exit-after", "1", "--json"]);

    let delivered = trigger(&f.listen, "customer.updated", &[]);
    let failing = trigger(&f.listen, "payout.failed", &[]);
    let state_of = |line: &Value, id: &str| -> Option<String> {
        let state = match line["rec"].as_str()? {
            "event" => &line["deliveries"][0]["state"],
            _ => &line["state"],
        };
        (line["id"] == id).then(|| state.as_str().map(String::from)).flatten()
    };
    let lines = json.until("both outcomes", |lines| {
        let parsed: Vec<Value> = lines.iter().map(|l| serde_json::from_str(l).unwrap()).collect();
        parsed.iter().any(|l| state_of(l, &delivered).as_deref() == Some("delivered"))
            && parsed.iter().any(|l| state_of(l, &failing).as_deref() == Some("failed"))
    });
    let parsed: Vec<Value> = lines.iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    let events: Vec<&Value> = parsed.iter().filter(|l| l["rec"] == "event").collect();
    assert_eq!(
        ids(&events.iter().map(|e| (*e).clone()).collect::<Vec<_>>()),
        [delivered.as_str(), failing.as_str()],
        "only new events"
    );
    for delivery in parsed.iter().filter(|l| l["rec"] == "delivery") {
        assert!(delivery["target"].is_string() && delivery["attempts"].as_u64().unwrap() >= 1, "{delivery}");
    }

    let lines = text.until("the failing payout", |lines| lines.iter().any(|l| l.contains("failed [500] after 2")));
    assert!(lines.iter().all(|l| !l.contains(&delivered)), "--type filters what is followed: {lines:#?}");
    assert!(lines[0].contains(&failing) && lines[0].contains("payout.failed"), "{lines:#?}");

    // --exit-after: the list (the 4 records before), then one new line, then exit 0 by itself.
    let mut bounded = bounded;
    let status = bounded.child.wait().unwrap();
    assert!(status.success());
    let lines: Vec<String> = bounded.lines.iter().collect();
    assert_eq!(lines.len(), 5, "{lines:#?}");
    assert_eq!(serde_json::from_str::<Value>(&lines[4]).unwrap()["id"], delivered.as_str());

    // SIGTERM ends a follower with exit 0.
    let mut json = json;
    std::process::Command::new("kill").args(["-TERM", &json.child.id().to_string()]).status().unwrap();
    assert!(json.child.wait().unwrap().success());
}

#[test]
fn tail_shows_an_older_events_outcome_as_a_delivery_line_only() {
    let broken = Sink::with_response(503, &[], "try later");
    // Retries at 0.5, 1 and 2 s: the event is recorded well before its delivery fails.
    let listen = Listener::start(&["--forward-to", &broken.url("/"), "--retries", "3"]);
    let id = trigger(&listen, "payout.failed", &[]);
    let store = store_of(&listen);
    let tail = Follower::start(&store, &["tail"]);
    let lines = tail.until("the failure", |lines| lines.iter().any(|l| l.contains("failed [503] after 4 attempts")));
    assert!(lines.iter().all(|l| l.contains(&id) && !l.contains("payout.failed")), "no event line: {lines:#?}");
    assert!(lines.iter().any(|l| l.contains(&broken.url("/"))), "{lines:#?}");
    // Each retry shows as it happens (the follower started before the second attempt, at 0.5 s).
    for retry in ["pending, 2 attempts", "pending, 3 attempts"] {
        assert!(lines.iter().any(|l| l.contains(retry)), "{retry}: {lines:#?}");
    }
}
