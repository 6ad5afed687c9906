//! The bad-input corpus against the CLI: tests/corpus/cli.jsonl, one case a line.
//!
//! Each case runs `whk ARGS` in a fresh folder with its config in `{dir}/config` and no WHK_*
//! variables but the case's `env`. `files` are written first (Latin-1 text: `\u00e9` is the byte
//! 0xE9), `dirs` made, `symlinks` (`link: target`) created, `sparse` files (`name: size`) of
//! zeros. `{dir}` and `{closed_port}` are replaced in args, env, file names and expected messages.
//! `expect`: the exit `code`, a substring of `stderr` and/or `stdout`, and `absent`, a substring
//! neither may contain (secrets must not be echoed). Whatever the case, whk must end by itself and
//! must not panic.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::corpus_listen::load;
use crate::support::{free_port, whk};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    args: Vec<String>,
    #[serde(default)]
    files: BTreeMap<String, String>,
    #[serde(default)]
    dirs: Vec<String>,
    #[serde(default)]
    symlinks: BTreeMap<String, String>,
    /// Files of this many zero bytes, made sparse so a huge input costs no disk.
    #[serde(default)]
    sparse: BTreeMap<String, u64>,
    #[serde(default)]
    env: BTreeMap<String, String>,
    expect: Expect,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    code: i32,
    #[serde(default)]
    stderr: String,
    #[serde(default)]
    stdout: String,
    #[serde(default)]
    absent: Option<String>,
}

#[test]
fn the_cli_refuses_every_bad_input_with_its_exit_code_and_message() {
    let cases: Vec<Case> = load("cli.jsonl");
    let names: HashSet<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), cases.len(), "case names are unique");
    let failures: Vec<String> =
        cases.iter().filter_map(|c| run_case(c).err().map(|e| format!("{}: {e}", c.name))).collect();
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

fn run_case(case: &Case) -> Result<(), String> {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let port = free_port().to_string();
    let fill = |s: &str| s.replace("{dir}", &dir.display().to_string()).replace("{closed_port}", &port);
    for d in &case.dirs {
        std::fs::create_dir_all(dir.join(fill(d))).unwrap();
    }
    for (name, text) in &case.files {
        let path = dir.join(fill(name));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let bytes: Vec<u8> = text.chars().map(|c| u8::try_from(u32::from(c)).expect("Latin-1")).collect();
        std::fs::write(path, bytes).unwrap();
    }
    for (name, size) in &case.sparse {
        std::fs::File::create(dir.join(fill(name))).unwrap().set_len(*size).unwrap();
    }
    for (link, target) in &case.symlinks {
        let link = dir.join(fill(link));
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(Path::new(&fill(target)), link).unwrap();
    }
    let mut cmd = whk(dir);
    cmd.args(case.args.iter().map(|a| fill(a)));
    for (key, value) in &case.env {
        cmd.env(key, fill(value));
    }
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    // A bad input must end the command; one that started serving instead would hang here.
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            return Err("still running after 20 s".into());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let shown = || format!("\n--- stdout\n{stdout}--- stderr\n{stderr}");
    let code = out.status.code().ok_or("killed by a signal")?;
    if code != case.expect.code {
        return Err(format!("exit code {code}, expected {}{}", case.expect.code, shown()));
    }
    if stderr.contains("panicked") || code == 101 {
        return Err(format!("panicked{}", shown()));
    }
    let (want_err, want_out) = (fill(&case.expect.stderr), fill(&case.expect.stdout));
    if !stderr.contains(&want_err) {
        return Err(format!("stderr lacks {want_err:?}{}", shown()));
    }
    if !stdout.contains(&want_out) {
        return Err(format!("stdout lacks {want_out:?}{}", shown()));
    }
    if let Some(absent) = &case.expect.absent {
        if stdout.contains(absent.as_str()) || stderr.contains(absent.as_str()) {
            return Err(format!("output contains {absent:?}{}", shown()));
        }
    }
    Ok(())
}
