//! The inspector's guards, with a plain HTTP client on loopback against a real listen: a request
//! from another origin, with a foreign Host or without the per-run token is refused and never
//! reaches the app; the page's own request goes through.

use serde_json::Value;

use crate::support::{assert_signed_with, raw_http, Listener, Sink};

fn request(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut text = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        text.push_str(&format!("{k}: {v}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(body);
    raw_http(port, text.as_bytes())
}

fn status(answer: &str) -> &str {
    answer.get(9..12).unwrap_or(answer)
}

fn body(answer: &str) -> Value {
    serde_json::from_str(answer.split_once("\r\n\r\n").map_or("", |(_, b)| b)).unwrap_or(Value::Null)
}

fn wait_until(what: &str, done: impl Fn() -> bool) {
    let started = std::time::Instant::now();
    while !done() {
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "timed out waiting for {what}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn cross_origin_foreign_host_and_tokenless_requests_are_refused_and_never_reach_the_app() {
    let app = Sink::start(200);
    let listen = Listener::start(&["--forward-to", &app.url("/webhook")]);
    let port = listen.port;
    let host = format!("127.0.0.1:{port}");
    let own_origin = format!("http://{host}");
    let sent = ["trigger", "stripe:customer.created", "--forward-to", &listen.url(), "-H", "X-Sender-Note: kept"];
    listen.whk().args(sent).run().expect(0);
    wait_until("the delivery", || app.received().len() == 1);

    let page = request(port, "GET", "/", &[("Host", &host)], "");
    assert_eq!(status(&page), "200", "{page}");
    assert!(page.to_ascii_lowercase().contains("content-security-policy: default-src 'none'"), "{page}");
    let token = page.split(r#"<meta name="whk-token" content=""#).nth(1).and_then(|t| t.split('"').next()).unwrap();
    assert_eq!(token.len(), 32, "128 bits, hex");

    // Reads need a loopback Host too (DNS rebinding).
    for path in ["/", "/_whk/app.js", "/_whk/api/events", "/_whk/api/events/1", "/_whk/api/stream"] {
        let answer = request(port, "GET", path, &[("Host", &format!("attacker.example:{port}"))], "");
        assert_eq!(status(&answer), "403", "GET {path} with a foreign Host: {answer}");
    }
    let listed = || body(&request(port, "GET", "/_whk/api/events", &[("Host", &host)], ""));
    // The outcome is committed just after the app answers.
    wait_until("the delivery recorded", || listed()["events"][0]["state"] == "delivered");
    let listed = listed();
    assert_eq!(listed["events"][0]["type"], "customer.created", "{listed}");
    assert!(listed["events"][0]["source"].as_str().is_some_and(|s| s.starts_with("127.0.0.1:")), "{listed}");

    let replay = "/_whk/api/events/1/replay";
    let json = ("Content-Type", "application/json");
    let ask = r#"{"target":null,"body":null}"#;
    let refused = [
        ("no token", vec![("Host", host.as_str()), ("Origin", own_origin.as_str()), json]),
        ("a wrong token", vec![("Host", &host), ("Origin", &own_origin), ("X-Whk-Token", "0123456789abcdef"), json]),
        ("another origin", vec![("Host", &host), ("Origin", "http://127.0.0.1:1"), ("X-Whk-Token", token), json]),
        ("an opaque origin", vec![("Host", &host), ("Origin", "null"), ("X-Whk-Token", token), json]),
        ("a foreign Host", vec![("Host", "attacker.example"), ("X-Whk-Token", token), json]),
    ];
    for (what, headers) in &refused {
        let answer = request(port, "POST", replay, headers, ask);
        assert_eq!(status(&answer), "403", "{what}: {answer}");
        assert!(!answer.to_ascii_lowercase().contains("access-control-allow"), "{what}: no CORS: {answer}");
        assert!(body(&answer)["error"].is_string(), "{what}: {answer}");
    }
    let preflight = request(
        port,
        "OPTIONS",
        replay,
        &[("Host", &host), ("Origin", "http://127.0.0.1:1"), ("Access-Control-Request-Method", "POST")],
        "",
    );
    assert_eq!(status(&preflight), "403", "{preflight}");
    assert!(!preflight.to_ascii_lowercase().contains("access-control-allow"), "{preflight}");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(app.received().len(), 1, "no refused replay reached the app");

    // The page's own request: same origin, with the token.
    let answer =
        request(port, "POST", replay, &[("Host", &host), ("Origin", &own_origin), ("X-Whk-Token", token), json], ask);
    assert_eq!(status(&answer), "200", "{answer}");
    let attempt = &body(&answer)["attempt"];
    assert_eq!(attempt["status"], 200, "{attempt}");
    assert_eq!(attempt["replay"], true);
    assert_eq!(attempt["edited"], false);
    wait_until("the replay at the app", || app.received().len() == 2);
    let (first, replayed) = (&app.received()[0], &app.received()[1]);
    assert_eq!(replayed.body, first.body, "the recorded bytes, unchanged");
    assert_signed_with(&listen.secret(), replayed.header("Stripe-Signature").unwrap(), &replayed.body);
    assert_eq!(replayed.header("X-Sender-Note"), Some("kept"), "the sender's own headers come along");
    let text =
        request(port, "POST", replay, &[("Host", &host), ("X-Whk-Token", token), ("Content-Type", "text/plain")], ask);
    assert_eq!(status(&text), "415", "{text}");
}

#[test]
fn no_inspector_leaves_every_path_a_webhook_path() {
    let listen = Listener::start(&["--no-inspector"]);
    let host = format!("127.0.0.1:{}", listen.port);
    for path in ["/", "/_whk/app.js", "/_whk/api/events"] {
        let answer = request(listen.port, "GET", path, &[("Host", &host)], "");
        assert_eq!(status(&answer), "405", "GET {path}: {answer}");
    }
    let (_, _, err, _) = listen.stop(Some("TERM"));
    assert!(!err.contains("Inspector:"), "{err}");
}
