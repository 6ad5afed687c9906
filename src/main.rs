fn main() {
    // Die quietly on a closed pipe (`whk events | head`) as Unix tools do, instead of panicking.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    std::process::exit(whk::run(std::env::args_os()));
}
