#![deny(unsafe_code)]

fn main() {
    // Die quietly on a closed pipe (`whk events | head`) as Unix tools do, instead of panicking.
    whk::os::on_closed_pipe(whk::os::OnClosedPipe::Exit);
    std::process::exit(whk::run(std::env::args_os()));
}
