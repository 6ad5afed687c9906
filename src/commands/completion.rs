//! `whk completion SHELL`: the completion script, generated from the clap definitions.
//!
//! Everything a script completes comes from those definitions, so nothing here lists values: flags
//! and subcommands by name; `ValueEnum` arguments (providers, colours, shells, and any later enum
//! such as a `--tamper KIND`) by their variants; event names from the catalog through the trigger
//! argument's value parser; paths from each argument's `ValueHint`.

use anyhow::Result;
use clap::builder::PossibleValue;
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, CompletionArgs};
use crate::Exit;

pub fn run(args: CompletionArgs) -> Result<Exit> {
    print!("{}", script(args.shell)?);
    Ok(Exit::Success)
}

fn script(shell: Shell) -> Result<String> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "whk", &mut out);
    let mut script = String::from_utf8(out)?;
    for sub in command.get_subcommands() {
        let values: Vec<PossibleValue> =
            sub.get_positionals().flat_map(|arg| arg.get_possible_values()).filter(|v| !v.is_hide_set()).collect();
        if !values.is_empty() {
            add_positional_values(shell, sub.get_name(), &values, &mut script)?;
        }
    }
    Ok(script)
}

/// clap's static generators fall short on positional values: fish's completes none, PowerShell's and
/// Elvish's no values at all, and zsh's breaks on a colon inside a value (`stripe:payout.failed`).
/// Completes the positional ones (event names after `trigger`, shells after `completion`) in every
/// shell, each in its script's own idiom; bash needs nothing.
fn add_positional_values(shell: Shell, sub: &str, values: &[PossibleValue], script: &mut String) -> Result<()> {
    let help = |v: &PossibleValue| v.get_help().map(|h| h.to_string()).unwrap_or_default();
    // Fish and Elvish quote with '…'; fish escapes a quote with a backslash, the others double it.
    let fish = |s: &str| s.replace('\\', "\\\\").replace('\'', "\\'");
    let doubled = |s: &str| s.replace('\'', "''");
    let (anchor, lines): (String, String) = match shell {
        Shell::Fish => {
            for v in values {
                let described = match help(v) {
                    h if h.is_empty() => String::new(),
                    h => format!(" -d '{}'", fish(&h)),
                };
                script.push_str(&format!(
                    "complete -c whk -n \"__fish_whk_using_subcommand {sub}\" -f -a '{}'{described}\n",
                    fish(v.get_name())
                ));
            }
            return Ok(());
        }
        Shell::PowerShell => (
            format!("        'whk;{sub}' {{\n"),
            values
                .iter()
                .map(|v| {
                    let (name, help) = (doubled(v.get_name()), doubled(&help(v)));
                    format!("            [CompletionResult]::new('{name}', '{name}', [CompletionResultType]::ParameterValue, '{help}')\n")
                })
                .collect(),
        ),
        Shell::Elvish => (
            format!("        &'whk;{sub}'= {{\n"),
            values.iter().map(|v| format!("            cand '{}' '{}'\n", doubled(v.get_name()), doubled(&help(v)))).collect(),
        ),
        Shell::Zsh => {
            // clap writes `stripe\:payout.failed\:"help"`; `_arguments` unescapes the spec once
            // before splitting item from help, so a colon that stays in the item needs `\\\:`.
            for v in values.iter().filter(|v| v.get_name().contains(':')) {
                let written = format!("\n{}\\:", v.get_name().replace(':', "\\:"));
                if !script.contains(&written) {
                    anyhow::bail!("the zsh script no longer writes `{}` as this fix expects", written.trim());
                }
                *script = script.replace(&written, &format!("\n{}\\:", v.get_name().replace(':', "\\\\\\:")));
            }
            return Ok(());
        }
        _ => return Ok(()),
    };
    // The anchor is clap_complete's layout: if a new version changes it, fail loudly, not silently.
    let at = script
        .find(&anchor)
        .ok_or_else(|| anyhow::anyhow!("the {shell} script has no `{}` block for the values", anchor.trim()))?;
    script.insert_str(at + anchor.len(), &lines);
    Ok(())
}
