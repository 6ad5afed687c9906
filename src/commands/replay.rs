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
use crate::delivery::{Client, SignedRequest};
use crate::event::patch::{self, Patch};
use crate::providers::Provider;
use crate::relay::store::{Attempt, Filter, Record, State, StatusFilter, Store};
use crate::signing::Scheme;
use crate::time::{iso_millis, unix_now};
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
    /// Set for `--pending` replays, so a success is written back to the store.
    pending_seq: Option<u64>,
    /// The event's place in the store (not for fixture files): each replay is recorded there.
    seq: Option<u64>,
}

pub fn run(args: ReplayArgs) -> Result<Exit> {
    let settings = Settings::load()?;
    let patches = args.edits.patches()?;
    let to = args.to.as_deref().map(parse_target).transpose()?;
    let log_path = crate::relay::log_path(args.log.clone())?;

    let mut store = if args.files.is_empty() { Some(Store::open_existing(&log_path)?) } else { None };
    let (mut items, held_elsewhere) = match store.as_mut() {
        Some(store) => from_log(&args, store)?,
        None => (from_files(&args)?, 0),
    };
    if items.is_empty() {
        if held_elsewhere > 0 {
            // Everything pending is in a running listen's hands: nothing is owed by this run.
            return Ok(Exit::Success);
        }
        if args.pending {
            // Nothing owed is the state a CI step hopes for, not a mistake in the command.
            eprintln!("whk: no pending delivery in {}: nothing to replay", log_path.display());
            return Ok(Exit::Success);
        }
        anyhow::bail!(UsageError(format!(
            "no recorded event matches in {}; `whk replay --last 5` replays the latest, --file PATH replays fixtures",
            log_path.display()
        )));
    }
    for item in &mut items {
        rewrite(item, args.new_id, &patches)?;
    }

    let reporter = Reporter { json: args.json, expect: args.expect_status };
    let client = Client::new(args.timeout, args.tls.settings());
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
            )?;
            reporter.sending(&shown);
            let hint = "is your server running? (`whk listen` runs on port 7171 by default)";
            let result = runtime.block_on(client.send(&request, hint));
            // The store numbers it after the target's earlier attempts.
            let attempt = Attempt::of(request.url.as_str(), 0, result.as_ref(), true, request.body != item.body);
            let verdict = reporter.result(&shown, &request, result);
            if let (Some(seq), Some(store)) = (item.seq, store.as_mut()) {
                // A claim is settled either way: delivered, or handed back for a later run.
                let settles = item.pending_seq.map(|_| match verdict {
                    Verdict::Expected => (State::Delivered, Some("whk replay --pending")),
                    _ => (State::Pending, None),
                });
                store.record_replay(seq, attempt, settles)?;
            }
            match verdict {
                Verdict::Expected => {}
                Verdict::Unexpected => worst = worst.max(Exit::Refused),
                Verdict::Unreachable(err) => {
                    crate::ui::console::error(&err.to_string());
                    unreachable = Some(err);
                }
            }
        }
    }
    // Whatever this run claimed (--pending) and did not settle goes back for a later run.
    if let Some(store) = store.as_mut().filter(|_| items.iter().any(|item| item.pending_seq.is_some())) {
        store.release_claims()?;
    }
    if unreachable.is_some() {
        return Ok(Exit::Unreachable);
    }
    Ok(worst)
}

/// The events chosen, and how many pending deliveries a running listen holds (left to it).
fn from_log(args: &ReplayArgs, store: &mut Store) -> Result<(Vec<Replayable>, usize)> {
    let selecting = !args.ids.is_empty() || args.last.is_some() || args.type_glob.is_some() || args.since.is_some();
    if !(selecting || args.failed || args.pending) {
        anyhow::bail!(UsageError(
            "say which events to replay: EVT_ID…, --last N, --type GLOB, --since 10m, --failed, --pending, or --file PATH".into()
        ));
    }
    let filter = Filter {
        type_glob: args.type_glob.clone(),
        // The value parser made sure the span reaches back no further than 1970.
        since: args.since.map(|span| SystemTime::now() - span),
        status: if args.pending {
            Some(StatusFilter::Pending)
        } else if args.failed {
            Some(StatusFilter::LastFailed)
        } else {
            None
        },
        limit: if args.ids.is_empty() { args.last } else { None },
        ..Filter::default()
    };
    // Newest first from the store, so --last reads only what it needs.
    let mut chosen: Vec<Record> = if args.ids.is_empty() {
        store.list(&filter)?
    } else {
        let mut found = Vec::new();
        for id in &args.ids {
            let mut narrowed = Filter { limit: None, ..filter.clone() };
            narrowed.event_id = Some(id.clone());
            found.extend(store.list(&narrowed)?);
        }
        found.sort_by_key(|r| std::cmp::Reverse(r.seq));
        found.dedup_by_key(|r| r.seq);
        found
    };
    if args.pending && args.failed {
        chosen.retain(|r| r.has_state(State::Failed));
    }
    if let Some(n) = args.last {
        chosen.truncate(n);
    }
    chosen.reverse();

    // A --pending replay goes only where the event is still owed, and only for deliveries no
    // running listen is sending: those are claimed for this process first.
    let mut claimed: Option<Vec<(u64, String)>> = None;
    let mut held_elsewhere = 0;
    if args.pending && args.to.is_none() {
        let seqs: Vec<u64> = chosen.iter().map(|r| r.seq).collect();
        let (mine, held) = store.claim_pending(Some(&seqs))?;
        if held > 0 {
            crate::ui::console::warn(&format!(
                "{held} pending deliveries are being sent by a running `whk listen` on this store; left to it"
            ));
        }
        claimed = Some(mine);
        held_elsewhere = held;
    }
    let items = chosen
        .into_iter()
        .filter_map(|record| {
            let targets = match &claimed {
                Some(mine) => {
                    let mine: Vec<String> =
                        mine.iter().filter(|(seq, _)| *seq == record.seq).map(|(_, t)| t.clone()).collect();
                    if mine.is_empty() {
                        return None;
                    }
                    mine
                }
                None if args.pending => record.pending_targets(),
                None => record.targets(),
            };
            Some(Replayable {
                provider: record.provider.clone(),
                event_type: record.event_type.clone(),
                id: record.event_id.clone(),
                msg_id: record.msg_id.clone().unwrap_or_else(|| record.event_id.clone()),
                connect: record.account.is_some(),
                body: record.body,
                targets,
                pending_seq: claimed.is_some().then_some(record.seq),
                seq: Some(record.seq),
            })
        })
        .collect();
    Ok((items, held_elsewhere))
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
                seq: None,
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
