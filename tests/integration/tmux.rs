//! A real terminal for tests: a tmux pane with a pty, on its own tmux server. Needs tmux
//! (`apt-get install tmux`); CI installs it.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// A detached tmux session on its own server (its own socket), running one shell command.
pub struct Tmux {
    socket: PathBuf,
    _dir: tempfile::TempDir,
}

impl Tmux {
    /// Runs `script` (sh syntax) in a 160x50 pane; the pane stays open after it, so its output can
    /// be read. whk gets a fresh config directory and none of the test's WHK_* or NO_COLOR.
    pub fn start(script: &str, env: &[(&str, &str)]) -> Tmux {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("tmux.sock");
        let mut cmd = Command::new("tmux");
        cmd.arg("-S").arg(&socket).args(["-f", "/dev/null", "new-session", "-d", "-x", "160", "-y", "50"]);
        cmd.arg(format!("{script}; echo \"[exit $?]\"; sleep 600"));
        for var in
            ["TMUX", "WHK_SECRET", "WHK_TEMPLATES", "WHK_FORWARD_TO", "WHK_PROVIDER", "WHK_API_VERSION", "NO_COLOR"]
        {
            cmd.env_remove(var);
        }
        cmd.env("WHK_CONFIG_DIR", dir.path().join("config")).env("PATH", path_with_whk());
        for (key, value) in env {
            cmd.env(key, value);
        }
        match cmd.status() {
            Ok(status) => assert!(status.success(), "tmux new-session failed: {status}"),
            Err(e) => panic!(
                "cannot run tmux ({e}): the terminal tests need it; install it with `apt-get install tmux` (CI does)"
            ),
        }
        Tmux { socket, _dir: dir }
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").arg("-S").arg(&self.socket).args(args).output().unwrap();
        assert!(out.status.success(), "tmux {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Types text as it is (no key names).
    pub fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-l", text]);
    }

    pub fn press(&self, key: &str) {
        self.tmux(&["send-keys", key]);
    }

    /// The pane's text; with `escapes`, its colours and attributes as escape sequences too.
    pub fn screen(&self, escapes: bool) -> String {
        self.tmux(if escapes { &["capture-pane", "-p", "-e"] } else { &["capture-pane", "-p"] })
    }

    /// Waits until the pane shows `text`, and returns the screen.
    pub fn wait_for(&self, text: &str) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen(false);
            if screen.contains(text) {
                return screen;
            }
            assert!(started.elapsed() < Duration::from_secs(30), "timed out waiting for {text:?}; screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").arg("-S").arg(&self.socket).arg("kill-server").output();
    }
}

pub fn path_with_whk() -> String {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_whk"));
    format!("{}:{}", bin.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default())
}
