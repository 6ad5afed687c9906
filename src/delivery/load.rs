//! Load mode, `whk trigger EVENT --count N --concurrency C [--rate R]`: N events, each generated
//! with fresh ids and signed on its own, at most C in flight, started at no more than R per second.
//! At the end a summary: answers by status, errors by kind, throughput and latency percentiles.
//!
//! Memory is flat in N: nothing is kept per event. Each of the C workers builds, signs and sends
//! one event at a time; latencies go into fixed-size HDR histograms, counts into fixed arrays.
//!
//! Speed: the template is compiled once into a [`Blueprint`] whose fresh values (ids,
//! times, random runs) are drawn per event, which gives what `event::build` gives at a tenth of
//! the cost; each worker keeps one connection of [`crate::delivery::client`] alive.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use colored::Colorize;
use hdrhistogram::Histogram;
use hyper::body::Bytes;
use serde_json::json;
use url::Url;

use crate::delivery::client::{Connection, Failure, FailureKind as ErrorKind, Headers};
use crate::delivery::expect::ExpectStatus;
use crate::delivery::{Client, SignedRequest, TlsSettings};
use crate::event::catalog::Template;
use crate::event::patch::Patch;
use crate::event::{Blueprint, BuildOptions};
use crate::signing::TimestampedSigner;
use crate::time::unix_now;
use crate::ui::console;
use crate::Exit;

/// The most deliveries in flight at once that `--concurrency` accepts.
pub const MAX_CONCURRENCY: u32 = 10_000;

/// Event loops in load mode: more would only take cores from the endpoint under test.
const MAX_THREADS: usize = 4;
/// Latency histograms are sharded so that concurrent workers seldom wait on one lock.
const SHARDS: usize = 8;
/// Latencies are kept in microseconds, up to an hour, to 3 significant figures.
const LATENCY_MAX_US: u64 = 3_600_000_000;

/// Everything a load run needs, owned so the workers can share it.
pub struct Plan {
    pub template: Template,
    pub account: Option<String>,
    pub livemode: bool,
    pub api_version: String,
    pub patches: Vec<Patch>,
    pub secret: String,
    pub url: Url,
    pub tls: TlsSettings,
    pub headers: Vec<(String, String)>,
    pub count: u64,
    pub concurrency: u32,
    pub rate: Option<f64>,
    pub timeout: Duration,
    pub expect: ExpectStatus,
    pub json: bool,
    /// Completes the message when nothing listens at the target.
    pub hint: String,
}

/// Counters shared by the workers: fixed size, whatever N is.
struct Stats {
    /// Answers by status code, indexed by the code (100..=999 fit).
    statuses: Vec<AtomicU64>,
    unexpected: AtomicU64,
    errors: [AtomicU64; 4],
    /// The first message of each error kind, to show what went wrong.
    first_error: Mutex<[Option<String>; 4]>,
    /// The first answer that did not match --expect-status: status and the start of its body.
    first_unexpected: Mutex<Option<(u16, String)>>,
    latency: Vec<Mutex<Histogram<u64>>>,
}

impl Stats {
    fn new() -> Stats {
        let histogram = || Mutex::new(Histogram::new_with_bounds(1, LATENCY_MAX_US, 3).expect("valid bounds"));
        Stats {
            statuses: (0..1000).map(|_| AtomicU64::new(0)).collect(),
            unexpected: AtomicU64::new(0),
            errors: Default::default(),
            first_error: Mutex::new(Default::default()),
            first_unexpected: Mutex::new(None),
            latency: (0..SHARDS).map(|_| histogram()).collect(),
        }
    }

    fn error(&self, kind: ErrorKind, message: String) {
        let index = ErrorKind::ALL.iter().position(|k| *k == kind).expect("every kind is listed");
        self.errors[index].fetch_add(1, Ordering::Relaxed);
        let mut first = self.first_error.lock().unwrap();
        first[index].get_or_insert(message);
    }
}

struct Shared {
    plan: Plan,
    blueprint: Blueprint,
    client: Client,
    signer: TimestampedSigner,
    /// The headers every request carries: the provider's usual headers that no -H replaces, then
    /// the -H headers.
    fixed_headers: Headers,
    /// The signature header's name, or None when a -H header replaces it.
    signature_header: Option<&'static str>,
    /// The index of the next event to claim; a worker that claims one at or past N stops.
    next: AtomicU64,
    /// Deliveries finished (answered or failed), for the progress bar.
    done: AtomicU64,
    stats: Stats,
}

/// Runs the plan and prints the summary. The first event is built before anything is sent, so a
/// template or edit that cannot apply is a usage error, not N failures.
/// The exit code is 3 if any delivery got no answer, else 1 if any answer was not the expected
/// status, else 0.
pub fn run(plan: Plan) -> anyhow::Result<Exit> {
    // Compiling is building: a template or edit that cannot apply fails here, before any send.
    let blueprint = Blueprint::compile(&plan.template, &options(&plan))?;
    let mut first = Vec::new();
    blueprint.instance(SystemTime::now(), &mut first);
    let provider = plan.template.provider;
    SignedRequest::new(provider, &plan.secret, unix_now(), plan.url.clone(), first, &plan.headers)?;
    // Each connection is a file descriptor: lift the soft limit towards the hard one if C needs it.
    crate::os::raise_open_files_limit(Some(plan.concurrency as u64 + 64));
    let runtime = || tokio::runtime::Builder::new_current_thread().enable_all().build();
    let client = Client::new(plan.timeout, plan.tls.clone());
    // A target whose name does not resolve, or a bad --cacert, is one error, not N.
    runtime()?.block_on(client.connection(&plan.url, &plan.hint)).map_err(|(_, err)| err)?;
    // SignedRequest's headers: the provider's, its signature, then -H, which replaces a default
    // of the same name. Only the signature changes from one event to the next.
    let replaced = |name: &str| plan.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name));
    let fixed_headers = Headers::new(
        provider
            .delivery_headers()
            .iter()
            .copied()
            .filter(|(name, _)| !replaced(name))
            .chain(plan.headers.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
    );
    let signature_header = Some(provider.scheme().signature_header()).filter(|name| !replaced(name));
    let signer = TimestampedSigner::new(provider.scheme(), &plan.secret).expect("providers sign with a timestamp");
    let shared = Arc::new(Shared {
        plan,
        blueprint,
        client,
        signer,
        fixed_headers,
        signature_header,
        next: AtomicU64::new(0),
        done: AtomicU64::new(0),
        stats: Stats::new(),
    });
    // As wrk does: a few threads, each with its own single-threaded event loop and its share of
    // the connections. That costs less per request than one work-stealing runtime, and less
    // than one loop, which can use only one core.
    let slots = (shared.plan.concurrency as u64).min(shared.plan.count) as usize;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, MAX_THREADS).min(slots);
    let plan = &shared.plan;
    if !plan.json {
        println!(
            "{} {} ×{} to {} {}",
            "-->".bold(),
            plan.template.event_type,
            plan.count,
            plan.url,
            format!(
                "(concurrency {}{})",
                plan.concurrency,
                plan.rate.map(|r| format!(", rate {r}/s")).unwrap_or_default()
            )
            .dimmed(),
        );
    }
    let progress = (!plan.json && std::io::stderr().is_terminal()).then(|| progress_bar(plan.count));
    let started = Instant::now();
    let finished = std::thread::scope(|scope| -> anyhow::Result<Instant> {
        let mut loops = Vec::new();
        for first in 0..threads {
            let (shared, runtime) = (shared.clone(), runtime()?);
            loops.push(scope.spawn(move || {
                runtime.block_on(async {
                    let mut workers = tokio::task::JoinSet::new();
                    for slot in (first..slots).step_by(threads) {
                        workers.spawn(worker(shared.clone(), slot, started));
                    }
                    while workers.join_next().await.is_some() {}
                });
                let finished = Instant::now();
                // The runtime (and its idle connections) goes before the summary is printed.
                drop(runtime);
                finished
            }));
        }
        if let Some(bar) = &progress {
            while !loops.iter().all(|l| l.is_finished()) {
                let done = shared.done.load(Ordering::Relaxed);
                bar.set_position(done);
                bar.set_message(format!("{:.0}/s", done as f64 / started.elapsed().as_secs_f64().max(0.001)));
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        let ends = loops.into_iter().map(|l| l.join().expect("an event loop does not panic"));
        Ok(ends.max().unwrap_or(started))
    })?;
    let elapsed = finished - started;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    Ok(report(&shared, elapsed))
}

fn options(plan: &Plan) -> BuildOptions<'_> {
    BuildOptions {
        account: plan.account.as_deref(),
        livemode: plan.livemode,
        api_version: &plan.api_version,
        patches: &plan.patches,
    }
}

async fn worker(shared: Arc<Shared>, slot: usize, started: Instant) {
    let plan = &shared.plan;
    let stats = &shared.stats;
    let latency = &stats.latency[slot % SHARDS];
    let mut connection = None;
    let mut body = Vec::new();
    let mut signature = String::new();
    loop {
        let index = shared.next.fetch_add(1, Ordering::Relaxed);
        if index >= plan.count {
            return;
        }
        if let Some(rate) = plan.rate {
            // A fixed schedule (event i starts at i/R s), so a slow answer is caught up on, not lost.
            let due = started + Duration::from_secs_f64(index as f64 / rate);
            tokio::time::sleep_until(due.into()).await;
        }
        match deliver_one(&shared, &mut connection, &mut body, &mut signature).await {
            Ok((status, elapsed, body_start)) => {
                if let Some(count) = stats.statuses.get(status as usize) {
                    count.fetch_add(1, Ordering::Relaxed);
                }
                if !plan.expect.matches(status) {
                    stats.unexpected.fetch_add(1, Ordering::Relaxed);
                    stats.first_unexpected.lock().unwrap().get_or_insert((status, body_start.unwrap_or_default()));
                }
                let micros = (elapsed.as_micros() as u64).clamp(1, LATENCY_MAX_US);
                latency.lock().unwrap().saturating_record(micros);
            }
            Err((kind, err)) => stats.error(kind, err.to_string()),
        }
        shared.done.fetch_add(1, Ordering::Relaxed);
    }
}

/// Builds a fresh event into `body`, signs it, sends it: (status, latency, start of the body when
/// the status was not the expected one).
async fn deliver_one(
    shared: &Shared,
    connection: &mut Option<Connection>,
    body: &mut Vec<u8>,
    signature: &mut String,
) -> Result<(u16, Duration, Option<String>), Failure> {
    let plan = &shared.plan;
    let created = SystemTime::now();
    shared.blueprint.instance(created, body);
    let timestamp = crate::time::unix_seconds(created);
    shared.signer.sign_into(timestamp, body, signature);
    let own = shared.signature_header.map(|name| (name, signature.as_str()));
    let connection = match connection {
        Some(connection) => connection,
        None => connection.insert(shared.client.connection(&plan.url, &plan.hint).await?),
    };
    let unexpected = |status| !plan.expect.matches(status);
    let answer =
        connection.post(&shared.fixed_headers, own.as_slice(), Bytes::copy_from_slice(body), unexpected).await?;
    let body_start = unexpected(answer.status).then_some(answer.body_start);
    Ok((answer.status, answer.duration, body_start))
}

fn progress_bar(count: u64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(Some(count), indicatif::ProgressDrawTarget::stderr());
    // --color and NO_COLOR decide, as for everything else whk prints.
    let template = if console::colors_enabled() {
        "{bar:40.cyan/blue} {pos}/{len} {msg} eta {eta}"
    } else {
        "{bar:40} {pos}/{len} {msg} eta {eta}"
    };
    let style = indicatif::ProgressStyle::with_template(template).expect("a valid template").progress_chars("=> ");
    bar.set_style(style);
    bar
}

/// Prints the summary (text or one JSON object) and works out the exit code.
fn report(shared: &Shared, elapsed: Duration) -> Exit {
    let plan = &shared.plan;
    let stats = &shared.stats;
    let mut latency = Histogram::<u64>::new_with_bounds(1, LATENCY_MAX_US, 3).expect("valid bounds");
    for shard in &stats.latency {
        latency.add(&*shard.lock().unwrap()).expect("same bounds");
    }
    let statuses: Vec<(u16, u64)> = stats
        .statuses
        .iter()
        .enumerate()
        .map(|(code, n)| (code as u16, n.load(Ordering::Relaxed)))
        .filter(|(_, n)| *n > 0)
        .collect();
    let errors: Vec<(ErrorKind, u64)> =
        ErrorKind::ALL.iter().zip(&stats.errors).map(|(k, n)| (*k, n.load(Ordering::Relaxed))).collect();
    let answered: u64 = statuses.iter().map(|(_, n)| n).sum();
    let failed: u64 = errors.iter().map(|(_, n)| n).sum();
    let unexpected = stats.unexpected.load(Ordering::Relaxed);
    let sent = answered + failed;
    let seconds = elapsed.as_secs_f64();
    let throughput = if seconds > 0.0 { sent as f64 / seconds } else { 0.0 };
    let ms = |us: u64| us as f64 / 1000.0;
    let percentiles = (answered > 0).then(|| {
        [
            ("p50", ms(latency.value_at_quantile(0.50))),
            ("p90", ms(latency.value_at_quantile(0.90))),
            ("p99", ms(latency.value_at_quantile(0.99))),
            ("max", ms(latency.max())),
        ]
    });
    let exit = if failed > 0 {
        Exit::Unreachable
    } else if unexpected > 0 {
        Exit::Refused
    } else {
        Exit::Success
    };

    if plan.json {
        let statuses: serde_json::Map<String, serde_json::Value> =
            statuses.iter().map(|(code, n)| (code.to_string(), json!(n))).collect();
        let errors: serde_json::Map<String, serde_json::Value> =
            errors.iter().map(|(k, n)| (k.name().to_string(), json!(n))).collect();
        let latency_ms = match percentiles {
            Some(p) => {
                let mut map: serde_json::Map<String, serde_json::Value> =
                    p.iter().map(|(name, v)| (name.to_string(), json!(round3(*v)))).collect();
                map.insert("mean".into(), json!(round3(latency.mean() / 1000.0)));
                serde_json::Value::Object(map)
            }
            None => serde_json::Value::Null,
        };
        println!(
            "{}",
            json!({
                "provider": plan.template.provider.name(), "type": plan.template.event_type, "url": plan.url.as_str(),
                "count": plan.count, "concurrency": plan.concurrency, "rate": plan.rate,
                "sent": sent, "answered": answered, "expected": answered - unexpected, "unexpected": unexpected,
                "expect_status": plan.expect.to_string(), "statuses": statuses, "errors": errors,
                "duration_s": round3(seconds), "throughput_per_s": round3(throughput), "latency_ms": latency_ms,
                "ok": exit == Exit::Success,
            })
        );
    } else {
        let by_status: Vec<String> =
            statuses.iter().map(|(code, n)| format!("{} ×{n}", console::status(*code))).collect();
        println!("{} {sent} sent in {seconds:.2} s, {throughput:.0}/s", "<--".bold());
        if !by_status.is_empty() {
            println!("    answers  {}", by_status.join("  "));
        }
        if failed > 0 {
            let by_kind: Vec<String> =
                errors.iter().filter(|(_, n)| *n > 0).map(|(k, n)| format!("{} ×{n}", k.name())).collect();
            println!("    errors   {}", by_kind.join("  ").red());
        }
        if let Some(p) = percentiles {
            let line: Vec<String> = p.iter().map(|(name, v)| format!("{name} {v:.2} ms")).collect();
            println!("    latency  {}", line.join("  "));
        }
    }
    if let Some((status, body)) = &*stats.first_unexpected.lock().unwrap() {
        let body = body.trim();
        let shown =
            if body.is_empty() { String::new() } else { format!(": {}", body.chars().take(200).collect::<String>()) };
        console::warn(&format!(
            "{unexpected} of {sent} answered outside {}; the first was {status}{shown}",
            plan.expect
        ));
    }
    for message in stats.first_error.lock().unwrap().iter().flatten() {
        console::error(message);
    }
    exit
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}
