//! A lean HTTP/1.1 POST client for `http://` targets, used where whk sends many requests: load
//! mode and listen's forwarding. One keep-alive connection per sender, each request written whole
//! in one write, each answer parsed in place from a reused buffer.
//!
//! reqwest (which single deliveries use) spent most of the CPU time per request on its pool, URL
//! handling and the hand-off to hyper's connection task; this does what wrk does instead. It
//! speaks just what a webhook endpoint needs: Content-Length, chunked and read-to-close bodies,
//! 1xx interim answers, `Connection: close` and HTTP/1.0 servers. No redirects are followed, no
//! proxy is used (as with [`crate::delivery::Sender`]).

use std::io::Write;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::Duration;

use reqwest::Url;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::delivery::DeliveryError;

/// How many bytes of an answer's body are kept, to show why a delivery was refused.
const BODY_PREVIEW: usize = 300;
/// The most headers an answer may have.
const MAX_HEADERS: usize = 64;
/// The most bytes an answer's head may take.
const MAX_HEAD: usize = 64 * 1024;

/// Where the requests go: the addresses to connect to, the request line and `Host`.
pub struct Target {
    addrs: Vec<SocketAddr>,
    /// `POST /path HTTP/1.1\r\n`
    line: Vec<u8>,
    /// `Host: host:port\r\n`, sent unless the headers have their own.
    host: Vec<u8>,
    /// `host:port`, for error messages.
    shown: String,
    url: String,
    hint: String,
}

/// Why a request got no answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// Nothing listening, or the connection could not be made.
    Connect,
    /// No answer within the timeout.
    Timeout,
    /// The connection closed or reset before the whole answer came.
    Closed,
    /// An answer that is not HTTP.
    Other,
}

impl FailureKind {
    pub const ALL: [FailureKind; 4] =
        [FailureKind::Connect, FailureKind::Timeout, FailureKind::Closed, FailureKind::Other];

    pub fn name(self) -> &'static str {
        match self {
            FailureKind::Connect => "connect",
            FailureKind::Timeout => "timeout",
            FailureKind::Closed => "closed",
            FailureKind::Other => "other",
        }
    }

    /// What a reqwest delivery's error counts as.
    pub fn of(err: &DeliveryError) -> FailureKind {
        match err {
            DeliveryError::Refused { .. } => FailureKind::Connect,
            DeliveryError::Timeout { .. } => FailureKind::Timeout,
            DeliveryError::Other { .. } => FailureKind::Other,
        }
    }
}

/// A request that got no answer: its kind and the error to tell the user.
pub type Failure = (FailureKind, DeliveryError);

impl Target {
    /// Resolves the URL's host once. None if the URL is not plain `http://`.
    pub async fn resolve(url: &Url, hint: &str) -> Option<Result<Target, Failure>> {
        if url.scheme() != "http" {
            return None;
        }
        let host = url.host_str()?;
        let port = url.port_or_known_default().unwrap_or(80);
        let shown = format!("{host}:{port}");
        // `[::1]` in a URL is `::1` to the resolver.
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let addrs = match tokio::net::lookup_host((bare, port)).await {
            Ok(addrs) => addrs.collect::<Vec<_>>(),
            Err(err) => {
                let reason = format!("cannot resolve {host}: {err}");
                return Some(Err((FailureKind::Connect, DeliveryError::Other { url: url.to_string(), reason })));
            }
        };
        let mut line = format!("POST {}", url.path());
        if let Some(query) = url.query() {
            line.push('?');
            line.push_str(query);
        }
        line.push_str(" HTTP/1.1\r\n");
        let host = match url.port() {
            Some(port) => format!("Host: {host}:{port}\r\n"),
            None => format!("Host: {host}\r\n"),
        };
        Some(Ok(Target {
            addrs,
            line: line.into_bytes(),
            host: host.into_bytes(),
            shown,
            url: url.to_string(),
            hint: hint.to_string(),
        }))
    }
}

/// One worker's connection and buffers, reused from request to request.
pub struct Connection {
    stream: Option<TcpStream>,
    out: Vec<u8>,
    buf: Vec<u8>,
    /// Where the unread part of `buf` starts.
    pos: usize,
    /// The --timeout timer, moved forward for each request rather than made anew.
    deadline: Option<Pin<Box<tokio::time::Sleep>>>,
}

/// An answer: the status and, when asked for, the start of the body.
pub struct Answer {
    pub status: u16,
    pub body_start: Option<String>,
}

enum Body {
    Empty,
    Length(u64),
    Chunked,
    ToClose,
}

impl Connection {
    pub fn new() -> Connection {
        Connection {
            stream: None,
            out: Vec::with_capacity(4096),
            buf: Vec::with_capacity(4096),
            pos: 0,
            deadline: None,
        }
    }

    /// POSTs `body` and reads the answer, all within `timeout`. The headers are `fixed`, lines
    /// that may serve many requests, then `own`, this request's. A kept-alive connection the
    /// server closed in the meantime is replaced once, as HTTP clients do. `keep_body(status)`
    /// says whether the start of the body is wanted.
    pub async fn post(
        &mut self,
        target: &Target,
        fixed: &HeaderLines,
        own: &[(&str, &str)],
        body: &[u8],
        timeout: Duration,
        keep_body: impl Fn(u16) -> bool,
    ) -> Result<Answer, Failure> {
        self.out.clear();
        self.out.extend_from_slice(&target.line);
        if !fixed.has_host {
            self.out.extend_from_slice(&target.host);
        }
        self.out.extend_from_slice(&fixed.bytes);
        for (name, value) in own {
            for part in [name.as_bytes(), b": ", value.as_bytes(), b"\r\n"] {
                self.out.extend_from_slice(part);
            }
        }
        let _ = write!(self.out, "Content-Length: {}\r\n\r\n", body.len());
        self.out.extend_from_slice(body);
        // Moving a timer's deadline later is nearly free in tokio; making one per request is not.
        let deadline = tokio::time::Instant::now() + timeout;
        let mut timer = self.deadline.take().unwrap_or_else(|| Box::pin(tokio::time::sleep_until(deadline)));
        timer.as_mut().reset(deadline);
        let result = tokio::select! {
            biased;
            result = self.exchange(target, &keep_body) => Some(result),
            _ = timer.as_mut() => None,
        };
        self.deadline = Some(timer);
        match result {
            Some(result) => result,
            None => {
                self.stream = None;
                Err((
                    FailureKind::Timeout,
                    DeliveryError::Timeout { url: target.url.clone(), secs: timeout.as_secs_f64() },
                ))
            }
        }
    }

    async fn exchange(&mut self, target: &Target, keep_body: &impl Fn(u16) -> bool) -> Result<Answer, Failure> {
        loop {
            let reused = self.stream.is_some();
            if !reused {
                self.stream = Some(connect(target).await?);
                self.buf.clear();
                self.pos = 0;
            }
            let stream = self.stream.as_mut().expect("connected above");
            if let Err(err) = stream.write_all(&self.out).await {
                self.stream = None;
                if reused {
                    continue;
                }
                return Err(closed(target, &err.to_string()));
            }
            match self.read_answer(keep_body).await {
                Ok((answer, keep_alive)) => {
                    if !keep_alive {
                        self.stream = None;
                    }
                    return Ok(answer);
                }
                Err(Read::Nothing) if reused => {
                    // The server closed the idle connection as the request went out.
                    self.stream = None;
                }
                Err(Read::Nothing) => {
                    self.stream = None;
                    return Err(closed(target, "the connection closed before an answer"));
                }
                Err(Read::Failed(kind, reason)) => {
                    self.stream = None;
                    return Err((kind, DeliveryError::Other { url: target.url.clone(), reason }));
                }
            }
        }
    }

    /// Reads one answer. Returns it and whether the connection may carry another request.
    async fn read_answer(&mut self, keep_body: &impl Fn(u16) -> bool) -> Result<(Answer, bool), Read> {
        loop {
            let (status, head_len, body, close) = loop {
                let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
                let mut response = httparse::Response::new(&mut headers);
                match response.parse(&self.buf[self.pos..]) {
                    Ok(httparse::Status::Complete(len)) => {
                        let status = response.code.unwrap_or(0);
                        let (body, close) = framing(&response, status)?;
                        break (status, len, body, close);
                    }
                    Ok(httparse::Status::Partial) => {
                        if self.buf.len() - self.pos > MAX_HEAD {
                            return Err(Read::protocol("the answer's head is over 64 KiB"));
                        }
                        if self.fill().await? == 0 {
                            return Err(if self.pos == self.buf.len() {
                                Read::Nothing
                            } else {
                                Read::Failed(
                                    FailureKind::Closed,
                                    "the connection closed in the middle of the answer".into(),
                                )
                            });
                        }
                    }
                    Err(err) => return Err(Read::protocol(&format!("the answer is not HTTP/1.1: {err}"))),
                }
            };
            self.pos += head_len;
            if (100..200).contains(&status) {
                // An interim answer (100 Continue, 103 Early Hints): the real one follows.
                continue;
            }
            let mut preview = keep_body(status).then(Vec::new);
            match body {
                Body::Empty => {}
                Body::Length(n) => self.take(n, &mut preview).await?,
                Body::Chunked => self.chunked(&mut preview).await?,
                Body::ToClose => loop {
                    self.take_buffered(u64::MAX, &mut preview);
                    if self.fill().await? == 0 {
                        break;
                    }
                },
            }
            self.compact();
            let body_start = preview.map(|p| String::from_utf8_lossy(&p).into_owned());
            let keep_alive = !close && !matches!(body, Body::ToClose);
            return Ok((Answer { status, body_start }, keep_alive));
        }
    }

    /// Reads more from the socket into `buf`; 0 at the end of the stream.
    async fn fill(&mut self) -> Result<usize, Read> {
        self.compact();
        let stream = self.stream.as_mut().expect("reading on a connection");
        if self.buf.capacity() - self.buf.len() < 1024 {
            self.buf.reserve(4096);
        }
        stream.read_buf(&mut self.buf).await.map_err(|e| Read::Failed(FailureKind::Closed, e.to_string()))
    }

    /// Drops what has been consumed from the front of `buf`.
    fn compact(&mut self) {
        if self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
        } else if self.pos > 0 && self.pos >= self.buf.len() / 2 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
    }

    /// Consumes up to `n` buffered bytes, keeping the start of the body if asked. Returns how many.
    fn take_buffered(&mut self, n: u64, preview: &mut Option<Vec<u8>>) -> u64 {
        let available = (self.buf.len() - self.pos) as u64;
        let taken = available.min(n) as usize;
        if let Some(p) = preview {
            let room = BODY_PREVIEW.saturating_sub(p.len()).min(taken);
            p.extend_from_slice(&self.buf[self.pos..self.pos + room]);
        }
        self.pos += taken;
        taken as u64
    }

    /// Consumes exactly `n` body bytes.
    async fn take(&mut self, mut n: u64, preview: &mut Option<Vec<u8>>) -> Result<(), Read> {
        loop {
            n -= self.take_buffered(n, preview);
            if n == 0 {
                return Ok(());
            }
            if self.fill().await? == 0 {
                return Err(Read::Failed(
                    FailureKind::Closed,
                    "the connection closed in the middle of the body".into(),
                ));
            }
        }
    }

    /// One line (without CRLF) from the buffer, reading more as needed.
    async fn line(&mut self) -> Result<String, Read> {
        loop {
            if let Some(end) = self.buf[self.pos..].windows(2).position(|w| w == b"\r\n") {
                let line = String::from_utf8_lossy(&self.buf[self.pos..self.pos + end]).into_owned();
                self.pos += end + 2;
                return Ok(line);
            }
            if self.buf.len() - self.pos > MAX_HEAD {
                return Err(Read::protocol("a chunk line is over 64 KiB"));
            }
            if self.fill().await? == 0 {
                return Err(Read::Failed(
                    FailureKind::Closed,
                    "the connection closed in the middle of the body".into(),
                ));
            }
        }
    }

    async fn chunked(&mut self, preview: &mut Option<Vec<u8>>) -> Result<(), Read> {
        loop {
            let line = self.line().await?;
            let size = line.split(';').next().unwrap_or("").trim();
            let size = u64::from_str_radix(size, 16).map_err(|_| Read::protocol("a bad chunk size"))?;
            if size == 0 {
                // Trailers, then the empty line that ends the body.
                while !self.line().await?.is_empty() {}
                return Ok(());
            }
            self.take(size, preview).await?;
            if !self.line().await?.is_empty() {
                return Err(Read::protocol("a chunk longer than its size"));
            }
        }
    }
}

enum Read {
    /// The connection closed before a single byte of an answer.
    Nothing,
    Failed(FailureKind, String),
}

impl Read {
    fn protocol(message: &str) -> Read {
        Read::Failed(FailureKind::Other, message.to_string())
    }
}

/// How the body is delimited, and whether the server closes the connection after it.
fn framing(response: &httparse::Response, status: u16) -> Result<(Body, bool), Read> {
    let mut close = response.version == Some(0);
    let mut length = None;
    let mut chunked = false;
    for header in response.headers.iter() {
        let value = std::str::from_utf8(header.value).unwrap_or("").trim();
        if header.name.eq_ignore_ascii_case("content-length") {
            length = Some(value.parse::<u64>().map_err(|_| Read::protocol("a bad Content-Length"))?);
        } else if header.name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.rsplit(',').next().is_some_and(|last| last.trim().eq_ignore_ascii_case("chunked"));
        } else if header.name.eq_ignore_ascii_case("connection") {
            for token in value.split(',').map(str::trim) {
                if token.eq_ignore_ascii_case("close") {
                    close = true;
                } else if token.eq_ignore_ascii_case("keep-alive") && response.version == Some(0) {
                    close = false;
                }
            }
        }
    }
    let body = if (100..200).contains(&status) || status == 204 || status == 304 {
        Body::Empty
    } else if chunked {
        Body::Chunked
    } else if let Some(n) = length {
        if n == 0 {
            Body::Empty
        } else {
            Body::Length(n)
        }
    } else {
        Body::ToClose
    };
    Ok((body, close))
}

/// Headers written out as `Name: value` lines once, to serve many requests.
pub struct HeaderLines {
    bytes: Vec<u8>,
    /// Whether they set `Host` (else the URL's is sent).
    has_host: bool,
}

impl HeaderLines {
    /// `Content-Length` is left out: it is the body's. The values are valid header values (the
    /// provider's constants, signatures, `-H` values checked by `parse_header`).
    pub fn new<'a>(headers: impl IntoIterator<Item = (&'a str, &'a str)>) -> HeaderLines {
        let mut lines = HeaderLines { bytes: Vec::new(), has_host: false };
        for (name, value) in headers {
            if !name.eq_ignore_ascii_case("content-length") {
                lines.has_host |= name.eq_ignore_ascii_case("host");
                let _ = write!(lines.bytes, "{name}: {value}\r\n");
            }
        }
        lines
    }
}

async fn connect(target: &Target) -> Result<TcpStream, Failure> {
    let mut last = None;
    for addr in &target.addrs {
        match TcpStream::connect(addr).await {
            Ok(stream) => {
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Err(err) => last = Some(err),
        }
    }
    Err(match last {
        Some(err) if err.kind() != std::io::ErrorKind::ConnectionRefused => (
            FailureKind::Connect,
            DeliveryError::Other {
                url: target.url.clone(),
                reason: format!("cannot connect to {}: {err}", target.shown),
            },
        ),
        _ => (FailureKind::Connect, DeliveryError::Refused { addr: target.shown.clone(), hint: target.hint.clone() }),
    })
}

fn closed(target: &Target, why: &str) -> Failure {
    (FailureKind::Closed, DeliveryError::Other { url: target.url.clone(), reason: why.to_string() })
}
