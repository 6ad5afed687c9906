//! The web inspector's embedded page and the guards every inspector request passes.
//!
//! The HTTP contract is API.md beside this file. The page (index.html, app.js, style.css) is
//! compiled into the binary, so the inspector works offline and nothing comes from a CDN.
//! Serving it from `whk listen` is the relay's job; this module only answers "what is the page"
//! and "may this request do that".

use rand::RngCore;

/// `index.html`'s stand-in for the per-run token; it occurs once.
const TOKEN_PLACEHOLDER: &str = "{{WHK_TOKEN}}";
const INDEX_HTML: &str = include_str!("index.html");

/// Every inspector path other than the page itself starts with this.
pub const PREFIX: &str = "/_whk/";
/// The header a state-changing request carries the token in (lower case, as hyper names it).
pub const TOKEN_HEADER: &str = "x-whk-token";
/// Same-origin scripts and styles only, no framing (a framed page could be clicked into a replay).
pub const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                            img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// A file the inspector serves as is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asset {
    pub content_type: &'static str,
    pub body: &'static str,
}

/// The script or style sheet at `path` (`/_whk/app.js`, `/_whk/style.css`), if it is one.
pub fn asset(path: &str) -> Option<Asset> {
    match path.strip_prefix(PREFIX)? {
        "app.js" => Some(Asset { content_type: "text/javascript; charset=utf-8", body: include_str!("app.js") }),
        "style.css" => Some(Asset { content_type: "text/css; charset=utf-8", body: include_str!("style.css") }),
        _ => None,
    }
}

/// The page, with this run's token in its `whk-token` meta tag (`text/html; charset=utf-8`).
pub fn page(token: &Token) -> String {
    INDEX_HTML.replacen(TOKEN_PLACEHOLDER, &token.0, 1)
}

/// The per-run token that proves a replay request comes from the page listen served: 128 bits
/// from the OS, made at startup, never stored or logged.
pub struct Token(String);

impl Token {
    pub fn new() -> Token {
        let mut bytes = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Token(hex::encode(bytes))
    }

    /// Compares in constant time, so response timing does not reveal how much of a guess was right.
    fn matches(&self, given: &[u8]) -> bool {
        let expected = self.0.as_bytes();
        given.len() == expected.len() && given.iter().zip(expected).fold(0u8, |diff, (a, b)| diff | (a ^ b)) == 0
    }
}

impl Default for Token {
    fn default() -> Token {
        Token::new()
    }
}

/// Never printed, even in a debug dump.
impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(…)")
    }
}

/// Why an inspector request is refused: the 403's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the inspector answers only requests to a loopback host (127.0.0.1, localhost, [::1]), not `{0}`")]
    ForeignHost(String),
    #[error(
        "a request from another origin ({0}) cannot use the inspector; open it from the address whk listen printed"
    )]
    ForeignOrigin(String),
    #[error("missing or wrong X-Whk-Token header: use the inspector page whk listen printed, or reload it")]
    BadToken,
}

/// Any inspector request, reads included: the Host must be loopback, which defeats DNS rebinding
/// (a hostile name resolving to 127.0.0.1 still arrives with its own name as Host).
pub fn check_read(host: Option<&str>) -> Result<(), Refusal> {
    let host = host.unwrap_or("");
    if host_is_loopback(host) {
        Ok(())
    } else {
        Err(Refusal::ForeignHost(host.to_string()))
    }
}

/// A state-changing request (replay): loopback Host, no foreign Origin, and the token.
/// A request without Origin comes from outside a browser (curl, scripts) and needs the token only.
pub fn check_write(
    host: Option<&str>,
    origin: Option<&str>,
    token: Option<&[u8]>,
    expected: &Token,
) -> Result<(), Refusal> {
    check_read(host)?;
    if let Some(origin) = origin {
        let own = format!("http://{}", host.unwrap_or(""));
        if !origin.eq_ignore_ascii_case(&own) {
            return Err(Refusal::ForeignOrigin(origin.to_string()));
        }
    }
    match token {
        Some(given) if expected.matches(given) => Ok(()),
        _ => Err(Refusal::BadToken),
    }
}

/// `127.0.0.1:7171`, `localhost`, `[::1]:7171` and the like.
fn host_is_loopback(host: &str) -> bool {
    let (name, port) = if let Some(bracketed) = host.strip_prefix('[') {
        let Some((ip, after)) = bracketed.split_once(']') else { return false };
        match (after, after.strip_prefix(':')) {
            ("", _) => (ip, None),
            (_, Some(port)) => (ip, Some(port)),
            _ => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        }
    };
    if port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_carries_the_token_once_and_names_only_embedded_assets() {
        let token = Token::new();
        let html = page(&token);
        assert!(html.contains(&format!(r#"<meta name="whk-token" content="{}">"#, token.0)));
        assert!(!html.contains(TOKEN_PLACEHOLDER));
        for src in ["/_whk/app.js", "/_whk/style.css"] {
            assert!(html.contains(src), "{src}");
            assert!(asset(src).is_some_and(|a| !a.body.is_empty()), "{src} is embedded");
        }
        assert!(!html.contains("http://") && !html.contains("https://"), "nothing from elsewhere");
        assert_eq!(asset("/_whk/secret"), None);
        assert_eq!(asset("/app.js"), None);
    }

    #[test]
    fn tokens_are_random_and_compared_whole() {
        let (a, b) = (Token::new(), Token::new());
        assert_ne!(a.0, b.0);
        assert_eq!(a.0.len(), 32);
        assert!(a.matches(a.0.as_bytes()));
        assert!(!a.matches(b.0.as_bytes()));
        assert!(!a.matches(&a.0.as_bytes()[..31]));
        assert!(!a.matches(b""));
        assert_eq!(format!("{a:?}"), "Token(…)");
    }

    #[test]
    fn only_loopback_hosts_are_served() {
        for host in
            ["127.0.0.1:7171", "127.0.0.1", "localhost:7171", "LOCALHOST", "[::1]:7171", "[::1]", "127.1.2.3:80"]
        {
            assert_eq!(check_read(Some(host)), Ok(()), "{host}");
        }
        for host in [
            "attacker.example:7171",
            "10.0.0.1:7171",
            "localhost.attacker.example",
            "127.0.0.1.nip.io:7171",
            "[::1",
            "[::1]x",
            "127.0.0.1:",
            "127.0.0.1:7a",
            "",
            "0.0.0.0:7171",
        ] {
            assert!(check_read(Some(host)).is_err(), "{host}");
        }
        assert!(check_read(None).is_err());
    }

    #[test]
    fn a_replay_needs_the_token_and_no_foreign_origin() {
        let token = Token::new();
        let right = Some(token.0.as_bytes());
        let host = Some("127.0.0.1:7171");
        assert_eq!(check_write(host, Some("http://127.0.0.1:7171"), right, &token), Ok(()));
        assert_eq!(check_write(host, None, right, &token), Ok(()), "curl with the token");
        assert_eq!(check_write(host, Some("http://127.0.0.1:7171"), None, &token), Err(Refusal::BadToken));
        assert_eq!(check_write(host, Some("http://127.0.0.1:7171"), Some(b"guess"), &token), Err(Refusal::BadToken));
        for origin in ["http://127.0.0.1:9999", "null", "http://attacker.example", "https://127.0.0.1:7171"] {
            assert_eq!(
                check_write(host, Some(origin), right, &token),
                Err(Refusal::ForeignOrigin(origin.into())),
                "{origin}"
            );
        }
        let rebound = Some("attacker.example:7171");
        assert!(matches!(
            check_write(rebound, Some("http://attacker.example:7171"), right, &token),
            Err(Refusal::ForeignHost(_))
        ));
    }
}
