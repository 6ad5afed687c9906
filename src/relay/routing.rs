//! Which target an event goes to: `--route` globs first, then `--forward-connect-to` for Stripe
//! Connect events, then `--forward-to`; `--events` filters what is forwarded at all. A pattern may
//! name its provider (`stripe:*`, `fintoc:payout.*`); without one it matches every provider.

use crate::providers::Provider;
use crate::signing::Scheme;

#[derive(Debug, Default, Clone)]
pub struct Routing {
    pub forward_to: Option<String>,
    pub connect_to: Option<String>,
    pub routes: Vec<(String, String)>,
    pub only: Vec<String>,
}

impl Routing {
    pub fn targets(&self, provider: &str, event_type: &str, connect: bool) -> Vec<String> {
        if !self.only.is_empty() && !self.only.iter().any(|p| pattern_match(p, provider, event_type)) {
            return Vec::new();
        }
        if let Some((_, url)) = self.routes.iter().find(|(p, _)| pattern_match(p, provider, event_type)) {
            return vec![url.clone()];
        }
        let connected = connect && Provider::from_name(provider).is_some_and(Provider::has_connected_accounts);
        let connect_target = if connected { self.connect_to.as_ref() } else { None };
        connect_target.or(self.forward_to.as_ref()).cloned().into_iter().collect()
    }

    /// Every URL an event could be sent to, for starting one worker each.
    pub fn all_targets(&self) -> Vec<String> {
        let mut all: Vec<String> = self.routes.iter().map(|(_, url)| url.clone()).collect();
        all.extend(self.forward_to.iter().cloned());
        all.extend(self.connect_to.iter().cloned());
        all
    }

    pub fn is_empty(&self) -> bool {
        self.all_targets().is_empty()
    }

    /// Refuses a target that is listen itself: each event would come back, be stored and be
    /// forwarded again, forever.
    pub fn refuse_own_address(&self, bound: std::net::SocketAddr) -> Result<(), crate::UsageError> {
        for target in self.all_targets() {
            let Ok(url) = url::Url::parse(&target) else { continue };
            if url.port_or_known_default() != Some(bound.port()) {
                continue;
            }
            let host = url.host_str().unwrap_or("").trim_start_matches('[').trim_end_matches(']');
            let own = match host.parse::<std::net::IpAddr>() {
                Ok(ip) => ip.is_loopback() || ip.is_unspecified() || ip == bound.ip(),
                Err(_) => host.eq_ignore_ascii_case("localhost"),
            };
            if own {
                return Err(crate::UsageError(format!(
                    "the target {target} is this listen's own address ({bound}): every event would loop back. \
                     Forward to your app's port instead"
                )));
            }
        }
        Ok(())
    }
}

/// The provider a pattern names (`stripe:payout.*`), and the event-type glob after it.
pub fn split_pattern(pattern: &str) -> (Option<&str>, &str) {
    match pattern.split_once(':') {
        Some((provider, glob)) if Scheme::from_name(provider).is_some() => (Some(provider), glob),
        _ => (None, pattern),
    }
}

/// A route or `--events` pattern against an event: the provider, when named, must be the
/// event's, and the glob must match its type.
pub fn pattern_match(pattern: &str, provider: &str, event_type: &str) -> bool {
    match split_pattern(pattern) {
        (Some(named), glob) => named == provider && glob_match(glob, event_type),
        (None, glob) => glob_match(glob, event_type),
    }
}

/// `*` matches any run of characters (dots included): `payout.*`, `*.failed`, `*`.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || !text[first.len()..].ends_with(last) || text.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("payout.*", "payout.failed"));
        assert!(glob_match("*.failed", "account.refresh_intent.failed"));
        assert!(glob_match("*", "x"));
        assert!(glob_match("a*b*c", "a-b-c"));
        assert!(!glob_match("a*b*c", "a-c-b"));
        assert!(!glob_match("payout.*", "payouts"));
        assert!(!glob_match("ab*ba", "aba"));
        assert!(glob_match("link.created", "link.created"));
    }

    #[test]
    fn routes_then_connect_then_default() {
        let r = Routing {
            forward_to: Some("A".into()),
            connect_to: Some("C".into()),
            routes: vec![("link.created".into(), "L".into())],
            only: vec![],
        };
        assert_eq!(r.targets("fintoc", "link.created", false), ["L"]);
        assert_eq!(r.targets("stripe", "payout.failed", true), ["C"]);
        assert_eq!(r.targets("fintoc", "payout.created", false), ["A"]);
        let filtered = Routing { only: vec!["payout.*".into()], ..r };
        assert!(filtered.targets("stripe", "customer.created", false).is_empty());
        assert_eq!(filtered.targets("stripe", "payout.failed", false), ["A"]);
    }

    #[test]
    fn patterns_may_name_a_provider() {
        let r = Routing {
            forward_to: Some("F".into()),
            routes: vec![("stripe:*".into(), "S".into()), ("fintoc:payout.*".into(), "P".into())],
            ..Routing::default()
        };
        assert_eq!(r.targets("stripe", "payout.failed", false), ["S"]);
        assert_eq!(r.targets("fintoc", "payout.created", false), ["P"]);
        assert_eq!(r.targets("fintoc", "link.created", false), ["F"]);
        let only = Routing { only: vec!["fintoc:payout.*".into()], ..r };
        assert!(only.targets("stripe", "payout.failed", false).is_empty());
        assert!(pattern_match("payout.*", "stripe", "payout.paid"));
        assert!(pattern_match("payout.*", "fintoc", "payout.created"));
    }
}
