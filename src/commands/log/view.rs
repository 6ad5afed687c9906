//! `whk log list|show|tail`: the event store read for people (aligned lines, colour on a terminal)
//! and for scripts (`--json`: JSON Lines). Data on stdout, notes on stderr.

use std::io::Write;
use std::path::Path;
use std::time::SystemTime;

use anyhow::{Context, Result};
use colored::Colorize;
use serde_json::{json, Value};

use super::tail::{follow, Follower};
use crate::cli::{ListArgs, LogFilter, LogStatus, ShowArgs};
use crate::relay::store::{Attempt, Filter, Key, Record, State, StatusFilter, Store, Verdict};
use crate::{Exit, UsageError};

/// How much of the app's answer `show` prints (the store keeps up to 4 KiB; --json has it all).
pub(super) const ANSWER_EXCERPT: usize = 600;

pub fn list(path: &Path, args: ListArgs) -> Result<Exit> {
    let store = Store::open_existing(path)?;
    // Made before listing, so a change made while the list is read is followed, not lost.
    let mut follower =
        if args.follow { Some(Follower::new(&store, args.filter.clone(), args.json, args.exit_after)?) } else { None };
    let mut filter = store_filter(&args.filter);
    filter.limit = Some(usize::try_from(args.limit).unwrap_or(usize::MAX));
    let records = store.list(&filter).with_context(|| unreadable(store.path()))?;
    let mut rows = Vec::with_capacity(records.len());
    for record in records {
        let attempts = store.attempts(record.seq).with_context(|| unreadable(store.path()))?;
        rows.push((record, attempts));
    }
    if rows.is_empty() {
        if filtered(&args.filter) {
            eprintln!("No events in {} match these filters.", path.display());
        } else {
            eprintln!("No events in {} yet: `whk listen` records what it receives.", path.display());
        }
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        for (record, attempts) in &rows {
            writeln!(out, "{}", event_json(record, attempts))?;
        }
    } else {
        let lines: Vec<Vec<Cell>> = rows.iter().map(|(r, a)| event_cells(r, a)).collect();
        for line in aligned(&lines, &[]) {
            writeln!(out, "{line}")?;
        }
    }
    out.flush()?;
    drop(out);
    let Some(follower) = &mut follower else { return Ok(Exit::Success) };
    for (record, attempts) in &rows {
        follower.remember(record, attempts);
    }
    follow(&store, follower)
}

pub fn show(path: &Path, args: ShowArgs) -> Result<Exit> {
    let store = Store::open_existing(path)?;
    let id = args.id.trim();
    let key = match id.trim_start_matches('#').parse::<u64>() {
        Ok(seq) => Key::Seq(seq),
        Err(_) => Key::EventId(id.to_string()),
    };
    let Some(record) = store.show(&key).with_context(|| unreadable(store.path()))? else {
        anyhow::bail!(UsageError(format!(
            "no event `{id}` in {}: `whk log list` shows the recorded ones, by # or event id",
            path.display()
        )));
    };
    let truncated = (record.body.len() as u64) < record.body_len;
    let mut out = std::io::stdout().lock();
    if args.raw {
        out.write_all(&record.body)?;
        out.flush()?;
        if truncated {
            eprintln!(
                "note: only the first {} of {} bytes were kept (a rejected request's body is cut)",
                record.body.len(),
                record.body_len
            );
        }
        return Ok(Exit::Success);
    }
    if args.json {
        writeln!(out, "{}", detail_json(&record))?;
    } else {
        write!(out, "{}", detail_text(&record, truncated))?;
    }
    out.flush()?;
    Ok(Exit::Success)
}

/// The context for a query that failed on a store that opened: its tables are not whk's, or the
/// disk failed (exit 4).
pub(super) fn unreadable(path: &Path) -> String {
    format!("cannot read the event store {}", path.display())
}

pub(super) fn filtered(filter: &LogFilter) -> bool {
    filter.event_type.is_some()
        || filter.provider.is_some()
        || filter.status.is_some()
        || filter.since.is_some()
        || filter.target.is_some()
        || filter.search.is_some()
}

pub(super) fn store_filter(filter: &LogFilter) -> Filter {
    Filter {
        type_glob: filter.event_type.clone(),
        provider: filter.provider.clone(),
        status: filter.status.map(|s| match s {
            LogStatus::Delivered => StatusFilter::Delivered,
            LogStatus::Pending => StatusFilter::Pending,
            LogStatus::Failed => StatusFilter::Failed,
            LogStatus::Rejected => StatusFilter::Rejected,
        }),
        // `Span` has checked the span reaches no further back than 1970.
        since: filter.since.and_then(|span| SystemTime::now().checked_sub(span)),
        target: filter.target.clone(),
        body_contains: filter.search.clone(),
        // The verdict is one of the columns: a rejected request is listed as such.
        include_rejected: true,
        ..Filter::default()
    }
}

/// What one delivery amounts to so far: its attempts and the last one's answer.
pub(super) struct Progress<'a> {
    pub(super) attempts: usize,
    pub(super) last: Option<&'a Attempt>,
}

pub(super) fn progress<'a>(attempts: &'a [Attempt], target: &str) -> Progress<'a> {
    let mine: Vec<&Attempt> = attempts.iter().filter(|a| a.target == target).collect();
    Progress { attempts: mine.len(), last: mine.last().copied() }
}

/// `delivered [200]`, `pending, 2 attempts, last [500]`, `failed [500] after 3 attempts`.
pub(super) fn delivery_state(state: State, progress: &Progress) -> String {
    let answer = progress.last.map(|a| match (a.status, &a.error) {
        (Some(status), _) => format!("[{status}]"),
        (None, Some(_)) => "[no answer]".to_string(),
        (None, None) => String::new(),
    });
    let retries = progress.attempts.saturating_sub(1);
    match state {
        State::Delivered if retries > 0 => {
            format!("delivered {} after {retries} {}", answer.unwrap_or_default(), plural(retries, "retry", "retries"))
        }
        State::Delivered => format!("delivered {}", answer.unwrap_or_default()),
        State::Pending => match answer {
            Some(answer) if progress.attempts == 1 => format!("pending, 1 attempt, {answer}"),
            Some(answer) => format!("pending, {} attempts, last {answer}", progress.attempts),
            None => "pending".to_string(),
        },
        State::Failed => match answer {
            Some(answer) => {
                format!(
                    "failed {answer} after {} {}",
                    progress.attempts,
                    plural(progress.attempts, "attempt", "attempts")
                )
            }
            None => "failed".to_string(),
        },
    }
}

pub(super) fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// One cell of a text line; the style applies after padding, so colour never breaks alignment.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Style {
    Plain,
    Dim,
    Good,
    Waiting,
    Bad,
}

type Cell = (String, Style);

pub(super) fn state_style(state: State) -> Style {
    match state {
        State::Delivered => Style::Good,
        State::Pending => Style::Waiting,
        State::Failed => Style::Bad,
    }
}

pub(super) fn or_dash(text: &str) -> String {
    if text.is_empty() {
        "-".to_string()
    } else {
        text.to_string()
    }
}

/// time, #seq, provider, type, event id, source, verdict, then deliveries (state → target).
pub(super) fn event_cells(record: &Record, attempts: &[Attempt]) -> Vec<Cell> {
    let mut cells = vec![
        (crate::time::local_clock(&record.at), Style::Dim),
        (format!("#{}", record.seq), Style::Dim),
        (or_dash(&record.provider), Style::Plain),
        (or_dash(&record.event_type), Style::Plain),
        (or_dash(&record.event_id), Style::Plain),
        (or_dash(&record.verified), Style::Dim),
    ];
    match record.verdict {
        Verdict::Rejected => {
            cells.push(("rejected".to_string(), Style::Bad));
            cells.push((record.reason.clone().unwrap_or_default(), Style::Plain));
        }
        Verdict::Accepted => {
            cells.push(("accepted".to_string(), Style::Good));
            if record.deliveries.is_empty() {
                cells.push(("recorded, not forwarded".to_string(), Style::Dim));
            }
            for d in &record.deliveries {
                let state = delivery_state(d.state, &progress(attempts, &d.target));
                cells.push((format!("{state} → {}", d.target), state_style(d.state)));
            }
        }
    }
    cells
}

/// The columns padded to a common width (time to verdict); the deliveries after them vary too
/// much in number and length to line up.
pub(super) const ALIGNED_COLUMNS: usize = 7;

/// Columns a followed line is padded to: those lines come one at a time, so no widest is known.
pub(super) const TAIL_WIDTHS: [usize; ALIGNED_COLUMNS] = [12, 4, 6, 24, 28, 5, 8];

/// Pads every column but the last of each line to the widest in `lines` (at least `widths`),
/// then styles.
pub(super) fn aligned(lines: &[Vec<Cell>], widths: &[usize]) -> Vec<String> {
    let mut widths: Vec<usize> = widths.to_vec();
    for line in lines {
        for (i, (text, _)) in line.iter().enumerate().take(ALIGNED_COLUMNS) {
            let width = text.chars().count();
            match widths.get_mut(i) {
                Some(w) => *w = (*w).max(width),
                None => widths.push(width),
            }
        }
    }
    lines
        .iter()
        .map(|line| {
            let cells: Vec<String> = line
                .iter()
                .enumerate()
                .map(|(i, (text, style))| {
                    let width = if i < ALIGNED_COLUMNS && i + 1 < line.len() { widths[i] } else { 0 };
                    styled(&format!("{text:<width$}"), *style)
                })
                .collect();
            cells.join("  ")
        })
        .collect()
}

pub(super) fn styled(text: &str, style: Style) -> String {
    match style {
        Style::Plain => text.to_string(),
        Style::Dim => text.dimmed().to_string(),
        Style::Good => text.green().to_string(),
        Style::Waiting => text.yellow().to_string(),
        Style::Bad => text.red().to_string(),
    }
}

pub(super) fn body_fields(object: &mut Value, name: &str, bytes: &[u8]) {
    use base64::Engine;
    match std::str::from_utf8(bytes) {
        Ok(text) => object[name] = json!(text),
        Err(_) => object[format!("{name}_base64")] = json!(base64::engine::general_purpose::STANDARD.encode(bytes)),
    }
}

pub(super) fn pairs(headers: &[(String, String)]) -> Value {
    Value::Array(headers.iter().map(|(k, v)| json!([k, v])).collect())
}

/// The list's object for one event (`list --json`, `tail --json`).
pub(super) fn event_json(record: &Record, attempts: &[Attempt]) -> Value {
    let deliveries: Vec<Value> = record
        .deliveries
        .iter()
        .map(|d| {
            let progress = progress(attempts, &d.target);
            json!({
                "target": d.target, "state": d.state.name(), "attempts": progress.attempts,
                "status": progress.last.and_then(|a| a.status), "error": progress.last.and_then(|a| a.error.clone()),
                "reason": d.reason, "updated_at": d.updated_at,
            })
        })
        .collect();
    json!({
        "rec": "event", "seq": record.seq, "at": record.at, "provider": record.provider,
        "type": record.event_type, "id": record.event_id, "account": record.account,
        "source": record.verified, "path": record.path, "verdict": record.verdict.name(),
        "reason": record.reason, "body_len": record.body_len, "deliveries": deliveries,
    })
}

/// `show --json`: the list's fields, plus headers, body and every attempt with the app's answer.
pub(super) fn detail_json(record: &Record) -> Value {
    let attempts: Vec<Attempt> = record.deliveries.iter().flat_map(|d| d.attempts.clone()).collect();
    let mut object = event_json(record, &attempts);
    object["msg_id"] = json!(record.msg_id);
    object["headers"] = pairs(&record.headers);
    body_fields(&mut object, "body", &record.body);
    object["body_truncated"] = json!((record.body.len() as u64) < record.body_len);
    for (delivery, shown) in record.deliveries.iter().zip(object["deliveries"].as_array_mut().into_iter().flatten()) {
        let list: Vec<Value> = delivery
            .attempts
            .iter()
            .map(|a| {
                let mut answer = json!({ "status": a.status, "headers": pairs(&a.answer_headers) });
                body_fields(&mut answer, "body", &a.answer_body);
                json!({
                    "attempt": a.number, "at": a.at, "status": a.status,
                    "duration_ms": a.duration_ms, "error": a.error, "answer": answer,
                })
            })
            .collect();
        shown["attempts"] = json!(list);
    }
    object
}

pub(super) fn verdict_text(record: &Record) -> String {
    let how = match record.verified.as_str() {
        "local" => "signature verified with whk's local secret",
        "provider-secret" => "signature verified with a provider secret (--verify-secret)",
        "unverified" => "not verified (--accept-unsigned)",
        other => other,
    };
    match record.verdict {
        Verdict::Accepted => format!("{} ({how})", "accepted".green()),
        Verdict::Rejected => {
            format!("{}: {}", "rejected".red(), record.reason.as_deref().unwrap_or("no reason recorded"))
        }
    }
}

pub(super) fn excerpt(bytes: &[u8], limit: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let cut: String = text.chars().take(limit).collect();
    if cut.len() < text.len() {
        format!("{cut}… ({} bytes kept)", bytes.len())
    } else {
        cut
    }
}

pub(super) fn pretty_body(body: &[u8]) -> String {
    match serde_json::from_slice::<Value>(body) {
        Ok(value) => serde_json::to_string_pretty(&value).unwrap_or_else(|_| String::from_utf8_lossy(body).into()),
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    }
}

pub(super) fn detail_text(record: &Record, truncated: bool) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let title = format!("#{} {} {}", record.seq, or_dash(&record.event_id), or_dash(&record.event_type));
    let _ = writeln!(out, "{}", title.bold());
    let field = |out: &mut String, name: &str, value: &str| {
        let _ = writeln!(out, "  {:<10} {value}", name.dimmed());
    };
    field(&mut out, "Received", &format!("{} ({})", crate::time::local_datetime(&record.at), record.at));
    field(&mut out, "Provider", &or_dash(&record.provider));
    if let Some(account) = &record.account {
        field(&mut out, "Account", account);
    }
    if let Some(msg_id) = &record.msg_id {
        field(&mut out, "Webhook-Id", msg_id);
    }
    field(&mut out, "Path", &record.path);
    field(&mut out, "Verdict", &verdict_text(record));
    let _ = writeln!(out, "\n{}", "Headers".bold());
    for (name, value) in &record.headers {
        let _ = writeln!(out, "  {name}: {value}");
    }
    let size = if truncated {
        format!("first {} of {} bytes", record.body.len(), record.body_len)
    } else {
        format!("{} bytes", record.body_len)
    };
    let _ = writeln!(out, "\n{} ({size}; --raw for the exact bytes)", "Body".bold());
    let _ = writeln!(out, "{}", pretty_body(&record.body));
    if record.verdict == Verdict::Rejected {
        return out;
    }
    let _ = writeln!(out, "\n{}", "Deliveries".bold());
    if record.deliveries.is_empty() {
        let _ = writeln!(out, "  none: recorded, not forwarded (no target, or filtered out by --events)");
    }
    for d in &record.deliveries {
        let state = delivery_state(d.state, &Progress { attempts: d.attempts.len(), last: d.attempts.last() });
        let reason = d.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
        let _ = writeln!(out, "  {} → {}{reason}", styled(&state, state_style(d.state)), d.target);
        for a in &d.attempts {
            let status = a.status.map_or_else(|| "[no answer]".to_string(), |s| format!("[{s}]"));
            let _ = writeln!(
                out,
                "    attempt {}  {}  {status}  {:.1} ms",
                a.number,
                crate::time::local_clock(&a.at),
                a.duration_ms
            );
            if let Some(error) = &a.error {
                let _ = writeln!(out, "      error: {error}");
            }
            for (name, value) in &a.answer_headers {
                let _ = writeln!(out, "      {name}: {value}");
            }
            if !a.answer_body.is_empty() {
                let _ = writeln!(out, "      body: {}", excerpt(&a.answer_body, ANSWER_EXCERPT));
            }
        }
    }
    out
}
