//! `whk replay`: re-deliver recorded events (from the listen log) or fixture files, re-signed with
//! a fresh timestamp and otherwise byte for byte.

use std::time::SystemTime;

use anyhow::Result;
use serde_json::{json, Value};

use crate::cli::parsers::flatten;
use crate::cli::ReplayArgs;
use crate::config::settings::Settings;
use crate::delivery::report::{Reporter, Shown, Verdict};
use crate::delivery::target::{default_listen_url, parse_target};
use crate::delivery::{Client, SignedRequest, TlsSettings};
use crate::event::patch::{self, Patch};
use crate::providers::Provider;
use crate::relay::log::{self, Recorded};
use crate::relay::routing::glob_match;
use crate::signing::Scheme;
use crate::time::iso_millis;
use crate::{Exit, UsageError};

/// One event to send again.
struct Replayable {
    /// stripe, fintoc, standard or unknown (an unverified event of unknown origin).
    provider: String,
    event_type: String,
    id: String,
    msg_id: String,
    connect: bool,
    body: Vec<u8>,
    /// Where it goes when no --to is given: the route it had, if any.
    targets: Vec<String>,
    /// Set for `--pending` replays, so a success is written back to the log.
    pending_seq: Option<u64>,
}

pub fn run(args: ReplayArgs) -> Result<Exit> {
    let settings = Settings::load()?;
    let patches = args.edits.patches()?;
    let to = args.to.as_deref().map(parse_target).transpose()?;
    let log_path = crate::relay::log_path(args.log.clone())?;

    let mut items = if args.files.is_empty() { from_log(&args, &log_path)? } else { from_files(&args)? };
    if items.is_empty() {
        anyhow::bail!(UsageError(format!(
            "no recorded event matches in {}; `whk replay --last 5` replays the latest, --file PATH replays fixtures",
            log_path.display()
        )));
    }
    for item in &mut items {
        rewrite(item, args.new_id, &patches)?;
    }

    let reporter = Reporter { json: args.json, expect: args.expect_status };
    let client = Client::new(args.timeout, TlsSettings::default());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let mut worst = Exit::Success;
    let mut unreachable = None;
    for item in &items {
        let targets: Vec<url::Url> = match (&to, item.targets.is_empty()) {
            (Some(url), _) => vec![url.clone()],
            (None, false) => item.targets.iter().filter_map(|t| url::Url::parse(t).ok()).collect(),
            (None, true) => vec![parse_target(&default_listen_url())?],
        };
        let scheme = Provider::from_name(&item.provider).map_or(Scheme::Standard, Provider::scheme);
        let secret = settings.secret(args.secret.secret.as_deref(), scheme)?.value;
        let shown =
            Shown { provider: &item.provider, event_type: &item.event_type, id: &item.id, connect: item.connect };
        for url in targets {
            let request = SignedRequest::for_recorded(
                &item.provider,
                &item.msg_id,
                &secret,
                unix_now(),
                url,
                item.body.clone(),
                &flatten(&args.headers),
            );
            reporter.sending(&shown);
            let hint = "is your server running? (`whk listen` runs on port 7171 by default)";
            match reporter.result(&shown, &request, runtime.block_on(client.send(&request, hint))) {
                Verdict::Expected => {
                    if let (Some(seq), None) = (item.pending_seq, &to) {
                        let done = json!({"rec": "delivered", "seq": seq, "target": request.url.as_str(),
                            "at": iso_millis(SystemTime::now()), "reason": "whk replay --pending"});
                        log::append_record(&log_path, &done)?;
                    }
                }
                Verdict::Unexpected => worst = worst.max(Exit::Refused),
                Verdict::Unreachable(err) => {
                    crate::ui::console::error(&err.to_string());
                    unreachable = Some(err);
                }
            }
        }
    }
    if unreachable.is_some() {
        return Ok(Exit::Unreachable);
    }
    Ok(worst)
}

fn from_log(args: &ReplayArgs, path: &std::path::Path) -> Result<Vec<Replayable>> {
    let selecting = !args.ids.is_empty() || args.last.is_some() || args.type_glob.is_some() || args.since.is_some();
    if !(selecting || args.failed || args.pending) {
        anyhow::bail!(UsageError(
            "say which events to replay: EVT_ID…, --last N, --type GLOB, --since 10m, --failed, --pending, or --file PATH".into()
        ));
    }
    let since = args.since.map(|span| SystemTime::now() - span);
    let mut chosen: Vec<(Recorded, Vec<String>)> = Vec::new();
    for event in log::history(path)? {
        let r = &event.record;
        let text = |key: &str| r[key].as_str().unwrap_or("");
        let arrived = humantime::parse_rfc3339(text("at")).ok();
        let keep = (args.ids.is_empty() || args.ids.iter().any(|id| id == text("id")))
            && args.type_glob.as_deref().is_none_or(|g| glob_match(g, text("type")))
            && since.is_none_or(|s| arrived.is_some_and(|a| a >= s))
            && (!args.failed || !event.failed.is_empty())
            && (!args.pending || !event.pending_targets().is_empty());
        if keep {
            // A --pending replay goes only where the event is still owed.
            let targets = if args.pending { event.pending_targets() } else { event.targets() };
            chosen.push((event, targets));
        }
    }
    if let Some(n) = args.last {
        chosen.drain(..chosen.len().saturating_sub(n));
    }
    Ok(chosen
        .into_iter()
        .map(|(event, targets)| {
            let r = &event.record;
            let text = |key: &str| r[key].as_str().unwrap_or("").to_string();
            Replayable {
                provider: text("provider"),
                event_type: text("type"),
                id: text("id"),
                msg_id: r["msg_id"].as_str().map_or_else(|| text("id"), String::from),
                connect: r["account"].is_string(),
                body: text("body").into_bytes(),
                targets,
                pending_seq: args.pending.then(|| r["seq"].as_u64()).flatten(),
            }
        })
        .collect())
}

fn from_files(args: &ReplayArgs) -> Result<Vec<Replayable>> {
    let mut items = Vec::new();
    for path in &args.files {
        for fixture in crate::event::fixtures::read(path, args.provider)? {
            let text = |key: &str| fixture.event[key].as_str().unwrap_or("").to_string();
            items.push(Replayable {
                provider: fixture.provider.name().to_string(),
                event_type: text("type"),
                id: text("id"),
                msg_id: text("id"),
                connect: fixture.provider == Provider::Stripe && fixture.event["account"].is_string(),
                body: fixture.body,
                targets: Vec::new(),
                pending_seq: None,
            });
        }
    }
    Ok(items)
}

/// `--new-id` and edits re-serialise the event; otherwise its bytes are left exactly as they were.
fn rewrite(item: &mut Replayable, new_id: bool, patches: &[Patch]) -> Result<()> {
    if !new_id && patches.is_empty() {
        return Ok(());
    }
    let Some(provider) = Provider::from_name(&item.provider) else {
        anyhow::bail!(UsageError(format!(
            "{} is not a Stripe or Fintoc event, so --new-id and edits do not know its shape",
            item.id
        )));
    };
    let mut event: Value = serde_json::from_slice(&item.body)?;
    if new_id {
        event["id"] = json!(provider.new_id("evt"));
        match provider {
            Provider::Stripe => event["created"] = json!(unix_now()),
            Provider::Fintoc => event["created_at"] = json!(iso_millis(SystemTime::now())),
        }
    }
    for p in patches {
        patch::apply(&mut event, provider.resource_path(), p)?;
    }
    item.id = event["id"].as_str().unwrap_or_default().to_string();
    item.msg_id = item.id.clone();
    item.body = serde_json::to_vec(&event)?;
    Ok(())
}

fn unix_now() -> i64 {
    SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}
