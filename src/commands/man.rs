//! `whk man`: manual pages generated from the clap definitions, one per command as git does it
//! (whk(1), whk-trigger(1), …), so each page carries its command's options and examples in full.

use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;
use roff::{roman, Roff};

use crate::cli::{Cli, ManArgs};
use crate::{Exit, UsageError};

pub fn run(args: ManArgs) -> Result<Exit> {
    let pages = pages()?;
    if let Some(dir) = &args.out {
        write_all(&pages, dir)?;
        return Ok(Exit::Success);
    }
    let wanted = match &args.command {
        Some(command) => format!("whk-{command}.1"),
        None => "whk.1".to_string(),
    };
    let Some((_, page)) = pages.iter().find(|(name, _)| *name == wanted) else {
        let commands: Vec<_> =
            pages.iter().filter_map(|(name, _)| name.strip_prefix("whk-")?.strip_suffix(".1")).collect();
        anyhow::bail!(UsageError(format!(
            "no command `{}`: whk's commands are {}",
            args.command.unwrap_or_default(),
            commands.join(", ")
        )));
    };
    std::io::Write::write_all(&mut std::io::stdout().lock(), page)?;
    Ok(Exit::Success)
}

/// Every page as (file name, roff), whk.1 first.
fn pages() -> Result<Vec<(String, Vec<u8>)>> {
    let mut command = Cli::command().disable_help_subcommand(true);
    // Building gives each subcommand its page name, `whk-trigger`, and propagates global flags.
    command.build();
    let mut pages = vec![render(command.clone())?];
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        pages.push(render(sub.clone())?);
    }
    Ok(pages)
}

/// One page, section by section: clap_mangen's sections, with the after-help text (notes, examples,
/// exit codes) as a section of its own set line for line, where clap_mangen's EXTRA section would
/// fill it as prose and reflow the example commands.
fn render(command: clap::Command) -> Result<(String, Vec<u8>)> {
    let notes = command.get_after_help().map(|text| text.to_string());
    let has_arguments = command.get_arguments().any(|a| !a.is_hide_set());
    let has_subcommands = command.get_subcommands().any(|s| !s.is_hide_set());
    let has_version = command.get_version().is_some();
    // Every page's footer names whk and its version, not the bare subcommand.
    let man = clap_mangen::Man::new(command).source(concat!("whk ", env!("CARGO_PKG_VERSION")));
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    if has_arguments {
        man.render_options_section(&mut page)?;
    }
    if has_subcommands {
        man.render_subcommands_section(&mut page)?;
    }
    if let Some(text) = notes {
        verbatim_section("NOTES AND EXAMPLES", &text).to_writer(&mut page)?;
    }
    if has_version {
        man.render_version_section(&mut page)?;
    }
    Ok((man.get_filename(), page))
}

/// A section whose lines are kept as written (no filling), roff escaping each one.
fn verbatim_section(title: &str, text: &str) -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", [title]).control("nf", []);
    for line in text.lines() {
        roff.text([roman(line)]);
    }
    roff.control("fi", []);
    roff
}

fn write_all(pages: &[(String, Vec<u8>)], dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, roff) in pages {
        let path = dir.join(name);
        std::fs::write(&path, roff).with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
