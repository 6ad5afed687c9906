//! Issue 11's fault cases against the real binary: each numbered case that broke the JSON Lines log
//! (disk full, a second process on the store, rotation, torn records, size, forged bodies, file
//! handles, a console nobody reads, loops, memory) with the promise checked every time: an event
//! answered 2xx is in the store and reaches its target, in order, once.
//! Cases 11, 12 and 14 (and 10's startup refusal) are argument errors: tests/corpus/cli.jsonl.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use whk::signing::Scheme;

use crate::support::{exchange, free_port, post_bytes, read_log, signed, wait_until, whk, App, Listen, Records};

/// A valid Standard Webhooks secret too, so every scheme can sign with it.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn event_body(id: &str, pad: usize) -> Vec<u8> {
    format!(
        r#"{{"id":"{id}","object":"event","type":"charge.succeeded","data":{{"object":{{"pad":"{}"}}}}}}"#,
        "x".repeat(pad)
    )
    .into_bytes()
}

/// Posts a signed event; the status, or None when listen did not answer.
fn post_event(port: u16, id: &str, pad: usize) -> Option<u16> {
    let body = event_body(id, pad);
    let headers = signed(Scheme::Stripe, SECRET, 0, id, &body);
    exchange(port, &post_bytes("/", &headers, &body), Duration::from_secs(10)).ok()?.status
}

fn ids_received(records: &Records) -> Vec<String> {
    records
        .lock()
        .unwrap()
        .iter()
        .filter_map(|r| serde_json::from_slice::<serde_json::Value>(&r.body).ok()?["id"].as_str().map(String::from))
        .collect()
}

fn accepted_ids(store: &Path) -> Vec<String> {
    read_log(store).iter().filter(|r| r["rec"] == "event").map(|r| r["id"].as_str().unwrap().to_string()).collect()
}

fn listen_args(target: &str) -> Vec<String> {
    ["--secret", SECRET, "--forward-to", target].iter().map(|s| s.to_string()).collect()
}

fn start(dir: &Path, store: &Path, name: &str, args: &[String]) -> Listen {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Listen::start_logging_to(store, dir, free_port(), name, &args)
}

/// Every acknowledged id reached the app, once, in the order acknowledged.
fn assert_delivered_in_order(acked: &[String], records: &Records) {
    let done = wait_until(Duration::from_secs(30), || ids_received(records).len() >= acked.len());
    let received = ids_received(records);
    assert!(done, "acknowledged {} events, the app got {}", acked.len(), received.len());
    assert_eq!(&received, acked, "each acknowledged event once, in order");
}

/// A child process killed when dropped, so a failing assertion leaves no listen behind.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    // utime and stime: fields 14 and 15 of stat, 12 and 13 after the command name.
    fields.get(11).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
        + fields.get(12).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
}

/// Runs `cmd` to the end; its exit status, wall time and peak memory (KiB). The peak is read from
/// /proc while it runs (VmHWM only rises), not from rusage: Linux carries a process's peak across
/// exec, so a child spawned from this (large) test process would report the test's own.
fn measured(cmd: &mut Command) -> (std::process::ExitStatus, Duration, u64) {
    let started = Instant::now();
    let mut child = cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    while let Ok(status) = std::fs::read_to_string(&status_path) {
        if status.lines().any(|l| l.starts_with("State:") && l.contains('Z')) {
            break;
        }
        if let Some(kib) = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak = peak.max(kib);
        }
    }
    let status = child.wait().unwrap();
    (status, started.elapsed(), peak)
}

/// Case 1: disk full, then space returns. While full: 503s and nothing acknowledged that is not
/// stored; afterwards new events are acknowledged and forwarded, and the store is intact.
#[test]
fn case01_disk_full_answers_503_then_recovers() {
    let tmp = tempfile::tempdir().unwrap();
    let mount = tmp.path().join("small");
    std::fs::create_dir_all(&mount).unwrap();
    let mounted = Command::new("mount").args(["-t", "tmpfs", "-o", "size=3m", "tmpfs"]).arg(&mount).status();
    if !mounted.is_ok_and(|s| s.success()) {
        assert!(std::env::var_os("CI").is_none(), "CI runs as root and must run the disk-full case");
        eprintln!("case01 skipped: mounting a tmpfs needs root");
        return;
    }
    struct Unmount(std::path::PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(mount.clone());
    let store = mount.join("whk.db");
    let records: Records = Arc::new(Mutex::new(Vec::new()));
    let app = App::start(0, records.clone(), App::always(200));
    let listen = start(tmp.path(), &store, "full", &listen_args(&app.url("/hook")));
    let mut acked = Vec::new();
    for n in 0..5 {
        let id = format!("evt_before_{n}");
        assert_eq!(post_event(listen.port, &id, 2000), Some(200));
        acked.push(id);
    }
    // Fill the file system to the last byte.
    let filler = mount.join("filler");
    let mut file = std::fs::File::create(&filler).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    while file.write_all(&chunk).is_ok() {}
    while file.write_all(&chunk[..512]).is_ok() {}
    drop(file);
    let mut refused = 0;
    for n in 0..200 {
        let id = format!("evt_full_{n}");
        match post_event(listen.port, &id, 2000) {
            Some(200) => acked.push(id),
            Some(503) => refused += 1,
            other => panic!("while the disk is full: {other:?}"),
        }
        if refused >= 3 {
            break;
        }
    }
    assert!(refused >= 3, "a full disk is answered 503");
    assert!(listen.stderr_text().contains("cannot write to the event store"), "{}", listen.stderr_text());
    std::fs::remove_file(&filler).unwrap();
    for n in 0..5 {
        let id = format!("evt_after_{n}");
        assert_eq!(post_event(listen.port, &id, 2000), Some(200), "space is back");
        acked.push(id);
    }
    assert_delivered_in_order(&acked, &records);
    drop(listen);
    assert_eq!(accepted_ids(&store), acked, "the store holds exactly the acknowledged events");
}

/// Case 2: `whk replay --pending` beside a running listen sends nothing listen owes (no steal,
/// no double send), and listen goes on forwarding everything acknowledged after it.
#[test]
fn case02_replay_pending_beside_listen_neither_steals_nor_skips() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("whk.db");
    let records: Records = Arc::new(Mutex::new(Vec::new()));
    // The first requests fail, so listen still owes them when replay runs.
    let app = App::start(0, records.clone(), Arc::new(|n| if n < 3 { 503 } else { 200 }));
    let listen = start(tmp.path(), &store, "beside", &listen_args(&app.url("/hook")));
    let mut acked = Vec::new();
    for n in 0..3 {
        let id = format!("evt_a{n}");
        assert_eq!(post_event(listen.port, &id, 100), Some(200));
        acked.push(id);
    }
    let replay =
        whk(tmp.path()).args(["replay", "--pending", "--secret", SECRET, "--log"]).arg(&store).output().unwrap();
    assert_eq!(replay.status.code(), Some(0), "{}", String::from_utf8_lossy(&replay.stderr));
    assert!(String::from_utf8_lossy(&replay.stderr).contains("running `whk listen`"));
    for n in 0..3 {
        let id = format!("evt_b{n}");
        assert_eq!(post_event(listen.port, &id, 100), Some(200));
        acked.push(id);
    }
    let settled = wait_until(Duration::from_secs(30), || {
        read_log(&store).iter().filter(|r| r["rec"] == "delivered").count() == acked.len()
    });
    assert!(settled, "every acknowledged event delivered: {:#?}", read_log(&store));
    let received = records.lock().unwrap().clone();
    assert!(received.iter().all(|r| r.header("whk-relayed-by").is_some()), "replay sent nothing listen owed");
    let ok: Vec<String> = received[3..]
        .iter()
        .map(|r| serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ok, acked, "after the retries, each once and in order");
}

/// Case 3: the store deleted, replaced or emptied under a running listen: the next event gets a
/// 503 and listen says why, loudly.
#[test]
fn case03_store_removed_replaced_or_truncated_stops_acknowledging() {
    let tmp = tempfile::tempdir().unwrap();
    let records: Records = Arc::new(Mutex::new(Vec::new()));
    let app = App::start(0, records, App::always(200));
    type Fault = fn(&Path);
    let faults: [(&str, Fault, &str); 3] = [
        ("removed", |p| std::fs::remove_file(p).unwrap(), "is gone"),
        (
            "replaced",
            |p| {
                let other = p.with_extension("new");
                std::fs::write(&other, b"").unwrap();
                std::fs::rename(&other, p).unwrap();
            },
            "was replaced",
        ),
        ("truncated", |p| std::fs::File::create(p).map(drop).unwrap(), "was emptied"),
    ];
    for (name, fault, said) in faults {
        let store = tmp.path().join(format!("{name}.db"));
        let listen = start(tmp.path(), &store, name, &listen_args(&app.url("/hook")));
        assert_eq!(post_event(listen.port, &format!("evt_{name}_1"), 100), Some(200));
        fault(&store);
        assert_eq!(post_event(listen.port, &format!("evt_{name}_2"), 100), Some(503), "{name}");
        assert_eq!(post_event(listen.port, &format!("evt_{name}_3"), 100), Some(503), "{name}: and stays so");
        let err = listen.stderr_text();
        assert!(err.contains("STOPPED ACKNOWLEDGING") && err.contains(said), "{name}: {err}");
    }
}

/// Case 4: a second listen on the same store refuses to start, naming the running one.
#[test]
fn case04_a_second_listen_on_one_store_refuses_and_names_the_first() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("whk.db");
    let first = start(tmp.path(), &store, "first", &["--secret".into(), SECRET.into()]);
    let second = whk(tmp.path())
        .args(["listen", "--secret", SECRET, "--port", &free_port().to_string(), "--log"])
        .arg(&store)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{err}");
    let named = format!("pid {}, http://127.0.0.1:{}", first.child.id(), first.port);
    assert!(err.contains(&named) && err.contains("--log PATH"), "{err}");
    drop(first);
    // Killed, its lock goes with it: the store is usable again.
    let again = start(tmp.path(), &store, "again", &["--secret".into(), SECRET.into()]);
    assert_eq!(post_event(again.port, "evt_again", 10), Some(200));
}

/// Case 5: after a SIGKILL (and for a 0.1 log with a torn last line, imported), `replay --pending`
/// twice sends each owed event once.
#[test]
fn case05_replay_pending_twice_sends_once() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("whk.db");
    let app_port = free_port();
    let listen = start(tmp.path(), &store, "killed", &listen_args(&format!("127.0.0.1:{app_port}/hook")));
    for n in 0..3 {
        assert_eq!(post_event(listen.port, &format!("evt_k{n}"), 100), Some(200));
    }
    listen.stop("KILL");
    // A 0.1 log: two events owed to the app, the second's `delivered` line torn by a crash.
    let old = tmp.path().join("events.jsonl");
    let target = format!("http://127.0.0.1:{app_port}/old");
    let line = |id: &str, seq: u64| {
        serde_json::json!({"rec": "event", "seq": seq, "at": "2026-01-01T00:00:00.000Z", "id": id,
            "type": "charge.succeeded", "provider": "stripe", "verified": "local", "path": "/",
            "headers": {}, "targets": [target], "body": String::from_utf8(event_body(id, 10)).unwrap()})
        .to_string()
    };
    std::fs::write(
        &old,
        format!("{}\n{}\n{{\"rec\":\"delivered\",\"seq\":2,\"tar", line("evt_old1", 1), line("evt_old2", 2)),
    )
    .unwrap();
    let import = whk(tmp.path()).args(["log", "import"]).arg(&old).arg("--log").arg(&store).output().unwrap();
    assert!(import.status.success(), "{}", String::from_utf8_lossy(&import.stderr));
    assert!(String::from_utf8_lossy(&import.stderr).contains("skipped 1 lines"));

    let records: Records = Arc::new(Mutex::new(Vec::new()));
    let _app = App::start(app_port, records.clone(), App::always(200));
    let replay =
        || whk(tmp.path()).args(["replay", "--pending", "--secret", SECRET, "--log"]).arg(&store).output().unwrap();
    let first = replay();
    assert_eq!(first.status.code(), Some(0), "{}", String::from_utf8_lossy(&first.stderr));
    let second = replay();
    // Nothing left is a success (issue 14), said on stderr.
    assert_eq!(second.status.code(), Some(0), "nothing left: {}", String::from_utf8_lossy(&second.stderr));
    assert!(String::from_utf8_lossy(&second.stderr).contains("no pending delivery"));
    assert_eq!(ids_received(&records), ["evt_k0", "evt_k1", "evt_k2", "evt_old1", "evt_old2"]);
}

/// Case 6 (and the ready figure): on a 100,000-event store `replay --last 1` reads one event, and
/// listen is ready at once. Limits for the release build are the issue's (50 ms, 32 MiB, 200 ms).
#[test]
fn case06_a_100k_event_store_is_cheap_to_replay_from_and_to_start_on() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("whk.db");
    let old = tmp.path().join("big.jsonl");
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&old).unwrap());
        for seq in 1..=100_000u64 {
            let id = format!("evt_{seq:06}");
            let record = serde_json::json!({"rec": "event", "seq": seq, "at": "2026-01-01T00:00:00.000Z",
                "id": id, "type": "charge.succeeded", "provider": "stripe", "verified": "local", "path": "/",
                "headers": {"content-type": "application/json"}, "targets": [],
                "body": String::from_utf8(event_body(&id, 1500)).unwrap()});
            writeln!(out, "{record}").unwrap();
        }
    }
    let import = whk(tmp.path()).args(["log", "import"]).arg(&old).arg("--log").arg(&store).output().unwrap();
    assert!(import.status.success(), "{}", String::from_utf8_lossy(&import.stderr));
    std::fs::remove_file(&old).unwrap();

    let release = !cfg!(debug_assertions);
    let records: Records = Arc::new(Mutex::new(Vec::new()));
    let app = App::start(0, records.clone(), App::always(200));
    let (status, elapsed, rss_kib) = measured(
        whk(tmp.path()).args(["replay", "--last", "1", "--secret", SECRET, "--to", &app.url("/"), "--log"]).arg(&store),
    );
    assert!(status.success());
    assert_eq!(ids_received(&records), ["evt_100000"]);
    eprintln!("replay --last 1 on 100,000 events: {elapsed:?}, {} KiB peak", rss_kib);
    assert!(rss_kib <= 32 * 1024, "replay --last 1 used {rss_kib} KiB");
    let limit = if release { Duration::from_millis(50) } else { Duration::from_millis(500) };
    assert!(elapsed <= limit, "replay --last 1 took {elapsed:?}");

    let port = free_port();
    let started = Instant::now();
    let _listen = Listen::start_logging_to(&store, tmp.path(), port, "big", &["--secret", SECRET]);
    // Ready means acknowledging, not just bound.
    assert_eq!(post_event(port, "evt_ready", 10), Some(200));
    let ready = started.elapsed();
    eprintln!("listen ready on 100,000 events: {ready:?}");
    let limit = if release { Duration::from_millis(200) } else { Duration::from_millis(2000) };
    assert!(ready <= limit, "listen took {ready:?} to be ready");
}

/// Case 7: forged requests keep their headers and only the first 4 KiB of body.
#[test]
fn case07_rejected_requests_keep_only_4_kib() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("whk.db");
    let listen = start(tmp.path(), &store, "forged", &["--secret".into(), SECRET.into()]);
    assert_eq!(post_event(listen.port, "evt_first", 10), Some(200));
    let size = |p: &Path| -> u64 {
        ["", "-wal"].iter().map(|s| std::fs::metadata(format!("{}{s}", p.display())).map_or(0, |m| m.len())).sum()
    };
    let before = size(&store);
    let body = event_body("evt_forged", 1024 * 1024 - 100);
    let forged = vec![("Stripe-Signature".to_string(), "t=1,v1=00".to_string())];
    for _ in 0..10 {
        let answer = exchange(listen.port, &post_bytes("/", &forged, &body), Duration::from_secs(10)).unwrap();
        assert_eq!(answer.status, Some(400));
    }
    // Rejections are not waited for (nobody is acknowledged): they are committed within 10 ms.
    let rejections = || read_log(&store).into_iter().filter(|r| r["rec"] == "rejected").collect::<Vec<_>>();
    assert!(wait_until(Duration::from_secs(5), || rejections().len() == 10), "{:#?}", rejections());
    let rejected = rejections();
    let grown = size(&store).saturating_sub(before);
    assert!(grown < 1024 * 1024, "10 forged 1 MiB requests grew the store by {grown} bytes");
    for r in &rejected {
        assert_eq!(r["body_len"], body.len());
        assert_eq!(r["body"].as_str().unwrap().len(), 4096);
        assert_eq!(r["headers"]["stripe-signature"], "t=1,v1=00");
    }
}

/// Case 8: few file handles and many idle connections: no spinning, valid events answered, and
/// the soft limit raised to the hard one at start.
#[test]
fn case08_file_handle_exhaustion_backs_off_and_answers() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("whk.db");
    let port = free_port();
    let stderr = tmp.path().join("fd.err");
    let limited = |soft: u64, hard: u64, extra: &[&str]| {
        let mut cmd = whk(tmp.path());
        cmd.args(["listen", "--secret", SECRET, "--port", &port.to_string(), "--log"])
            .arg(&store)
            .args(extra)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&stderr).unwrap());
        unsafe {
            std::os::unix::process::CommandExt::pre_exec(&mut cmd, move || {
                let limit = libc::rlimit { rlim_cur: soft, rlim_max: hard };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0 {
                    Ok(())
                } else {
                    Err(std::io::Error::last_os_error())
                }
            });
        }
        Killed(cmd.spawn().unwrap())
    };
    let wait_ready =
        || assert!(wait_until(Duration::from_secs(15), || TcpStream::connect(("127.0.0.1", port)).is_ok()));
    let busy_share = |pid: u32| {
        let before = cpu_ticks(pid);
        let started = Instant::now();
        std::thread::sleep(Duration::from_secs(2));
        let ticks_per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
        (cpu_ticks(pid) - before) as f64 / ticks_per_second / started.elapsed().as_secs_f64()
    };

    let raised = limited(256, 2048, &[]);
    wait_ready();
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", raised.0.id())).unwrap();
    let open_files = limits.lines().find(|l| l.starts_with("Max open files")).unwrap().to_string();
    assert!(open_files.split_whitespace().filter(|w| *w == "2048").count() == 2, "{open_files}");
    drop(raised);

    // The default connection cap stays under the handle limit: beyond it, a prompt 503.
    let capped = limited(256, 256, &[]);
    wait_ready();
    let idle: Vec<TcpStream> = (0..400).filter_map(|_| TcpStream::connect(("127.0.0.1", port)).ok()).collect();
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    let status = post_event(port, "evt_crowded", 10);
    assert_eq!(status, Some(503), "a valid event beyond the cap gets a clear 503");
    assert!(started.elapsed() < Duration::from_secs(2));
    let busy = busy_share(capped.0.id());
    assert!(busy < 0.5, "listen used {:.0}% CPU at its connection cap", busy * 100.0);
    drop(idle);
    assert!(
        wait_until(Duration::from_secs(15), || post_event(port, "evt_after", 10) == Some(200)),
        "once the idle connections go, events are accepted"
    );
    drop(capped);

    // A cap above the handle limit: accept fails (EMFILE) and listen backs off instead of spinning.
    let uncapped = limited(256, 256, &["--max-connections", "5000"]);
    wait_ready();
    let idle: Vec<TcpStream> = (0..400).filter_map(|_| TcpStream::connect(("127.0.0.1", port)).ok()).collect();
    std::thread::sleep(Duration::from_millis(300));
    let busy = busy_share(uncapped.0.id());
    assert!(busy < 0.5, "listen used {:.0}% CPU out of file handles", busy * 100.0);
    assert!(std::fs::read_to_string(&stderr).unwrap().contains("cannot accept a connection"));
    drop(idle);
    assert!(
        wait_until(Duration::from_secs(15), || post_event(port, "evt_later", 10) == Some(200)),
        "once handles are free again, events are accepted"
    );
    drop(uncapped);
}

/// Case 9: a closed stdout ends listen cleanly (no SIGPIPE death); a stdout nobody reads never
/// delays an acknowledgement.
#[test]
fn case09_console_off_the_acknowledgement_path() {
    let tmp = tempfile::tempdir().unwrap();
    let port = free_port();
    let spawn = |name: &str| -> Killed {
        Killed(
            whk(tmp.path())
                .args(["listen", "--secret", SECRET, "--port", &port.to_string(), "--log"])
                .arg(tmp.path().join(format!("{name}.db")))
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap(),
        )
    };
    // `whk listen | head -n 1`: listen is the receiver, printing each event on stdout.
    let mut head = spawn("head");
    let child = &mut head.0;
    assert!(wait_until(Duration::from_secs(15), || TcpStream::connect(("127.0.0.1", port)).is_ok()));
    assert_eq!(post_event(port, "evt_h1", 10), Some(200));
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.contains("evt_h1"));
    // The reader is gone now (dropped with the BufReader).
    for n in 2..5 {
        let _ = post_event(port, &format!("evt_h{n}"), 10);
    }
    let ended = wait_until(Duration::from_secs(15), || child.try_wait().unwrap().is_some());
    assert!(ended, "listen ends when stdout is closed");
    let status = child.wait().unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert_eq!(status.code(), Some(0), "a clean exit, not a signal: {status:?} {err}");
    assert!(err.contains("stdout was closed"), "{err}");

    // A stdout pipe nobody reads (64 KiB of buffer): 400 events of 1 KiB are all answered promptly.
    let stalled = spawn("stalled");
    assert!(wait_until(Duration::from_secs(15), || TcpStream::connect(("127.0.0.1", port)).is_ok()));
    let mut slowest = Duration::ZERO;
    for n in 0..400 {
        let started = Instant::now();
        assert_eq!(post_event(port, &format!("evt_s{n}"), 1024), Some(200), "event {n}");
        slowest = slowest.max(started.elapsed());
    }
    assert!(slowest < Duration::from_secs(1), "an acknowledgement waited {slowest:?}");
    drop(stalled);
}

/// Case 10: two listens forwarding to each other: the event comes back to the first with its relay
/// header, and is refused instead of stored again.
#[test]
fn case10_an_event_coming_back_is_not_stored_again() {
    let tmp = tempfile::tempdir().unwrap();
    let (a_port, b_port) = (free_port(), free_port());
    let a_store = tmp.path().join("a.db");
    let b_store = tmp.path().join("b.db");
    let to = |port: u16| format!("127.0.0.1:{port}/");
    let args = |port: u16| -> Vec<String> {
        ["--secret", SECRET, "--retries", "0", "--forward-to", &to(port)].iter().map(|s| s.to_string()).collect()
    };
    let a_args = args(b_port);
    let b_args = args(a_port);
    let a = Listen::start_logging_to(
        &a_store,
        tmp.path(),
        a_port,
        "a",
        &a_args.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let _b = Listen::start_logging_to(
        &b_store,
        tmp.path(),
        b_port,
        "b",
        &b_args.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert_eq!(post_event(a_port, "evt_loop", 10), Some(200));
    assert!(wait_until(Duration::from_secs(10), || a.stderr_text().contains("came back")), "{}", a.stderr_text());
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(accepted_ids(&a_store), ["evt_loop"], "stored once by the first listen");
    assert_eq!(accepted_ids(&b_store), ["evt_loop"], "and once by the second");
}

/// Case 13: hundreds of connections each holding a nearly complete 1 MiB body: memory stays
/// bounded (bodies beyond the budget get a 503), and valid events still get through.
#[test]
fn case13_bodies_in_flight_are_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("whk.db");
    let listen = start(tmp.path(), &store, "bodies", &["--secret".into(), SECRET.into()]);
    let size = 1024 * 1024;
    let head = format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n"
    );
    let almost = vec![b' '; size - 1];
    let mut held = Vec::new();
    let mut refused = 0;
    for _ in 0..300 {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", listen.port)) else { continue };
        stream.set_write_timeout(Some(Duration::from_secs(2))).unwrap();
        if stream.write_all(head.as_bytes()).and_then(|_| stream.write_all(&almost)).is_err() {
            refused += 1;
        }
        held.push(stream);
    }
    std::thread::sleep(Duration::from_millis(500));
    let peak = peak_rss_kib(listen.child.id());
    eprintln!("300 connections × 1 MiB bodies: listen peak {} MiB, {refused} refused while writing", peak / 1024);
    assert!(peak < 128 * 1024, "listen peaked at {} MiB", peak / 1024);
    let status = post_event(listen.port, "evt_during", 10);
    assert!(matches!(status, Some(200) | Some(503)), "a clear answer while the budget is spent: {status:?}");
    drop(held);
    assert!(
        wait_until(Duration::from_secs(15), || post_event(listen.port, "evt_through", 10) == Some(200)),
        "valid events get through once the slow bodies are gone"
    );
}
