//! The HTTP/1.1 wire under [`super::client`]: each request written whole in one write, each answer
//! parsed in place from a reused buffer (as wrk does). It speaks what a webhook endpoint needs:
//! Content-Length, chunked and read-to-close bodies, 1xx interim answers, `Connection: close` and
//! HTTP/1.0 servers. Measured against hyper's client in load mode (bench/run row 2): 1.01x wrk
//! against 0.65x, so the one client keeps this wire for plain TCP and TLS alike.

use std::time::Duration;

use tokio::io::AsyncReadExt;

use super::client::{Answer, FailureKind, BODY_KEPT};

/// The most headers an answer may have.
const MAX_HEADERS: usize = 64;
/// The most bytes an answer's head may take.
pub(super) const MAX_HEAD: usize = 64 * 1024;

/// Any byte stream a request can go over: a TCP connection or a TLS session on one.
pub(super) trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + Sync {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + Sync> Io for T {}

/// One connection's stream and read buffer, reused from request to request.
pub(super) struct Wire {
    pub(super) stream: Option<Box<dyn Io>>,
    pub(super) buf: Vec<u8>,
    /// Where the unread part of `buf` starts.
    pub(super) pos: usize,
}

enum Body {
    Empty,
    Length(u64),
    Chunked,
    ToClose,
}

impl Wire {
    pub(super) fn new() -> Wire {
        Wire { stream: None, buf: Vec::with_capacity(4096), pos: 0 }
    }

    /// Reads one answer. Returns it and whether the connection may carry another request.
    pub(super) async fn read_answer(&mut self, keep: &impl Fn(u16) -> bool) -> Result<(Answer, bool), Read> {
        loop {
            let (status, head_len, body, close, headers) = loop {
                let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
                let mut response = httparse::Response::new(&mut headers);
                match response.parse(&self.buf[self.pos..]) {
                    Ok(httparse::Status::Complete(len)) => {
                        let status = response.code.unwrap_or(0);
                        let (body, close) = framing(&response, status)?;
                        let kept: Vec<(String, String)> = if keep(status) {
                            response
                                .headers
                                .iter()
                                .map(|h| (h.name.to_ascii_lowercase(), String::from_utf8_lossy(h.value).into_owned()))
                                .collect()
                        } else {
                            Vec::new()
                        };
                        break (status, len, body, close, kept);
                    }
                    Ok(httparse::Status::Partial) => {
                        if self.buf.len() - self.pos > MAX_HEAD {
                            return Err(Read::protocol("the answer's head is over 64 KiB"));
                        }
                        let nothing_yet = self.pos == self.buf.len();
                        match self.fill().await {
                            Ok(0) if nothing_yet => return Err(Read::Nothing),
                            Ok(0) => {
                                return Err(Read::Failed(
                                    FailureKind::Closed,
                                    "the connection closed in the middle of the answer".into(),
                                ))
                            }
                            Ok(_) => {}
                            // A reset before a byte of the answer is a close too: a server that
                            // closes a kept-alive connection with requests still unread resets it.
                            Err(_) if nothing_yet => return Err(Read::Nothing),
                            Err(err) => return Err(err),
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
            let mut preview = keep(status).then(Vec::new);
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
            let body_start = preview.map(|p| String::from_utf8_lossy(&p).into_owned()).unwrap_or_default();
            let keep_alive = !close && !matches!(body, Body::ToClose);
            return Ok((Answer { status, duration: Duration::ZERO, headers, body_start }, keep_alive));
        }
    }

    /// Reads more from the socket into `buf`; 0 at the end of the stream.
    pub(super) async fn fill(&mut self) -> Result<usize, Read> {
        self.compact();
        let stream = self.stream.as_mut().expect("reading on a connection");
        if self.buf.capacity() - self.buf.len() < 1024 {
            self.buf.reserve(4096);
        }
        stream.read_buf(&mut self.buf).await.map_err(|e| Read::Failed(FailureKind::Closed, e.to_string()))
    }

    /// Drops what has been consumed from the front of `buf`.
    pub(super) fn compact(&mut self) {
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
            let room = BODY_KEPT.saturating_sub(p.len()).min(taken);
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

pub(super) enum Read {
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
