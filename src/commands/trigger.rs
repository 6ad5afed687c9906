//! `whk trigger`: generate, sign and deliver one event.

use std::path::{Path, PathBuf};

use anyhow::Result;
use colored::Colorize;

use crate::cli::parsers::flatten;
use crate::cli::TriggerArgs;
use crate::config::settings::{Settings, Source};
use crate::delivery::report::{Reporter, Shown, Verdict};
use crate::delivery::tamper::{self, TamperKind};
use crate::delivery::target::{default_listen_url, parse_target, DEFAULT_LISTEN_PORT};
use crate::delivery::{Client, SignedRequest};
use crate::event::catalog::{Catalog, ResolveError, Template};
use crate::event::{build, BuildOptions, BuiltEvent};
use crate::providers::Provider;
use crate::time::unix_now;
use crate::ui::console;
use crate::{Exit, UsageError};

pub fn run(mut args: TriggerArgs) -> Result<Exit> {
    let settings = Settings::load()?;
    let catalog = Catalog::load(args.templates.dir.as_deref())?;
    let default_provider = settings.provider(args.provider)?.map(|r| r.value);
    let patches = args.edits.patches()?;
    if args.count.is_some() {
        check_load_flags(&args)?;
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
        None if crate::ui::picker::interactive() => match crate::ui::picker::pick_event(&catalog)? {
            Some(name) => name,
            // A cancel is the user's choice, not an error: no message, the code a shell gives Ctrl-C.
            None => return Ok(Exit::Cancelled),
        },
        None => anyhow::bail!(UsageError(
            "no event given: name one, e.g. `whk trigger payout.failed` (`whk events` lists them; on a terminal, `whk trigger` alone opens a picker)".into()
        )),
    };
    let template = resolve(&catalog, &name, args.provider, default_provider)?;
    if template.connect_only && args.account.is_none() {
        // An event Stripe never sends without an account would mislead a handler tested on it.
        let account = template.provider.new_id("acct");
        eprintln!(
            "whk: Stripe sends {} only for a connected account: it carries account {account} (--account chooses it)",
            template.event_type
        );
        args.account = Some(account);
    }
    let secret = settings.secret(args.secret.secret.as_deref(), template.provider.scheme())?.value;
    let api_version = settings.api_version(args.api_version.as_deref());
    crate::providers::check_api_version(&api_version.value).map_err(|e| api_version.blame("api_version", e))?;
    let api_version = api_version.value;
    if let Some(count) = args.count {
        return crate::delivery::load::run(crate::delivery::load::Plan {
            template: template.clone(),
            account: args.account,
            livemode: args.livemode,
            api_version,
            patches,
            secret,
            url,
            tls: args.tls.settings(),
            headers: flatten(&args.headers),
            count,
            concurrency: args.concurrency.unwrap_or(1),
            rate: args.rate,
            timeout: args.timeout,
            expect: args.expect_status,
            json: args.json,
            hint,
        });
    }

    let event = build(
        template,
        &BuildOptions {
            account: args.account.as_deref(),
            livemode: args.livemode,
            api_version: &api_version,
            patches: &patches,
        },
    )?;
    if let Some(path) = &args.save {
        let written = save_fixture(path, &event, args.account.is_some(), args.force)?;
        eprintln!("saved {} to {}", event.event_type, written.display());
        if args.no_send {
            return Ok(Exit::Success);
        }
    }
    let shown = Shown {
        provider: event.provider.name(),
        event_type: &event.event_type,
        id: &event.id,
        connect: args.account.is_some(),
    };
    let client = Client::new(args.timeout, args.tls.settings());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    if let Some(kind) = args.tamper {
        let send = |request: &SignedRequest| runtime.block_on(client.send(request, &hint));
        return forged(kind, &event, &shown, &secret, url, &flatten(&args.headers), args.json, send);
    }
    let request =
        SignedRequest::new(event.provider, &secret, unix_now(), url, event.body.clone(), &flatten(&args.headers))?;
    if args.print {
        if args.json {
            println!("{}", request_json(&request));
        } else {
            // The newline ends the output for the terminal; it is not part of the signed body.
            println!("{}", request.render());
        }
        return Ok(Exit::Success);
    }
    let reporter = Reporter { json: args.json, expect: args.expect_status };
    reporter.sending(&shown);
    match reporter.result(&shown, &request, runtime.block_on(client.send(&request, &hint))) {
        Verdict::Expected => Ok(Exit::Success),
        Verdict::Unexpected => Ok(Exit::Refused),
        Verdict::Unreachable(err) => Err(err.into()),
    }
}

/// `--print --json`: the request as one object. Headers keep their order; the body is the exact
/// signed text, so a script can send it as is.
fn request_json(request: &SignedRequest) -> serde_json::Value {
    let headers: serde_json::Map<String, serde_json::Value> =
        request.headers.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect();
    serde_json::json!({
        "method": "POST",
        "url": request.url.as_str(),
        "headers": headers,
        "body": String::from_utf8_lossy(&request.body),
    })
}

/// Load mode sends many generated events; the one-event flags make no sense with it.
fn check_load_flags(args: &TriggerArgs) -> Result<()> {
    let clash = if args.print {
        Some("--print shows one request and sends nothing")
    } else if args.tamper.is_some() {
        Some("--tamper sends forged copies of one event")
    } else if args.save.is_some() {
        Some("--save writes one event as a fixture")
    } else {
        None
    };
    if let Some(why) = clash {
        anyhow::bail!(UsageError(format!("--count sends many generated events, but {why}: use one or the other")));
    }
    if let Some(rate) = args.rate.filter(|r| !(r.is_finite() && *r > 0.0)) {
        anyhow::bail!(UsageError(format!("--rate {rate} is not a positive number of events per second")));
    }
    Ok(())
}

/// Writes the event as a fixture: the exact body on one line. A folder (made if missing) gets
/// `<provider>.<type>[.connect].json`, numbered `.2`, `.3`, … when taken, so a save never replaces
/// another; a file path is overwritten only with `--force`.
fn save_fixture(path: &Path, event: &BuiltEvent, connect: bool, force: bool) -> Result<PathBuf> {
    let mut bytes = event.body.clone();
    bytes.push(b'\n');
    let ends_in_separator = path.as_os_str().to_string_lossy().ends_with(std::path::is_separator);
    let is_folder = path.is_dir() || ends_in_separator || (path.extension().is_none() && !path.exists());
    let folder = if is_folder { path } else { path.parent().unwrap_or(Path::new("")) };
    if !folder.as_os_str().is_empty() {
        std::fs::create_dir_all(folder)
            .map_err(|e| UsageError(format!("cannot create the fixture folder {}: {e}", folder.display())))?;
    }
    if !is_folder {
        write_fixture(path, &bytes, force)?.then_some(()).ok_or_else(|| {
            UsageError(format!(
                "{} already exists: pass --force to overwrite it, or --save another path",
                path.display()
            ))
        })?;
        return Ok(path.to_path_buf());
    }
    let stem = format!("{}.{}{}", event.provider, event.event_type, if connect { ".connect" } else { "" });
    for n in 1.. {
        let name = if n == 1 { format!("{stem}.json") } else { format!("{stem}.{n}.json") };
        let file = path.join(name);
        if write_fixture(&file, &bytes, force)? {
            return Ok(file);
        }
    }
    unreachable!("some numbered name is free")
}

/// Writes a new file (or, with `force`, any file); false when it exists and `force` is off.
/// `create_new` makes the check and the creation one step, so a concurrent save cannot be lost.
fn write_fixture(file: &Path, bytes: &[u8], force: bool) -> Result<bool> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    match options.open(file) {
        Ok(mut out) => {
            out.write_all(bytes)
                .map_err(|e| UsageError(format!("cannot write the fixture {}: {e}", file.display())))?;
            Ok(true)
        }
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(err) => Err(UsageError(format!("cannot write the fixture {}: {err}", file.display())).into()),
    }
}

/// One forged kind's outcome.
struct ForgedRow {
    kind: TamperKind,
    statuses: Vec<u16>,
    verdict: String,
    ok: bool,
}

/// Sends each forged delivery and judges the answers: a must-refuse kind passes only on 4xx.
#[allow(clippy::too_many_arguments)]
fn forged(
    kind: TamperKind,
    event: &BuiltEvent,
    shown: &Shown,
    secret: &str,
    url: url::Url,
    headers: &[(String, String)],
    json: bool,
    send: impl Fn(&SignedRequest) -> Result<crate::delivery::Answer, crate::delivery::DeliveryError>,
) -> Result<Exit> {
    let kinds = if kind == TamperKind::All { TamperKind::EVERY.to_vec() } else { vec![kind] };
    let mut rows = Vec::new();
    for kind in kinds {
        let requests =
            tamper::forge(kind, event.provider, secret, unix_now(), url.clone(), event.body.clone(), headers);
        let mut statuses = Vec::new();
        for request in &requests {
            statuses.push(send(request)?.status);
        }
        let refused = statuses.iter().all(|s| (400..500).contains(s));
        let last = *statuses.last().expect("every kind sends at least one request");
        let accepted = (200..300).contains(&last);
        let (verdict, ok) = match (kind.must_refuse(), refused) {
            _ if kind.must_accept() && accepted => ("accepted, as it must".to_string(), true),
            _ if kind.must_accept() => (format!("REFUSED ({last}): {}", kind.danger()), false),
            (true, true) => ("refused, as it must".to_string(), true),
            (true, false) if accepted => (format!("ACCEPTED a forged event: {}", kind.danger()), false),
            (true, false) => (format!("answered {last}, not a 4xx: a forged event must be refused with a 4xx"), false),
            (false, _) => (kind.advisory_verdict(event.provider, accepted, last), true),
        };
        rows.push(ForgedRow { kind, statuses, verdict, ok });
    }
    if json {
        for row in &rows {
            println!(
                "{}",
                serde_json::json!({
                    "type": shown.event_type, "id": shown.id, "url": url.as_str(), "tamper": row.kind.name(),
                    "must_refuse": row.kind.must_refuse(), "must_accept": row.kind.must_accept(), "statuses": row.statuses, "verdict": row.verdict, "ok": row.ok,
                    "sdks": row.kind.sdk_verdicts(event.provider).into_iter()
                        .map(|(sdk, accepts)| (sdk.to_string(), serde_json::json!(if accepts { "accepts" } else { "refuses" })))
                        .collect::<serde_json::Map<_, _>>(),
                })
            );
        }
    } else {
        println!("{} {} [{}] to {url}", "-->".bold(), shown.event_type, shown.id);
        let width = rows.iter().map(|r| r.kind.name().len()).max().unwrap_or(0);
        for row in &rows {
            let statuses: Vec<String> = row.statuses.iter().map(|s| console::status(*s).to_string()).collect();
            let mark = if row.ok { "ok".green() } else { "FAIL".red().bold() };
            println!("  {:width$}  {:<12}  {mark}  {}", row.kind.name(), statuses.join(" "), row.verdict);
        }
    }
    Ok(if rows.iter().all(|r| r.ok) { Exit::Success } else { Exit::Refused })
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
