//! `whk trigger`: generate, sign and deliver one event.

use std::time::Duration;

use anyhow::Result;
use colored::Colorize;
use serde_json::json;

use crate::catalog::{Catalog, ResolveError, Template};
use crate::cli::TriggerArgs;
use crate::deliver::{parse_header, Sender, SignedRequest};
use crate::event::{build, BuildOptions, BuiltEvent};
use crate::output;
use crate::patch::{parse_assignment, Patch};
use crate::providers::Provider;
use crate::settings::{Settings, Source};
use crate::target::{default_listen_url, parse_target, DEFAULT_LISTEN_PORT};
use crate::{Exit, UsageError};

pub fn run(args: TriggerArgs) -> Result<Exit> {
    let settings = Settings::load()?;
    let catalog = Catalog::load(args.templates.dir.as_deref())?;
    let default_provider = settings.provider(args.provider)?.map(|r| r.value);
    let patches = patches(&args)?;
    let headers = args.headers.iter().map(|h| parse_header(h)).collect::<Result<Vec<_>, _>>()?;
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        anyhow::bail!(UsageError(format!("--timeout {} is not a positive number of seconds", args.timeout)));
    }
    let (url, hint) = match settings.forward_to(args.forward_to.as_deref()) {
        Some(target) => (
            parse_target(&target.value).map_err(|e| target.blame("forward_to", e))?,
            match target.source {
                Source::Flag(_) => "is your server running?".to_string(),
                source => format!("is your server running? (the URL is from {source}; --forward-to overrides it)"),
            },
        ),
        None => (
            parse_target(&default_listen_url())?,
            format!("that is where `whk listen` runs by default (port {DEFAULT_LISTEN_PORT}); start `whk listen`, or pass --forward-to URL"),
        ),
    };
    // Flags are checked before the picker opens, so a choice is never followed by a usage error.
    let name = match &args.event {
        Some(name) => name.clone(),
        None if crate::picker::interactive() => match crate::picker::pick_event(&catalog)? {
            Some(name) => name,
            None => anyhow::bail!(UsageError("no event chosen".into())),
        },
        None => anyhow::bail!(UsageError(
            "no event given: name one, e.g. `whk trigger payout.failed` (`whk events` lists them; on a terminal, `whk trigger` alone opens a picker)".into()
        )),
    };
    let template = resolve(&catalog, &name, args.provider, default_provider)?;
    let secret = settings.secret(args.secret.secret.as_deref(), template.provider.scheme())?.value;
    let api_version = settings.api_version(args.api_version.as_deref()).value;

    let event = build(
        template,
        &BuildOptions {
            account: args.account.as_deref(),
            livemode: args.livemode,
            api_version: &api_version,
            patches: &patches,
        },
    )?;
    let request = SignedRequest::new(event.provider, &secret, unix_now(), url, event.body.clone(), &headers)?;

    if args.print {
        print!("{}", request.render());
        return Ok(Exit::Success);
    }
    if !args.json {
        println!("{} {} [{}]", "-->".bold(), connect_label(&event, args.account.is_some()), event.id);
    }
    let sender = Sender::new(Duration::from_secs_f64(args.timeout));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let result = runtime.block_on(sender.send(&request, &hint));
    report(&event, &request, result, args.json)
}

/// Finds the template; a name both providers have goes to the default provider, if one is set.
fn resolve<'c>(
    catalog: &'c Catalog,
    name: &str,
    flag: Option<Provider>,
    default: Option<Provider>,
) -> Result<&'c Template, ResolveError> {
    match (catalog.resolve(name, flag), default) {
        (Err(ResolveError::Ambiguous { .. }), Some(provider)) => catalog.resolve(name, Some(provider)),
        (result, _) => result,
    }
}

fn patches(args: &TriggerArgs) -> Result<Vec<Patch>> {
    let mut out = Vec::new();
    for raw in &args.overrides {
        let (path, value) = parse_assignment(raw)?;
        out.push(Patch::Override(path, value));
    }
    for raw in &args.adds {
        let (path, value) = parse_assignment(raw)?;
        out.push(Patch::Add(path, value));
    }
    out.extend(args.removes.iter().map(|p| Patch::Remove(p.clone())));
    Ok(out)
}

fn connect_label(event: &BuiltEvent, connect: bool) -> String {
    if connect {
        format!("[connect] {}", event.event_type)
    } else {
        event.event_type.clone()
    }
}

fn report(
    event: &BuiltEvent,
    request: &SignedRequest,
    result: Result<crate::deliver::Answer, crate::deliver::DeliveryError>,
    json: bool,
) -> Result<Exit> {
    match result {
        Ok(answer) => {
            let ok = answer.is_success();
            if json {
                println!(
                    "{}",
                    json!({
                        "provider": event.provider.name(), "type": event.event_type, "id": event.id,
                        "url": request.url.as_str(), "status": answer.status,
                        "duration_ms": answer.duration.as_secs_f64() * 1000.0, "ok": ok,
                    })
                );
            } else {
                println!(
                    "{} {} POST {} [{}] ({} ms)",
                    "<--".bold(),
                    output::status(answer.status),
                    request.url,
                    event.id,
                    answer.duration.as_millis()
                );
                if !ok {
                    let body = answer.body_start.trim();
                    if !body.is_empty() {
                        println!("    {body}");
                    }
                    if (300..400).contains(&answer.status) {
                        output::warn("the endpoint redirected; providers do not follow redirects, so neither does whk");
                    }
                }
            }
            Ok(if ok { Exit::Success } else { Exit::Refused })
        }
        Err(err) => {
            if json {
                println!(
                    "{}",
                    json!({
                        "provider": event.provider.name(), "type": event.event_type, "id": event.id,
                        "url": request.url.as_str(), "status": null, "duration_ms": null, "ok": false,
                        "error": err.to_string(),
                    })
                );
            }
            Err(err.into())
        }
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}
