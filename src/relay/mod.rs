//! The local relay behind `whk listen`: receive, verify, record durably, forward in order.

pub mod console;
mod forward;
mod inbound;
mod inspector;
pub mod routing;
mod sentry;
pub mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::watch;

use crate::delivery::{Client, TlsSettings};
use crate::signing::Scheme;
use crate::Exit;

pub use console::Console;
use forward::{ForwardSettings, Forwarding};
use inbound::Inbound;
use inspector::Inspector;
use routing::Routing;

pub struct RelayConfig {
    pub addr: SocketAddr,
    pub routing: Routing,
    /// whk's own secret: accepted on the way in, used to re-sign on the way out.
    pub secret: String,
    /// Provider secrets also accepted on the way in.
    pub verify_secrets: Vec<(Scheme, String)>,
    /// Accept unsigned or unverifiable requests (`--accept-unsigned`).
    pub accept_unsigned: bool,
    /// Certificates https:// targets may present.
    pub tls: TlsSettings,
    pub max_body: u64,
    /// How long a client may take to send its headers, then its body.
    pub client_timeout: Duration,
    pub retries: u32,
    pub timeout: Duration,
    /// Requests pipelined on a target's connection (`--in-flight`).
    pub in_flight: usize,
    pub headers: Vec<(String, String)>,
    pub connect_headers: Vec<(String, String)>,
    pub log_path: PathBuf,
    pub format: console::ListenFormat,
    pub exit_after: Option<u64>,
    /// Connections served at once; more get a 503 (0: as many as the file-handle limit allows).
    pub max_connections: usize,
    /// Serve the web inspector (src/ui/inspector/API.md) on the same address.
    pub inspector: bool,
}

/// Bytes of request bodies held at once, at least: beyond it senders get a 503 (memory stays
/// bounded whatever `connections × --max-body` could reach).
const BODY_BUDGET: u64 = 32 * 1024 * 1024;
/// The most a connection's read buffer holds (headers, and body bytes on their way).
const READ_BUFFER: usize = 64 * 1024;
/// File handles kept back from connections, for the store, targets and the console.
const SPARE_HANDLES: u64 = 64;

/// How long shutdown waits for deliveries in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

pub fn run(config: RelayConfig, announce: impl FnOnce(&Console, SocketAddr, usize)) -> Result<Exit> {
    // A closed stdout must be an error on write (listen then ends cleanly), not a signal death.
    crate::os::on_closed_pipe(crate::os::OnClosedPipe::Error);
    // One worker: on 2 cores, a second one only added hand-offs between threads (measured with wrk
    // at 64 connections: about 10% less CPU per event with one). The inspector's queries run on
    // the blocking pool, never on it.
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()?;
    runtime.block_on(serve(config, announce))
}

async fn serve(config: RelayConfig, announce: impl FnOnce(&Console, SocketAddr, usize)) -> Result<Exit> {
    let handles = crate::os::raise_open_files_limit(None);
    let listener = tokio::net::TcpListener::bind(config.addr).await.map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
            " (is another `whk listen` running? pick another port with --port)"
        } else {
            ""
        };
        anyhow::Error::new(crate::UsageError(format!("cannot listen on {}: {e}{hint}", config.addr)))
    })?;
    let bound = listener.local_addr()?;
    config.routing.refuse_own_address(bound)?;
    let _sentry = sentry::Sentry::take(&config.log_path, bound)?;
    let opened = store::open_for_listen(&config.log_path, |why| {
        console::say_error(&format!(
            "whk: STOPPED ACKNOWLEDGING: {why}. Every new event now gets a 503 (nothing is lost: senders retry). \
             Restart `whk listen` to start a new store."
        ));
    })?;
    let max_connections = match config.max_connections {
        0 => handles.saturating_sub(SPARE_HANDLES).max(16) as usize,
        n => n,
    };
    let connections = Arc::new(tokio::sync::Semaphore::new(max_connections));
    let (console, stdout_closed) = Console::start(config.format);
    let console = Arc::new(console);
    let relay_token = format!("{}-{:016x}", std::process::id(), rand::random::<u64>());
    let forwarding = Arc::new(Forwarding::new(
        ForwardSettings {
            secret: config.secret.clone(),
            retries: config.retries,
            headers: config.headers,
            connect_headers: config.connect_headers,
            client: Client::new(config.timeout, config.tls),
            relay_token: relay_token.clone(),
            in_flight: config.in_flight,
        },
        store::Reader::open(&opened.path)?,
        opened.writer.clone(),
        console.clone(),
    ));
    let inspector = match config.inspector {
        true => {
            let routing = &config.routing;
            let shown_targets =
                routing.forward_to.iter().chain(&routing.connect_to).chain(routing.routes.iter().map(|(_, url)| url));
            Some(Inspector::start(&opened.path, shown_targets.cloned().collect(), forwarding.clone())?)
        }
        false => None,
    };
    let (stop, stopped) = watch::channel(false);
    let targets = config.routing.all_targets().into_iter().chain(opened.pending.iter().map(|(_, t)| t.clone()));
    // Forwarding runs beside the senders' connections: a worker wakes once for as many
    // requests as its window holds, so it keeps up, and a runtime of its own (as before
    // pipelining) only added hand-offs between threads (bench/listen-cpu up, alternating: about
    // 6% more delivered).
    let (queues, workers) = forward::start(forwarding.clone(), targets, stopped.clone());
    let queues = Arc::new(queues);
    let resumed = opened.pending.len();
    for (seq, target) in &opened.pending {
        queues.resume(&forwarding, *seq, target);
    }
    if opened.held_elsewhere > 0 {
        console.info(&format!(
            "{} pending deliveries are being sent by another whk process (a `whk replay --pending`); left to it",
            opened.held_elsewhere
        ));
    }

    let inbound = Arc::new(Inbound {
        console: console.clone(),
        local_secret: config.secret.clone(),
        provider_secrets: config.verify_secrets,
        accept_unsigned: config.accept_unsigned,
        max_body: config.max_body,
        body_timeout: config.client_timeout,
        receiver_mode: config.routing.is_empty(),
        routing: config.routing,
        writer: opened.writer.clone(),
        body_budget: Arc::new(tokio::sync::Semaphore::new(
            BODY_BUDGET.max(config.max_body).min(tokio::sync::Semaphore::MAX_PERMITS as u64) as usize,
        )),
        relay_token,
        queues,
        forwarding: forwarding.clone(),
    });
    announce(&console, bound, resumed);
    if inspector.is_some() {
        console.info(&format!("Inspector: http://{bound}/"));
    }

    let exit_after = config.exit_after;
    let client_timeout = config.client_timeout;
    let handled = forwarding.handled.clone();
    let enough = async move {
        match exit_after {
            Some(n) => {
                while handled.load(Ordering::SeqCst) < n {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
            None => std::future::pending().await,
        }
    };
    tokio::pin!(enough);
    let mut stop_signal = std::pin::pin!(shutdown_signal());
    let mut stdout_closed = stdout_closed;
    let mut accept_backoff = AcceptBackoff::default();
    let mut closed_stdout = false;
    let mut counted_out = false;
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(accepted) => {
                        accept_backoff.reset();
                        accepted
                    }
                    Err(err) => {
                        // Out of file handles, most likely: waiting lets connections finish;
                        // retrying at once would only spin.
                        accept_backoff.wait(&console, &err).await;
                        continue;
                    }
                };
                let Ok(slot) = connections.clone().try_acquire_owned() else {
                    tokio::spawn(refuse_busy(stream, max_connections));
                    continue;
                };
                let (inbound, inspector) = (inbound.clone(), inspector.clone());
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
                        request.extensions_mut().insert(inbound::Peer(peer));
                        dispatch(inbound.clone(), inspector.clone(), request)
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .timer(TokioTimer::new())
                        .header_read_timeout(client_timeout)
                        // Read buffers stay small (hyper's default lets each grow to ~400 KiB):
                        // connections × buffer is memory no body budget counts.
                        .max_buf_size(READ_BUFFER)
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                    drop(slot);
                });
            }
            _ = &mut stop_signal => break,
            _ = &mut enough => {
                counted_out = true;
                break;
            }
            _ = stdout_closed.wait_for(|closed| *closed) => {
                closed_stdout = true;
                break;
            }
        }
    }
    if closed_stdout {
        console::say_error("whk: stdout was closed: stopping (deliveries in flight finish first)");
    }

    // Stop accepting, let deliveries in flight finish for a bounded time, then report the rest.
    drop(listener);
    if let Some(inspector) = &inspector {
        inspector.close_feeds();
    }
    let _ = stop.send(true);
    let mut workers = workers;
    let finished = tokio::time::timeout(SHUTDOWN_GRACE, async {
        for worker in workers.iter_mut() {
            let _ = worker.await;
        }
    })
    .await;
    if finished.is_err() {
        // A delivery still waiting for its answer stays pending in the store.
        for worker in &workers {
            worker.abort();
        }
        for worker in workers {
            let _ = worker.await;
        }
    }
    let pending = forwarding.outstanding.load(Ordering::SeqCst);
    console.flush(Duration::from_secs(1));
    if pending > 0 {
        console::say_error(&format!(
            "{pending} deliveries still pending: they are in {} and go out on the next `whk listen`",
            opened.path.display()
        ));
    }
    // --exit-after is for scripts: they learn from the code whether every delivery went well.
    let exit = match forwarding.worst_exit.load(Ordering::SeqCst) {
        _ if !counted_out => Exit::Success,
        0 => Exit::Success,
        3 => Exit::Unreachable,
        _ => Exit::Refused,
    };
    let dropped = console.dropped.load(Ordering::Relaxed);
    if dropped > 0 {
        console::say_error(&format!("whk: {dropped} console lines were dropped: the output was not being read"));
    }
    drop(inbound);
    drop(inspector);
    drop(forwarding);
    opened.close();
    Ok(exit)
}

/// The inspector's requests to it (when it is on), everything else to the webhook side.
async fn dispatch(
    inbound: Arc<Inbound>,
    inspector: Option<Arc<Inspector>>,
    request: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<inspector::Body>, std::convert::Infallible> {
    use http_body_util::BodyExt;
    match inspector {
        Some(inspector) if Inspector::claims(&request) => Ok(inspector.handle(request).await),
        _ => Ok(inbound::handle(inbound, request).await?.map(BodyExt::boxed)),
    }
}

/// Waits after a failed accept: 10 ms, doubling to 1 s while failures continue.
#[derive(Default)]
struct AcceptBackoff {
    failures: u32,
}

impl AcceptBackoff {
    fn reset(&mut self) {
        self.failures = 0;
    }

    async fn wait(&mut self, console: &Console, err: &std::io::Error) {
        if self.failures == 0 {
            console.info(&format!("whk: cannot accept a connection: {err} (waiting for connections to close)"));
        }
        self.failures = self.failures.saturating_add(1);
        let delay = Duration::from_millis(10u64 << self.failures.min(7).saturating_sub(1)).min(Duration::from_secs(1));
        tokio::time::sleep(delay).await;
    }
}

/// The answer to a connection beyond --max-connections: a 503 that says so, then close.
async fn refuse_busy(mut stream: tokio::net::TcpStream, limit: usize) {
    use tokio::io::AsyncWriteExt;
    let body = format!(
        "{{\"error\":\"listen is serving its limit of {limit} connections; retry shortly (raise it with --max-connections)\"}}"
    );
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(2), stream.write_all(answer.as_bytes())).await;
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending().await } } => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Resolves `--log`, else the default location.
pub fn log_path(given: Option<PathBuf>) -> Result<PathBuf> {
    match given {
        Some(p) => Ok(p),
        None => store::default_path().context("cannot choose where to keep the event store"),
    }
}
