//! Why `whk listen` does not use tiny_http: it has no per-connection read timeout, so a client that
//! sends headers and then stalls mid-body holds a handler thread for as long as it likes. With four
//! handler threads, four such clients stop the server answering anyone.
//!
//! Run: cargo run --release --manifest-path bench/tiny-http-stall/Cargo.toml

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

const HANDLERS: usize = 4;

fn main() {
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
    let port = server.server_addr().to_ip().unwrap().port();
    for _ in 0..HANDLERS {
        let server = server.clone();
        std::thread::spawn(move || {
            for mut request in server.incoming_requests() {
                let mut body = Vec::new();
                let _ = request.as_reader().read_to_end(&mut body);
                let _ = request.respond(tiny_http::Response::from_string("ok"));
            }
        });
    }
    // Large declared bodies are streamed to the handler, so a stall blocks the handler itself.
    let stalled: Vec<TcpStream> = (0..HANDLERS)
        .map(|_| {
            let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
            c.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{").unwrap();
            c
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));

    let started = Instant::now();
    let mut client = TcpStream::connect(("127.0.0.1", port)).unwrap();
    client.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    client.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}").unwrap();
    let mut answer = String::new();
    let answered = client.read_to_string(&mut answer).is_ok() && !answer.is_empty();
    println!(
        "tiny_http, {HANDLERS} handlers, {HANDLERS} stalled clients: a normal request {} after {:.1} s",
        if answered { "was answered" } else { "got NO answer" },
        started.elapsed().as_secs_f64()
    );
    let open = stalled.iter().filter(|c| c.peer_addr().is_ok()).count();
    println!("stalled connections still open: {open}/{HANDLERS} (tiny_http never times them out)");
}
