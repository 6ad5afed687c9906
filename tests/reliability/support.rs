//! Helpers of the reliability tests: a `whk listen` whose output goes to files, a raw HTTP client
//! that reads exactly one answer, and signing; the parts the integration tests share (the recording
//! app, ports, the whk command) are in tests/common.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub use crate::common::{free_port, unix_now, wait_listen_ready, wait_until, whk_command, App, Received, Records};

use whk::signing::Scheme;

/// A `whk` command with its config in `dir/config` and none of the caller's WHK_* settings.
pub fn whk(dir: &Path) -> Command {
    let mut cmd = whk_command(&dir.join("config"));
    cmd.env("NO_COLOR", "1").stdin(Stdio::null());
    cmd
}

/// `whk listen` in the background. Its stdout and stderr go to files, not pipes: a relay printing a
/// line per event would block on a full pipe nobody reads, and the secret scan reads the files.
pub struct Listen {
    pub child: Child,
    pub port: u16,
    pub stderr: PathBuf,
}

impl Listen {
    /// Starts `whk listen --port PORT --log DIR/events.db ARGS`; output in DIR/listen-NAME.{out,err}.
    pub fn start(dir: &Path, port: u16, name: &str, args: &[&str]) -> Listen {
        Listen::start_logging_to(&dir.join("events.db"), dir, port, name, args)
    }

    /// The same with the event log at `log`.
    pub fn start_logging_to(log: &Path, dir: &Path, port: u16, name: &str, args: &[&str]) -> Listen {
        let stdout = dir.join(format!("listen-{name}.out"));
        let stderr = dir.join(format!("listen-{name}.err"));
        let mut child = whk(dir)
            .args(["listen", "--port", &port.to_string(), "--log"])
            .arg(log)
            .args(args)
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .unwrap();
        if let Err(status) = wait_listen_ready(&mut child, log, port) {
            panic!("whk listen exited at start ({status}): {}", std::fs::read_to_string(&stderr).unwrap_or_default());
        }
        Listen { child, port, stderr }
    }

    pub fn signal(&self, signal: &str) {
        let sent = Command::new("kill").args([&format!("-{signal}"), &self.child.id().to_string()]).status().unwrap();
        assert!(sent.success(), "kill -{signal}");
    }

    /// Sends `signal` and waits for the process to end.
    pub fn stop(mut self, signal: &str) -> ExitStatus {
        self.signal(signal);
        self.child.wait().unwrap()
    }

    pub fn stderr_text(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }
}

impl Drop for Listen {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The event store's records as `whk log export` writes them (empty when there is no store yet).
pub fn read_log(path: &Path) -> Vec<serde_json::Value> {
    if !path.exists() {
        return Vec::new();
    }
    let out = Command::new(crate::common::BIN).args(["log", "export", "--log"]).arg(path).output().unwrap();
    assert!(out.status.success(), "whk log export: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// What came back on one connection.
#[derive(Debug)]
pub struct Answer {
    /// None: the server closed the connection (or went quiet) without a status line.
    pub status: Option<u16>,
    /// Status line, headers and body as text (lossy).
    pub text: String,
    pub elapsed: Duration,
}

/// Writes `request` on a fresh connection and reads exactly one answer: the status line, headers and
/// `Content-Length` bytes of body, or until the server closes or `wait` passes.
pub fn exchange(port: u16, request: &[u8], wait: Duration) -> std::io::Result<Answer> {
    let started = Instant::now();
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(wait))?;
    // The server may answer (and close) before reading everything, e.g. a 413 for a huge body.
    let _ = stream.write_all(request);
    Ok(read_answer(&mut stream, started))
}

pub fn read_answer(stream: &mut TcpStream, started: Instant) -> Answer {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(total) = complete_length(&bytes) {
            bytes.truncate(total);
            break;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
        }
    }
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let status = text
        .strip_prefix("HTTP/1.1 ")
        .or_else(|| text.strip_prefix("HTTP/1.0 "))
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok());
    Answer { status, text, elapsed: started.elapsed() }
}

/// The length of a complete response in `bytes`, once headers and the declared body are in.
fn complete_length(bytes: &[u8]) -> Option<usize> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    (bytes.len() >= end + length).then_some(end + length)
}

/// A POST to listen with `headers` and `body`, closed after the answer.
pub fn post_bytes(path: &str, headers: &[(String, String)], body: &[u8]) -> Vec<u8> {
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// The headers `scheme` sends for `body`, signed `age` seconds ago with `secret`.
pub fn signed(scheme: Scheme, secret: &str, age: i64, msg_id: &str, body: &[u8]) -> Vec<(String, String)> {
    scheme.sign(secret, unix_now() - age, msg_id, body).expect("a valid secret")
}
