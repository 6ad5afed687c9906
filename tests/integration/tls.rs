//! HTTPS targets: a real local HTTPS server (python3's ssl module) with a self-signed certificate
//! made by openssl for this test, reached by trigger, replay and listen.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::support::{free_port, Listener, Whk, SECRET};

/// A python3 HTTPS server on 127.0.0.1 answering 200 to every POST, with a fresh self-signed
/// certificate for `localhost` and 127.0.0.1 (or plain HTTP); it counts requests in `received`.
struct HttpsApp {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

const SERVER: &str = r#"
import http.server, ssl, sys
port, tls, cert, key, log = int(sys.argv[1]), sys.argv[2] == "tls", sys.argv[3], sys.argv[4], sys.argv[5]
class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(log, "ab") as f:
            f.write(b"received\n")
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", port), Handler)
if tls:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
"#;

impl HttpsApp {
    /// With openssl's default self-signed certificate, which it marks as a CA (what most users
    /// make, and what a chain check refuses as a server's own).
    fn start() -> HttpsApp {
        HttpsApp::serve("tls", &[])
    }

    /// With a self-signed certificate that is not a CA's.
    fn start_leaf() -> HttpsApp {
        HttpsApp::serve("tls", &["-addext", "basicConstraints=critical,CA:FALSE"])
    }

    /// The same server speaking plain HTTP, as most local apps do.
    fn plain() -> HttpsApp {
        HttpsApp::serve("plain", &[])
    }

    fn serve(mode: &str, extensions: &[&str]) -> HttpsApp {
        let dir = tempfile::tempdir().unwrap();
        let made = Command::new("openssl")
            .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"])
            .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
            .args(extensions)
            .arg("-keyout")
            .arg(dir.path().join("key.pem"))
            .arg("-out")
            .arg(dir.path().join("cert.pem"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("openssl runs (.ci/run installs it)");
        assert!(made.success(), "openssl made a certificate");
        let port = free_port();
        let child = Command::new("python3")
            .args(["-c", SERVER, &port.to_string(), mode])
            .arg(dir.path().join("cert.pem"))
            .arg(dir.path().join("key.pem"))
            .arg(dir.path().join("received"))
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < std::time::Duration::from_secs(10), "the HTTPS app did not start");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        HttpsApp { child, port, dir }
    }

    fn url(&self) -> String {
        format!("https://localhost:{}/hook", self.port)
    }

    fn cert(&self) -> PathBuf {
        self.dir.path().join("cert.pem")
    }

    fn received(&self) -> usize {
        received_in(self.dir.path())
    }
}

fn received_in(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("received")).map_or(0, |text| text.lines().count())
}

impl Drop for HttpsApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn trigger(url: &str, extra: &[&str]) -> crate::support::Run {
    Whk::new().args(["trigger", "payout.failed", "--secret", SECRET, "--forward-to", url]).args(extra).run()
}

#[test]
fn trigger_names_an_untrusted_certificate_and_trusts_cacert_or_skip_verify() {
    let app = HttpsApp::start();
    let run = trigger(&app.url(), &[]).expect(3);
    assert!(run.stderr().contains("is not trusted"), "{}", run.stderr());
    assert!(run.stderr().contains("--cacert FILE"), "{}", run.stderr());
    assert!(!run.stderr().contains("nothing is listening"), "{}", run.stderr());
    assert_eq!(app.received(), 0);

    trigger(&app.url(), &["--cacert", app.cert().to_str().unwrap()]).expect(0);
    assert_eq!(app.received(), 1);
    trigger(&app.url(), &["--skip-verify"]).expect(0);
    assert_eq!(app.received(), 2);

    let run = trigger(&app.url(), &["--cacert", "/nonexistent/cert.pem"]).expect(2);
    assert!(run.stderr().contains("--cacert /nonexistent/cert.pem"), "{}", run.stderr());
}

#[test]
fn https_to_a_plain_http_port_is_named() {
    let plain = HttpsApp::plain();
    let run = trigger(&plain.url(), &[]).expect(3);
    assert!(run.stderr().contains("does not speak TLS (a plain-HTTP server?)"), "{}", run.stderr());

    // A plain-HTTP server that waits for a request line in silence, rather than answering 400.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://127.0.0.1:{}/hook", silent.local_addr().unwrap().port());
    let run = trigger(&url, &["--timeout", "1"]).expect(3);
    assert!(run.stderr().contains("sent no TLS answer within 1 s: a plain-HTTP server"), "{}", run.stderr());
}

#[test]
fn replay_and_listen_take_the_same_tls_flags() {
    let app = HttpsApp::start_leaf();
    let cert = app.cert();
    let listen = Listener::start(&["--forward-to", &app.url(), "--cacert", cert.to_str().unwrap(), "--retries", "0"]);
    listen.whk().args(["trigger", "payout.failed", "--forward-to", &listen.url()]).run().expect(0);
    listen.wait_for_log("the delivery through listen", |log| log.iter().any(|r| r["rec"] == "delivered"));
    assert_eq!(app.received(), 1);
    let log = listen.dir.path().join("events.db");
    let replay = |extra: &[&str]| {
        listen.whk().args(["replay", "--last", "1", "--to", &app.url(), "--log"]).arg(&log).args(extra).run()
    };
    let run = replay(&[]).expect(3);
    assert!(run.stderr().contains("is not trusted"), "{}", run.stderr());
    replay(&["--skip-verify"]).expect(0);
    replay(&["--cacert", cert.to_str().unwrap()]).expect(0);
    assert_eq!(app.received(), 3);
}
