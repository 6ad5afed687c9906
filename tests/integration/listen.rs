//! `whk listen` with real sockets: trigger → listen → app, outages, SIGKILL, bad input.

use serde_json::Value;

use crate::support::{assert_signed_with, free_port, post, raw_http, Listener, Sink};

fn events_in(log: &[Value]) -> Vec<&Value> {
    log.iter().filter(|r| r["rec"] == "event").collect()
}

fn count(log: &[Value], kind: &str) -> usize {
    log.iter().filter(|r| r["rec"] == kind).count()
}

#[test]
fn every_event_goes_trigger_to_listen_to_app_byte_identical_and_resigned() {
    let app = Sink::start(200);
    let listen = Listener::start(&["--forward-to", &app.url("/webhook")]);
    let secret = listen.secret();
    let catalog: Vec<Value> =
        serde_json::from_str(&listen.whk().args(["events", "--json"]).run().expect(0).stdout()).unwrap();
    let mut sent = Vec::new();
    for entry in &catalog {
        let name = format!("{}:{}", entry["provider"].as_str().unwrap(), entry["type"].as_str().unwrap());
        let run = listen.whk().args(["trigger", &name, "--forward-to", &listen.url(), "--print"]).run().expect(0);
        let out = run.stdout();
        let (head, body) = out.split_once("\n\n").unwrap();
        let body = body.strip_suffix('\n').expect("--print output ends with a newline");
        // Send the printed request ourselves so the exact bytes are known.
        let headers: Vec<(&str, &str)> = head.lines().skip(1).filter_map(|l| l.split_once(": ")).collect();
        let answer = post(listen.port, &headers, body.as_bytes());
        assert!(answer.starts_with("HTTP/1.1 200"), "{name}: {answer}");
        sent.push((entry["provider"].as_str().unwrap().to_string(), body.to_string()));
    }
    let log = listen.wait_for_log("every delivery", |log| count(log, "delivered") == catalog.len());
    assert_eq!(count(&log, "failed"), 0);
    let got = app.received();
    assert_eq!(got.len(), sent.len());
    for ((provider, body), received) in sent.iter().zip(&got) {
        assert_eq!(received.body, body.as_bytes(), "forwarded byte for byte, in arrival order");
        assert_eq!(received.path, "/webhook");
        let header = if provider == "stripe" { "Stripe-Signature" } else { "Fintoc-Signature" };
        assert_signed_with(&secret, received.header(header).unwrap(), &received.body);
    }
    assert_eq!(got[0].header("User-Agent"), Some("Stripe/1.0 (+https://stripe.com/docs/webhooks)"));
}

#[test]
fn without_a_target_listen_is_the_receiver_and_whk_trigger_finds_it() {
    let listen = Listener::start(&["--exit-after", "1"]);
    let run = listen.whk().args(["trigger", "payout.failed", "--forward-to", &listen.url()]).run().expect(0);
    assert!(run.stdout().contains("<-- [200]"), "{}", run.stdout());
    let (status, out, err, _) = listen.stop(None); // exits by itself after one event
    assert!(status.success());
    let event: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(event["type"], "payout.failed");
    assert!(err.contains("--> payout.failed [evt_") && err.contains("(stripe, local)"), "{err}");
    assert!(err.contains("Your webhook signing secret is whsec_") && err.contains("--print-secret"), "{err}");
}

#[test]
fn an_app_that_is_down_then_up_gets_everything_in_order() {
    let port = free_port();
    let listen = Listener::start(&["--forward-to", &format!("127.0.0.1:{port}/hook"), "--retries", "8"]);
    let mut ids = Vec::new();
    for _ in 0..5 {
        let run =
            listen.whk().args(["trigger", "customer.created", "--json", "--forward-to", &listen.url()]).run().expect(0);
        ids.push(serde_json::from_str::<Value>(&run.stdout()).unwrap()["id"].as_str().unwrap().to_string());
    }
    listen.wait_for_log("a failed attempt", |log| log.iter().any(|r| r["rec"] == "attempt" && r["error"].is_string()));
    let app = Sink::start_on(port, 200);
    listen.wait_for_log("five deliveries", |log| count(log, "delivered") == 5);
    let got: Vec<String> = app.received().iter().map(|r| r.json()["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(got, ids, "nothing lost, order kept");
    let (_, _, err, _) = listen.stop(Some("TERM"));
    // The retry line names the event and the reason.
    let retry = format!("[retry 1/8 in 0.5 s] [{}] nothing is listening on 127.0.0.1:", ids[0]);
    assert!(err.contains(&retry), "{err}");
}

#[test]
fn an_acknowledged_event_survives_sigkill_and_is_delivered_after_restart() {
    let port = free_port();
    let target = format!("127.0.0.1:{port}/hook");
    let listen = Listener::start(&["--forward-to", &target]);
    let run = listen.whk().args(["trigger", "payout.failed", "--json", "--forward-to", &listen.url()]).run().expect(0);
    let id = serde_json::from_str::<Value>(&run.stdout()).unwrap()["id"].as_str().unwrap().to_string();
    let listen_port = listen.port;
    let (_, _, _, dir) = listen.stop(Some("KILL"));
    let text = serde_json::to_string(&crate::support::export_store(&dir.path().join("events.db"))).unwrap();
    assert!(text.contains(&id), "acknowledged means on disk");

    let app = Sink::start_on(port, 200);
    let listen = Listener::start_in(dir, listen_port, &["--forward-to", &target]);
    listen.wait_for_log("the resumed delivery", |log| count(log, "delivered") == 1);
    assert_eq!(app.received()[0].json()["id"], id.as_str());
    let (_, _, err, _) = listen.stop(Some("TERM"));
    assert!(err.contains("Resuming 1 deliveries"), "{err}");
}

#[test]
fn shutdown_reports_what_is_still_pending() {
    let listen = Listener::start(&["--forward-to", &format!("127.0.0.1:{}/", free_port())]);
    listen.whk().args(["trigger", "balance.available", "--forward-to", &listen.url()]).run().expect(0);
    listen.wait_for_log("an attempt", |log| count(log, "attempt") >= 1);
    let (status, _, err, _) = listen.stop(Some("TERM"));
    assert!(status.success());
    assert!(err.contains("1 deliveries still pending"), "{err}");
}

#[test]
fn the_apps_4xx_is_final_and_5xx_is_retried() {
    let refusing = Sink::with_response(400, &[], "bad signature");
    let listen = Listener::start(&["--forward-to", &refusing.url("/"), "--retries", "2"]);
    listen.whk().args(["trigger", "customer.created", "--forward-to", &listen.url()]).run().expect(0);
    let log = listen.wait_for_log("the failure", |log| count(log, "failed") == 1);
    assert_eq!(count(&log, "attempt"), 1, "4xx is not retried");
    drop(listen);

    let broken = Sink::with_response(503, &[], "down");
    let listen = Listener::start(&["--forward-to", &broken.url("/"), "--retries", "2"]);
    listen.whk().args(["trigger", "customer.created", "--forward-to", &listen.url()]).run().expect(0);
    let log = listen.wait_for_log("the failure", |log| count(log, "failed") == 1);
    assert_eq!(count(&log, "attempt"), 3, "5xx retried, then marked failed");
    assert!(log
        .iter()
        .any(|r| r["rec"] == "failed" && r["reason"].as_str().unwrap().contains("gave up after 3 attempts")));
}

#[test]
fn routing_connect_and_event_filters() {
    let (main, connect, widget) = (Sink::start(200), Sink::start(200), Sink::start(200));
    let listen = Listener::start(&[
        "--forward-to",
        &main.url("/main"),
        "--forward-connect-to",
        &connect.url("/connect"),
        "--route",
        &format!("link.created={}", widget.url("/widget")),
        "--events",
        "payout.*,link.created,person.updated",
        "--header",
        "X-Env: test",
        // The spelling before `--connect-header`, kept as a hidden alias.
        "--connect-headers",
        "X-Connect: yes",
    ]);
    let trigger =
        |args: &[&str]| listen.whk().args(["trigger", "--forward-to", &listen.url()]).args(args).run().expect(0);
    trigger(&["payout.failed", "--account", "acct_1Nv0FGQ9RKHgCVdK"]);
    trigger(&["fintoc:payout.created"]);
    trigger(&["link.created"]);
    trigger(&["person.updated"]);
    trigger(&["customer.created"]); // recorded, not forwarded
    let log = listen.wait_for_log("four deliveries", |log| count(log, "delivered") == 4);
    assert_eq!(events_in(&log).len(), 5);
    let c = connect.received();
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].json()["account"], "acct_1Nv0FGQ9RKHgCVdK");
    assert_eq!((c[0].header("X-Connect"), c[0].header("X-Env")), (Some("yes"), Some("test")));
    let m: Vec<String> = main.received().iter().map(|r| r.json()["type"].as_str().unwrap().to_string()).collect();
    assert_eq!(m, ["payout.created", "person.updated"]);
    assert_eq!(main.received()[0].header("X-Connect"), None);
    assert_eq!(widget.received()[0].json()["type"], "link.created");
}

#[test]
fn bad_input_is_refused_clearly_and_never_forwarded() {
    let app = Sink::start(200);
    let listen = Listener::start(&["--forward-to", &app.url("/"), "--max-body", "2048", "--client-timeout", "1"]);
    let port = listen.port;
    // (`GET /` is the inspector's page; any other path is a webhook path.)
    let get = raw_http(port, b"GET /hook HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert!(get.starts_with("HTTP/1.1 405") && get.to_lowercase().contains("allow: post"), "{get}");
    let big = post(port, &[("Stripe-Signature", "t=1,v1=00")], &vec![b'x'; 4096]);
    assert!(big.starts_with("HTTP/1.1 413"), "{big}");
    let invalid = post(port, &[("Stripe-Signature", "t=1,v1=00")], b"{not json");
    assert!(invalid.starts_with("HTTP/1.1 400") && invalid.contains("not valid JSON"), "{invalid}");
    let unsigned = post(port, &[], br#"{"id":"evt_1","object":"event"}"#);
    assert!(unsigned.starts_with("HTTP/1.1 400") && unsigned.contains("no signature header"), "{unsigned}");
    let forged = post(port, &[("Stripe-Signature", "t=1700000000,v1=deadbeef")], br#"{"id":"evt_1","object":"event"}"#);
    assert!(forged.starts_with("HTTP/1.1 400") && forged.contains("signature verification failed"), "{forged}");
    let binary = post(port, &[("Fintoc-Signature", "t=1,v1=00")], &[0xff, 0xfe, 0x00]);
    assert!(binary.starts_with("HTTP/1.1 400"), "{binary}");
    // A client that sends headers and then stalls is cut off.
    let started = std::time::Instant::now();
    let stalled = raw_http(port, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"a\":");
    assert!(stalled.starts_with("HTTP/1.1 408") || stalled.is_empty(), "{stalled}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    // Many clients at once are all served.
    let threads: Vec<_> = (0..64)
        .map(|_| {
            std::thread::spawn(move || raw_http(port, b"GET /hook HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        })
        .collect();
    for t in threads {
        assert!(t.join().unwrap().starts_with("HTTP/1.1 405"));
    }
    // Still alive and working after all that.
    listen.whk().args(["trigger", "customer.created", "--forward-to", &listen.url()]).run().expect(0);
    let log = listen.wait_for_log("one delivery", |log| count(log, "delivered") == 1);
    assert_eq!(app.received().len(), 1, "nothing unverified was forwarded");
    assert_eq!(count(&log, "rejected"), 4, "invalid JSON, unsigned, forged and non-UTF-8 are recorded as rejected");
}

#[test]
fn accept_unsigned_and_provider_secrets() {
    let app = Sink::start(200);
    let listen = Listener::start(&[
        "--forward-to",
        &app.url("/"),
        "--accept-unsigned",
        "--verify-secret",
        "stripe=whsec_from_dashboard",
    ]);
    let unsigned = post(
        listen.port,
        &[],
        br#"{"id":"evt_9","object":"event","type":"x.y","livemode":false,"data":{"object":{}}}"#,
    );
    assert!(unsigned.starts_with("HTTP/1.1 200"), "{unsigned}");
    listen
        .whk()
        .args(["trigger", "customer.created", "--secret", "whsec_from_dashboard", "--forward-to", &listen.url()])
        .run()
        .expect(0);
    let log = listen.wait_for_log("two deliveries", |log| count(log, "delivered") == 2);
    let verified: Vec<&str> = events_in(&log).iter().map(|e| e["verified"].as_str().unwrap()).collect();
    assert_eq!(verified, ["unverified", "provider-secret"]);
    // The unsigned Stripe-shaped event is forwarded signed by whk, as its provider would.
    let secret = listen.secret();
    assert_signed_with(&secret, app.received()[0].header("Stripe-Signature").unwrap(), &app.received()[0].body);
}

#[test]
fn json_format_print_secret_and_safe_binding() {
    let app = Sink::start(200);
    let listen = Listener::start(&["--forward-to", &app.url("/"), "--format", "json", "--exit-after", "1"]);
    let secret = listen.secret();
    assert!(secret.starts_with("whsec_") && !secret.contains(' '));
    listen.whk().args(["trigger", "customer.created", "--forward-to", &listen.url()]).run().expect(0);
    let (status, out, err, dir) = listen.stop(None);
    assert!(status.success());
    let kinds: Vec<String> =
        out.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["kind"].as_str().unwrap().into()).collect();
    assert_eq!(kinds, ["received", "delivery"]);
    let mut log = serde_json::to_string(&crate::support::export_store(&dir.path().join("events.db"))).unwrap();
    for file in ["events.db", "events.db-wal"] {
        log.push_str(&String::from_utf8_lossy(&std::fs::read(dir.path().join(file)).unwrap_or_default()));
    }
    assert!(!log.contains(&secret) && !out.contains(&secret) && !err.contains(&secret), "the secret is never written");

    let run = crate::support::Whk::new().args(["listen", "--addr", "0.0.0.0:0"]).run().expect(2);
    assert!(run.stderr().contains("--allow-remote"), "{}", run.stderr());
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let run = crate::support::Whk::new().args(["listen", "--port", &port]).run().expect(2);
    assert!(run.stderr().contains("another `whk listen`"), "{}", run.stderr());
}

#[test]
fn routes_may_name_a_provider_and_startup_says_what_goes_where() {
    let (stripe, fintoc) = (Sink::start(200), Sink::start(200));
    let listen = Listener::start(&[
        "--route",
        &format!("stripe:*={}", stripe.url("/stripe/webhook")),
        "-f",
        &fintoc.url("/fintoc/webhook"),
        "--exit-after",
        "2",
    ]);
    let trigger = |event: &str| listen.whk().args(["trigger", event, "--forward-to", &listen.url()]).run().expect(0);
    trigger("payout.failed");
    trigger("fintoc:payout.created");
    let (status, _, stderr, _) = listen.stop(None);
    assert!(status.success(), "{stderr}");
    let types = |sink: &Sink| {
        sink.received().iter().map(|r| r.json()["type"].as_str().unwrap().to_string()).collect::<Vec<_>>()
    };
    assert_eq!(types(&stripe), ["payout.failed"]);
    assert_eq!(types(&fintoc), ["payout.created"]);
    assert_eq!(stripe.received()[0].path, "/stripe/webhook");
    assert!(
        stderr.contains(&format!("Forwarding all Stripe events (stripe:*) to {}", stripe.url("/stripe/webhook"))),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("Forwarding every other event to {}", fintoc.url("/fintoc/webhook"))), "{stderr}");
}

#[test]
fn an_events_filter_that_matches_no_known_type_is_warned_about() {
    let listen = Listener::start(&["-f", "127.0.0.1:9/x", "--events", "payout.faild,fintoc:payout.*"]);
    // Listen accepts connections a moment before it has said where events go.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let (_, _, stderr, _) = listen.stop(Some("TERM"));
    assert!(stderr.contains("--events `payout.faild` matches no known event type"), "{stderr}");
    assert!(!stderr.contains("`fintoc:payout.*` matches no"), "{stderr}");
    assert!(
        stderr
            .contains("Only forwarding payout.faild events of any provider, Fintoc payout.* events (fintoc:payout.*)"),
        "{stderr}"
    );
}

#[test]
fn exit_after_exits_with_the_worst_delivery_outcome() {
    let run = |target: String, expected: i32| {
        let listen = Listener::start(&["-f", &target, "--retries", "0", "--exit-after", "1"]);
        listen.whk().args(["trigger", "payout.failed", "--forward-to", &listen.url()]).run().expect(0);
        let (status, _, stderr, _) = listen.stop(None);
        assert_eq!(status.code(), Some(expected), "{stderr}");
    };
    let (ok, missing) = (Sink::start(200), Sink::start(404));
    run(ok.url("/hook"), 0);
    run(missing.url("/hook"), 1);
    run(format!("127.0.0.1:{}/hook", free_port()), 3);
}
