//! One signed request, as the provider would make it, and the errors of a delivery that got no
//! answer, each saying what to do next.

use hyper::header::{HeaderName, HeaderValue};
use url::Url;

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
    ) -> Result<SignedRequest, crate::signing::SignError> {
        let mut headers: Vec<(String, String)> =
            provider.delivery_headers().iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        headers.extend(provider.scheme().sign(secret, timestamp, "", &body)?);
        for (name, value) in extra {
            headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
            headers.push((name.clone(), value.clone()));
        }
        Ok(SignedRequest { url, headers, body })
    }

    /// A recorded event re-signed under the scheme it came with (`origin`, as recorded): a
    /// provider's, Standard Webhooks' (keeping its message id), or none for an event of unknown
    /// origin accepted unsigned, passed on as it came. A scheme that cannot sign with `secret` is an
    /// error: a signed event is never sent on unsigned.
    pub fn for_recorded(
        origin: &str,
        msg_id: &str,
        secret: &str,
        timestamp: i64,
        url: Url,
        body: Vec<u8>,
        extra: &[(String, String)],
    ) -> Result<SignedRequest, crate::signing::SignError> {
        if let Some(provider) = Provider::from_name(origin) {
            return SignedRequest::new(provider, secret, timestamp, url, body, extra);
        }
        let mut headers = vec![("Content-Type".to_string(), "application/json".to_string())];
        if let Some(scheme) = crate::signing::Scheme::from_name(origin) {
            headers.extend(scheme.sign(secret, timestamp, msg_id, &body)?);
        }
        headers.extend(extra.iter().cloned());
        Ok(SignedRequest { url, headers, body })
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

#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error("nothing is listening on {addr}: {hint}")]
    Refused { addr: String, hint: String },
    #[error("{url} did not answer within {secs} s (raise --timeout if the handler is slow)")]
    Timeout { url: String, secs: f64 },
    #[error("could not deliver to {url}: {reason}")]
    Other { url: String, reason: String },
}
