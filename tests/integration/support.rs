//! A small fluent builder for running the real `whk` binary, and a real HTTP sink on loopback.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

pub const SECRET: &str = "whsec_integration_test_secret";

pub struct Whk {
    cmd: Command,
    config: tempfile::TempDir,
    stdin: Option<Vec<u8>>,
}

impl Whk {
    pub fn new() -> Whk {
        let config = tempfile::tempdir().unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_whk"));
        cmd.env("WHK_CONFIG_DIR", config.path())
            .env_remove("WHK_SECRET")
            .env_remove("WHK_TEMPLATES")
            .env_remove("NO_COLOR");
        Whk { cmd, config, stdin: None }
    }

    pub fn args<I: IntoIterator<Item = S>, S: AsRef<std::ffi::OsStr>>(mut self, args: I) -> Whk {
        self.cmd.args(args);
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
        child.stdin.take().unwrap().write_all(&input).unwrap();
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

/// One request as the sink received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the body is JSON")
    }
}

/// A real HTTP server on 127.0.0.1 that records every request and answers with a fixed status.
pub struct Sink {
    server: Arc<tiny_http::Server>,
    received: Arc<Mutex<Vec<Received>>>,
    thread: Option<JoinHandle<()>>,
}

impl Sink {
    pub fn start(status: u16) -> Sink {
        Sink::with_response(status, &[], "sink says no")
    }

    pub fn with_response(status: u16, headers: &[(&str, &str)], body: &str) -> Sink {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let (srv, rec) = (server.clone(), received.clone());
        let headers: Vec<tiny_http::Header> =
            headers.iter().map(|(k, v)| tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).unwrap()).collect();
        let body = body.to_string();
        let thread = std::thread::spawn(move || {
            for mut request in srv.incoming_requests() {
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(request.as_reader(), &mut bytes).unwrap();
                rec.lock().unwrap().push(Received {
                    path: request.url().to_string(),
                    headers: request.headers().iter().map(|h| (h.field.to_string(), h.value.to_string())).collect(),
                    body: bytes,
                });
                let mut response = tiny_http::Response::from_string(body.clone()).with_status_code(status);
                for h in &headers {
                    response.add_header(h.clone());
                }
                let _ = request.respond(response);
            }
        });
        Sink { server, received, thread: Some(thread) }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.server.server_addr().to_ip().unwrap())
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A port with nothing listening on it (bound, then released).
pub fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub fn write_file(dir: &Path, relative: &str, contents: &str) -> PathBuf {
    let path = dir.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, contents).unwrap();
    path
}
