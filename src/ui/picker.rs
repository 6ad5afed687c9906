//! The event picker `whk trigger` opens when no event is named on a terminal: a fuzzy list of the
//! catalog, grouped by provider, each event with its description.

use std::io::IsTerminal;

use anyhow::{Context, Result};
use dialoguer::console::{self, Term};
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::FuzzySelect;

use crate::event::catalog::Catalog;

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
    let chosen = FuzzySelect::with_theme(theme)
        .with_prompt("Event to send (type to filter, Enter to send, Esc to cancel)")
        .items(&items)
        .max_length(15)
        .interact_on_opt(&term);
    match chosen {
        Ok(choice) => Ok(choice.map(|i| format!("{}:{}", templates[i].provider, templates[i].event_type))),
        // Ctrl-C arrives as a key in raw mode; dialoguer leaves the cursor hidden then.
        Err(dialoguer::Error::IO(e)) if e.kind() == std::io::ErrorKind::Interrupted => {
            let _ = term.show_cursor();
            Ok(None)
        }
        Err(e) => Err(e).context("the event picker failed"),
    }
}

fn truncate(text: &str, room: usize) -> String {
    if text.chars().count() <= room {
        return text.to_string();
    }
    let kept: String = text.chars().take(room.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}
