//! Helpers both test crates use (tests/integration and tests/reliability include this file with
//! `#[path]`): the whk binary and a clean environment for it, free ports, and the user's app as a
//! real HTTP server on loopback that records what it is sent.

// Each crate uses its own part of this module.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_whk");

/// The settings whk reads from the environment; a test sets the ones it means and no others.
const WHK_VARIABLES: [&str; 6] =
    ["WHK_SECRET", "WHK_TEMPLATES", "WHK_FORWARD_TO", "WHK_PROVIDER", "WHK_API_VERSION", "WHK_LOG"];

/// A `whk` command with its config folder at `config` and none of the caller's WHK_* settings.
pub fn whk_command(config: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env("WHK_CONFIG_DIR", config);
    for var in WHK_VARIABLES {
        cmd.env_remove(var);
    }
    cmd
}

/// A port nothing listens on (bound, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// Waits until the `whk listen` running as `child` serves `port` with the store at `store`: the lock
/// file beside the store names its pid (listen writes it only once it has bound the port, so
/// something else answering on a port taken first does not count), and the port accepts. Err with
/// how it ended if it exits first; panics after 15 s.
pub fn wait_listen_ready(
    child: &mut std::process::Child,
    store: &Path,
    port: u16,
) -> Result<(), std::process::ExitStatus> {
    let mut lock = store.as_os_str().to_owned();
    lock.push(".listen");
    let ours = format!("pid {}, ", child.id());
    let started = Instant::now();
    loop {
        let named = std::fs::read_to_string(&lock).is_ok_and(|holder| holder.starts_with(&ours));
        if named && std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        if let Some(status) = child.try_wait().unwrap() {
            return Err(status);
        }
        assert!(started.elapsed() < Duration::from_secs(15), "whk listen did not start on port {port}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Polls `done` every 20 ms until it holds or `limit` passes; returns whether it held.
pub fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    done()
}

/// One request as the app received it.
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

pub type Records = Arc<Mutex<Vec<Received>>>;

/// The status for the n-th request (0-based).
pub type Answering = Arc<dyn Fn(usize) -> u16 + Send + Sync>;

/// The user's app: a tiny_http server on 127.0.0.1 that records every request, then answers
/// `answering(n)` for the n-th. Dropping it closes the port; starting another App on the same port
/// with the same records brings the app "back".
pub struct App {
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

impl App {
    /// Port 0 picks a free one. Answers with the body "ok".
    pub fn start(port: u16, records: Records, answering: Answering) -> App {
        App::answering_with(port, records, answering, &[], "ok")
    }

    /// The same, with these headers and this body on every answer.
    pub fn answering_with(
        port: u16,
        records: Records,
        answering: Answering,
        headers: &[(&str, &str)],
        body: &str,
    ) -> App {
        let server = Arc::new(tiny_http::Server::http(("127.0.0.1", port)).unwrap());
        let srv = server.clone();
        let headers: Vec<tiny_http::Header> =
            headers.iter().map(|(k, v)| tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).unwrap()).collect();
        let body = body.to_string();
        let thread = std::thread::spawn(move || {
            for mut request in srv.incoming_requests() {
                let mut bytes = Vec::new();
                if std::io::Read::read_to_end(request.as_reader(), &mut bytes).is_err() {
                    continue;
                }
                let n = {
                    let mut records = records.lock().unwrap();
                    records.push(Received {
                        path: request.url().to_string(),
                        headers: request.headers().iter().map(|h| (h.field.to_string(), h.value.to_string())).collect(),
                        body: bytes,
                    });
                    records.len() - 1
                };
                let mut response = tiny_http::Response::from_string(body.clone()).with_status_code(answering(n));
                for h in &headers {
                    response.add_header(h.clone());
                }
                let _ = request.respond(response);
            }
        });
        App { server, thread: Some(thread) }
    }

    pub fn always(status: u16) -> Answering {
        Arc::new(move |_| status)
    }

    pub fn port(&self) -> u16 {
        self.server.server_addr().to_ip().unwrap().port()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port())
    }
}

impl Drop for App {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
