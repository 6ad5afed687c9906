#![deny(unsafe_code)]

// mimalloc instead of the system allocator: listen allocates on several threads at once, and
// glibc's malloc took about a sixth of its receiving thread's time (perf; README "Benchmarks").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // Die quietly on a closed pipe (`whk events | head`) as Unix tools do, instead of panicking.
    whk::os::on_closed_pipe(whk::os::OnClosedPipe::Exit);
    std::process::exit(whk::run(std::env::args_os()));
}
