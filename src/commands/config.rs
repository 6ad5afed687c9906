//! `whk config`: the settings in effect, each with where it came from. Secrets are masked.

use anyhow::Result;
use colored::Colorize;

use crate::cli::ConfigArgs;
use crate::config::settings::{Resolved, Settings, Source};
use crate::delivery::target::default_listen_url;
use crate::signing::Scheme;
use crate::Exit;

pub fn run(args: ConfigArgs) -> Result<Exit> {
    let settings = Settings::load()?;
    if args.path {
        println!("{}", settings.path().display());
        return Ok(Exit::Success);
    }
    let state = if settings.file_found() { "" } else { " (not found: every value below comes from elsewhere)" };
    println!("{} {}{state}", "Config file:".bold(), settings.path().display());

    let mut rows: Vec<(String, String, String)> = Vec::new();
    let mut row = |name: &str, value: String, source: String| rows.push((name.to_string(), value, source));
    match settings.forward_to(None) {
        Some(r) => row("forward_to", r.value, r.source.to_string()),
        None => row(
            "forward_to",
            "(none)".into(),
            format!("built-in: trigger sends to `whk listen` at {}", default_listen_url()),
        ),
    }
    let api_version = settings.api_version(None);
    row("api_version", api_version.value, api_version.source.to_string());
    match settings.provider(None)? {
        Some(r) => row("provider", r.value.to_string(), r.source.to_string()),
        None => row("provider", "(none)".into(), "built-in: names both providers have need --provider".into()),
    }
    for scheme in Scheme::ALL {
        let (value, source) = shown_secret(settings.configured_secret(None, scheme)?);
        row(&format!("secrets.{}", scheme.name()), value, source);
    }

    let width = rows.iter().map(|(name, ..)| name.len()).max().unwrap_or(0);
    let value_width = rows.iter().map(|(_, value, _)| value.chars().count()).max().unwrap_or(0);
    for (name, value, source) in rows {
        let pad = value_width.saturating_sub(value.chars().count());
        println!("  {name:width$}  {value}{}  {}", " ".repeat(pad), source.dimmed());
    }
    Ok(Exit::Success)
}

/// A secret, masked, and its source; the local secret is read but never created here.
fn shown_secret(configured: Option<Resolved<String>>) -> (String, String) {
    if let Some(r) = configured {
        return (crate::config::secret::mask(&r.value), r.source.to_string());
    }
    let path = crate::config::secret::local_secret_path().map(|p| p.display().to_string()).unwrap_or_default();
    let value = crate::config::secret::existing_local_secret()
        .map_or_else(|| "(made on first use)".to_string(), |s| crate::config::secret::mask(&s));
    (value, format!("{}: the local secret {path}", Source::BuiltIn))
}
