//! `whk listen`: turn the flags into a relay configuration, say where things are, and run it.

use std::net::{SocketAddr, ToSocketAddrs};

use anyhow::Result;
use clap::ValueEnum;
use colored::Colorize;

use crate::cli::parsers::flatten;
use crate::cli::ListenArgs;
use crate::config::settings::{Resolved, Settings, Source};
use crate::delivery::target::{parse_target, DEFAULT_LISTEN_PORT};
use crate::event::catalog::Catalog;
use crate::relay::{self, routing, routing::Routing, RelayConfig};
use crate::signing::Scheme;
use crate::ui::console;
use crate::{Exit, UsageError};

pub fn run(args: ListenArgs) -> Result<Exit> {
    let settings = Settings::load()?;
    let secret = settings.own_secret(args.secret.secret.as_deref())?.value;
    if args.print_secret {
        println!("{secret}");
        return Ok(Exit::Success);
    }
    let addr = listen_addr(&args)?;
    let forward_to = settings.forward_to(args.forward_to.as_deref());
    let routing = routing(&args, forward_to.as_ref())?;
    let mut verify_secrets = args.verify_secrets.iter().map(|s| verify_secret(s)).collect::<Result<Vec<_>>>()?;
    verify_secrets.extend(file_verify_secrets(&settings, &verify_secrets)?);
    let defaulted = args.log.is_none();
    let log_path = relay::log_path(args.log)?;
    // whk 0.1 kept a JSON Lines log beside where the store now goes: say how to bring it along.
    let old_log = log_path.with_file_name("events.jsonl");
    let import_hint = (defaulted && !log_path.exists() && old_log.exists()).then(|| {
        format!(
            "whk 0.1's event log {} is not read by this version: `whk log import {}` adds it to the store",
            old_log.display(),
            old_log.display()
        )
    });
    check_signing(&secret, &routing, args.accept_unsigned, &verify_secrets)?;
    let mut summary = routing_summary(&routing);
    if let Some(Resolved { source: source @ (Source::Env(_) | Source::File(_)), .. }) = &forward_to {
        summary.push_str(&format!(" ({source}; --forward-to overrides it)"));
    }
    let config = RelayConfig {
        addr,
        routing,
        secret: secret.clone(),
        verify_secrets,
        accept_unsigned: args.accept_unsigned,
        tls: args.tls.settings(),
        max_body: args.max_body,
        client_timeout: args.client_timeout,
        retries: args.retries,
        in_flight: args.in_flight as usize,
        timeout: args.timeout,
        headers: flatten(&args.headers),
        connect_headers: flatten(&args.connect_headers),
        log_path: log_path.clone(),
        format: args.format,
        exit_after: args.exit_after,
        max_connections: args.max_connections,
        // A page anyone on the network could open is opt-in.
        inspector: !args.no_inspector && (addr.ip().is_loopback() || args.inspector),
    };
    relay::run(config, |console, bound, resumed| {
        console.info(&format!("{} listening on http://{bound} (Ctrl-C to stop)", "Ready!".green().bold()));
        console.info(&summary);
        console.info(&format!("Event store: {}", log_path.display()));
        // The app needs the secret; a CI log does not. Show it only to a person at a terminal.
        if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            console.info(&format!("Your webhook signing secret is {}", secret.bold()));
        } else {
            console.info(&format!(
                "Your webhook signing secret is {} (masked off a terminal: `whk listen --print-secret` prints it)",
                crate::config::secret::mask(&secret)
            ));
        }
        if let Some(hint) = &import_hint {
            console.info(hint);
        }
        if resumed > 0 {
            console.info(&format!("Resuming {resumed} deliveries left pending by the last run"));
        }
    })
}

/// Before anything is acknowledged: whk's secret must sign every scheme listen may forward, or an
/// event would reach the app without its signature. Stripe's and Fintoc's take any secret;
/// Standard Webhooks' must be base64 (after `whsec_`), and Standard events get in only under
/// --accept-unsigned or with a Standard --verify-secret.
fn check_signing(secret: &str, routing: &Routing, accept_unsigned: bool, verify: &[(Scheme, String)]) -> Result<()> {
    let standard_accepted = accept_unsigned || verify.iter().any(|(s, _)| *s == Scheme::Standard);
    if routing.is_empty() || !standard_accepted {
        return Ok(());
    }
    if let Err(err) = crate::signing::standard_key(secret) {
        anyhow::bail!(UsageError(format!(
            "whk's signing secret cannot sign Standard Webhooks events ({err}), and listen would forward them: \
             use a `whsec_` base64 secret (`whk listen --print-secret` shows whk's own) or drop the --secret override"
        )));
    }
    Ok(())
}

fn listen_addr(args: &ListenArgs) -> Result<SocketAddr> {
    let addr: SocketAddr = match (&args.addr, args.port) {
        (Some(a), _) => a
            .to_socket_addrs()
            .ok()
            .and_then(|mut it| it.next())
            .ok_or_else(|| UsageError(format!("--addr `{a}` is not HOST:PORT (for example 127.0.0.1:7171)")))?,
        (None, port) => SocketAddr::from(([127, 0, 0, 1], port.unwrap_or(DEFAULT_LISTEN_PORT))),
    };
    if !addr.ip().is_loopback() {
        if !args.allow_remote {
            anyhow::bail!(UsageError(format!(
                "{addr} is not a loopback address: anyone who can reach it could post events. Pass --allow-remote if you mean it"
            )));
        }
        console::warn(&format!("listening on {addr}, reachable from other machines"));
    }
    Ok(addr)
}

fn routing(args: &ListenArgs, forward_to: Option<&Resolved<String>>) -> Result<Routing> {
    let url = |s: &str| parse_target(s).map(|u| u.to_string());
    let mut routes = Vec::new();
    for raw in &args.routes {
        let (glob, target) =
            raw.split_once('=').filter(|(g, t)| !g.trim().is_empty() && !t.trim().is_empty()).ok_or_else(|| {
                UsageError(format!("--route `{raw}` is not TYPE_OR_GLOB=URL (for example 'link.created=8000/widget')"))
            })?;
        routes.push((checked_pattern("--route", glob.trim())?, url(target.trim())?));
    }
    let only = args
        .events
        .iter()
        .map(|e| e.trim())
        .filter(|e| !e.is_empty())
        .map(|e| checked_pattern("--events", e))
        .collect::<Result<Vec<_>>>()?;
    warn_unmatched(
        routes.iter().map(|(p, _)| ("--route", p.as_str())).chain(only.iter().map(|p| ("--events", p.as_str()))),
    );
    Ok(Routing {
        forward_to: forward_to.map(|t| url(&t.value).map_err(|e| t.blame("forward_to", e))).transpose()?,
        connect_to: args.forward_connect_to.as_deref().map(url).transpose()?,
        routes,
        only,
    })
}

/// A route or --events pattern is `[PROVIDER:]GLOB`, the glob made of what event names are made
/// of (letters, digits, `_`, `.`, and `-` in custom Standard Webhooks types) and `*`: anything else (`;`, a space) would match nothing, and
/// listen would forward nothing without a word.
fn checked_pattern(flag: &str, pattern: &str) -> Result<String> {
    let (_, glob) = routing::split_pattern(pattern);
    if let Some(bad) = glob.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '*'))) {
        anyhow::bail!(UsageError(format!(
            "{flag} `{pattern}`: `{bad}` cannot be in an event type. Patterns are [PROVIDER:]GLOB with PROVIDER one of {} \
             and `*` matching any run of characters; list several separated by commas: 'payout.*,account.updated'",
            Scheme::ALL.map(Scheme::name).join(", ")
        )));
    }
    if glob.is_empty() {
        anyhow::bail!(UsageError(format!("{flag} `{pattern}` names no event type: `{pattern}*` matches all of them")));
    }
    Ok(pattern.to_string())
}

/// A pattern that matches no event type whk knows is most likely a typo; a custom event may still
/// use it, so it is a warning, not an error.
fn warn_unmatched<'a>(patterns: impl Iterator<Item = (&'a str, &'a str)>) {
    let Ok(catalog) = Catalog::load(None) else { return };
    for (flag, pattern) in patterns {
        let known =
            catalog.templates().iter().any(|t| routing::pattern_match(pattern, t.provider.name(), &t.event_type));
        // Standard Webhooks events have types of the sender's own: none is unknown.
        let standard = routing::split_pattern(pattern).0 == Some(Scheme::Standard.name());
        if !known && !standard {
            console::warn(&format!(
                "{flag} `{pattern}` matches no known event type (`whk events` lists them): check the spelling"
            ));
        }
    }
}

/// The config file's `[secrets]`, accepted on the way in for each provider no --verify-secret names.
fn file_verify_secrets(settings: &Settings, flags: &[(Scheme, String)]) -> Result<Vec<(Scheme, String)>> {
    let mut secrets = Vec::new();
    for &scheme in Scheme::value_variants() {
        if flags.iter().any(|(s, _)| *s == scheme) {
            continue;
        }
        if let Some(secret) = settings.file_secret(scheme)? {
            if scheme == Scheme::Standard {
                crate::signing::standard_key(&secret.value).map_err(|e| secret.blame("secrets.standard", e))?;
            }
            secrets.push((scheme, secret.value));
        }
    }
    Ok(secrets)
}

fn verify_secret(raw: &str) -> Result<(Scheme, String)> {
    let bad = || {
        UsageError(format!(
            "--verify-secret expects PROVIDER=SECRET with provider stripe, fintoc or standard, got `{}`",
            redact(raw)
        ))
    };
    let (provider, secret) = raw.split_once('=').ok_or_else(bad)?;
    let scheme = Scheme::from_name(provider.trim()).ok_or_else(bad)?;
    if secret.trim().is_empty() {
        anyhow::bail!(UsageError(format!("--verify-secret {provider}= has an empty secret")));
    }
    if scheme == Scheme::Standard {
        crate::signing::standard_key(secret)?;
    }
    Ok((scheme, secret.to_string()))
}

/// Never echo a secret back, even in an error about its syntax.
fn redact(raw: &str) -> String {
    match raw.split_once('=') {
        Some((p, s)) => format!("{p}={}", crate::config::secret::mask(s)),
        None => crate::config::secret::mask(raw),
    }
}

fn routing_summary(r: &Routing) -> String {
    if r.is_empty() {
        return "No --forward-to: whk is the endpoint, and prints each event it receives".into();
    }
    let mut lines = Vec::new();
    if !r.only.is_empty() {
        lines.push(format!(
            "Only forwarding {} (other events are recorded, not forwarded)",
            r.only.iter().map(|p| describe(p)).collect::<Vec<_>>().join(", ")
        ));
    }
    for (pattern, t) in &r.routes {
        lines.push(format!("Forwarding {} to {t}", describe(pattern)));
    }
    let others = if r.routes.is_empty() { "" } else { " not routed above" };
    if let Some(t) = &r.connect_to {
        lines.push(format!("Forwarding Stripe Connect events (with an `account`){others} to {t}"));
    }
    match (&r.forward_to, r.connect_to.is_some()) {
        (Some(t), false) if r.routes.is_empty() => lines.push(format!("Forwarding events to {t}")),
        (Some(t), _) => lines.push(format!("Forwarding every other event to {t}")),
        (None, _) => lines.push("Every other event is recorded, not forwarded (no --forward-to)".into()),
    }
    lines.join("\n")
}

/// A pattern in words: `stripe:*` → "Stripe events (stripe:*)", `payout.*` → "payout.* events of
/// any provider".
fn describe(pattern: &str) -> String {
    match routing::split_pattern(pattern) {
        (Some(provider), "*") => format!("all {} events ({pattern})", title(provider)),
        (Some(provider), glob) => format!("{} {glob} events ({pattern})", title(provider)),
        (None, glob) => format!("{glob} events of any provider"),
    }
}

fn title(provider: &str) -> String {
    match crate::providers::Provider::from_name(provider) {
        Some(p) => p.title().to_string(),
        None => "Standard Webhooks".to_string(),
    }
}
