#![deny(unsafe_code)]

fn main() {
    // Die quietly on a closed pipe (`whk events | head`) as Unix tools do, instead of panicking.
    #[cfg(unix)]
    #[allow(unsafe_code)]
    // SAFETY: this runs first in main, before any thread exists, so no other code can be changing
    // or relying on the SIGPIPE disposition; SIG_DFL is a valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    std::process::exit(whk::run(std::env::args_os()));
}
