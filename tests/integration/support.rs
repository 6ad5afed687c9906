//! A small fluent builder for running the real `whk` binary, a real HTTP sink on loopback, and a
//! `whk listen` in the background; the parts the reliability suite shares are in tests/common.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::App;
pub use crate::common::{free_port, wait_listen_ready, whk_command, Received, Records};

pub const SECRET: &str = "whsec_integration_test_secret";

pub struct Whk {
    cmd: Command,
    config: tempfile::TempDir,
    stdin: Option<Vec<u8>>,
}

impl Whk {
    pub fn new() -> Whk {
        let config = tempfile::tempdir().unwrap();
        let mut cmd = whk_command(config.path());
        cmd.env_remove("NO_COLOR");
        Whk { cmd, config, stdin: None }
    }

    pub fn args<I: IntoIterator<Item = S>, S: AsRef<std::ffi::OsStr>>(mut self, args: I) -> Whk {
        self.cmd.args(args);
        self
    }

    pub fn arg(mut self, arg: impl AsRef<std::ffi::OsStr>) -> Whk {
        self.cmd.arg(arg);
        self
    }

    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Whk {
        self.cmd.env(key, value);
        self
    }

    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Whk {
        self.stdin = Some(bytes.into());
        self
    }

    pub fn config_dir(&self) -> &Path {
        self.config.path()
    }

    pub fn run(mut self) -> Run {
        use std::io::Write;
        self.cmd
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = self.cmd.spawn().expect("whk runs");
        let input = self.stdin.take().unwrap_or_default();
        // whk may exit (a usage error) before it reads its input: a closed pipe is no failure here.
        if let Err(err) = child.stdin.take().unwrap().write_all(&input) {
            assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe, "writing whk's standard input");
        }
        let output = child.wait_with_output().unwrap();
        Run { output, _config: self.config }
    }
}

pub struct Run {
    pub output: Output,
    _config: tempfile::TempDir,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.output.status.code().expect("whk exited normally")
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
    /// Asserts the exit code, showing both streams when it differs.
    pub fn expect(self, code: i32) -> Run {
        assert_eq!(self.code(), code, "exit code\n--- stdout\n{}\n--- stderr\n{}", self.stdout(), self.stderr());
        self
    }
}

/// A real HTTP server on 127.0.0.1 that records every request and answers with a fixed status.
pub struct Sink {
    app: App,
    received: Records,
}

impl Sink {
    pub fn start(status: u16) -> Sink {
        Sink::with_response(status, &[], "sink says no")
    }

    pub fn with_response(status: u16, headers: &[(&str, &str)], body: &str) -> Sink {
        Sink::serve(0, status, headers, body)
    }

    /// A sink on a given port, for an app that comes back where it was.
    pub fn start_on(port: u16, status: u16) -> Sink {
        Sink::serve(port, status, &[], "sink says no")
    }

    fn serve(port: u16, status: u16, headers: &[(&str, &str)], body: &str) -> Sink {
        let received = Records::default();
        let app = App::answering_with(port, received.clone(), App::always(status), headers, body);
        Sink { app, received }
    }

    pub fn url(&self, path: &str) -> String {
        self.app.url(path)
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

pub fn write_file(dir: &Path, relative: &str, contents: &str) -> PathBuf {
    let path = dir.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, contents).unwrap();
    path
}

/// A `whk listen` running in the background on a free port, with its own config and log.
pub struct Listener {
    pub child: std::process::Child,
    pub port: u16,
    pub dir: tempfile::TempDir,
}

impl Listener {
    /// Starts `whk listen --port <free> --log <dir>/events.db ARGS` and waits until it accepts.
    pub fn start(args: &[&str]) -> Listener {
        Listener::start_with(tempfile::tempdir().unwrap(), args)
    }

    /// As [`Listener::start`], with a given state folder. A port that was free a moment ago can be
    /// taken by a test running beside this one before listen binds it: listen then exits, and
    /// another free port is tried.
    pub fn start_with(mut dir: tempfile::TempDir, args: &[&str]) -> Listener {
        for _ in 0..5 {
            match Listener::launch(dir, free_port(), args) {
                Ok(listener) => return listener,
                Err((back, stderr)) if stderr.contains("cannot listen on") => dir = back,
                Err((_, stderr)) => panic!("whk listen exited at start: {stderr}"),
            }
        }
        panic!("whk listen found no free port in 5 tries")
    }

    /// Starts (or restarts) on a given port with a given state folder.
    pub fn start_in(dir: tempfile::TempDir, port: u16, args: &[&str]) -> Listener {
        Listener::launch(dir, port, args).unwrap_or_else(|(_, stderr)| panic!("whk listen exited at start: {stderr}"))
    }

    /// Waits until listen serves `port` ([`wait_listen_ready`]); Err with the folder back and
    /// listen's stderr if it exits first.
    fn launch(dir: tempfile::TempDir, port: u16, args: &[&str]) -> Result<Listener, (tempfile::TempDir, String)> {
        let store = dir.path().join("events.db");
        let mut child = whk_command(&dir.path().join("config"))
            .args(["listen", "--port", &port.to_string(), "--log"])
            .arg(&store)
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        if wait_listen_ready(&mut child, &store, port).is_err() {
            let mut stderr = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
            return Err((dir, stderr));
        }
        Ok(Listener { child, port, dir })
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// A `whk` command that shares this listener's config (and so its secret).
    pub fn whk(&self) -> Whk {
        Whk::new().env("WHK_CONFIG_DIR", self.dir.path().join("config"))
    }

    pub fn secret(&self) -> String {
        self.whk().args(["listen", "--print-secret"]).run().expect(0).stdout().trim().to_string()
    }

    /// The store's records, as `whk log export` writes them.
    pub fn log(&self) -> Vec<serde_json::Value> {
        export_store(&self.dir.path().join("events.db"))
    }

    /// Polls the log until `done` holds (deliveries happen in the background).
    pub fn wait_for_log(&self, what: &str, done: impl Fn(&[serde_json::Value]) -> bool) -> Vec<serde_json::Value> {
        let started = std::time::Instant::now();
        loop {
            let log = self.log();
            if done(&log) {
                return log;
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(30),
                "timed out waiting for {what}; log: {log:#?}"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    pub fn signal(&self, signal: &str) {
        Command::new("kill").args([&format!("-{signal}"), &self.child.id().to_string()]).status().unwrap();
    }

    /// Sends `signal` (or, with None, waits for it to exit by itself) and returns
    /// (exit status, stdout, stderr, state folder).
    pub fn stop(mut self, signal: Option<&str>) -> (std::process::ExitStatus, String, String, tempfile::TempDir) {
        if let Some(signal) = signal {
            self.signal(signal);
        }
        let mut out = String::new();
        let mut err = String::new();
        std::io::Read::read_to_string(self.child.stdout.as_mut().unwrap(), &mut out).unwrap();
        std::io::Read::read_to_string(self.child.stderr.as_mut().unwrap(), &mut err).unwrap();
        let status = self.child.wait().unwrap();
        let dir = std::mem::replace(&mut self.dir, tempfile::tempdir().unwrap());
        (status, out, err, dir)
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends raw bytes over TCP and returns everything the server answers until it closes.
pub fn raw_http(port: u16, request: &[u8]) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

pub fn post(port: u16, headers: &[(&str, &str)], body: &[u8]) -> String {
    let mut request =
        format!("POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(body);
    raw_http(port, &bytes)
}

/// Recomputes a `t=…,v1=…` signature independently of whk's code and checks it is fresh.
pub fn assert_signed_with(secret: &str, header: &str, body: &[u8]) {
    use hmac::Mac;
    let (t, v1) = header.split_once(",v1=").expect("t=…,v1=…");
    let t: i64 = t.strip_prefix("t=").unwrap().parse().unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!((now - t).abs() < 60, "fresh timestamp");
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    assert_eq!(v1, hex::encode(mac.finalize().into_bytes()), "signature over the exact body");
}

/// `whk log export` of a store, parsed (empty when there is no store yet).
pub fn export_store(path: &std::path::Path) -> Vec<serde_json::Value> {
    if !path.exists() {
        return Vec::new();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_whk")).args(["log", "export", "--log"]).arg(path).output().unwrap();
    assert!(out.status.success(), "whk log export: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}
