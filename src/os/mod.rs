//! The few calls whk makes straight into the operating system, each with what makes it sound.
//! Everything else in the crate is `#![deny(unsafe_code)]`.
#![allow(unsafe_code)]

/// What a write to a closed pipe does.
#[derive(Clone, Copy)]
pub enum OnClosedPipe {
    /// Die quietly, as Unix tools do (`whk events | head`).
    Exit,
    /// Fail the write with an error the program handles (listen then ends cleanly).
    Error,
}

/// Sets what a write to a closed pipe does, for the whole process.
pub fn on_closed_pipe(choice: OnClosedPipe) {
    #[cfg(unix)]
    {
        let disposition = match choice {
            OnClosedPipe::Exit => libc::SIG_DFL,
            OnClosedPipe::Error => libc::SIG_IGN,
        };
        // SAFETY: SIG_DFL and SIG_IGN are valid dispositions for SIGPIPE and install no handler
        // code, so there is nothing a concurrently running thread could observe half set.
        unsafe {
            libc::signal(libc::SIGPIPE, disposition);
        }
    }
    #[cfg(not(unix))]
    let _ = choice;
}

/// Raises the soft limit on open files towards `wanted` (`None`: to the hard limit); returns the
/// soft limit in effect afterwards.
pub fn raise_open_files_limit(wanted: Option<u64>) -> u64 {
    #[cfg(unix)]
    #[allow(clippy::unnecessary_cast)] // rlim_t is not u64 everywhere
    {
        let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: getrlimit and setrlimit only read and write the `rlimit` values on this stack
        // frame, valid and initialised for both calls; RLIMIT_NOFILE is a valid resource.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
                return 1024;
            }
            let target = wanted.map_or(limit.rlim_max, |w| (w as libc::rlim_t).min(limit.rlim_max));
            if limit.rlim_cur < target {
                let raised = libc::rlimit { rlim_cur: target, rlim_max: limit.rlim_max };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                    limit.rlim_cur = target;
                }
            }
        }
        limit.rlim_cur as u64
    }
    #[cfg(not(unix))]
    {
        let _ = wanted;
        1024
    }
}

/// Creates `dir` and its parents, readable by the owner only where created (whk's folders hold
/// secrets, bodies and headers).
pub fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// While alive, the terminal on standard input does not buffer lines or echo: keys typed while a
/// program is busy (redrawing a list) wait, whole, for its next read. In line mode the terminal
/// would itself act on a backspace typed then, and the program would never see it.
pub struct KeysUnbuffered {
    #[cfg(unix)]
    saved: Option<libc::termios>,
}

impl KeysUnbuffered {
    pub fn new() -> KeysUnbuffered {
        #[cfg(unix)]
        {
            // SAFETY: tcgetattr and tcsetattr only read and write the `termios` value on this stack
            // frame, valid for both calls, for standard input's descriptor, open for the process.
            unsafe {
                let mut saved: libc::termios = std::mem::zeroed();
                if libc::tcgetattr(libc::STDIN_FILENO, &mut saved) != 0 {
                    return KeysUnbuffered { saved: None };
                }
                let mut keys = saved;
                keys.c_lflag &= !(libc::ICANON | libc::ECHO);
                keys.c_cc[libc::VMIN] = 1;
                keys.c_cc[libc::VTIME] = 0;
                let changed = libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &keys) == 0;
                KeysUnbuffered { saved: changed.then_some(saved) }
            }
        }
        #[cfg(not(unix))]
        KeysUnbuffered {}
    }
}

impl Default for KeysUnbuffered {
    fn default() -> Self {
        KeysUnbuffered::new()
    }
}

impl Drop for KeysUnbuffered {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(saved) = &self.saved {
            // SAFETY: restores the settings read in `new`, a valid `termios`, on the same descriptor.
            unsafe {
                libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, saved);
            }
        }
    }
}

/// Takes an exclusive advisory lock on `file` without waiting; false when another process holds it.
pub fn try_lock(file: &std::fs::File) -> bool {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: the descriptor belongs to `file`, which is open for the whole call; flock only
        // reads the descriptor and the flags.
        unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) == 0 }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        true
    }
}

/// Whether a process with this id exists (under any user).
pub fn process_alive(pid: i64) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
        // SAFETY: signal 0 delivers nothing, it only checks that the process exists; errno is read
        // right after, on this thread. EPERM means it exists under another user.
        unsafe { libc::kill(pid, 0) == 0 || *libc::__errno_location() == libc::EPERM }
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// The local time zone's offset from UTC, in seconds, at a moment (unix seconds): what a clock on
/// this machine showed then, daylight saving included. 0 where it cannot be known.
pub fn utc_offset_seconds(unix: i64) -> i64 {
    #[cfg(unix)]
    #[allow(clippy::unnecessary_cast)] // time_t is not i64 everywhere
    {
        let time = unix as libc::time_t;
        // SAFETY: localtime_r is the thread-safe form: it reads `time` and writes only the `tm` on
        // this stack frame, both valid for the call; a null result leaves `tm` unread.
        unsafe {
            let mut tm: libc::tm = std::mem::zeroed();
            if libc::localtime_r(&time, &mut tm).is_null() {
                return 0;
            }
            tm.tm_gmtoff as i64
        }
    }
    #[cfg(not(unix))]
    {
        let _ = unix;
        0
    }
}
