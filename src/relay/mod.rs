//! The local relay behind `whk listen`: receive, verify, record durably, forward in order.

mod console;
mod forward;
mod inbound;
pub mod log;
pub mod routing;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::watch;

use crate::cli::ListenFormat;
use crate::delivery::{Client, TlsSettings};
use crate::signing::Scheme;
use crate::Exit;

pub use console::Console;
use forward::{ForwardSettings, Forwarding};
use inbound::Inbound;
use routing::Routing;

pub struct RelayConfig {
    pub addr: SocketAddr,
    pub routing: Routing,
    /// whk's own secret: accepted on the way in, used to re-sign on the way out.
    pub secret: String,
    /// Provider secrets also accepted on the way in.
    pub verify_secrets: Vec<(Scheme, String)>,
    pub skip_verify: bool,
    pub max_body: u64,
    /// How long a client may take to send its headers, then its body.
    pub client_timeout: Duration,
    pub retries: u32,
    pub timeout: Duration,
    pub headers: Vec<(String, String)>,
    pub connect_headers: Vec<(String, String)>,
    pub log_path: PathBuf,
    pub format: ListenFormat,
    pub exit_after: Option<u64>,
}

/// How long shutdown waits for deliveries in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

pub fn run(config: RelayConfig, announce: impl FnOnce(&Console, SocketAddr, usize)) -> Result<Exit> {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(serve(config, announce))
}

async fn serve(config: RelayConfig, announce: impl FnOnce(&Console, SocketAddr, usize)) -> Result<Exit> {
    let listener = tokio::net::TcpListener::bind(config.addr).await.map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
            " (is another `whk listen` running? pick another port with --port)"
        } else {
            ""
        };
        anyhow::Error::new(crate::UsageError(format!("cannot listen on {}: {e}{hint}", config.addr)))
    })?;
    let bound = listener.local_addr()?;
    let opened = log::open(&config.log_path)?;
    let console = Arc::new(Console { format: config.format });
    let forwarding = Arc::new(Forwarding::new(
        ForwardSettings {
            secret: config.secret.clone(),
            retries: config.retries,
            headers: config.headers,
            connect_headers: config.connect_headers,
            client: Client::new(config.timeout, TlsSettings::default()),
        },
        log::LogReader::open(&opened.path)?,
        opened.writer.clone(),
        console.clone(),
    ));
    let (stop, stopped) = watch::channel(false);
    let targets = config.routing.all_targets().into_iter().chain(opened.pending.keys().cloned());
    // Forwarding has a thread of its own: on the runtime that serves the senders, each target's
    // one worker queued behind every connection's task, and deliveries fell behind what was
    // acknowledged (measured: bench/run, row 3c).
    let forward_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("whk-forward")
        .enable_all()
        .build()?;
    let (queues, workers) = forward::start(forward_runtime.handle(), forwarding.clone(), targets, stopped.clone());
    let queues = Arc::new(queues);
    let resumed: usize = opened.pending.values().map(Vec::len).sum();
    for (target, events) in &opened.pending {
        for event in events {
            queues.resume(&forwarding, *event, target);
        }
    }

    let inbound = Arc::new(Inbound {
        console: console.clone(),
        local_secret: config.secret.clone(),
        provider_secrets: config.verify_secrets,
        skip_verify: config.skip_verify,
        max_body: config.max_body,
        body_timeout: config.client_timeout,
        receiver_mode: config.routing.is_empty(),
        routing: config.routing,
        writer: opened.writer.clone(),
        queues,
        forwarding: forwarding.clone(),
    });
    announce(&console, bound, resumed);

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
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let inbound = inbound.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| inbound::handle(inbound.clone(), request));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .timer(TokioTimer::new())
                        .header_read_timeout(client_timeout)
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
            _ = &mut stop_signal => break,
            _ = &mut enough => break,
        }
    }

    // Stop accepting, let deliveries in flight finish for a bounded time, then report the rest.
    drop(listener);
    let _ = stop.send(true);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, futures_join(workers)).await;
    let pending = forwarding.outstanding.load(Ordering::SeqCst);
    if pending > 0 {
        console.info(&format!(
            "{pending} deliveries still pending: they are in {} and go out on the next `whk listen`",
            opened.path.display()
        ));
    }
    drop(inbound);
    drop(forwarding);
    // Whatever is still running there (a delivery past the grace period) stays pending in the log.
    forward_runtime.shutdown_background();
    opened.close();
    Ok(Exit::Success)
}

async fn futures_join(workers: Vec<tokio::task::JoinHandle<()>>) {
    for worker in workers {
        let _ = worker.await;
    }
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
        None => log::default_path().context("cannot choose where to keep the event log"),
    }
}
