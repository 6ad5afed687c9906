//! Every event whk generates must be accepted by the providers' official SDK verifiers, the code
//! users' servers actually run: stripe-python and fintoc-python (tests/sdk/receiver.py), stripe-node
//! and fintoc-node (tests/sdk/receiver.mjs). Each SDK sits behind a real HTTP server on loopback and
//! is fed by the real whk binary, sent by `whk trigger` and forwarded by `whk listen`, so headers,
//! body bytes and signatures are checked exactly as sent.
//!
//! `./scripts/test` installs the pinned SDKs and sets `WHK_SDK_PYTHON` and `WHK_SDK_NODE`.

use std::fs::{self, File};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

const SECRET: &str = "whsec_sdkCrosscheck4f2bX9qLm0TzR7wVc3";
const ACCOUNT: &str = "acct_1Nv0FGQ9RKHgCVdK";

#[test]
fn python_sdks_accept_every_event() {
    crosscheck(python_receiver(), None);
}

#[test]
fn node_sdks_accept_every_event() {
    for package in ["stripe", "fintoc"] {
        let installed = sdk_dir().join("node_modules").join(package).is_dir();
        assert!(installed, "tests/sdk/node_modules lacks {package}: run ./scripts/test");
    }
    crosscheck(node_receiver(), None);
}

/// Every Fintoc event, sent to `whk listen` and forwarded by it, is accepted by fintoc-python and
/// by fintoc-node: what listen re-signs and passes on is what Fintoc would send.
#[test]
fn fintoc_events_forwarded_by_listen_are_accepted_by_both_fintoc_sdks() {
    let whk = Whk::new();
    let events = whk.events(Some("fintoc"));
    for receiver in [python_receiver(), node_receiver()] {
        let receiver = Receiver::start(receiver);
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let state = tempfile::tempdir().expect("temporary folder");
        let target = format!("127.0.0.1:{}/hook", receiver.port);
        let mut listen = whk.command();
        listen.args(["listen", "--port", &port.to_string(), "--secret", SECRET, "--forward-to", &target, "--log"]);
        listen.arg(state.path().join("events.jsonl")).stdout(Stdio::null()).stderr(Stdio::null());
        let listen = Running(listen.spawn().expect("start whk listen"));
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(10), "whk listen did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        for (_, kind) in &events {
            let sent = whk.deliver(port, &[format!("fintoc:{kind}")], SECRET);
            sent.unwrap_or_else(|e| panic!("whk listen refused it: {e}"));
        }
        let want = events.len();
        while receiver.accepted() < want && started.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_millis(50));
        }
        drop(listen);
        assert_eq!(
            receiver.accepted(),
            want,
            "{} accepted too few forwarded events:\n{}",
            receiver.program,
            receiver.log()
        );
    }
}

/// `--tamper all` against endpoints that verify with the official SDKs: every must-refuse forgery
/// is refused, so whk exits 0; the advisory kinds are reported, not failed, and what each advisory
/// row says about the SDK behind the receiver is what that SDK did.
#[test]
fn forged_events_are_refused_by_sdk_verifiers() {
    let whk = Whk::new();
    for (receiver, runtime) in [(python_receiver(), "python"), (node_receiver(), "node")] {
        let receiver = Receiver::start(receiver);
        let target = format!("127.0.0.1:{}/hook", receiver.port);
        for (event, provider) in [("stripe:payout.failed", "stripe"), ("fintoc:payment_intent.succeeded", "fintoc")] {
            let out =
                whk.run(&["trigger", event, "--tamper", "all", "--forward-to", &target, "--secret", SECRET, "--json"]);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "{event} via {}: {stdout}\n{}", receiver.program, receiver.log());
            let rows: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
            assert_eq!(rows.len(), 9, "{stdout}");
            let sdk = format!("{provider}-{runtime}");
            for row in &rows {
                let statuses = row["statuses"].as_array().unwrap();
                let claim = row["sdks"][sdk.as_str()].as_str().unwrap_or_else(|| panic!("no claim for {sdk}: {row}"));
                let family = if claim == "accepts" { 2 } else { 4 };
                assert!(statuses.iter().all(|s| s.as_u64().unwrap() / 100 == family), "{sdk}: {row}");
                if row["must_refuse"] == true {
                    assert_eq!(claim, "refuses", "{row}");
                }
            }
        }
    }
}

fn python_receiver() -> Command {
    let mut receiver = Command::new(sdk_tool("WHK_SDK_PYTHON"));
    receiver.arg(sdk_dir().join("receiver.py"));
    receiver
}

fn node_receiver() -> Command {
    let mut receiver = Command::new(sdk_tool("WHK_SDK_NODE"));
    // receiver.mjs imports `stripe` and `fintoc`, which node resolves from the node_modules beside the script.
    receiver.arg(sdk_dir().join("receiver.mjs")).current_dir(sdk_dir());
    receiver
}

/// Delivers every event of `provider` (of all providers when None) to the receiver, and every Stripe
/// event once more as a Connect event. All refusals are gathered before failing, so one run lists them all.
fn crosscheck(receiver: Command, provider: Option<&str>) {
    let whk = Whk::new();
    let mut deliveries = Vec::new();
    for (provider, kind) in whk.events(provider) {
        let event = format!("{provider}:{kind}");
        if provider == "stripe" {
            deliveries.push(vec![event.clone(), "--account".into(), ACCOUNT.into()]);
        }
        deliveries.push(vec![event]);
    }
    assert!(!deliveries.is_empty(), "whk events --json listed no event");

    let receiver = Receiver::start(receiver);
    let refusals: Vec<String> =
        deliveries.iter().filter_map(|args| whk.deliver(receiver.port, args, SECRET).err()).collect();
    assert!(
        refusals.is_empty(),
        "{} of {} deliveries were refused:\n{}\n\nThe receiver's log (the SDK's reasons, and the refused bodies):\n{}",
        refusals.len(),
        deliveries.len(),
        refusals.join("\n"),
        receiver.log()
    );

    // A receiver that answered 200 to anything would prove nothing: it must refuse a wrong secret.
    let forged = whk.deliver(receiver.port, &deliveries[0], "whsec_notTheSecret");
    assert!(forged.is_err(), "the receiver accepted an event signed with the wrong secret");
    println!("{} deliveries accepted by {}", deliveries.len(), receiver.program);
}

/// The whk binary under test, with a config folder of its own so no real config is read or written.
struct Whk {
    config: TempDir,
}

impl Whk {
    fn new() -> Whk {
        Whk { config: tempfile::tempdir().expect("temporary folder") }
    }

    fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_whk"));
        command
            .env("WHK_CONFIG_DIR", self.config.path())
            .env_remove("WHK_TEMPLATES") // a developer's own templates would change the events
            .env_remove("WHK_SECRET");
        command
    }

    fn run<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> Output {
        self.command().args(args).output().expect("run whk")
    }

    /// (provider, type) of every event `whk events --json` lists, of one provider or all.
    fn events(&self, provider: Option<&str>) -> Vec<(String, String)> {
        let out = self.run(&["events", "--json"]);
        assert!(out.status.success(), "whk events --json failed: {}", String::from_utf8_lossy(&out.stderr));
        let list: Vec<Value> = serde_json::from_slice(&out.stdout).expect("whk events --json prints a JSON array");
        list.iter()
            .map(|e| (e["provider"].as_str().unwrap().to_owned(), e["type"].as_str().unwrap().to_owned()))
            .filter(|(p, _)| provider.is_none_or(|want| p == want))
            .collect()
    }

    /// `whk trigger ARGS --forward-to 127.0.0.1:PORT/hook --secret SECRET --json`: Ok when whk exits 0
    /// and reports "ok":true, which it does only for a 2xx, and the receivers answer 2xx only for a verified event.
    fn deliver(&self, port: u16, args: &[String], secret: &str) -> Result<(), String> {
        let target = format!("127.0.0.1:{port}/hook");
        let mut all = vec!["trigger"];
        all.extend(args.iter().map(String::as_str));
        all.extend(["--forward-to", target.as_str(), "--secret", secret, "--json"]);
        let out = self.run(&all);
        let report: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        if out.status.success() && report["ok"] == Value::Bool(true) {
            return Ok(());
        }
        let said = [&out.stdout, &out.stderr].map(|s| String::from_utf8_lossy(s).trim().to_owned()).join(" ");
        Err(format!("whk {} ({}): {}", all.join(" "), out.status, said.trim()))
    }
}

/// A running receiver; dropping it kills it, so a failed assert never leaves a server behind.
struct Receiver {
    child: Child,
    program: String,
    port: u16,
    log: PathBuf,
    _dir: TempDir,
}

impl Receiver {
    /// Starts `command PORT=0` and waits for the `PORT <n>` line it prints once it listens,
    /// so no request races the server's start. Its stderr, the verdicts, goes to a log file.
    fn start(mut command: Command) -> Receiver {
        let dir = tempfile::tempdir().expect("temporary folder");
        let log = dir.path().join("receiver.log");
        let child = command
            .arg("0")
            .env("WHK_TEST_SECRET", SECRET)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(File::create(&log).expect("receiver log"))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
        let program = format!("{command:?}"); // the whole command line, env included, for error messages
        let mut receiver = Receiver { child, program, port: 0, log, _dir: dir };

        let mut line = String::new();
        let stdout = receiver.child.stdout.take().expect("piped stdout");
        BufReader::new(stdout).read_line(&mut line).expect("read the receiver's stdout");
        receiver.port = match line.trim().strip_prefix("PORT ").and_then(|p| p.parse().ok()) {
            Some(port) => port,
            None => panic!("{} printed {line:?}, not `PORT <n>`; its log:\n{}", receiver.program, receiver.log()),
        };
        receiver
    }

    /// How many events the SDK has accepted so far.
    fn accepted(&self) -> usize {
        fs::read_to_string(&self.log).unwrap_or_default().lines().filter(|line| line.starts_with("accepted ")).count()
    }

    /// What the receiver said, less its `accepted …` lines: the SDKs' reasons for refusals, and any crash.
    fn log(&self) -> String {
        let log = fs::read_to_string(&self.log).unwrap_or_default();
        log.lines().filter(|line| !line.starts_with("accepted ")).collect::<Vec<_>>().join("\n")
    }
}

/// A child process killed when dropped, so a failed assert never leaves it behind.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An SDK runtime that ./scripts/test provides; without it the test fails rather than skips,
/// so a green run always means the SDKs were consulted.
fn sdk_tool(var: &str) -> PathBuf {
    match std::env::var_os(var) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => panic!("{var} is not set: run ./scripts/test, which installs the official SDKs and sets it"),
    }
}

fn sdk_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sdk")
}

/// The commonest Stripe integration bug: an Express app that parses the body (`express.json()`)
/// and verifies `JSON.stringify(req.body)` instead of the raw bytes. Stripe pretty-prints its
/// bodies, so the re-serialised text never matches the signature; whk sends the same bytes, so
/// stripe-node refuses every Stripe event at such an app, and `--tamper` names the cause.
#[test]
fn an_app_that_verifies_a_reserialised_body_is_caught() {
    let whk = Whk::new();
    let mut careless = node_receiver();
    careless.env("WHK_RECEIVER_MODE", "reserialize");
    let receiver = Receiver::start(careless);
    let events = whk.events(Some("stripe"));
    assert!(!events.is_empty());
    for (_, event) in &events {
        let args = [format!("stripe:{event}")];
        let err = whk.deliver(receiver.port, &args, SECRET).expect_err("a re-serialising app must refuse");
        assert!(err.contains("400"), "{event}: {err}");
    }
    assert_eq!(receiver.accepted(), 0, "{}", receiver.log());
    assert!(receiver.log().contains("No signatures found matching the expected signature"), "{}", receiver.log());

    let target = format!("127.0.0.1:{}/hook", receiver.port);
    let out =
        whk.run(&["trigger", "stripe:payout.failed", "--tamper", "all", "--forward-to", &target, "--secret", SECRET]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("REFUSED (400)") && stdout.contains("re-serialised body"), "{stdout}");
}

/// The CI example (examples/ci) passes against the SDK-verifying receiver and fails, naming the
/// forged event it accepted, against the same receiver with its checks turned off.
#[test]
fn the_ci_example_passes_and_catches_a_careless_app() {
    let run = |insecure: bool| {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let config = tempfile::tempdir().unwrap();
        let mut command = Command::new("bash");
        command
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci/check.sh"))
            .env("WHK", env!("CARGO_BIN_EXE_whk"))
            .env("PYTHON", sdk_tool("WHK_SDK_PYTHON"))
            .env("PORT", port.to_string())
            .env("WHK_CONFIG_DIR", config.path())
            .env("TMPDIR", config.path());
        if insecure {
            command.env("RECEIVER_ARGS", "--insecure");
        }
        command.output().unwrap()
    };
    let good = run(false);
    let out = String::from_utf8_lossy(&good.stdout);
    assert!(good.status.success(), "{out}\n{}", String::from_utf8_lossy(&good.stderr));
    assert_eq!(out.matches("<-- [200]").count(), 7, "every fixture accepted: {out}");
    assert!(out.ends_with("webhook checks passed\n"));
    let careless = run(true);
    let out = String::from_utf8_lossy(&careless.stdout);
    assert_eq!(careless.status.code(), Some(1), "{out}");
    assert!(out.contains("ACCEPTED a forged event"), "{out}");
}
