//! Shell completion, answered by whk itself: the script `whk completion SHELL` prints only registers
//! a function that calls back `WHK_COMPLETE=SHELL whk -- WORDS…`, and clap_complete's engine answers
//! from the clap definitions. Event names come from the catalog at that moment, so they follow the
//! provider the word names (`stripe:payout.s`) or that `--provider` names, and a `--templates`
//! folder's own events, with nothing listed in the scripts.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use clap::CommandFactory;
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};
use clap_complete::env::{EnvCompleter, Shells};
use clap_complete::CompleteEnv;

use super::Cli;
use crate::event::catalog::Catalog;
use crate::providers::Provider;

/// The environment variable that turns a run of whk into a completion request.
const VAR: &str = "WHK_COMPLETE";
/// What the scripts call: whichever `whk` is on PATH, so the checked-in scripts name no build path.
const BIN: &str = "whk";

/// Every shell whk completes in. Zsh, fish, PowerShell and Elvish use clap_complete's adapters as
/// they are; bash gets its own (see `ColonAwareBash`).
const fn shells() -> Shells<'static> {
    Shells(&[
        &ColonAwareBash,
        &Remembering(clap_complete::env::Zsh),
        &Remembering(clap_complete::env::Fish),
        &Remembering(clap_complete::env::Powershell),
        &Remembering(clap_complete::env::Elvish),
    ])
}

/// Answers a completion request if this run is one (`WHK_COMPLETE` set); false otherwise.
pub fn try_complete(args: &[OsString]) -> clap::error::Result<bool> {
    let current_dir = std::env::current_dir().ok();
    CompleteEnv::with_factory(Cli::command)
        .var(VAR)
        .bin(BIN)
        .completer(BIN)
        .shells(shells())
        .try_complete(args.iter().cloned(), current_dir.as_deref())
}

/// The script that registers whk's completion in `shell`.
pub fn registration(shell: clap_complete::Shell) -> std::io::Result<String> {
    let name = shell.to_string();
    let shells = shells();
    let adapter =
        shells.completer(&name).ok_or_else(|| std::io::Error::other(format!("no completion adapter for {name}")))?;
    let mut script = Vec::new();
    adapter.write_registration(VAR, BIN, BIN, BIN, &mut script)?;
    String::from_utf8(script).map_err(std::io::Error::other)
}

/// The words of the command line being completed. A value completer sees only its own word; the
/// event name also depends on `--provider` and `--templates` elsewhere on the line.
static LINE: OnceLock<Vec<OsString>> = OnceLock::new();

/// A clap_complete adapter that first keeps the words for the value completers.
struct Remembering<S>(S);

impl<S: EnvCompleter> EnvCompleter for Remembering<S> {
    fn name(&self) -> &'static str {
        self.0.name()
    }
    fn is(&self, name: &str) -> bool {
        self.0.is(name)
    }
    fn write_registration(
        &self,
        var: &str,
        name: &str,
        bin: &str,
        completer: &str,
        buf: &mut dyn Write,
    ) -> std::io::Result<()> {
        self.0.write_registration(var, name, bin, completer, buf)
    }
    fn write_complete(
        &self,
        cmd: &mut clap::Command,
        args: Vec<OsString>,
        current_dir: Option<&Path>,
        buf: &mut dyn Write,
    ) -> std::io::Result<()> {
        let _ = LINE.set(args.clone());
        self.0.write_complete(cmd, args, current_dir, buf)
    }
}

/// Bash splits the line at every character of COMP_WORDBREAKS, `:` and `=` included, so the words
/// clap_complete's bash adapter passes on turn `stripe:payout.s` into `stripe`, `:`, `payout.s`
/// (and `localhost:4242` earlier on the line into three words too). This adapter passes the line up
/// to the cursor instead, splits it as the shell would quote it, and answers with only the part
/// of each candidate after the last break, which is the part bash replaces.
struct ColonAwareBash;

/// The registration: the same calling convention as clap_complete's bash adapter (values separated
/// by vertical tab, a space after a finished word, none after `=`, `/` or `:`), with the line and
/// bash's own current word passed in the environment.
const BASH_REGISTRATION: &str = r#"
_whk() {
    local IFS=$'\013'
    local space=true
    if compopt +o nospace 2>/dev/null; then
        space=false
    fi
    COMPREPLY=( $( \
        _WHK_COMPLETE_LINE="${COMP_LINE:0:COMP_POINT}" \
        _WHK_COMPLETE_FRAGMENT="$2" \
        VAR=bash \
        BIN -- "${COMP_WORDS[@]}" \
    ) )
    if [[ $? != 0 ]]; then
        unset COMPREPLY
    elif [[ $space == false ]] && [[ "${COMPREPLY-}" =~ [=/:]$ ]]; then
        compopt -o nospace
    fi
}
if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -o nospace -o bashdefault -o nosort -F _whk BIN
else
    complete -o nospace -o bashdefault -F _whk BIN
fi
"#;

impl EnvCompleter for ColonAwareBash {
    fn name(&self) -> &'static str {
        "bash"
    }
    fn is(&self, name: &str) -> bool {
        name == "bash"
    }
    fn write_registration(
        &self,
        var: &str,
        _name: &str,
        bin: &str,
        _completer: &str,
        buf: &mut dyn Write,
    ) -> std::io::Result<()> {
        buf.write_all(BASH_REGISTRATION.replace("VAR", var).replace("BIN", bin).as_bytes())
    }
    fn write_complete(
        &self,
        cmd: &mut clap::Command,
        args: Vec<OsString>,
        current_dir: Option<&Path>,
        buf: &mut dyn Write,
    ) -> std::io::Result<()> {
        let (words, fragment) = match (std::env::var("_WHK_COMPLETE_LINE"), std::env::var("_WHK_COMPLETE_FRAGMENT")) {
            (Ok(line), Ok(fragment)) => match split_line(&line) {
                Some(words) => (words, fragment),
                // An unfinished quote: nothing sensible to offer.
                None => return Ok(()),
            },
            // Called without the registration's variables: complete the words as given.
            _ => (args.clone(), args.last().map(|w| w.to_string_lossy().into_owned()).unwrap_or_default()),
        };
        let _ = LINE.set(words.clone());
        let current = words.last().map(|w| w.to_string_lossy().into_owned()).unwrap_or_default();
        // What bash keeps of the word: everything before its current fragment.
        let kept = current.strip_suffix(fragment.as_str()).unwrap_or("");
        let index = words.len() - 1;
        let candidates = clap_complete::engine::complete(cmd, words, index, current_dir)?;
        let values: Vec<String> =
            candidates.iter().filter_map(|c| Some(c.get_value().to_str()?.strip_prefix(kept)?.to_string())).collect();
        buf.write_all(values.join("\u{b}").as_bytes())
    }
}

/// The words of a shell line as the program would receive them, plus an empty last word when the
/// line ends in a space (the cursor starts a new word); None inside an unfinished quote.
fn split_line(line: &str) -> Option<Vec<OsString>> {
    let mut words: Vec<OsString> = shlex::split(line)?.into_iter().map(OsString::from).collect();
    if words.is_empty() || line.ends_with([' ', '\t']) {
        words.push(OsString::new());
    }
    Some(words)
}

/// The completer for trigger's event argument.
pub fn event_names() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let line = LINE.get().map(Vec::as_slice).unwrap_or_default();
        let current = current.to_string_lossy();
        match Catalog::load(option_value::<PathBuf>(line, "--templates").or_else(templates_from_env).as_deref()) {
            Ok(catalog) => event_candidates(&catalog, option_value::<String>(line, "--provider").as_deref(), &current),
            Err(_) => Vec::new(),
        }
    })
}

fn templates_from_env() -> Option<PathBuf> {
    std::env::var_os("WHK_TEMPLATES").filter(|v| !v.is_empty()).map(PathBuf::from)
}

/// The value the line gives an option, as `--name value` or `--name=value` (the last one wins).
fn option_value<T: From<String>>(line: &[OsString], name: &str) -> Option<T> {
    // The last word is the one being completed, never a finished value.
    let finished = &line[..line.len().saturating_sub(1)];
    let mut found = None;
    for (i, word) in finished.iter().enumerate() {
        let word = word.to_string_lossy();
        if let Some(value) = word.strip_prefix(name).and_then(|rest| rest.strip_prefix('=')) {
            found = Some(value.to_string());
        } else if word == name {
            found = finished.get(i + 1).map(|v| v.to_string_lossy().into_owned());
        }
    }
    found.map(T::from)
}

/// The event names that complete `current`: with a provider prefix (`stripe:payout.s`) or
/// `--provider`, only that provider's; an unknown prefix, or one that contradicts `--provider`,
/// gets none. Otherwise the bare names and the `provider:` names that start so.
fn event_candidates(catalog: &Catalog, provider_flag: Option<&str>, current: &str) -> Vec<CompletionCandidate> {
    let flag = match provider_flag.map(Provider::from_name) {
        Some(None) => return Vec::new(),
        Some(Some(p)) => Some(p),
        None => None,
    };
    let templates = catalog.templates();
    // The provider to keep to, the `provider:` the word starts with, and the name part of the word.
    let (provider, qualifier, name_part) = match current.split_once(':') {
        Some((prefix, rest)) => match Provider::from_name(prefix) {
            Some(named) if flag.is_none_or(|f| f == named) => (Some(named), Some(prefix), rest),
            _ => return Vec::new(),
        },
        None => (flag, None, current),
    };
    if let Some(provider) = provider {
        return templates
            .iter()
            .filter(|t| t.provider == provider && t.event_type.starts_with(name_part))
            .map(|t| match qualifier {
                Some(prefix) => candidate(format!("{prefix}:{}", t.event_type), &t.description),
                None => candidate(t.event_type.clone(), &t.description),
            })
            .collect();
    }
    let mut names: Vec<&str> =
        templates.iter().map(|t| t.event_type.as_str()).filter(|n| n.starts_with(current)).collect();
    names.sort_unstable();
    names.dedup();
    let bare = names.into_iter().map(|name| {
        let owners: Vec<_> = templates.iter().filter(|t| t.event_type == name).collect();
        let help = match owners.as_slice() {
            [one] => one.description.clone(),
            _ => format!(
                "in both {}: add the provider, e.g. {}:{name}",
                owners.iter().map(|t| t.provider.name()).collect::<Vec<_>>().join(" and "),
                owners[0].provider
            ),
        };
        candidate(name.to_string(), &help)
    });
    let qualified = templates
        .iter()
        .map(|t| (format!("{}:{}", t.provider, t.event_type), t))
        .filter(|(name, _)| name.starts_with(current))
        .map(|(name, t)| candidate(name, &t.description));
    bare.chain(qualified).collect()
}

fn candidate(value: String, help: &str) -> CompletionCandidate {
    CompletionCandidate::new(value).help(Some(help.to_string().into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(provider: Option<&str>, current: &str) -> Vec<String> {
        let catalog = Catalog::load(None).unwrap();
        event_candidates(&catalog, provider, current)
            .iter()
            .map(|c| c.get_value().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn a_provider_prefix_or_flag_limits_names_to_that_provider() {
        let stripe = values(None, "stripe:payout.");
        assert!(stripe.contains(&"stripe:payout.failed".to_string()), "{stripe:?}");
        assert!(!stripe.contains(&"stripe:payout.succeeded".to_string()), "payout.succeeded is Fintoc's: {stripe:?}");
        assert!(values(None, "stripe:finto").is_empty());
        assert!(values(None, "stripf:").is_empty());
        assert!(values(Some("fintoc"), "stripe:").is_empty(), "the prefix contradicts --provider");
        let flagged = values(Some("stripe"), "pay");
        assert!(flagged.contains(&"payout.failed".to_string()));
        assert!(!flagged.contains(&"payout.succeeded".to_string()), "{flagged:?}");
        assert!(values(Some("nope"), "pay").is_empty());
    }

    #[test]
    fn options_are_read_in_both_spellings_and_never_from_the_word_being_completed() {
        let line = |words: &[&str]| words.iter().map(OsString::from).collect::<Vec<_>>();
        let value = |words: &[&str]| option_value::<String>(&line(words), "--provider");
        assert_eq!(value(&["whk", "trigger", "--provider", "stripe", "pay"]).as_deref(), Some("stripe"));
        assert_eq!(value(&["whk", "trigger", "--provider=fintoc", ""]).as_deref(), Some("fintoc"));
        assert_eq!(value(&["whk", "trigger", "--provider"]), None);
    }

    #[test]
    fn a_line_splits_as_the_shell_quotes_it() {
        let words =
            |line: &str| split_line(line).map(|w| w.into_iter().map(|w| w.into_string().unwrap()).collect::<Vec<_>>());
        assert_eq!(words("whk trigger stripe:pay").unwrap(), ["whk", "trigger", "stripe:pay"]);
        assert_eq!(words("whk -f 'a b' ").unwrap(), ["whk", "-f", "a b", ""]);
        assert_eq!(words("whk 'open"), None);
    }
}
