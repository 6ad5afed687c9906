//! One signed HTTP delivery, as the provider would make it: no redirects followed, a timeout, and
//! errors that say what to do next.

use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Url;

use crate::providers::Provider;

/// A request ready to send (or to print with `--print`).
#[derive(Debug, Clone)]
pub struct SignedRequest {
    pub url: Url,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl SignedRequest {
    /// The provider's usual headers, its signature over `body`, then the user's extra headers
    /// (which replace a default of the same name).
    pub fn new(
        provider: Provider,
        secret: &str,
        timestamp: i64,
        url: Url,
        body: Vec<u8>,
        extra: &[(String, String)],
    ) -> Result<SignedRequest, crate::signature::SignError> {
        let mut headers: Vec<(String, String)> =
            provider.delivery_headers().iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        headers.extend(provider.scheme().sign(secret, timestamp, "", &body)?);
        for (name, value) in extra {
            headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
            headers.push((name.clone(), value.clone()));
        }
        Ok(SignedRequest { url, headers, body })
    }

    /// A recorded event re-signed under its own scheme: a provider's, Standard Webhooks' (keeping
    /// its message id), or none for an unverified event of unknown origin, passed on as it came.
    pub fn for_recorded(
        provider: &str,
        msg_id: &str,
        secret: &str,
        timestamp: i64,
        url: Url,
        body: Vec<u8>,
        extra: &[(String, String)],
    ) -> SignedRequest {
        if let Some(p) = Provider::from_name(provider) {
            if let Ok(request) = SignedRequest::new(p, secret, timestamp, url.clone(), body.clone(), extra) {
                return request;
            }
        }
        let mut headers = vec![("Content-Type".to_string(), "application/json".to_string())];
        if provider == "standard" {
            headers
                .extend(crate::signature::Scheme::Standard.sign(secret, timestamp, msg_id, &body).unwrap_or_default());
        }
        headers.extend(extra.iter().cloned());
        SignedRequest { url, headers, body }
    }

    /// The request as text: request line, headers, blank line, body.
    pub fn render(&self) -> String {
        let mut out = format!("POST {}\n", self.url);
        for (k, v) in &self.headers {
            out.push_str(&format!("{k}: {v}\n"));
        }
        out.push('\n');
        // No newline after the body: what is printed is exactly what would be signed and sent.
        out.push_str(&String::from_utf8_lossy(&self.body));
        out
    }
}

/// Splits one `-H` value into the headers it holds: `'Name: value'`, or the Stripe CLI's list form
/// `'Key1:Value1, Key2:Value2'`. A comma starts a new header only where a header name and `:`
/// follow it, so a value with commas of its own (`Accept: a/b, c/d`, an HTTP date) stays whole.
pub fn split_header_list(raw: &str) -> Vec<&str> {
    let starts_header = |rest: &str| {
        let rest = rest.trim_start();
        rest.split_once(':').is_some_and(|(name, _)| HeaderName::from_bytes(name.as_bytes()).is_ok())
    };
    let mut parts = Vec::new();
    let mut start = 0;
    for (at, _) in raw.match_indices(',') {
        if starts_header(&raw[at + 1..]) {
            parts.push(raw[start..at].trim());
            start = at + 1;
        }
    }
    parts.push(raw[start..].trim());
    parts
}

/// Parses `-H 'Name: value'`, refusing what HTTP cannot carry (CR/LF injection, bad names).
pub fn parse_header(raw: &str) -> Result<(String, String), crate::UsageError> {
    let bad = |why: &str| crate::UsageError(format!("bad header `{raw}`: {why} (write it as 'Name: value')"));
    let (name, value) = raw.split_once(':').ok_or_else(|| bad("no `:`"))?;
    let (name, value) = (name.trim(), value.trim());
    HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad("invalid header name"))?;
    HeaderValue::from_str(value)
        .map_err(|_| bad("the value has characters HTTP does not allow, such as a line break"))?;
    Ok((name.to_string(), value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::split_header_list;

    #[test]
    fn a_comma_splits_only_before_another_header() {
        assert_eq!(split_header_list("Key1:Value1, Key2:Value2"), ["Key1:Value1", "Key2:Value2"]);
        assert_eq!(split_header_list("X-A: 1,X-B: 2, X-C: 3"), ["X-A: 1", "X-B: 2", "X-C: 3"]);
        assert_eq!(split_header_list("Accept: text/html, application/json"), ["Accept: text/html, application/json"]);
        assert_eq!(
            split_header_list("X-Date: Mon, 01 Jan 2026 10:00:00 GMT"),
            ["X-Date: Mon, 01 Jan 2026 10:00:00 GMT"]
        );
        assert_eq!(split_header_list("X-Only: one"), ["X-Only: one"]);
    }
}

#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub duration: Duration,
    /// The first bytes of the response body, for showing why a delivery was refused.
    pub body_start: String,
}

impl Answer {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error("nothing is listening on {addr}: {hint}")]
    Refused { addr: String, hint: String },
    #[error("{url} did not answer within {secs} s (raise --timeout if the handler is slow)")]
    Timeout { url: String, secs: f64 },
    #[error("could not deliver to {url}: {reason}")]
    Other { url: String, reason: String },
}

/// An HTTP client that behaves like a provider's sender: no redirects, a fixed timeout.
pub struct Sender {
    client: reqwest::Client,
    timeout: Duration,
}

/// How many bytes of a refusal's body are shown.
const BODY_PREVIEW: usize = 300;

impl Sender {
    pub fn new(timeout: Duration) -> Sender {
        // No proxy: webhooks go straight to the endpoint, as the provider's would, and a proxy
        // from the environment must not swallow deliveries meant for localhost.
        let client = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .build()
            .expect("a client with only a timeout and no redirects always builds");
        Sender { client, timeout }
    }

    /// POSTs the request. `hint` completes the message when nothing listens at the target.
    pub async fn send(&self, request: &SignedRequest, hint: &str) -> Result<Answer, DeliveryError> {
        // reqwest adds `Accept: */*` to every request and cannot be told not to; a provider's
        // delivery carries only its own headers, so plain `http://` goes through the lean client.
        if let Some(target) = crate::http1::Target::resolve(&request.url, hint).await {
            let target = target.map_err(|(_, err)| err)?;
            let headers = crate::http1::HeaderLines::new(request.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            let started = Instant::now();
            let answer = crate::http1::Connection::new()
                .post(&target, &headers, &[], &request.body, self.timeout, |status| !(200..300).contains(&status))
                .await
                .map_err(|(_, err)| err)?;
            let body_start = answer.body_start.unwrap_or_default();
            return Ok(Answer { status: answer.status, duration: started.elapsed(), body_start });
        }
        let mut headers = HeaderMap::new();
        for (k, v) in &request.headers {
            // Validated when parsed; the provider's own headers are constants.
            if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(k.as_bytes()), HeaderValue::from_str(v)) {
                headers.append(name, value);
            }
        }
        let started = Instant::now();
        let sent = self.client.post(request.url.clone()).headers(headers).body(request.body.clone()).send().await;
        let response = sent.map_err(|e| classify(e, &request.url, self.timeout.as_secs_f64(), hint))?;
        let status = response.status().as_u16();
        let body = response.bytes().await.unwrap_or_default();
        let duration = started.elapsed();
        let preview = &body[..body.len().min(BODY_PREVIEW)];
        Ok(Answer { status, duration, body_start: String::from_utf8_lossy(preview).into_owned() })
    }
}

fn classify(err: reqwest::Error, url: &Url, secs: f64, hint: &str) -> DeliveryError {
    let addr = format!("{}:{}", url.host_str().unwrap_or("?"), url.port_or_known_default().unwrap_or(0));
    if err.is_timeout() {
        DeliveryError::Timeout { url: url.to_string(), secs }
    } else if err.is_connect() {
        DeliveryError::Refused { addr, hint: hint.to_string() }
    } else {
        let mut reason = err.to_string();
        let mut source = std::error::Error::source(&err);
        while let Some(cause) = source {
            reason = format!("{reason}: {cause}");
            source = cause.source();
        }
        DeliveryError::Other { url: url.to_string(), reason }
    }
}
