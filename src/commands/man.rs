//! `whk man`: manual pages generated from the clap definitions, one per command as git does it
//! (whk(1), whk-trigger(1), …), so each page carries its command's options and examples in full.

use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;

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

fn render(command: clap::Command) -> Result<(String, Vec<u8>)> {
    let after_help = command.get_after_help().map(|text| text.to_string());
    // Every page's footer names whk and its version, not the bare subcommand.
    let man = clap_mangen::Man::new(command).source(concat!("whk ", env!("CARGO_PKG_VERSION")));
    let mut roff = Vec::new();
    man.render(&mut roff)?;
    let mut page = String::from_utf8(roff)?;
    if let Some(text) = after_help {
        page = with_examples_verbatim(&page, &text)?;
    }
    Ok((man.get_filename(), page.into_bytes()))
}

/// clap_mangen sets the after-help text (notes, examples, exit codes) as filled prose under
/// "EXTRA", which reflows the example commands; this puts it under its own heading, line for line.
fn with_examples_verbatim(page: &str, text: &str) -> Result<String> {
    let start = page.find(".SH EXTRA\n").context("clap_mangen no longer writes an EXTRA section")?;
    let end = page[start + 1..].find("\n.SH ").map_or(page.len(), |i| start + 1 + i + 1);
    let lines: Vec<String> = text.lines().map(roff_line).collect();
    let section = format!(".SH \"NOTES AND EXAMPLES\"\n.nf\n{}\n.fi\n", lines.join("\n"));
    Ok(format!("{}{section}{}", &page[..start], &page[end..]))
}

/// One line of literal text in roff: backslashes and hyphens escaped, and a leading `.` or `'`
/// (which roff would read as a request) neutralised.
fn roff_line(line: &str) -> String {
    let escaped = line.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
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
