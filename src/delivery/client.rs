//! The one HTTP client: every request whk makes (trigger, replay, load mode, listen's forwarding)
//! goes through [`Connection::post`], over plain TCP or TLS alike, on hyper's HTTP/1.1 client.
//!
//! It behaves like a provider's sender: no redirects followed, no proxy from the environment (a
//! proxy must not swallow deliveries meant for localhost), one timeout for the whole exchange. A
//! [`Connection`] is kept alive from request to request; one the server closed while idle is
//! replaced once, as HTTP clients do.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use hyper::body::Bytes;
use hyper::header::{HeaderName, HeaderValue};
use tokio::net::TcpStream;
use url::Url;

use super::http1::{Io, Read, Wire};
use crate::delivery::DeliveryError;

/// How many bytes of an answer's body are kept, to show and record what the endpoint said.
pub const BODY_KEPT: usize = 4096;

/// An answer: the status, how long it took and, when asked for, its headers and the start of its
/// body.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    pub status: u16,
    pub duration: Duration,
    pub headers: Vec<(String, String)>,
    /// The first [`BODY_KEPT`] bytes of the body, as text.
    pub body_start: String,
}

impl Answer {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Why a request got no answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// Nothing listening, or the connection (TLS included) could not be made.
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
}

/// A request that got no answer: its kind and the error to tell the user.
pub type Failure = (FailureKind, DeliveryError);

/// Which certificates an `https://` target may present.
#[derive(Clone, Debug, Default)]
pub struct TlsSettings {
    /// A PEM file of certificates to trust besides the usual public roots (`--cacert`).
    pub cacert: Option<PathBuf>,
    /// Accept any certificate (`--skip-verify`, as in the Stripe CLI).
    pub skip_verify: bool,
}

/// Settings shared by every connection: the timeout and TLS.
pub struct Client {
    timeout: Duration,
    tls: TlsSettings,
    /// Built on the first `https://` target only: loading the roots costs time a plain run saves.
    tls_config: OnceLock<Result<Arc<rustls::ClientConfig>, String>>,
}

/// Headers written out as `Name: value` lines once, to serve many requests.
#[derive(Clone, Debug, Default)]
pub struct Headers {
    lines: Vec<u8>,
    /// Whether they set `Host` (else the URL's is sent).
    has_host: bool,
}

impl Headers {
    /// The values are valid header values (the provider's constants, signatures, `-H` values
    /// checked by `parse_header`); one that is not is left out rather than sent broken.
    /// Content-Length is the body's own, written by the client.
    pub fn new<'a>(headers: impl IntoIterator<Item = (&'a str, &'a str)>) -> Headers {
        let mut out = Headers::default();
        for (name, value) in headers {
            let valid = HeaderName::from_bytes(name.as_bytes()).is_ok() && HeaderValue::from_str(value).is_ok();
            if valid && !name.eq_ignore_ascii_case("content-length") {
                out.has_host |= name.eq_ignore_ascii_case("host");
                for part in [name.as_bytes(), b": ", value.as_bytes(), b"\r\n"] {
                    out.lines.extend_from_slice(part);
                }
            }
        }
        out
    }
}

impl Client {
    pub fn new(timeout: Duration, tls: TlsSettings) -> Client {
        Client { timeout, tls, tls_config: OnceLock::new() }
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// A connection to `url`, its host resolved once. `hint` completes the message when nothing
    /// listens there.
    pub async fn connection(&self, url: &Url, hint: &str) -> Result<Connection, Failure> {
        let other = |reason: String| (FailureKind::Connect, DeliveryError::Other { url: url.to_string(), reason });
        let host = url.host_str().ok_or_else(|| other("the URL has no host".into()))?;
        let port = url.port_or_known_default().unwrap_or(80);
        // `[::1]` in a URL is `::1` to the resolver and to TLS.
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let addrs: Vec<SocketAddr> = tokio::net::lookup_host((bare, port))
            .await
            .map_err(|err| other(format!("cannot resolve {host}: {err}")))?
            .collect();
        let tls = match url.scheme() {
            "https" => {
                let config = self.tls_config.get_or_init(|| tls_config(&self.tls)).clone().map_err(other)?;
                let name = rustls::pki_types::ServerName::try_from(bare.to_string())
                    .map_err(|_| other(format!("`{host}` is not a name TLS can check a certificate against")))?;
                Some((tokio_rustls::TlsConnector::from(config), name))
            }
            _ => None,
        };
        let mut path = url.path().to_string();
        if let Some(query) = url.query() {
            path.push('?');
            path.push_str(query);
        }
        let authority = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        };
        Ok(Connection {
            target: Target {
                addrs,
                tls,
                path,
                host: HeaderValue::from_str(&authority)
                    .map(|_| authority.clone())
                    .map_err(|_| other(format!("bad host `{authority}`")))?,
                shown: format!("{host}:{port}"),
                url: url.to_string(),
                hint: hint.to_string(),
            },
            timeout: self.timeout,
            wire: Wire::new(),
            out: Vec::with_capacity(4096),
            deadline: None,
            served: 0,
        })
    }

    /// One request on a connection of its own: trigger's and replay's single deliveries.
    pub async fn send(&self, request: &crate::delivery::SignedRequest, hint: &str) -> Result<Answer, DeliveryError> {
        let mut connection = self.connection(&request.url, hint).await.map_err(|(_, err)| err)?;
        let headers = Headers::new(request.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let body = Bytes::from(request.body.clone());
        connection.post(&headers, &[], body, |_| true).await.map_err(|(_, err)| err)
    }
}

/// Where a connection's requests go.
struct Target {
    addrs: Vec<SocketAddr>,
    tls: Option<(tokio_rustls::TlsConnector, rustls::pki_types::ServerName<'static>)>,
    /// The request target: path and query.
    path: String,
    /// The `Host` header's value.
    host: String,
    /// `host:port`, for messages.
    shown: String,
    url: String,
    hint: String,
}

/// A kept-alive connection to one target.
pub struct Connection {
    target: Target,
    timeout: Duration,
    wire: Wire,
    /// The request being written: reused from request to request.
    out: Vec<u8>,
    /// The timeout's timer, moved forward for each request rather than made anew.
    deadline: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
    /// Answers read on the current stream: a stream that has served one and then closes
    /// without a byte of the next answer was closed while idle, before reading what followed.
    served: u64,
}

/// Why a pipelined request got no answer.
pub struct NoAnswer {
    pub failure: Failure,
    /// The server closed a connection that had served answers before, without a byte of this
    /// one: it closed while idle, and did not read the requests still in flight (they may be
    /// sent again on a new connection without counting as an attempt).
    pub closed_idle: bool,
}

impl Connection {
    /// POSTs `body` with the `fixed` headers, then `own` (this request's), and reads the answer,
    /// all within the timeout. `keep(status)` says whether the answer's headers and the start of
    /// its body are wanted.
    pub async fn post(
        &mut self,
        fixed: &Headers,
        own: &[(&str, &str)],
        body: Bytes,
        keep: impl Fn(u16) -> bool,
    ) -> Result<Answer, Failure> {
        let started = Instant::now();
        let timeout = self.timeout;
        // Moving a timer's deadline is nearly free in tokio; making one per request is not.
        let deadline = tokio::time::Instant::now() + timeout;
        let mut timer = self.deadline.take().unwrap_or_else(|| Box::pin(tokio::time::sleep_until(deadline)));
        timer.as_mut().reset(deadline);
        let result = tokio::select! {
            biased;
            result = self.exchange(fixed, own, &body, &keep, deadline) => Some(result),
            _ = timer.as_mut() => None,
        };
        self.deadline = Some(timer);
        match result {
            Some(Ok(mut answer)) => {
                answer.duration = started.elapsed();
                Ok(answer)
            }
            Some(Err(failure)) => {
                self.wire.stream = None;
                Err(failure)
            }
            None => {
                self.wire.stream = None;
                let url = self.target.url.clone();
                Err((FailureKind::Timeout, DeliveryError::Timeout { url, secs: timeout.as_secs_f64() }))
            }
        }
    }

    async fn exchange(
        &mut self,
        fixed: &Headers,
        own: &[(&str, &str)],
        body: &[u8],
        keep: &impl Fn(u16) -> bool,
        deadline: tokio::time::Instant,
    ) -> Result<Answer, Failure> {
        use tokio::io::AsyncWriteExt;
        self.out.clear();
        self.queue(fixed, own, body);
        loop {
            let reused = self.wire.stream.is_some();
            if !reused {
                self.open(deadline).await?;
            }
            let stream = self.wire.stream.as_mut().expect("connected above");
            if let Err(err) = stream.write_all(&self.out).await {
                self.wire.stream = None;
                if reused {
                    continue;
                }
                return Err(self.failure(FailureKind::Closed, err.to_string()));
            }
            match self.wire.read_answer(keep).await {
                Ok((answer, keep_alive)) => {
                    self.served += 1;
                    if !keep_alive {
                        self.wire.stream = None;
                    }
                    return Ok(answer);
                }
                // The server closed the idle connection as the request went out: once more on a
                // new one. A request the server may have read is not sent twice.
                Err(Read::Nothing) if reused => self.wire.stream = None,
                Err(Read::Nothing) => {
                    self.wire.stream = None;
                    return Err(self.failure(FailureKind::Closed, "the connection closed before an answer".into()));
                }
                Err(Read::Failed(kind, reason)) => {
                    self.wire.stream = None;
                    let https = if self.target.tls.is_none() && kind == FailureKind::Other {
                        " (an https:// server answering plain HTTP?)"
                    } else {
                        ""
                    };
                    return Err(self.failure(kind, format!("{reason}{https}")));
                }
            }
        }
    }

    /// Appends one POST to the bytes waiting to go out: `fixed` headers, then `own`, then the body.
    pub fn queue(&mut self, fixed: &Headers, own: &[(&str, &str)], body: &[u8]) {
        use std::io::Write;
        let _ = write!(self.out, "POST {} HTTP/1.1\r\n", self.target.path);
        if !fixed.has_host {
            self.out.extend_from_slice(b"Host: ");
            self.out.extend_from_slice(self.target.host.as_bytes());
            self.out.extend_from_slice(b"\r\n");
        }
        self.out.extend_from_slice(&fixed.lines);
        for (name, value) in own {
            for part in [name.as_bytes(), b": ", value.as_bytes(), b"\r\n"] {
                self.out.extend_from_slice(part);
            }
        }
        let _ = write!(self.out, "Content-Length: {}\r\n\r\n", body.len());
        self.out.extend_from_slice(body);
    }

    /// Pipelining, for listen's forwarding: writes every request [`Connection::queue`]d since the
    /// last flush in one go, on the open stream or a new one, so they reach the server in order
    /// while earlier ones still wait for their answers. Err: the stream is dropped and none of
    /// them can be counted on.
    pub async fn flush(&mut self, deadline: tokio::time::Instant) -> Result<(), Failure> {
        use tokio::io::AsyncWriteExt;
        if self.out.is_empty() && self.wire.stream.is_some() {
            return Ok(());
        }
        let write = async {
            if self.wire.stream.is_none() {
                self.open(deadline).await?;
            }
            let stream = self.wire.stream.as_mut().expect("opened above");
            stream.write_all(&self.out).await.map_err(|err| self.failure(FailureKind::Closed, err.to_string()))
        };
        let result = match tokio::time::timeout_at(deadline, write).await {
            Ok(result) => result,
            Err(_) => Err(self.timed_out()),
        };
        self.out.clear();
        if result.is_err() {
            self.close();
        }
        result
    }

    /// The answer to the oldest flushed request still unanswered, by `deadline`, and whether the
    /// stream stays open for the ones after it. On Err the stream is dropped.
    pub async fn next_answer(
        &mut self,
        keep: impl Fn(u16) -> bool,
        deadline: tokio::time::Instant,
    ) -> Result<(Answer, bool), NoAnswer> {
        let result = match tokio::time::timeout_at(deadline, self.wire.read_answer(&keep)).await {
            Ok(result) => result,
            Err(_) => {
                self.close();
                return Err(NoAnswer { failure: self.timed_out(), closed_idle: false });
            }
        };
        match result {
            Ok((answer, keep_alive)) => {
                self.served += 1;
                if !keep_alive {
                    self.close();
                }
                Ok((answer, keep_alive))
            }
            Err(read) => {
                let closed_idle = matches!(read, Read::Nothing) && self.served > 0;
                self.close();
                let failure = match read {
                    Read::Nothing => self.failure(FailureKind::Closed, "the connection closed before an answer".into()),
                    Read::Failed(kind, reason) => self.failure(kind, reason),
                };
                Err(NoAnswer { failure, closed_idle })
            }
        }
    }

    /// Whether part of another answer has already arrived: reading it needs no wait for the server.
    pub fn answer_waiting(&self) -> bool {
        self.wire.stream.is_some() && self.wire.pos < self.wire.buf.len()
    }

    /// Drops the stream (a new one is opened for the next request) and whatever was queued on it.
    pub fn close(&mut self) {
        self.wire.stream = None;
        self.out.clear();
    }

    fn timed_out(&self) -> Failure {
        let url = self.target.url.clone();
        (FailureKind::Timeout, DeliveryError::Timeout { url, secs: self.timeout.as_secs_f64() })
    }

    /// Connects, and for https:// shakes hands, by `deadline` (the request's own).
    async fn open(&mut self, deadline: tokio::time::Instant) -> Result<(), Failure> {
        self.wire.stream = Some(self.connect(deadline).await?);
        self.wire.buf.clear();
        self.wire.pos = 0;
        self.served = 0;
        Ok(())
    }

    async fn connect(&self, deadline: tokio::time::Instant) -> Result<Box<dyn Io>, Failure> {
        let target = &self.target;
        let mut last = None;
        let mut stream = None;
        for addr in &target.addrs {
            match TcpStream::connect(addr).await {
                Ok(tcp) => {
                    let _ = tcp.set_nodelay(true);
                    stream = Some(tcp);
                    break;
                }
                Err(err) => last = Some(err),
            }
        }
        let Some(tcp) = stream else {
            return Err(match last {
                Some(err) if err.kind() != std::io::ErrorKind::ConnectionRefused => {
                    self.failure(FailureKind::Connect, format!("cannot connect to {}: {err}", target.shown))
                }
                _ => (
                    FailureKind::Connect,
                    DeliveryError::Refused { addr: target.shown.clone(), hint: target.hint.clone() },
                ),
            });
        };
        let io: Box<dyn Io> = match &target.tls {
            None => Box::new(tcp),
            // A TLS server answers the hello at once; a plain-HTTP one waits for a request line
            // and would only ever show as a timeout. The handshake ends by the request's deadline
            // at the latest, which the caller's own timer shares: at that instant this, polled
            // first, names the handshake rather than the caller reporting a plain timeout.
            Some((connector, name)) => {
                let limit = deadline.min(tokio::time::Instant::now() + TLS_HANDSHAKE_LIMIT);
                match tokio::time::timeout_at(limit, connector.connect(name.clone(), tcp)).await {
                    Ok(Ok(tls)) => Box::new(tls),
                    Ok(Err(err)) => return Err(self.failure(FailureKind::Connect, tls_reason(&target.shown, &err))),
                    Err(_) => {
                        let secs = self.timeout.min(TLS_HANDSHAKE_LIMIT).as_secs_f64();
                        return Err(self.failure(
                            FailureKind::Timeout,
                            format!(
                                "{} sent no TLS answer within {secs} s: a plain-HTTP server waiting for a request? \
                             Use an http:// URL for it",
                                target.shown
                            ),
                        ));
                    }
                }
            }
        };
        Ok(io)
    }

    fn failure(&self, kind: FailureKind, reason: String) -> Failure {
        (kind, DeliveryError::Other { url: self.target.url.clone(), reason })
    }
}

/// The error with its causes, one after another.
fn full_reason(err: &dyn std::error::Error) -> String {
    let mut reason = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        reason = format!("{reason}: {cause}");
        source = cause.source();
    }
    reason
}

/// What went wrong in a TLS handshake, and what to do about it.
fn tls_reason(shown: &str, err: &std::io::Error) -> String {
    let tls = err.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>());
    match tls {
        Some(rustls::Error::InvalidCertificate(cause)) => format!(
            "the TLS certificate of {shown} is not trusted ({cause:?}); for a local server with a self-signed \
             certificate pass --cacert FILE (the certificate or the CA that signed it, PEM), or --skip-verify \
             to skip certificate checks"
        ),
        Some(rustls::Error::InvalidMessage(_)) | Some(rustls::Error::InappropriateMessage { .. }) => {
            format!("{shown} does not speak TLS (a plain-HTTP server?): use an http:// URL for it")
        }
        _ if err.kind() == std::io::ErrorKind::InvalidData => {
            format!("{shown} does not speak TLS (a plain-HTTP server?): use an http:// URL for it ({err})")
        }
        _ => format!("the TLS handshake with {shown} failed: {}", full_reason(err)),
    }
}

/// How long a TLS handshake may take (or --timeout, if shorter).
const TLS_HANDSHAKE_LIMIT: Duration = Duration::from_secs(10);

fn tls_config(settings: &TlsSettings) -> Result<Arc<rustls::ClientConfig>, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|err| err.to_string())?;
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let mut pinned = Vec::new();
    if let Some(path) = &settings.cacert {
        use rustls::pki_types::pem::PemObject;
        let certs: Vec<_> = rustls::pki_types::CertificateDer::pem_file_iter(path)
            .and_then(|certs| certs.collect::<Result<_, _>>())
            .map_err(|err| format!("cannot read certificates from --cacert {}: {err}", path.display()))?;
        if certs.is_empty() {
            return Err(format!("--cacert {} holds no PEM certificate", path.display()));
        }
        for cert in certs {
            roots.add(cert.clone()).map_err(|err| format!("--cacert {}: {err}", path.display()))?;
            pinned.push(cert);
        }
    }
    let chained = rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
        .build()
        .map_err(|err| err.to_string())?;
    let check = CertificateCheck { chained, pinned, any: settings.skip_verify };
    Ok(Arc::new(builder.dangerous().with_custom_certificate_verifier(Arc::new(check)).with_no_client_auth()))
}

/// How a server's certificate is judged. By default, the usual chain check against the public
/// roots (and `--cacert FILE`'s certificates). With `--cacert`, a server certificate that is itself
/// in the file is also trusted once its name matches: that is the self-signed certificate
/// `openssl req -x509` makes, marked as a CA, which a chain check refuses as a server's own (curl
/// --cacert takes it too). `--skip-verify` (`any`) accepts every certificate. The handshake's
/// signatures are checked in every case.
#[derive(Debug)]
struct CertificateCheck {
    chained: Arc<rustls::client::WebPkiServerVerifier>,
    pinned: Vec<rustls::pki_types::CertificateDer<'static>>,
    any: bool,
}

impl rustls::client::danger::ServerCertVerifier for CertificateCheck {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        intermediates: &[rustls::pki_types::CertificateDer<'_>],
        server_name: &rustls::pki_types::ServerName<'_>,
        ocsp_response: &[u8],
        now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        if self.any {
            return Ok(rustls::client::danger::ServerCertVerified::assertion());
        }
        let chained = self.chained.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now);
        match chained {
            Err(_) if self.pinned.iter().any(|cert| cert.as_ref() == end_entity.as_ref()) => {
                let parsed = rustls::server::ParsedCertificate::try_from(end_entity)?;
                rustls::client::verify_server_name(&parsed, server_name)?;
                Ok(rustls::client::danger::ServerCertVerified::assertion())
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.chained.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.chained.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.chained.supported_verify_schemes()
    }
}
