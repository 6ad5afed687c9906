//! The bad-input corpus against `whk listen`: tests/corpus/listen.jsonl, one case a line.
//!
//! A case is either `raw` (the bytes on the wire) or `request` (a POST built from parts). Text is
//! Latin-1: each character U+0000–U+00FF is one byte, so non-UTF-8 bytes are written `\u00ff`.
//! Placeholders, replaced at run time so signatures are fresh:
//!   `{repeat:N:TEXT}`  TEXT N times (anywhere; TEXT has no `}`);
//!   `{now}`  the unix time;  `{len}`  the body's length in bytes (raw cases);
//!   `{sig:SCHEME}`  a valid signature header value for the body, with optional `,age=SECONDS`
//!   (signed that long ago), `,secret=S` (another secret) and `,id=MSG` (Standard Webhooks id).
//! Options: `half_close` (shut the write side after sending), `drip_ms` (send one byte at a time,
//! `drip_body_ms`: the head at once, then the body a byte at a time),
//! `connections` (run N copies at once), `hold_open` (N idle connections held open meanwhile).
//! `expect`: `status` (null: the connection closed without an answer), `message` (a substring of
//! the answer), `absent` (a substring that must not be in it), `within_ms`, and `forwarded` (the
//! case is a valid event and must reach the app; every other case must not).
//!
//! listen runs with --max-body 65536 and --client-timeout 1.

use std::collections::HashSet;
use std::io::Write;
use std::net::{Shutdown, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Deserialize;
use whk::signing::Scheme;

use crate::support::{exchange, free_port, read_answer, read_log, unix_now, wait_until, App, Listen, Records};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[serde(default)]
    raw: Option<String>,
    #[serde(default)]
    request: Option<Request>,
    #[serde(default)]
    half_close: bool,
    #[serde(default)]
    drip_ms: Option<u64>,
    #[serde(default)]
    drip_body_ms: Option<u64>,
    #[serde(default)]
    connections: Option<usize>,
    #[serde(default)]
    hold_open: Option<usize>,
    expect: Expect,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    #[serde(default = "post")]
    method: String,
    #[serde(default = "hook")]
    path: String,
    #[serde(default)]
    headers: Vec<(String, String)>,
    #[serde(default)]
    body: String,
    /// Send the body chunked instead of with a Content-Length.
    #[serde(default)]
    chunked: bool,
    /// `[count, size]`: that many `X-Pad-N` headers of `size` bytes each.
    #[serde(default)]
    pad_headers: Option<(usize, usize)>,
}

fn post() -> String {
    "POST".into()
}

fn hook() -> String {
    "/hook".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    status: Option<u16>,
    #[serde(default)]
    message: String,
    #[serde(default)]
    absent: Option<String>,
    #[serde(default)]
    within_ms: Option<u64>,
    #[serde(default)]
    forwarded: bool,
}

pub const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

pub fn load<T: for<'de> Deserialize<'de>>(file: &str) -> Vec<T> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus").join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with("//"))
        .map(|(n, l)| serde_json::from_str(l).unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), n + 1)))
        .collect()
}

#[test]
fn listen_refuses_every_bad_input_and_forwards_only_verified_events() {
    let cases: Vec<Case> = load("listen.jsonl");
    let names: HashSet<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), cases.len(), "case names are unique");

    let dir = tempfile::tempdir().unwrap();
    let records: Records = Arc::new(Mutex::new(Vec::new()));
    let app = App::start(0, records.clone(), App::always(200));
    let args = ["--forward-to", &app.url("/app"), "--max-body", "65536", "--client-timeout", "1", "--secret", SECRET];
    let listen = Listen::start(dir.path(), free_port(), "corpus", &args);

    let mut failures = Vec::new();
    for case in &cases {
        if let Err(why) = run_case(listen.port, case) {
            failures.push(format!("{}: {why}", case.name));
        }
        // Whatever the case did, listen must still be there.
        if TcpStream::connect(("127.0.0.1", listen.port)).is_err() {
            failures.push(format!("{}: listen stopped accepting connections", case.name));
            break;
        }
    }

    // Exactly the valid cases reach the app; nothing unverified is forwarded.
    let forwarded: HashSet<String> =
        cases.iter().filter(|c| c.expect.forwarded).map(|c| format!("evt_{}", c.name)).collect();
    let log_path = dir.path().join("events.db");
    let delivered = |n: usize| read_log(&log_path).iter().filter(|r| r["rec"] == "delivered").count() >= n;
    wait_until(Duration::from_secs(20), || delivered(forwarded.len()));
    std::thread::sleep(Duration::from_millis(500)); // anything wrongly forwarded would arrive now
    let got: Vec<String> = records
        .lock()
        .unwrap()
        .iter()
        .map(|r| serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()["id"].as_str().unwrap_or("").into())
        .collect();
    let got_set: HashSet<String> = got.iter().cloned().collect();
    if got_set != forwarded || got.len() != forwarded.len() {
        failures.push(format!("the app received {got:?}, expected exactly {forwarded:?}"));
    }
    let logged: Vec<serde_json::Value> = read_log(&log_path).into_iter().filter(|r| r["rec"] == "event").collect();
    if logged.len() != forwarded.len() || logged.iter().any(|e| e["verified"] != "local") {
        failures.push(format!("the log holds {} events, expected {} verified ones", logged.len(), forwarded.len()));
    }
    let stderr = listen.stderr_text();
    if stderr.contains("panicked") {
        failures.push(format!("listen panicked:\n{stderr}"));
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

fn run_case(port: u16, case: &Case) -> Result<(), String> {
    let bytes = case_bytes(case)?;
    let idle: Vec<TcpStream> =
        (0..case.hold_open.unwrap_or(0)).map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap()).collect();
    let copies = case.connections.unwrap_or(1);
    let answers: Vec<Result<crate::support::Answer, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..copies).map(|_| scope.spawn(|| send(port, case, &bytes))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    drop(idle);
    for answer in answers {
        check(&case.expect, &answer?)?;
    }
    Ok(())
}

fn send(port: u16, case: &Case, bytes: &[u8]) -> Result<crate::support::Answer, String> {
    let wait = Duration::from_secs(5);
    let drip = case.drip_ms.or(case.drip_body_ms);
    if drip.is_none() && !case.half_close {
        return exchange(port, bytes, wait).map_err(|e| format!("cannot connect: {e}"));
    }
    let started = Instant::now();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream.set_read_timeout(Some(wait)).unwrap();
    stream.set_nodelay(true).unwrap();
    match drip {
        Some(ms) => {
            let at_once = match case.drip_body_ms {
                Some(_) => find(bytes, b"\r\n\r\n").map_or(0, |i| i + 4),
                None => 0,
            };
            let _ = stream.write_all(&bytes[..at_once]);
            for byte in &bytes[at_once..] {
                // Stop writing once listen has answered or closed: writing on would make the
                // kernel reset the connection and discard the answer before it is read.
                if answered(&stream) || stream.write_all(&[*byte]).is_err() || started.elapsed() > wait {
                    break;
                }
                std::thread::sleep(Duration::from_millis(ms));
            }
        }
        None => {
            let _ = stream.write_all(bytes);
        }
    }
    if case.half_close {
        let _ = stream.shutdown(Shutdown::Write);
    }
    Ok(read_answer(&mut stream, started))
}

fn answered(stream: &TcpStream) -> bool {
    stream.set_nonblocking(true).unwrap();
    let ready = !matches!(stream.peek(&mut [0u8; 1]), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock);
    stream.set_nonblocking(false).unwrap();
    ready
}

fn check(expect: &Expect, answer: &crate::support::Answer) -> Result<(), String> {
    let shown = || format!("{:?}", answer.text.chars().take(300).collect::<String>());
    if answer.status != expect.status {
        return Err(format!("status {:?}, expected {:?}: {}", answer.status, expect.status, shown()));
    }
    if !answer.text.contains(&expect.message) {
        return Err(format!("answer lacks {:?}: {}", expect.message, shown()));
    }
    if let Some(absent) = &expect.absent {
        if answer.text.contains(absent) {
            return Err(format!("answer contains {absent:?}: {}", shown()));
        }
    }
    if let Some(ms) = expect.within_ms {
        if answer.elapsed > Duration::from_millis(ms) {
            return Err(format!("took {:?}, expected under {ms} ms", answer.elapsed));
        }
    }
    Ok(())
}

/// The bytes a case sends, placeholders filled in.
fn case_bytes(case: &Case) -> Result<Vec<u8>, String> {
    match (&case.raw, &case.request) {
        (Some(raw), None) => {
            let raw = latin1(&repeats(raw)?)?;
            let split = find(&raw, b"\r\n\r\n").map(|i| i + 4).or_else(|| find(&raw, b"\n\n").map(|i| i + 2));
            let (head, body) = raw.split_at(split.unwrap_or(raw.len()));
            let mut bytes = fill(head, body)?;
            bytes.extend_from_slice(body);
            Ok(bytes)
        }
        (None, Some(r)) => {
            let body = latin1(&repeats(&r.body)?)?;
            let path = repeats(&r.path)?;
            let mut head = format!("{} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n", r.method);
            if r.chunked {
                head.push_str("Transfer-Encoding: chunked\r\n");
            } else {
                head.push_str(&format!("Content-Length: {}\r\n", body.len()));
            }
            for (name, value) in &r.headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            if let Some((count, size)) = r.pad_headers {
                for i in 0..count {
                    head.push_str(&format!("X-Pad-{i}: {}\r\n", "a".repeat(size)));
                }
            }
            head.push_str("\r\n");
            let mut bytes = fill(&latin1(&head)?, &body)?;
            if r.chunked {
                for chunk in body.chunks(1000) {
                    bytes.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                    bytes.extend_from_slice(chunk);
                    bytes.extend_from_slice(b"\r\n");
                }
                bytes.extend_from_slice(b"0\r\n\r\n");
            } else {
                bytes.extend_from_slice(&body);
            }
            Ok(bytes)
        }
        _ => Err("a case has exactly one of raw and request".into()),
    }
}

/// Expands `{repeat:N:TEXT}`, so huge inputs stay small in the corpus file.
fn repeats(text: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{repeat:") {
        let token = &rest[start + 8..];
        let end = token.find('}').ok_or("unclosed {repeat:")?;
        let (n, unit) = token[..end].split_once(':').ok_or("{repeat:N:TEXT}")?;
        let n: usize = n.parse().map_err(|_| format!("bad repeat count {n}"))?;
        out.push_str(&rest[..start]);
        out.push_str(&unit.repeat(n));
        rest = &token[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn latin1(text: &str) -> Result<Vec<u8>, String> {
    text.chars().map(|c| u8::try_from(u32::from(c)).map_err(|_| format!("{c:?} is not Latin-1"))).collect()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Replaces `{now}`, `{len}` and `{sig:…}` in a request head.
fn fill(head: &[u8], body: &[u8]) -> Result<Vec<u8>, String> {
    let text: String = head.iter().map(|&b| char::from(b)).collect();
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else { break };
        let token = &rest[start + 1..start + end];
        let value = match token {
            "now" => Some(unix_now().to_string()),
            "len" => Some(body.len().to_string()),
            _ => token.strip_prefix("sig:").map(|spec| signature(spec, body)).transpose()?,
        };
        match value {
            Some(value) => out.push_str(&format!("{}{value}", &rest[..start])),
            None => out.push_str(&rest[..=start + end]),
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    latin1(&out)
}

/// `stripe`, `fintoc,age=600`, `stripe,secret=whsec_other`, `standard,id=msg_1`.
fn signature(spec: &str, body: &[u8]) -> Result<String, String> {
    let mut parts = spec.split(',');
    let scheme = match parts.next() {
        Some("stripe") => Scheme::Stripe,
        Some("fintoc") => Scheme::Fintoc,
        Some("standard") => Scheme::Standard,
        other => return Err(format!("unknown scheme {other:?}")),
    };
    let (mut age, mut secret, mut id) = (0i64, SECRET.to_string(), String::new());
    for part in parts {
        match part.split_once('=') {
            Some(("age", v)) => age = v.parse().map_err(|_| format!("bad age {v}"))?,
            Some(("secret", v)) => secret = v.to_string(),
            Some(("id", v)) => id = v.to_string(),
            _ => return Err(format!("bad signature option {part}")),
        }
    }
    let headers = scheme.sign(&secret, unix_now() - age, &id, body).map_err(|e| e.to_string())?;
    Ok(headers.last().unwrap().1.clone())
}
