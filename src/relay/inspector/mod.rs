//! The web inspector's server side: the page, its JSON API and its live feed, on listen's own
//! address. The contract is src/ui/inspector/API.md; the page and the guards are in
//! `crate::ui::inspector`.
//!
//! Acknowledgement never waits for the inspector: every query runs on a blocking thread with the
//! inspector's own read connection, and the live feed is one poller of the store's change counter
//! (every 200 ms, only while a browser is subscribed) feeding one bounded queue per subscriber.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll};
use std::time::Duration;

use base64::Engine;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Frame, Incoming};
use hyper::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{json, Value};
use tokio::sync::{mpsc, Notify};

use super::forward::Forwarding;
use super::store::{Attempt, Filter, Key, Record, State, StatusFilter, Store, Verdict};
use crate::ui::inspector::{self as page, Token, PREFIX, TOKEN_HEADER};

mod feed;

use feed::{poll_feed, EventStream, Feed};

pub type Body = BoxBody<Bytes, Infallible>;

/// How often the live feed looks for new writes while a browser is subscribed.
const POLL: Duration = Duration::from_millis(200);
/// A comment this often keeps idle connections (and proxies) from closing the stream.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// Polls' worth of messages a subscriber may fall behind by before it is dropped (its browser
/// reconnects): about 50 s.
const SUBSCRIBER_QUEUE: usize = 256;
/// The largest replay request body (an edited event).
const MAX_REPLAY_BODY: usize = 16 * 1024 * 1024;
/// Records and attempts the feed reads per poll; a burst beyond it is caught up on reconnect.
const FEED_BATCH: usize = 1000;

pub struct Inspector {
    token: Token,
    /// The inspector's own read connection, used on blocking threads only.
    store: Arc<Mutex<Store>>,
    /// listen's forward-to, connect and route targets, deduplicated.
    targets: Vec<String>,
    /// Weak: a browser's open connection must not keep the store writer alive at shutdown.
    forwarding: Weak<Forwarding>,
    feed: Arc<Feed>,
}

impl Inspector {
    /// Opens the inspector's read connection and starts the live feed's poller (idle until a
    /// browser subscribes).
    pub fn start(
        path: &std::path::Path,
        targets: Vec<String>,
        forwarding: Arc<Forwarding>,
    ) -> anyhow::Result<Arc<Inspector>> {
        let mut unique: Vec<String> = Vec::new();
        for target in targets {
            if !unique.contains(&target) {
                unique.push(target);
            }
        }
        let feed = Arc::new(Feed { subscribers: Mutex::new(Vec::new()), wake: Notify::new() });
        let poller_store = Arc::new(Mutex::new(Store::open_existing(path)?));
        tokio::spawn(poll_feed(feed.clone(), poller_store));
        Ok(Arc::new(Inspector {
            token: Token::new(),
            store: Arc::new(Mutex::new(Store::open_existing(path)?)),
            targets: unique,
            forwarding: Arc::downgrade(&forwarding),
            feed,
        }))
    }

    /// Whether `request` is the inspector's rather than a webhook's: any method under
    /// `/_whk/api/`, and a browser's GET, HEAD or preflight of the page and its assets.
    pub fn claims(request: &Request<Incoming>) -> bool {
        let path = request.uri().path();
        let method = request.method();
        let page = (method == Method::GET || method == Method::HEAD) && path == "/";
        let asset = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) && path.starts_with(PREFIX);
        path.starts_with("/_whk/api/") || page || asset
    }

    /// Ends every live feed (listen is stopping): the browsers' streams close.
    pub fn close_feeds(&self) {
        self.feed.subscribers.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    pub async fn handle(self: Arc<Inspector>, request: Request<Incoming>) -> Response<Body> {
        let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok()).map(String::from);
        let host = header("host");
        if let Err(refusal) = page::check_read(host.as_deref()) {
            return error(StatusCode::FORBIDDEN, &refusal.to_string());
        }
        let method = request.method().clone();
        let path = request.uri().path().to_string();
        if method == Method::OPTIONS {
            return error(StatusCode::FORBIDDEN, "the inspector answers no cross-origin requests");
        }
        let query = request.uri().query().unwrap_or("").to_string();
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let reading = method == Method::GET || method == Method::HEAD;
        match (reading, segments.as_slice()) {
            (true, [""]) => self.page(),
            (true, ["_whk", "api", "events"]) => self.list(&query).await,
            (true, ["_whk", "api", "events", seq]) => match seq.parse() {
                Ok(seq) => self.detail(seq).await,
                Err(_) => error(StatusCode::NOT_FOUND, &format!("`{seq}` is not an event number")),
            },
            (true, ["_whk", "api", "status"]) => self.status().await,
            (true, ["_whk", "api", "stream"]) => self.subscribe(),
            (false, ["_whk", "api", "events", seq, "replay"]) if method == Method::POST => {
                let guarded = page::check_write(
                    host.as_deref(),
                    header("origin").as_deref(),
                    request.headers().get(TOKEN_HEADER).map(|v| v.as_bytes()),
                    &self.token,
                );
                if let Err(refusal) = guarded {
                    return error(StatusCode::FORBIDDEN, &refusal.to_string());
                }
                let Ok(seq) = seq.parse() else {
                    return error(StatusCode::NOT_FOUND, &format!("`{seq}` is not an event number"));
                };
                self.replay(seq, request).await
            }
            (true, _) => match page::asset(&path) {
                Some(asset) => {
                    let mut response = plain(StatusCode::OK, asset.body.to_string(), asset.content_type);
                    no_store(&mut response);
                    response
                }
                None => error(StatusCode::NOT_FOUND, &format!("the inspector has nothing at {path}")),
            },
            (false, _) => error(
                StatusCode::METHOD_NOT_ALLOWED,
                &format!(
                    "{method} {path} is not an inspector request: replays are POSTed to /_whk/api/events/SEQ/replay"
                ),
            ),
        }
    }

    fn page(&self) -> Response<Body> {
        let mut response = plain(StatusCode::OK, page::page(&self.token), "text/html; charset=utf-8");
        no_store(&mut response);
        response.headers_mut().insert("content-security-policy", HeaderValue::from_static(page::PAGE_CSP));
        response
    }

    /// Runs a query on a blocking thread with the inspector's connection.
    async fn query<T: Send + 'static>(
        &self,
        run: impl FnOnce(&Store) -> anyhow::Result<T> + Send + 'static,
    ) -> Result<T, Response<Body>> {
        let store = self.store.clone();
        let done = tokio::task::spawn_blocking(move || run(&store.lock().unwrap_or_else(|e| e.into_inner()))).await;
        match done {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(err)) => {
                Err(error(StatusCode::INTERNAL_SERVER_ERROR, &format!("cannot read the event store: {err:#}")))
            }
            Err(err) => Err(error(StatusCode::INTERNAL_SERVER_ERROR, &format!("the store query failed: {err}"))),
        }
    }

    async fn list(&self, query: &str) -> Response<Body> {
        let filter = match filter_from_query(query) {
            Ok(filter) => filter,
            Err(message) => return error(StatusCode::BAD_REQUEST, &message),
        };
        let listed = self
            .query(move |store| {
                let records = store.list(&filter)?;
                let counts = store.attempt_counts(&records.iter().map(|r| r.seq).collect::<Vec<_>>())?;
                Ok(records.iter().map(|r| summary(r, counts.get(&r.seq).copied().unwrap_or(0))).collect::<Vec<_>>())
            })
            .await;
        match listed {
            Ok(events) => json_answer(StatusCode::OK, &json!({ "events": events })),
            Err(response) => response,
        }
    }

    async fn detail(&self, seq: u64) -> Response<Body> {
        let shown = self
            .query(move |store| {
                let Some(record) = store.show(&Key::Seq(seq))? else { return Ok(None) };
                Ok(Some((record, store.attempts(seq)?)))
            })
            .await;
        match shown {
            Ok(Some((record, attempts))) => json_answer(StatusCode::OK, &detail(&record, &attempts)),
            Ok(None) => error(StatusCode::NOT_FOUND, &format!("there is no event #{seq} in the store (pruned?)")),
            Err(response) => response,
        }
    }

    async fn status(&self) -> Response<Body> {
        let targets = self.targets.clone();
        match self.query(|store| store.state_counts()).await {
            Ok([delivered, pending, failed, rejected]) => json_answer(
                StatusCode::OK,
                &json!({
                    "targets": targets, "pending": pending, "failed": failed, "delivered": delivered,
                    "rejected": rejected, "total": delivered + pending + failed + rejected,
                }),
            ),
            Err(response) => response,
        }
    }

    fn subscribe(&self) -> Response<Body> {
        let (tx, rx) = mpsc::channel(SUBSCRIBER_QUEUE);
        // The comment makes the browser fire `open` at once.
        let _ = tx.try_send(Bytes::from_static(b": ok\n\n"));
        self.feed.subscribers.lock().unwrap_or_else(|e| e.into_inner()).push(tx);
        self.feed.wake.notify_one();
        let body = EventStream {
            messages: rx,
            keep_alive: tokio::time::interval_at(tokio::time::Instant::now() + KEEP_ALIVE, KEEP_ALIVE),
        };
        let mut response = Response::new(body.boxed());
        response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
        no_store(&mut response);
        response
    }

    async fn replay(&self, seq: u64, request: Request<Incoming>) -> Response<Body> {
        let json_type = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        if !json_type {
            return error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the replay request as Content-Type: application/json",
            );
        }
        let body = match Limited::new(request.into_body(), MAX_REPLAY_BODY).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(err) => return error(StatusCode::BAD_REQUEST, &format!("the replay request could not be read: {err}")),
        };
        #[derive(serde::Deserialize)]
        struct Ask {
            #[serde(default)]
            target: Option<String>,
            #[serde(default)]
            body: Option<String>,
        }
        let ask: Ask = match serde_json::from_slice(&body) {
            Ok(ask) => ask,
            Err(err) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    &format!("the replay request is not {{\"target\": URL or null, \"body\": text or null}}: {err}"),
                )
            }
        };
        let found = self
            .query(move |store| {
                let Some(record) = store.show(&Key::Seq(seq))? else { return Ok(None) };
                let attempts = store.attempts(seq)?;
                Ok(Some((record, store.forwardable(seq)?, attempts)))
            })
            .await;
        let (record, forwardable, attempts) = match found {
            Ok(Some(found)) => found,
            Ok(None) => {
                return error(StatusCode::NOT_FOUND, &format!("there is no event #{seq} in the store (pruned?)"))
            }
            Err(response) => return response,
        };
        if record.verdict == Verdict::Rejected {
            return error(
                StatusCode::BAD_REQUEST,
                &format!(
                    "event #{seq} was rejected when it arrived ({}): only accepted events are replayed",
                    record.reason.as_deref().unwrap_or("no reason kept")
                ),
            );
        }
        let target = match ask.target.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            Some(given) => match crate::delivery::target::parse_target(given) {
                Ok(url) => url,
                Err(err) => return error(StatusCode::BAD_REQUEST, &format!("target `{given}`: {err}")),
            },
            None => match record.deliveries.first().and_then(|d| url::Url::parse(&d.target).ok()) {
                Some(url) => url,
                None => return error(StatusCode::BAD_REQUEST, &format!("event #{seq} had no target: give one")),
            },
        };
        let body = match ask.body {
            None => forwardable.body.clone(),
            Some(text) => {
                if let Err(err) = serde_json::from_str::<serde::de::IgnoredAny>(&text) {
                    return error(StatusCode::BAD_REQUEST, &format!("the edited body is not valid JSON: {err}"));
                }
                text.into_bytes()
            }
        };
        let target_text = target.to_string();
        let number = attempts.iter().filter(|a| a.target == target_text).count() as u32 + 1;
        let Some(forwarding) = self.forwarding.upgrade() else {
            return error(StatusCode::SERVICE_UNAVAILABLE, "listen is stopping: replay from the next `whk listen`");
        };
        match forwarding.replay_once(seq, &forwardable, target, body, &record.headers, number).await {
            Ok(attempt) => json_answer(StatusCode::OK, &json!({ "attempt": attempt_json(&attempt) })),
            Err(why) => error(StatusCode::INTERNAL_SERVER_ERROR, &format!("not sent: cannot sign it ({why})")),
        }
    }
}

/// `GET /_whk/api/events`'s query as a store filter; Err names the parameter.
fn filter_from_query(query: &str) -> Result<Filter, String> {
    let mut filter = Filter { include_rejected: true, limit: Some(100), ..Filter::default() };
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        if value.is_empty() {
            continue;
        }
        let value = value.into_owned();
        match name.as_ref() {
            "type" => filter.type_glob = Some(value),
            "provider" => match value.as_str() {
                "stripe" | "fintoc" | "standard" => filter.provider = Some(value),
                _ => return Err(format!("provider `{value}` is not one of stripe, fintoc, standard")),
            },
            "status" => {
                filter.status = Some(match value.as_str() {
                    "delivered" => StatusFilter::Delivered,
                    "pending" => StatusFilter::Pending,
                    "failed" => StatusFilter::Failed,
                    "rejected" => StatusFilter::Rejected,
                    _ => return Err(format!("status `{value}` is not one of delivered, pending, failed, rejected")),
                })
            }
            "search" => filter.body_contains = Some(value),
            "since" => filter.since = Some(crate::time::span_ago("since", &value)?.1),
            "target" => filter.target = Some(value),
            "limit" => match value.parse::<usize>() {
                Ok(n) if (1..=1000).contains(&n) => filter.limit = Some(n),
                _ => return Err(format!("limit `{value}` is not a number from 1 to 1000")),
            },
            "before" => match value.parse::<u64>() {
                Ok(seq) => filter.before = Some(seq),
                Err(_) => return Err(format!("before `{value}` is not an event number")),
            },
            _ => {}
        }
    }
    Ok(filter)
}

/// The record's state as the inspector shows it (see API.md).
fn state(record: &Record) -> &'static str {
    if record.verdict == Verdict::Rejected {
        "rejected"
    } else if record.has_state(State::Pending) {
        "pending"
    } else if record.has_state(State::Failed) {
        "failed"
    } else {
        "delivered"
    }
}

fn summary(record: &Record, attempts: u64) -> Value {
    let text = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let provider =
        ["stripe", "fintoc", "standard"].contains(&record.provider.as_str()).then(|| record.provider.clone());
    json!({
        "seq": record.seq,
        "event_id": text(&record.event_id),
        "provider": provider,
        "type": text(&record.event_type),
        "received_at": record.at,
        "source": record.source,
        "verdict": {"accepted": record.verdict == Verdict::Accepted, "reason": record.reason},
        "state": state(record),
        "attempts": attempts,
        "target": record.deliveries.first().map(|d| d.target.clone()),
    })
}

fn detail(record: &Record, attempts: &[Attempt]) -> Value {
    let mut shown = summary(record, attempts.len() as u64);
    let (body, encoding) = match std::str::from_utf8(&record.body) {
        Ok(text) => (text.to_string(), "utf8"),
        Err(_) => (base64::engine::general_purpose::STANDARD.encode(&record.body), "base64"),
    };
    shown["headers"] = json!(record.headers.iter().map(|(k, v)| [k, v]).collect::<Vec<_>>());
    shown["body"] = Value::String(body);
    shown["body_encoding"] = Value::String(encoding.into());
    shown["attempts"] = Value::Array(attempts.iter().map(attempt_json).collect());
    shown
}

fn attempt_json(attempt: &Attempt) -> Value {
    let answer = attempt.status.map(|status| {
        json!({
            "status": status,
            "headers": attempt.answer_headers.iter().map(|(k, v)| [k, v]).collect::<Vec<_>>(),
            "body": String::from_utf8_lossy(&attempt.answer_body),
        })
    });
    json!({
        "at": attempt.at,
        "target": attempt.target,
        "status": attempt.status,
        "duration_ms": attempt.duration_ms,
        "error": attempt.error,
        "answer": answer,
        "replay": attempt.replay,
        "edited": attempt.edited,
    })
}

fn plain(status: StatusCode, body: String, content_type: &'static str) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(body)).boxed());
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    response
}

fn no_store(response: &mut Response<Body>) {
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

fn json_answer(status: StatusCode, value: &Value) -> Response<Body> {
    let mut response = plain(status, value.to_string(), "application/json");
    no_store(&mut response);
    response
}

fn error(status: StatusCode, message: &str) -> Response<Body> {
    json_answer(status, &json!({ "error": message }))
}

#[cfg(test)]
mod tests {
    use super::feed::message;
    use super::*;

    #[test]
    fn the_list_query_narrows_like_whk_log_and_names_a_bad_parameter() {
        let filter = filter_from_query("type=payout.*&provider=stripe&status=failed&search=po_1&target=http%3A%2F%2Fa%2F&limit=5&before=9&since=1h").unwrap();
        assert_eq!(filter.type_glob.as_deref(), Some("payout.*"));
        assert_eq!(filter.provider.as_deref(), Some("stripe"));
        assert_eq!(filter.status, Some(StatusFilter::Failed));
        assert_eq!(filter.body_contains.as_deref(), Some("po_1"));
        assert_eq!(filter.target.as_deref(), Some("http://a/"));
        assert_eq!((filter.limit, filter.before), (Some(5), Some(9)));
        assert!(filter.since.is_some() && filter.include_rejected);
        let empty = filter_from_query("type=&status=").unwrap();
        assert_eq!((empty.type_glob, empty.status, empty.limit), (None, None, Some(100)));
        for (query, named) in [
            ("provider=paypal", "provider"),
            ("status=done", "status"),
            ("limit=0", "limit"),
            ("limit=1001", "limit"),
            ("before=x", "before"),
            ("since=soon", "since"),
        ] {
            let error = filter_from_query(query).unwrap_err();
            assert!(error.starts_with(named), "{query}: {error}");
        }
    }

    #[test]
    fn a_feed_message_is_one_server_sent_event() {
        assert_eq!(message("event", &json!({"seq": 1})), "event: event\ndata: {\"seq\":1}\n\n");
    }
}
