//! `whk replay` from the listen log and from fixture files, against real servers.

use serde_json::Value;

use crate::support::{free_port, write_file, Listener, Sink, Whk, SECRET};

/// A listener whose app is down, holding `n` triggered events of mixed types; returns their ids.
fn log_with_events(types: &[&str]) -> (Listener, Vec<String>, u16) {
    let app_port = free_port();
    let listen = Listener::start(&["--forward-to", &format!("127.0.0.1:{app_port}/hook"), "--retries", "0"]);
    let ids = types
        .iter()
        .map(|t| {
            let run = listen.whk().args(["trigger", t, "--json", "--forward-to", &listen.url()]).run().expect(0);
            serde_json::from_str::<Value>(&run.stdout()).unwrap()["id"].as_str().unwrap().to_string()
        })
        .collect();
    listen.wait_for_log("every first attempt to fail", |log| {
        log.iter().filter(|r| r["rec"] == "failed").count() == types.len()
    });
    (listen, ids, app_port)
}

fn replay(listen: &Listener, args: &[&str]) -> crate::support::Run {
    listen.whk().args(["replay", "--log"]).arg(listen.dir.path().join("events.db")).args(args).run()
}

fn ids_received(sink: &Sink) -> Vec<String> {
    sink.received().iter().map(|r| r.json()["id"].as_str().unwrap().to_string()).collect()
}

#[test]
fn by_id_last_type_since_and_failed() {
    let (listen, ids, _) = log_with_events(&["payout.failed", "fintoc:payout.created", "customer.created"]);
    let app = Sink::start(200);
    let to = app.url("/hook");
    replay(&listen, &[&ids[1], "--to", &to]).expect(0);
    assert_eq!(ids_received(&app), [ids[1].clone()]);
    replay(&listen, &["--last", "2", "--to", &to]).expect(0);
    assert_eq!(ids_received(&app)[1..], ids[1..]);
    replay(&listen, &["--type", "payout.*", "--to", &to]).expect(0);
    assert_eq!(ids_received(&app)[3..], ids[..2]);
    // Each has been replayed successfully since its delivery failed: --failed owes nothing.
    let run = replay(&listen, &["--since", "10m", "--failed", "--to", &to, "--json"]).expect(2);
    assert!(run.stderr().contains("no recorded event matches"), "{}", run.stderr());
    assert_eq!(ids_received(&app).len(), 5);
    let run = replay(&listen, &["--since", "later", "--to", &to]).expect(2);
    assert!(run.stderr().contains("not a duration"), "{}", run.stderr());

    // Byte for byte, freshly signed with the shared secret.
    let secret = listen.secret();
    let recorded: Vec<Value> = listen.log().into_iter().filter(|r| r["rec"] == "event").collect();
    let first = &app.received()[0];
    assert_eq!(first.body, recorded[1]["body"].as_str().unwrap().as_bytes());
    crate::support::assert_signed_with(&secret, first.header("Fintoc-Signature").unwrap(), &first.body);
}

#[test]
fn failed_selects_events_whose_latest_delivery_failed_so_a_successful_replay_clears_them() {
    let (listen, ids, _) = log_with_events(&["payout.failed", "customer.created"]);
    let (down, up) = (Sink::start(500), Sink::start(200));
    // A failed replay keeps both selected; it is recorded with the event.
    replay(&listen, &["--failed", "--to", &down.url("/hook")]).expect(1);
    assert_eq!(down.received().len(), 2);
    replay(&listen, &[&ids[0], "--to", &up.url("/hook")]).expect(0);
    replay(&listen, &["--failed", "--to", &up.url("/hook")]).expect(0);
    assert_eq!(ids_received(&up), [ids[0].clone(), ids[1].clone()]);
    let run = replay(&listen, &["--failed", "--to", &up.url("/hook")]).expect(2);
    assert!(run.stderr().contains("no recorded event matches"), "{}", run.stderr());
    let attempts = listen.log().into_iter().filter(|r| r["rec"] == "attempt").count();
    assert_eq!(attempts, 2 + 2 + 1 + 1, "listen's first attempts and every replay are recorded");
}

#[test]
fn pending_events_go_to_their_recorded_route_and_are_marked_delivered() {
    let app_port = free_port();
    let target = format!("127.0.0.1:{app_port}/hook");
    let listen = Listener::start(&["--forward-to", &target]);
    let run =
        listen.whk().args(["trigger", "balance.available", "--json", "--forward-to", &listen.url()]).run().expect(0);
    let id = serde_json::from_str::<Value>(&run.stdout()).unwrap()["id"].as_str().unwrap().to_string();
    let (_, _, _, dir) = listen.stop(Some("KILL"));
    let log_path = dir.path().join("events.db");
    let whk = || Whk::new().env("WHK_CONFIG_DIR", dir.path().join("config"));

    let run = whk().args(["replay", "--pending", "--log"]).arg(&log_path).run().expect(3);
    assert!(run.stderr().contains("nothing is listening"), "{}", run.stderr());
    let app = Sink::start_on(app_port, 200);
    whk().args(["replay", "--pending", "--log"]).arg(&log_path).run().expect(0);
    assert_eq!(ids_received(&app), std::slice::from_ref(&id));
    assert_eq!(app.received()[0].path, "/hook");
    // Nothing left owed is a success a CI step can rely on, said on stderr.
    let run = whk().args(["replay", "--pending", "--log"]).arg(&log_path).run().expect(0);
    assert!(run.stderr().contains("no pending delivery"), "{}", run.stderr());
    assert_eq!(run.stdout(), "");

    // The next `whk listen` does not deliver it again.
    let listen = Listener::start_with(dir, &["--forward-to", &target]);
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(app.received().len(), 1);
    drop(listen);
}

#[test]
fn new_id_and_edits_re_serialise_and_expect_status_sets_success() {
    let (listen, ids, _) = log_with_events(&["payout.failed"]);
    let app = Sink::start(200);
    replay(&listen, &[&ids[0], "--to", &app.url("/"), "--new-id", "--override", "amount=1"]).expect(0);
    let event = app.received()[0].json();
    assert_ne!(event["id"], ids[0].as_str());
    assert!(event["id"].as_str().unwrap().starts_with("evt_"));
    assert_eq!(event["data"]["object"]["amount"], 1);
    let run = replay(&listen, &[&ids[0], "--to", &app.url("/"), "--expect-status", "4xx"]).expect(1);
    assert!(run.stderr().contains("expected a 4xx answer, got 200"), "{}", run.stderr());
    replay(&listen, &[&ids[0], "--to", &app.url("/"), "--expect-status", "201"]).expect(1);
    replay(&listen, &[&ids[0], "--to", &app.url("/"), "--expect-status", "abc"]).expect(2);
}

#[test]
fn fixture_files_single_array_and_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let app = Sink::start(200);
    let sink_url = app.url("/");
    let fixture = |event: &str| {
        let run = Whk::new()
            .args(["trigger", event, "--print", "--secret", SECRET, "--forward-to", &sink_url])
            .run()
            .expect(0);
        run.stdout().split_once("\n\n").unwrap().1.trim_end_matches('\n').to_string()
    };
    let (a, b, c) = (fixture("payout.failed"), fixture("fintoc:refund.failed"), fixture("link.created"));
    let single = write_file(dir.path(), "single.json", &format!("  {a}\n"));
    let array = write_file(dir.path(), "array.json", &format!("[{b},{c}]"));
    let lines = write_file(dir.path(), "lines.jsonl", &format!("{a}\n\n{c}\n"));
    let run = Whk::new()
        .args(["replay", "--secret", SECRET, "--to", &sink_url, "--json", "--file"])
        .arg(&single)
        .arg("--file")
        .arg(&array)
        .arg("--file")
        .arg(&lines)
        .run()
        .expect(0);
    assert_eq!(run.stdout().lines().count(), 5);
    let got = app.received();
    assert_eq!(got.len(), 5);
    assert_eq!(got[0].body, a.as_bytes(), "a single event is sent exactly as written");
    assert_eq!(got[4].body, c.as_bytes(), "so is each JSON Lines event");
    crate::support::assert_signed_with(SECRET, got[1].header("Fintoc-Signature").unwrap(), &got[1].body);
    crate::support::assert_signed_with(SECRET, got[0].header("Stripe-Signature").unwrap(), &got[0].body);

    let bad = write_file(dir.path(), "bad.json", "{\"id\": ");
    let run = Whk::new().args(["replay", "--to", &sink_url, "--file"]).arg(&bad).run().expect(2);
    assert!(run.stderr().contains("bad.json") && run.stderr().contains("not valid JSON"), "{}", run.stderr());
    let odd = write_file(dir.path(), "odd.json", r#"{"hello":"world"}"#);
    let run = Whk::new().args(["replay", "--to", &sink_url, "--file"]).arg(&odd).run().expect(2);
    assert!(run.stderr().contains("--provider"), "{}", run.stderr());
    Whk::new()
        .args(["replay", "--secret", SECRET, "--provider", "stripe", "--to", &sink_url, "--file"])
        .arg(&odd)
        .run()
        .expect(0);
    let run = Whk::new().args(["replay", "--to", &sink_url, "--file", "/nonexistent.json"]).run().expect(2);
    assert!(run.stderr().contains("cannot read /nonexistent.json"), "{}", run.stderr());
    assert_eq!(app.received().len(), 6);
}
