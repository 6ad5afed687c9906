//! The event picker `whk trigger` opens when no event is named on a terminal: a filtered list of
//! the catalog, grouped by provider, each event with its description. It is drawn with dialoguer's
//! themes, but ranks matches itself: dialoguer's fuzzy score puts `financial_connections.account.created`
//! above `link.created` for `link`, where a person expects the event named `link…` first.

use std::io::IsTerminal;

use anyhow::{Context, Result};
use dialoguer::console::{self, Key, Term};
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

use crate::event::catalog::{Catalog, Template};

/// The most rows shown at once.
const MAX_ROWS: usize = 15;

const PROMPT: &str = "Event to send (type to filter, Enter to send, Esc to cancel)";

/// Whether a person can answer a picker: keys come from stdin and the list is drawn on stderr.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// The chosen event as `provider:type` (so the choice is never ambiguous), or `None` when the user
/// cancels with Esc or Ctrl-C.
pub fn pick_event(catalog: &Catalog) -> Result<Option<String>> {
    let templates = catalog.templates();
    let term = Term::stderr();
    let width = templates.iter().map(|t| t.event_type.len()).max().unwrap_or(0);
    // An item that wraps breaks the redraw: cut descriptions to the terminal, less the `❯ ` marker.
    let room = usize::from(term.size().1).saturating_sub(2 + 6 + 2 + width + 2);
    // The catalog is sorted by provider, so the list reads as one group per provider.
    let items: Vec<String> = templates
        .iter()
        .map(|t| format!("{:6}  {:width$}  {}", t.provider.name(), t.event_type, truncate(&t.description, room)))
        .collect();

    let colors = crate::ui::console::colors_enabled();
    console::set_colors_enabled_stderr(colors);
    let theme: &dyn Theme = if colors { &ColorfulTheme::default() } else { &SimpleTheme };
    let rows = MAX_ROWS.min(usize::from(term.size().0).max(3) - 2);
    // A key typed while the list redraws must reach the next read, not the terminal's line editing.
    let keys = crate::os::KeysUnbuffered::new();
    let chosen = run(&term, theme, templates, &items, rows);
    drop(keys);
    // Whatever happened, give the cursor back.
    let _ = term.show_cursor();
    let chosen = chosen.context("the event picker failed")?;
    Ok(chosen.map(|i| format!("{}:{}", templates[i].provider, templates[i].event_type)))
}

/// The key loop: redraws the prompt and the best `rows` matches after every key. The first match
/// is always selected, so Enter sends it.
fn run(
    term: &Term,
    theme: &dyn Theme,
    templates: &[Template],
    items: &[String],
    rows: usize,
) -> std::io::Result<Option<usize>> {
    let matcher = SkimMatcherV2::default();
    let mut query = String::new();
    let mut selected = 0;
    let mut top = 0;
    term.hide_cursor()?;
    loop {
        let ranked = rank(templates, items, &query, &matcher);
        selected = selected.min(ranked.len().saturating_sub(1));
        let mut screen = String::new();
        fmt_to(&mut screen, |f| theme.format_fuzzy_select_prompt(f, PROMPT, &query, query.len()));
        for (row, &index) in ranked.iter().enumerate().skip(top).take(rows) {
            screen.push('\n');
            fmt_to(&mut screen, |f| {
                theme.format_fuzzy_select_prompt_item(f, &items[index], row == selected, true, &matcher, &query)
            });
        }
        term.write_line(&screen)?;
        term.flush()?;
        let key = term.read_key();
        term.clear_last_lines(screen.lines().count())?;
        match key {
            // Ctrl-C arrives as an interrupted read in raw mode.
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => return Ok(None),
            Err(e) => return Err(e),
            Ok(Key::Escape) => return Ok(None),
            Ok(Key::Enter) if !ranked.is_empty() => return Ok(Some(ranked[selected])),
            Ok(Key::ArrowDown | Key::Tab) if !ranked.is_empty() => selected = (selected + 1) % ranked.len(),
            Ok(Key::ArrowUp | Key::BackTab) if !ranked.is_empty() => {
                selected = (selected + ranked.len() - 1) % ranked.len()
            }
            Ok(Key::Backspace) => {
                query.pop();
                (selected, top) = (0, 0);
            }
            Ok(Key::Char(c)) if !c.is_control() => {
                query.push(c);
                (selected, top) = (0, 0);
            }
            Ok(_) => {}
        }
        // Keep the selected row on screen.
        if selected < top {
            top = selected;
        } else if selected >= top + rows {
            top = selected + 1 - rows;
        }
    }
}

fn fmt_to(out: &mut String, write: impl FnOnce(&mut dyn std::fmt::Write) -> std::fmt::Result) {
    // Writing to a String cannot fail.
    let _ = write(out);
}

/// The templates that match `query`, best first: the exact event name, then names that start with
/// the query, then names that contain it, then fuzzy matches of the whole row by score. A first
/// word (or `provider:` prefix) naming a provider keeps to that provider. Ties keep catalog order.
fn rank(templates: &[Template], items: &[String], query: &str, matcher: &SkimMatcherV2) -> Vec<usize> {
    let query = query.trim().to_lowercase();
    let (provider, name) = match query.split_once([' ', ':']) {
        Some((first, rest)) if crate::providers::Provider::from_name(first).is_some() => (Some(first), rest.trim()),
        _ => (None, query.as_str()),
    };
    let mut scored: Vec<((u8, i64), usize)> = templates
        .iter()
        .enumerate()
        .filter(|(_, t)| provider.is_none_or(|p| t.provider.name() == p))
        .filter_map(|(i, t)| {
            let event_type = t.event_type.to_lowercase();
            let tier = if name.is_empty() || event_type == name {
                (0, 0)
            } else if event_type.starts_with(name) {
                (1, 0)
            } else if event_type.contains(name) {
                (2, 0)
            } else {
                (3, -matcher.fuzzy_match(&items[i], &query)?)
            };
            Some((tier, i))
        })
        .collect();
    scored.sort_by_key(|(tier, _)| *tier);
    scored.into_iter().map(|(_, i)| i).collect()
}

fn truncate(text: &str, room: usize) -> String {
    if text.chars().count() <= room {
        return text.to_string();
    }
    let kept: String = text.chars().take(room.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranked(query: &str) -> Vec<String> {
        let catalog = Catalog::load(None).unwrap();
        let templates = catalog.templates();
        let items: Vec<String> =
            templates.iter().map(|t| format!("{}  {}  {}", t.provider, t.event_type, t.description)).collect();
        let order = rank(templates, &items, query, &SkimMatcherV2::default());
        order.iter().map(|&i| format!("{}:{}", templates[i].provider, templates[i].event_type)).collect()
    }

    #[test]
    fn exact_and_prefix_matches_come_first() {
        let link = ranked("link");
        assert_eq!(
            link[..3],
            ["fintoc:link.created", "fintoc:link.credentials_changed", "fintoc:link.refresh_intent.succeeded"]
        );
        assert!(link.iter().any(|e| e.contains("financial_connections")), "fuzzy matches still follow: {link:?}");
        assert_eq!(ranked("payout.failed")[0], "stripe:payout.failed");
        assert_eq!(ranked("fintoc payout.creat")[0], "fintoc:payout.created");
        assert!(ranked("stripe:payout")[0].starts_with("stripe:payout."));
        assert!(ranked("stripe:payout").iter().all(|e| e.starts_with("stripe:")));
        assert_eq!(ranked("").len(), Catalog::load(None).unwrap().templates().len(), "nothing typed: everything");
    }
}
