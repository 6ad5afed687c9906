//! The bodies of whk's fuzz targets. cargo-fuzz runs them from `fuzz_targets/*.rs`; `cargo test`
//! (tests/reliability/fuzz_replay.rs, which includes this file) replays the committed corpus and a
//! bounded run of mutations through the same functions on stable Rust. Each target panics only
//! when an invariant is broken; errors returned for bad input are the expected outcome.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;
use whk::signing::{parse_standard, parse_timestamped, verify, Received, Scheme, TimestampedHeader};

/// The secret every target signs and verifies with (a valid Standard Webhooks secret too).
pub const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NOW: i64 = 1_700_000_000;
const SCHEMES: [Scheme; 3] = [Scheme::Stripe, Scheme::Fintoc, Scheme::Standard];

/// Input: a signature header, a newline, then a body.
/// Invariants: parsing and verifying never panic; a header only verifies if it carries the
/// signature whk computes for that body; a parsed header re-parses to itself once rendered; and
/// whatever the body, signing it verifies.
pub fn signature_header(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (header, body) = text.split_once('\n').unwrap_or((text, ""));
    let _ = parse_standard(header);
    if let Ok(parsed) = parse_timestamped(header) {
        let v1: Vec<String> = parsed.v1.iter().map(|v| format!("v1={v}")).collect();
        let rendered = format!("t={},{}", parsed.timestamp, v1.join(","));
        assert_eq!(parse_timestamped(&rendered).as_ref(), Ok(&parsed), "{header:?} rendered as {rendered:?}");
    }
    for scheme in SCHEMES {
        let received =
            Received { scheme, header, body: body.as_bytes(), msg_id: Some("msg_fuzz"), timestamp: Some(NOW) };
        if verify(&received, SECRET, 300, NOW).is_ok() {
            let genuine = scheme.sign(SECRET, signed_at(scheme, header), "msg_fuzz", body.as_bytes()).unwrap();
            let value = &genuine.last().unwrap().1;
            // `t=…,v1=<hex>` or `v1,<base64>`: the signature is what follows the last `v1` marker.
            let signature = value.rsplit_once(",v1=").or_else(|| value.split_once("v1,")).unwrap().1;
            assert!(header.contains(signature), "{header:?} verified without the genuine signature");
        }
        let headers = scheme.sign(SECRET, NOW, "msg_fuzz", body.as_bytes()).unwrap();
        let header = &headers.last().unwrap().1;
        let own = Received { scheme, header, body: body.as_bytes(), msg_id: Some("msg_fuzz"), timestamp: Some(NOW) };
        assert_eq!(verify(&own, SECRET, 300, NOW), Ok(()), "sign then verify, {scheme:?}, body {body:?}");
    }
}

fn signed_at(scheme: Scheme, header: &str) -> i64 {
    match scheme {
        Scheme::Standard => NOW,
        _ => parse_timestamped(header).map_or(NOW, |TimestampedHeader { timestamp, .. }| timestamp),
    }
}

/// Input: lines of `PATH=VALUE` (also tried as a bare PATH to remove).
/// Invariants: no panic; a patch that fails leaves the event exactly as it was.
pub fn override_path(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    static EVENTS: OnceLock<Vec<(Value, &'static [&'static str])>> = OnceLock::new();
    let events = EVENTS.get_or_init(|| {
        let catalog = whk::event::catalog::Catalog::load(None).unwrap();
        ["stripe:customer.created", "stripe:payout.failed", "fintoc:payout.created", "fintoc:link.created"]
            .iter()
            .map(|name| {
                let template = catalog.resolve(name, None).unwrap();
                let options = whk::event::BuildOptions {
                    account: None,
                    livemode: false,
                    api_version: whk::providers::DEFAULT_API_VERSION,
                    patches: &[],
                };
                let built = whk::event::build(template, &options).unwrap();
                (serde_json::from_slice(&built.body).unwrap(), built.provider.resource_path())
            })
            .collect()
    });
    use whk::event::patch::{apply, parse_assignment, Patch};
    for (event, resource) in events {
        let mut event = event.clone();
        for line in text.lines().take(8) {
            let mut patches = vec![Patch::Remove(line.to_string())];
            if let Ok((path, value)) = parse_assignment(line) {
                patches.push(Patch::Override(path.clone(), value.clone()));
                patches.push(Patch::Add(path, value));
            }
            for patch in patches {
                let before = event.clone();
                if apply(&mut event, resource, &patch).is_err() {
                    assert_eq!(event, before, "a failed {patch:?} changed the event");
                }
            }
        }
    }
}

/// Input: template text, rendered as one string and, when it is JSON, as a template's data.
/// Invariants: no panic (offsets overflowing, dates past year 9999, deep nesting); an event built
/// from a template is JSON that parses back.
pub fn template_render(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    use whk::event::template::RenderContext;
    use whk::providers::Provider;
    for provider in [Provider::Stripe, Provider::Fintoc] {
        let mut ctx = RenderContext::new(provider, Some("acct_1Fuzz"), false, NOW);
        let _ = ctx.render(&Value::String(text.to_string()));
        let Ok(value) = serde_json::from_str::<Value>(text) else { continue };
        let _ = ctx.render(&value);
        if value.is_object() {
            let template = whk::event::catalog::Template::new(provider, "fuzz.event", "thing", value, None);
            let options = whk::event::BuildOptions {
                account: None,
                livemode: false,
                api_version: whk::providers::DEFAULT_API_VERSION,
                patches: &[],
            };
            if let Ok(built) = whk::event::build(&template, &options) {
                serde_json::from_slice::<Value>(&built.body).expect("a built event is JSON");
            }
        }
    }
}

/// Input: the bytes of a fixture file (`whk replay --file`).
/// Invariants: reading never panics; what it returns is at least one event, each an object; an
/// event kept with its own bytes (a lone object, or a JSON Lines line) has bytes that parse back to
/// it. (Events inside an array are re-serialised, so for them only "it is JSON" is checked.)
pub fn fixture_file(data: &[u8]) {
    use whk::providers::Provider;
    static PATH: OnceLock<std::path::PathBuf> = OnceLock::new();
    let path = PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("whk-fuzz-fixture-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("fixture.json")
    });
    std::fs::write(path, data).unwrap();
    let in_array = matches!(serde_json::from_slice::<Value>(data), Ok(Value::Array(_)));
    for provider in [None, Some(Provider::Stripe), Some(Provider::Fintoc)] {
        let Ok(fixtures) = whk::event::fixtures::read(path, provider) else { continue };
        assert!(!fixtures.is_empty(), "a fixture file read without error holds events");
        for fixture in fixtures {
            assert!(fixture.event.is_object());
            let back: Value = serde_json::from_slice(&fixture.body).expect("a fixture's body is JSON");
            if !in_array {
                assert_eq!(back, fixture.event, "the kept bytes are the event's");
            }
            if let Some(p) = provider {
                assert_eq!(fixture.provider, p, "--provider wins");
            }
        }
    }
}

/// Input: byte 0 even, the rest is sent to listen as raw bytes. Byte 0 odd: a POST is built from the
/// rest (`Name: value` header lines, a blank line, the body) and, when byte 1 says so, signed
/// correctly with listen's secret under one of the three schemes.
/// Invariants: listen answers with one of its documented statuses or closes the connection; it
/// answers 200 only to a request this harness signed; it keeps accepting connections.
pub fn listen_request(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else { return };
    let port = relay_port();
    let (request, signed) = if mode % 2 == 0 { (rest.to_vec(), false) } else { structured(rest) };
    let mut stream = match TcpStream::connect(("127.0.0.1", port)) {
        Ok(s) => s,
        Err(e) => panic!("listen stopped accepting connections: {e}"),
    };
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let _ = stream.write_all(&request);
    // Half-close: listen sees the end of the request at once instead of waiting for more.
    let _ = stream.shutdown(Shutdown::Write);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let status = final_status(&answer);
    const DOCUMENTED: [u16; 8] = [200, 400, 405, 408, 413, 414, 431, 503];
    if let Some(status) = status {
        assert!(DOCUMENTED.contains(&status), "undocumented status {status}: {:?}", String::from_utf8_lossy(&answer));
        assert!(
            status != 200 || signed,
            "listen accepted a request nobody signed: {:?}",
            String::from_utf8_lossy(data)
        );
    }
    keep_log_small();
}

/// The status of the final answer: interim 1xx answers (to `Expect: 100-continue`) are skipped.
/// None when listen closed without answering.
fn final_status(answer: &[u8]) -> Option<u16> {
    let mut rest = answer;
    loop {
        // `HTTP/1.x NNN`, whichever HTTP/1 version the request named.
        let status: u16 = std::str::from_utf8(rest.get(9..12)?).ok()?.parse().ok()?;
        assert!(rest.starts_with(b"HTTP/1."), "not an HTTP answer: {:?}", String::from_utf8_lossy(answer));
        if status >= 200 {
            return Some(status);
        }
        let end = rest.windows(4).position(|w| w == b"\r\n\r\n")?;
        rest = &rest[end + 4..];
    }
}

fn structured(rest: &[u8]) -> (Vec<u8>, bool) {
    let (choice, rest) = rest.split_first().map_or((0, rest), |(c, r)| (*c, r));
    let split = rest.windows(2).position(|w| w == b"\n\n");
    let (head, body) = match split {
        Some(i) => (&rest[..i], &rest[i + 2..]),
        None => (&rest[..0], rest),
    };
    let mut request =
        format!("POST /fuzz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n", body.len()).into_bytes();
    for line in head.split(|b| *b == b'\n') {
        request.extend_from_slice(line);
        request.extend_from_slice(b"\r\n");
    }
    let scheme = SCHEMES.get(usize::from(choice % 4));
    let signed = scheme.is_some();
    if let Some(scheme) = scheme {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
        for (name, value) in scheme.sign(SECRET, now, "msg_fuzz", body).unwrap() {
            request.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
    }
    request.extend_from_slice(b"\r\n");
    request.extend_from_slice(body);
    (request, signed)
}

static RELAY: OnceLock<(u16, std::path::PathBuf)> = OnceLock::new();

/// One `whk listen` relay for the whole process, in-process so the fuzzer sees its coverage. It is
/// the endpoint itself (no target): small limits, so 413 and 408 are reachable.
fn relay_port() -> u16 {
    RELAY
        .get_or_init(|| {
            let dir = std::env::temp_dir().join(format!("whk-fuzz-listen-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let log_path = dir.join("events.db");
            let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let config = whk::relay::RelayConfig {
                addr: ([127, 0, 0, 1], port).into(),
                routing: whk::relay::routing::Routing::default(),
                secret: SECRET.into(),
                verify_secrets: Vec::new(),
                accept_unsigned: false,
                tls: whk::delivery::TlsSettings::default(),
                max_body: 4096,
                client_timeout: Duration::from_millis(500),
                retries: 0,
                timeout: Duration::from_secs(1),
                in_flight: 1,
                headers: Vec::new(),
                connect_headers: Vec::new(),
                log_path: log_path.clone(),
                format: whk::relay::console::ListenFormat::Json,
                exit_after: None,
                max_connections: 0,
                // The webhook side is what is fuzzed here: every GET stays a 405.
                inspector: false,
            };
            std::thread::spawn(move || whk::relay::run(config, |_, _, _| {}));
            let started = std::time::Instant::now();
            while TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(started.elapsed() < Duration::from_secs(10), "the relay did not start");
                std::thread::sleep(Duration::from_millis(5));
            }
            (port, log_path)
        })
        .0
}

/// A long fuzzing run adds a record per request; past 64 MiB the store is pruned, from this
/// process's own connection beside the relay's, as `whk log prune` would.
fn keep_log_small() {
    let Some((_, path)) = RELAY.get() else { return };
    if std::fs::metadata(path).is_ok_and(|m| m.len() > 64 << 20) {
        if let Ok(mut store) = whk::relay::store::Store::open_existing(path) {
            let _ = store.prune(std::time::SystemTime::now());
            let _ = store.vacuum();
        }
    }
}

/// Input: one line of a JSON Lines log (0.1's, or `whk log export`'s).
/// Invariants: decoding never panics, whatever the bytes; a record it yields exports to lines
/// that decode back to the same record (the store's import/export round trip).
pub fn store_line(data: &[u8]) {
    use whk::relay::store::{export_lines, Importer};
    let mut importer = Importer::default();
    importer.line(data);
    for (record, attempts) in importer.finish() {
        let mut again = Importer::default();
        for line in export_lines(&record, &attempts) {
            again.line(line.to_string().as_bytes());
        }
        assert_eq!(again.skipped, 0, "an exported line did not decode: {:?}", String::from_utf8_lossy(data));
        assert_eq!(again.finish(), vec![(record, attempts)], "{:?}", String::from_utf8_lossy(data));
    }
}
