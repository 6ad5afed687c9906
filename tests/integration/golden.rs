//! Golden output: what a user reads on the console, checked in under tests/integration/snapshots/
//! so that any change to it shows in review. Volatile parts (ids, ports, times, temporary paths,
//! generated secrets) are replaced by placeholders. A difference fails the test; `cargo insta
//! review` (or INSTA_UPDATE=always) accepts an intended change.

use crate::support::{free_port, Listener, Run, Sink, Whk, SECRET};

/// The run as the user saw it: exit code, then each stream.
fn shown(run: &Run) -> String {
    format!("exit {}\n--- stdout\n{}--- stderr\n{}", run.code(), run.stdout(), run.stderr())
}

/// Placeholders for what changes from run to run.
const FILTERS: [(&str, &str); 11] = [
    (r"\b(evt|msg|EV|ev)_[A-Za-z0-9]{8,}", "${1}_[ID]"),
    (r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]"),
    (r"localhost:\d+", "localhost:[PORT]"),
    (r"\b\d+(\.\d+)? ?(ms|µs|s)\b", "[DURATION]"),
    (r#""duration_ms":[0-9.e-]+"#, r#""duration_ms":"[DURATION]""#),
    (r"\b\d{2}:\d{2}:\d{2}(\.\d+)?\b", "[TIME]"),
    (r"\b\d{4}-\d{2}-\d{2}T[0-9:.]+Z", "[DATE]"),
    (r"/tmp/[^\s`']+", "[TMP]"),
    (r"whsec_[A-Za-z0-9+/=]{20,}", "whsec_[SECRET]"),
    (r"whsec_[A-Za-z0-9+/=]+…", "whsec_[MASKED]…"),
    (r"t=\d{10},v1=[0-9a-f]{64}", "t=[TIME],v1=[SIGNATURE]"),
];

macro_rules! assert_golden {
    ($name:expr, $text:expr) => {
        insta::with_settings!({ filters => FILTERS.to_vec(), prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!($name, $text);
        })
    };
}

fn trigger(to: &str, extra: &[&str]) -> Run {
    Whk::new().args(["trigger", "payout.failed", "--secret", SECRET, "--forward-to", to]).args(extra).run()
}

#[test]
fn trigger_delivered() {
    let sink = Sink::start(200);
    assert_golden!("trigger_delivered", shown(&trigger(&sink.url("/webhook"), &[]).expect(0)));
}

#[test]
fn trigger_refused() {
    let sink = Sink::with_response(400, &[], "No signatures found matching the expected signature for payload");
    assert_golden!("trigger_refused", shown(&trigger(&sink.url("/webhook"), &[]).expect(1)));
}

#[test]
fn trigger_unreachable() {
    let to = format!("127.0.0.1:{}/webhook", free_port());
    assert_golden!("trigger_unreachable", shown(&trigger(&to, &[]).expect(3)));
}

#[test]
fn listen_console() {
    let app = Sink::start(200);
    let listen = Listener::start(&["--forward-to", &app.url("/webhook"), "--exit-after", "2"]);
    listen.whk().args(["trigger", "payout.failed", "--forward-to", &listen.url()]).run().expect(0);
    // The second only once the first is forwarded, so the console lines come in one order.
    listen.wait_for_log("the first delivery", |log| log.iter().any(|r| r["rec"] == "delivered"));
    listen.whk().args(["trigger", "fintoc:payout.created", "--forward-to", &listen.url()]).run().expect(0);
    let (status, out, err, _dir) = listen.stop(None);
    assert!(status.success(), "{err}");
    assert_golden!("listen_console", format!("--- stdout\n{out}--- stderr\n{err}"));
}

/// A failing app: the retry line names the event and the reason, and the console shows the start
/// of what the app answered.
#[test]
fn listen_console_app_error() {
    let app = Sink::with_response(503, &[], "database is down\n  (try later)");
    let listen = Listener::start(&["--forward-to", &app.url("/webhook"), "--exit-after", "1", "--retries", "1"]);
    listen.whk().args(["trigger", "payout.failed", "--forward-to", &listen.url()]).run().expect(0);
    let (status, out, err, _dir) = listen.stop(None);
    assert_eq!(status.code(), Some(1), "a delivery given up is exit 1 with --exit-after: {err}");
    assert_golden!("listen_console_app_error", format!("--- stdout\n{out}--- stderr\n{err}"));
}

#[test]
fn listen_console_json() {
    let app = Sink::start(200);
    let listen = Listener::start(&["--forward-to", &app.url("/webhook"), "--exit-after", "1", "--format", "json"]);
    listen.whk().args(["trigger", "payout.failed", "--forward-to", &listen.url()]).run().expect(0);
    let (status, out, err, _dir) = listen.stop(None);
    assert!(status.success(), "{err}");
    for line in out.lines() {
        let line: serde_json::Value = serde_json::from_str(line).unwrap();
        let time = line["time"].as_str().unwrap_or_default();
        assert!(humantime::parse_rfc3339(time).is_ok(), "an RFC 3339 time on every line: {line}");
    }
    assert_golden!("listen_console_json", format!("--- stdout\n{out}--- stderr\n{err}"));
}

#[test]
fn replay_from_the_log() {
    let listen = Listener::start(&[]);
    listen.whk().args(["trigger", "payout.failed", "--forward-to", &listen.url()]).run().expect(0);
    listen.wait_for_log("the event", |log| log.iter().any(|r| r["rec"] == "event"));
    let app = Sink::start(200);
    let log = listen.dir.path().join("events.db");
    let run = listen.whk().args(["replay", "--last", "1", "--to", &app.url("/webhook"), "--log"]).arg(log).run();
    assert_golden!("replay_from_the_log", shown(&run.expect(0)));
}

const SIGNING_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const BODY: &str = r#"{"id":"evt_1","object":"event","data":{"object":{"amount":5,"b":1}}}"#;
const SIGNED_AT: &str = "1700000000";

/// The header `whk sign` gives `body` at SIGNED_AT.
fn signature(secret: &str, body: &str) -> String {
    let run = Whk::new()
        .args(["sign", "--provider", "stripe", "--secret", secret, "--timestamp", SIGNED_AT, "-"])
        .stdin(body)
        .run()
        .expect(0);
    run.stdout().trim().split_once(": ").unwrap().1.to_string()
}

fn verify(secret: &str, header: &str, body: impl Into<Vec<u8>>) -> Run {
    Whk::new()
        .args(["sign", "--provider", "stripe", "--secret", secret, "--tolerance", "2000000000", "--verify", header])
        .stdin(body)
        .run()
}

#[test]
fn sign_verify_valid_and_each_culprit() {
    let header = signature(SIGNING_SECRET, BODY);
    let bare = SIGNING_SECRET.strip_prefix("whsec_").unwrap();
    let pretty = serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(BODY).unwrap()).unwrap();
    let cases: Vec<(&str, Run)> = vec![
        ("valid", verify(SIGNING_SECRET, &header, BODY)),
        ("trailing newline added", verify(SIGNING_SECRET, &header, format!("{BODY}\n"))),
        ("trailing newline lost", verify(SIGNING_SECRET, &signature(SIGNING_SECRET, &format!("{BODY}\n")), BODY)),
        ("re-serialised", verify(SIGNING_SECRET, &header, pretty)),
        ("content changed", verify(SIGNING_SECRET, &header, BODY.replace('5', "6"))),
        ("signed without whsec_", verify(SIGNING_SECRET, &signature(bare, BODY), BODY)),
        ("verified without whsec_", verify(bare, &header, BODY)),
        ("another scheme's header", verify(SIGNING_SECRET, "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=", BODY)),
        ("timestamp not a number", verify(SIGNING_SECRET, "t=abc,v1=00", BODY)),
        (
            "too old",
            Whk::new()
                .args(["sign", "--provider", "stripe", "--secret", SIGNING_SECRET, "--verify", &header])
                .stdin(BODY)
                .run(),
        ),
    ];
    let text: String = cases.iter().map(|(name, run)| format!("=== {name}\n{}\n", shown(run))).collect();
    assert_golden!("sign_verify", text);
}

#[test]
fn events_list() {
    assert_golden!("events_fintoc", shown(&Whk::new().args(["events", "--provider", "fintoc"]).run().expect(0)));
}

#[test]
fn error_messages() {
    let cases = [
        ("unknown flag", vec!["trigger", "payout.failed", "--bogus"]),
        ("missing value", vec!["trigger", "payout.failed", "--forward-to"]),
        ("unknown event, did you mean", vec!["trigger", "payuot.failed", "--print"]),
        ("event in both providers", vec!["trigger", "payment_intent.succeeded", "--print"]),
        ("bad header", vec!["trigger", "payout.failed", "--print", "-H", "X-A"]),
        ("bad timeout", vec!["trigger", "payout.failed", "--timeout", "0"]),
    ];
    let text: String = cases
        .iter()
        .map(|(name, args)| format!("=== {name}: whk {}\n{}\n", args.join(" "), shown(&Whk::new().args(args).run())))
        .collect();
    assert_golden!("errors", text);
}
