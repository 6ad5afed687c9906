//! Secrets stay secret. With known secrets, this runs trigger, listen (forwarding, retries,
//! rejections), sign (sign, verify, failing verify with its explanation), config and a few errors,
//! then scans every stdout and stderr, every file written (the event log included) and every request
//! the app received for each secret, with and without its `whsec_` prefix. The one place a secret
//! may appear is where the user asks for it: `whk listen --print-secret`. It also checks the modes of
//! the files that hold secrets or events.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use rand::RngCore;
use whk::signing::Scheme;

use crate::support::{exchange, free_port, post_bytes, read_log, signed, wait_until, whk, App, Listen, Records};

/// Everything a command printed, labelled, for the scan.
#[derive(Default)]
struct Printed(Vec<(String, Vec<u8>)>);

impl Printed {
    fn run(&mut self, label: &str, cmd: &mut Command) -> Output {
        let out = cmd.output().unwrap();
        assert_ne!(out.status.code(), Some(101), "{label} panicked: {}", String::from_utf8_lossy(&out.stderr));
        self.0.push((format!("`{label}` stdout"), out.stdout.clone()));
        self.0.push((format!("`{label}` stderr"), out.stderr.clone()));
        out
    }
}

fn random_secret() -> String {
    let mut bytes = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(bytes))
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn no_secret_is_written_anywhere_the_user_did_not_ask_for_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut printed = Printed::default();

    // whk's local secret, made on first use; printing it is asking for it, so this one is not scanned.
    let asked = whk(dir).args(["listen", "--print-secret"]).output().unwrap();
    let local = String::from_utf8(asked.stdout.clone()).unwrap().trim().to_string();
    assert!(local.starts_with("whsec_") && String::from_utf8_lossy(&asked.stdout).contains(&local));
    assert_eq!(mode(&dir.join("config")), 0o700, "the config folder is owner-only");
    assert_eq!(mode(&dir.join("config/secret")), 0o600, "the secret file is owner-only");

    let provider = random_secret(); // accepted with --verify-secret, as a dashboard secret would be
    let flagged = random_secret(); // given with --secret / WHK_SECRET
    let wrong = random_secret(); // a sender's mistaken secret
    let token = format!("tok_{}", &random_secret()[6..]); // a credential in an incoming header

    // The app refuses twice (500), so listen retries, then accepts.
    let records: Records = Arc::new(Mutex::new(Vec::new()));
    let app = App::start(0, records.clone(), Arc::new(|n| if n < 2 { 500 } else { 200 }));
    let log = dir.join("data/events.db");
    let port = free_port();
    let verify_secret = format!("stripe={provider}");
    let listen = Listen::start_logging_to(
        &log,
        dir,
        port,
        "scan",
        &["--forward-to", &app.url("/hook"), "--verify-secret", &verify_secret, "--retries", "3"],
    );
    let to_listen = format!("127.0.0.1:{port}/");

    let trigger = |args: &[&str]| {
        let mut cmd = whk(dir);
        cmd.args(["trigger"]).args(args);
        cmd
    };
    let ok = printed.run("trigger", &mut trigger(&["customer.created", "--forward-to", &to_listen]));
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    printed.run("trigger fintoc", &mut trigger(&["fintoc:payout.created", "--forward-to", &to_listen]));
    let by_provider = printed
        .run("trigger --secret", &mut trigger(&["payout.failed", "--secret", &provider, "--forward-to", &to_listen]));
    assert!(by_provider.status.success(), "the provider secret is accepted");
    let refused = printed.run(
        "trigger wrong secret",
        &mut trigger(&["customer.created", "--secret", &wrong, "--forward-to", &to_listen]),
    );
    assert_eq!(refused.status.code(), Some(1), "listen refuses a wrong secret");
    printed.run("trigger --print", &mut trigger(&["customer.created", "--print"]));
    printed.run(
        "trigger unreachable",
        trigger(&["customer.created", "--forward-to", &format!("127.0.0.1:{}", free_port())])
            .env("WHK_SECRET", &flagged),
    );
    printed.run(
        "trigger bad override",
        trigger(&["customer.created", "--print", "--override", "nope=1"]).env("WHK_SECRET", &flagged),
    );

    // Raw requests: a credential in headers, a forgery, invalid JSON signed with the right secret.
    let body = br#"{"id":"evt_scan","object":"event","type":"customer.created","livemode":false,"data":{"object":{}}}"#;
    let mut headers = signed(Scheme::Stripe, &local, 0, "", body);
    headers.push(("Authorization".into(), format!("Bearer {token}")));
    headers.push(("X-Api-Key".into(), token.clone()));
    let answer = exchange(port, &post_bytes("/hook", &headers, body), Duration::from_secs(5)).unwrap();
    assert_eq!(answer.status, Some(200), "{}", answer.text);
    let forged = signed(Scheme::Stripe, &wrong, 0, "", body);
    let answer = exchange(port, &post_bytes("/hook", &forged, body), Duration::from_secs(5)).unwrap();
    assert_eq!(answer.status, Some(400));
    let broken = b"{\"id\": ";
    let answer = exchange(
        port,
        &post_bytes("/hook", &signed(Scheme::Stripe, &local, 0, "", broken), broken),
        Duration::from_secs(5),
    )
    .unwrap();
    assert_eq!(answer.status, Some(400));
    printed.0.push(("listen's answers".into(), answer.text.into_bytes()));

    // sign: a signature, verify it, fail to verify with another secret, and the prefix culprit.
    let payload = dir.join("payload.json");
    std::fs::write(&payload, body).unwrap();
    let sign = |args: &[&str]| {
        let mut cmd = whk(dir);
        cmd.args(["sign"]).args(args).arg(&payload);
        cmd
    };
    let out = printed.run("sign", &mut sign(&["--provider", "stripe", "--secret", &flagged]));
    let header = String::from_utf8(out.stdout).unwrap().trim().trim_start_matches("Stripe-Signature: ").to_string();
    let valid =
        printed.run("sign --verify", &mut sign(&["--provider", "stripe", "--secret", &flagged, "--verify", &header]));
    assert!(valid.status.success());
    let invalid = printed
        .run("sign --verify wrong", &mut sign(&["--provider", "stripe", "--secret", &provider, "--verify", &header]));
    assert_eq!(invalid.status.code(), Some(1));
    let bare = flagged.strip_prefix("whsec_").unwrap();
    let out = printed.run("sign bare", &mut sign(&["--provider", "stripe", "--secret", bare]));
    let bare_header =
        String::from_utf8(out.stdout).unwrap().trim().trim_start_matches("Stripe-Signature: ").to_string();
    let culprit = printed.run(
        "sign --verify culprit",
        &mut sign(&["--provider", "stripe", "--secret", &flagged, "--verify", &bare_header]),
    );
    assert!(String::from_utf8_lossy(&culprit.stdout).contains("WITHOUT its `whsec_` prefix"), "the culprit is named");
    printed.run("sign standard", &mut sign(&["--provider", "standard", "--secret", &flagged, "--id", "msg_1"]));
    printed.run("sign env", sign(&["--provider", "fintoc"]).env("WHK_SECRET", &flagged));

    // Errors about secrets, and the settings view.
    let bad = format!("paypal={provider}");
    let out = printed.run(
        "listen bad --verify-secret",
        whk(dir).args(["listen", "--port", &free_port().to_string(), "--verify-secret", &bad]),
    );
    assert_eq!(out.status.code(), Some(2));
    printed.run("config", whk(dir).arg("config").env("WHK_SECRET", &flagged));
    printed.run("config local", whk(dir).arg("config"));

    let delivered =
        wait_until(Duration::from_secs(30), || read_log(&log).iter().filter(|r| r["rec"] == "delivered").count() >= 4);
    assert!(delivered, "the forwarded events got through after the retries: {:#?}", read_log(&log));
    assert!(read_log(&log).iter().any(|r| r["rec"] == "attempt" && r["status"] == 500), "a retry happened");
    assert!(listen.stop("TERM").success());
    assert!(
        std::fs::read_to_string(dir.join("listen-scan.err")).unwrap().contains(&format!("{}…", &local[..10])),
        "listen showed the secret masked"
    );

    // The scan: everything printed, every file written but the secret's own, everything the app got.
    let mut scanned = printed.0;
    for file in files_under(dir) {
        if file != dir.join("config/secret") {
            scanned.push((file.display().to_string(), std::fs::read(&file).unwrap()));
        }
    }
    for (n, r) in records.lock().unwrap().iter().enumerate() {
        let headers: String = r.headers.iter().map(|(k, v)| format!("{k}: {v}\n")).collect();
        scanned.push((format!("request {n} to the app"), [headers.into_bytes(), r.body.clone()].concat()));
    }
    assert!(scanned.len() > 30, "the scan covers what was run");
    let mut leaks = Vec::new();
    for secret in [&local, &provider, &flagged, &wrong, &token] {
        let needles = [secret.as_str(), secret.strip_prefix("whsec_").unwrap_or(secret)];
        for (label, bytes) in &scanned {
            let text = String::from_utf8_lossy(bytes);
            if needles.iter().any(|n| text.contains(n)) {
                leaks.push(format!("{}… found in {label}", &secret[..10]));
            }
        }
    }
    assert!(leaks.is_empty(), "secrets leaked:\n{}", leaks.join("\n"));

    assert_eq!(mode(&dir.join("data")), 0o700, "the log folder listen made is owner-only");
    assert_eq!(mode(&log), 0o600, "the event store is owner-only");
    let wal = dir.join("data/events.db-wal");
    assert!(!wal.exists() || mode(&wal) == 0o600, "so is its write-ahead log");
    let logged = serde_json::to_string(&read_log(&log)).unwrap();
    assert!(
        logged.contains("\"authorization\":\"***\"") && logged.contains("\"x-api-key\":\"***\""),
        "credentials are masked"
    );
}
