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
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid());
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
    }
}
