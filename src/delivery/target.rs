//! Delivery targets: the URL shorthand the Stripe CLI accepts, and the default `whk listen` address.

/// Where `whk listen` binds unless told otherwise, and where `whk trigger` sends with no target.
pub const DEFAULT_LISTEN_PORT: u16 = 7171;

pub fn default_listen_url() -> String {
    format!("http://127.0.0.1:{DEFAULT_LISTEN_PORT}/")
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TargetError {
    #[error("`{0}` is not a URL whk can send to: use a port (4242), host:port/path (localhost:4242/webhook), /path, or http(s)://…")]
    Invalid(String),
    #[error("`{0}`: only http and https URLs are supported")]
    Scheme(String),
    #[error("`{given}` is not a URL: did you mean `{meant}`?")]
    BrokenScheme { given: String, meant: String },
    #[error("`{0}` names no port and no known host: use a port (4242), host:port/path (localhost:4242/webhook), /path, or http(s)://…")]
    BareName(String),
}

/// `4242` → `http://localhost:4242`, `4242/webhook` → `http://localhost:4242/webhook`,
/// `localhost:4242/webhook` → `http://localhost:4242/webhook`,
/// `/webhook` → `http://localhost/webhook`; full URLs pass through.
pub fn parse_target(input: &str) -> Result<url::Url, TargetError> {
    let input = input.trim();
    let invalid = || TargetError::Invalid(input.to_string());
    if input.is_empty() {
        return Err(invalid());
    }
    for scheme in ["https", "http"] {
        // `http//host`, `http:/host`, `http:host`: a scheme whose `://` lost a character.
        if let Some(rest) = input.strip_prefix(scheme) {
            let rest_trimmed = rest.trim_start_matches([':', '/']);
            if !rest.starts_with("://") && rest.len() != rest_trimmed.len() && !rest_trimmed.is_empty() {
                let meant = format!("{scheme}://{rest_trimmed}");
                return Err(TargetError::BrokenScheme { given: input.to_string(), meant });
            }
        }
    }
    let leading_port = input.split('/').next().is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    let expanded = if leading_port {
        // `4242` and `4242/webhook` mean a port on this machine.
        format!("http://localhost:{input}")
    } else if input.starts_with('/') {
        format!("http://localhost{input}")
    } else if input.contains("://") {
        input.to_string()
    } else {
        format!("http://{input}")
    };
    let url = url::Url::parse(&expanded).map_err(|_| invalid())?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(TargetError::Scheme(input.to_string()));
    }
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return Err(invalid());
    };
    // Without a scheme, a lone word (`webhook`) is a mistake far more often than a host name.
    let shorthand = !input.contains("://");
    let known_host = host == "localhost" || host.contains(['.', ':', '[']);
    if shorthand && url.port().is_none() && !known_host {
        return Err(TargetError::BareName(input.to_string()));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorthand_as_the_stripe_cli_accepts_it() {
        let t = |s: &str| parse_target(s).map(|u| u.to_string());
        assert_eq!(t("4242").unwrap(), "http://localhost:4242/");
        assert_eq!(t("localhost:4242/webhook").unwrap(), "http://localhost:4242/webhook");
        assert_eq!(t("4242/webhook").unwrap(), "http://localhost:4242/webhook");
        assert_eq!(t("/webhook").unwrap(), "http://localhost/webhook");
        assert_eq!(t("https://example.test/hooks?x=1").unwrap(), "https://example.test/hooks?x=1");
        assert_eq!(t("127.0.0.1:9/a").unwrap(), "http://127.0.0.1:9/a");
        assert!(matches!(parse_target("ftp://x"), Err(TargetError::Scheme(_))));
        assert!(matches!(parse_target(""), Err(TargetError::Invalid(_))));
        assert!(matches!(parse_target("localhost:99999"), Err(TargetError::Invalid(_))));
        assert!(matches!(parse_target("http://"), Err(TargetError::Invalid(_))));
        assert_eq!(t("myhost:4242/x").unwrap(), "http://myhost:4242/x");
        assert_eq!(t("localhost/x").unwrap(), "http://localhost/x");
        assert_eq!(t("http://webhook/x").unwrap(), "http://webhook/x", "a full URL names any host");
    }

    #[test]
    fn misspelt_urls_and_lone_words_are_refused() {
        let meant = |s: &str| match parse_target(s) {
            Err(TargetError::BrokenScheme { meant, .. }) => meant,
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(meant("http//localhost:4242/x"), "http://localhost:4242/x");
        assert_eq!(meant("https:/localhost:4242"), "https://localhost:4242");
        assert_eq!(meant("http:localhost:4242"), "http://localhost:4242");
        assert!(matches!(parse_target("webhook"), Err(TargetError::BareName(_))));
        assert!(matches!(parse_target("webhook/x"), Err(TargetError::BareName(_))));
    }
}
