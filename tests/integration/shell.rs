//! Shell integration: completion in real bash, zsh and fish (the scripts call whk back, which
//! answers from the catalog), the man pages, and help that ends with examples. The checked-in
//! completions/ and doc/ must match what the binary generates. Needs zsh, fish and tmux; CI
//! installs them.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use crate::support::Whk;
use crate::tmux::{path_with_whk, Tmux};

/// Each shell and the file its script is checked in as (clap_complete's conventional names).
const SHELLS: [(&str, &str); 5] =
    [("bash", "whk.bash"), ("zsh", "_whk"), ("fish", "whk.fish"), ("powershell", "_whk.ps1"), ("elvish", "whk.elv")];

const REFRESH: &str = "run ./scripts/refresh-generated and commit the result";

fn completion(shell: &str) -> String {
    Whk::new().args(["completion", shell]).run().expect(0).stdout()
}

fn repo_file(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}; {REFRESH}", path.display()))
}

#[test]
fn every_shell_script_hands_completion_back_to_whk() {
    for (shell, _) in SHELLS {
        let script = completion(shell);
        assert!(script.contains("WHK_COMPLETE") && script.contains("whk"), "{shell}: no call back to whk:\n{script}");
    }
}

#[test]
fn checked_in_completion_scripts_are_fresh() {
    for (shell, file) in SHELLS {
        let fresh = completion(shell);
        let checked_in = repo_file(&format!("completions/{file}"));
        assert!(
            checked_in == fresh,
            "completions/{file} is stale: {REFRESH} (or `whk completion {shell} > completions/{file}`)"
        );
    }
}

#[test]
fn checked_in_man_pages_are_fresh() {
    let out = tempfile::tempdir().unwrap();
    Whk::new().args(["man", "--out"]).args([out.path()]).run().expect(0);
    let names = |dir: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".1"))
            .collect();
        names.sort();
        names
    };
    let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("doc");
    let generated = names(out.path());
    assert!(generated.contains(&"whk.1".to_string()) && generated.contains(&"whk-trigger.1".to_string()));
    assert_eq!(names(&doc), generated, "doc/ has other pages than whk generates: {REFRESH}");
    for name in generated {
        let fresh = std::fs::read_to_string(out.path().join(&name)).unwrap();
        assert!(repo_file(&format!("doc/{name}")) == fresh, "doc/{name} is stale: {REFRESH}");
    }
}

#[test]
fn man_prints_one_page_with_options_and_examples_verbatim() {
    let page = Whk::new().args(["man"]).run().expect(0).stdout();
    assert!(page.contains(".TH whk 1"), "{page}");
    assert!(page.contains("trigger") && page.contains("completion"), "the subcommands are listed");
    let trigger = Whk::new().args(["man", "trigger"]).run().expect(0).stdout();
    assert!(trigger.contains(".TH whk-trigger 1"));
    assert!(trigger.contains("\\-\\-forward\\-to"));
    assert!(trigger.contains(".SH \"NOTES AND EXAMPLES\"\n.nf\n"), "examples are kept line for line");
    assert!(trigger.contains("\n  whk trigger payout.failed \\-\\-account"));
    let run = Whk::new().args(["man", "trigerr"]).run().expect(2);
    assert!(run.stderr().contains("no command `trigerr`: whk's commands are trigger, events"), "{}", run.stderr());
}

#[test]
fn every_help_ends_with_real_examples() {
    let top = Whk::new().args(["--help"]).run().expect(0).stdout();
    assert!(top.contains("Examples:\n  whk "), "{top}");
    // Every command has a man page: their names list the commands, including any added later.
    let pages = tempfile::tempdir().unwrap();
    Whk::new().args(["man", "--out"]).args([pages.path()]).run().expect(0);
    let mut commands: Vec<String> = std::fs::read_dir(pages.path())
        .unwrap()
        .filter_map(|e| Some(e.unwrap().file_name().to_str()?.strip_prefix("whk-")?.strip_suffix(".1")?.to_string()))
        .collect();
    commands.sort();
    assert!(commands.len() >= 7 && commands.contains(&"trigger".to_string()), "{commands:?}");
    for command in &commands {
        let help = Whk::new().args([command.as_str(), "--help"]).run().expect(0).stdout();
        let examples =
            help.rfind("Examples:").unwrap_or_else(|| panic!("`whk {command} --help` has no examples:\n{help}"));
        let lines: Vec<&str> = help[examples..].lines().skip(1).take_while(|l| l.starts_with("  ")).collect();
        assert!(lines.len() >= 2, "{command}: at least two examples:\n{help}");
        for line in lines {
            assert!(
                line.contains(&format!("whk {command}")),
                "{command}: example `{line}` does not run `whk {command}`"
            );
        }
    }
}

/// The catalog's names for `provider` (all providers with None) that start with `prefix`, as
/// `whk events` lists them: the expected completions follow the catalog as it grows.
fn catalog_names(provider: Option<&str>, prefix: &str) -> BTreeSet<String> {
    let events: serde_json::Value =
        serde_json::from_str(&Whk::new().args(["events", "--json"]).run().expect(0).stdout()).unwrap();
    events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| provider.is_none_or(|p| e["provider"] == p))
        .map(|e| e["type"].as_str().unwrap().to_string())
        .filter(|name| name.starts_with(prefix))
        .collect()
}

fn qualified(provider: &str, names: BTreeSet<String>) -> BTreeSet<String> {
    names.into_iter().map(|name| format!("{provider}:{name}")).collect()
}

/// A command line to complete at its end, and the full words a shell must offer.
struct Case {
    line: &'static str,
    expected: BTreeSet<String>,
}

/// The provider cases of issue 14 item 15, each shell answering the same.
fn provider_cases() -> Vec<Case> {
    let stripe_payouts = catalog_names(Some("stripe"), "payout.");
    assert!(!stripe_payouts.is_empty(), "the catalog has Stripe payout events");
    assert!(
        catalog_names(Some("fintoc"), "payout.").difference(&stripe_payouts).next().is_some(),
        "Fintoc has payout events Stripe has not, so a filter that leaks shows"
    );
    vec![
        Case { line: "whk trigger stripe:payout.", expected: qualified("stripe", stripe_payouts.clone()) },
        Case {
            line: "whk trigger fintoc:payout.",
            expected: qualified("fintoc", catalog_names(Some("fintoc"), "payout.")),
        },
        Case { line: "whk trigger stripe:finto", expected: BTreeSet::new() },
        Case { line: "whk trigger --provider stripe payout.", expected: stripe_payouts.clone() },
        Case { line: "whk trigger --provider=stripe payout.", expected: stripe_payouts },
        Case {
            line: "whk trigger -f localhost:4242 --provider fintoc payout.c",
            expected: catalog_names(Some("fintoc"), "payout.c"),
        },
    ]
}

/// Asks the checked-in bash script as readline would: COMP_WORDS split at blanks and at `:` and `=`
/// (bash's COMP_WORDBREAKS), the function called with the current word, and COMPREPLY read back.
/// Returns the full words: what bash keeps of the current word plus each reply.
fn bash_complete(line: &str, dir: &Path) -> BTreeSet<String> {
    let mut words: Vec<String> = Vec::new();
    for blank_separated in line.split(' ') {
        let mut word = String::new();
        for c in blank_separated.chars() {
            if c == ':' || c == '=' {
                words.extend([std::mem::take(&mut word), c.to_string()].into_iter().filter(|w| !w.is_empty()));
            } else {
                word.push(c);
            }
        }
        words.push(word);
    }
    let fragment = words.last().unwrap().clone();
    let current_word = line.rsplit(' ').next().unwrap();
    let kept = current_word.strip_suffix(fragment.as_str()).unwrap();
    let program = r#"source "$1"; COMP_LINE=$2; COMP_POINT=${#COMP_LINE}; shift 2
COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
_whk whk "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}""#;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/whk.bash");
    let out = Command::new("bash")
        .args(["-c", program, "bash"])
        .arg(&script)
        .arg(line)
        .args(&words)
        .env("PATH", path_with_whk())
        .env_remove("WHK_TEMPLATES")
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "bash: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().filter(|l| !l.is_empty()).map(|l| format!("{kept}{l}")).collect()
}

#[test]
fn bash_completes_only_the_names_of_the_provider_the_word_or_flag_names() {
    let dir = tempfile::tempdir().unwrap();
    for case in provider_cases() {
        assert_eq!(bash_complete(case.line, dir.path()), case.expected, "bash: `{}<TAB>`", case.line);
    }
    let both = bash_complete("whk trigger payout.", dir.path());
    assert_eq!(both, catalog_names(None, "payout."), "bare names of both providers without a filter");
}

#[test]
fn bash_completes_commands_flags_enums_and_paths() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("body.json"), "{}").unwrap();
    std::fs::create_dir(dir.path().join("bodies")).unwrap();
    let set = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<BTreeSet<_>>();
    assert!(bash_complete("whk tr", dir.path()).contains("trigger"));
    assert_eq!(bash_complete("whk completion z", dir.path()), set(&["zsh"]));
    assert_eq!(bash_complete("whk trigger --provider ", dir.path()), set(&["stripe", "fintoc"]));
    // Tamper kinds are a ValueEnum: they complete with no code of their own.
    assert!(bash_complete("whk trigger --tamper ", dir.path()).is_superset(&set(&["bad-signature", "wrong-secret"])));
    assert!(bash_complete("whk trigger --for", dir.path()).contains("--forward-to"));
    assert_eq!(bash_complete("whk sign bod", dir.path()), set(&["body.json", "bodies/"]), "files and folders");
    assert_eq!(bash_complete("whk trigger --templates bod", dir.path()), set(&["bodies/"]), "folders only");
    // A --templates folder's own events complete too.
    let own = r#"{"object": "widget", "description": "A widget was made", "data": {"id": "wd_1"}}"#;
    crate::support::write_file(dir.path(), "mine/stripe/widget.made.json", own);
    assert_eq!(bash_complete("whk trigger --templates mine widget.", dir.path()), set(&["widget.made"]));
    assert_eq!(bash_complete("whk trigger widget.", dir.path()), set(&[]), "only with the folder");
}

/// Runs fish's own completion (`complete -C`) with the checked-in script loaded.
fn fish_complete(line: &str) -> BTreeSet<String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/whk.fish");
    let out = Command::new("fish")
        .args(["--no-config", "-c", r#"source $argv[1]; complete -C $argv[2]"#])
        .arg(&script)
        .arg(line)
        .env("PATH", path_with_whk())
        .env_remove("WHK_TEMPLATES")
        .output()
        .unwrap_or_else(|e| panic!("cannot run fish ({e}): install it with `apt-get install fish` (CI does)"));
    assert!(out.status.success(), "fish: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().map(|l| l.split('\t').next().unwrap().to_string()).collect()
}

#[test]
fn fish_completes_only_the_names_of_the_provider_the_word_or_flag_names() {
    for case in provider_cases() {
        assert_eq!(fish_complete(case.line), case.expected, "fish: `{}<TAB>`", case.line);
    }
}

/// An interactive zsh in tmux with compinit and the checked-in script; types each line and a TAB,
/// and reads what zsh did: one match completes the word in place, several are listed below.
#[test]
fn zsh_completes_only_the_names_of_the_provider_the_word_or_flag_names() {
    let home = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/_whk");
    std::fs::write(
        home.path().join(".zshrc"),
        format!(
            "autoload -Uz compinit && compinit -u -d {}/zcompdump\nsource {}\nPS1='ZSH> '\n",
            home.path().display(),
            script.display()
        ),
    )
    .unwrap();
    let zdotdir = home.path().to_str().unwrap();
    let tmux = Tmux::start("command -v zsh >/dev/null || echo 'zsh: not installed'; zsh -i", &[("ZDOTDIR", zdotdir)]);
    let screen = tmux.wait_for("ZSH>");
    assert!(!screen.contains("zsh: not installed"), "install zsh with `apt-get install zsh` (CI does)");
    // zsh reads keys in order, so the `#` typed after the TAB shows only once completion is over.
    let screen_when = |what: &str, done: &dyn Fn(&str) -> bool| -> String {
        let started = std::time::Instant::now();
        loop {
            let screen = tmux.screen(false);
            if done(&screen) {
                return screen;
            }
            assert!(started.elapsed().as_secs() < 30, "timed out waiting for {what}; screen:\n{screen}");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    };
    let prompt_line = |screen: &str| -> Option<String> {
        let line = screen.lines().find(|l| l.starts_with("ZSH> whk"))?.trim_end();
        Some(line.strip_suffix('#')?.trim_start_matches("ZSH> ").trim_end().to_string())
    };
    for case in provider_cases() {
        tmux.type_text(case.line);
        tmux.press("Tab");
        tmux.type_text("#");
        let screen = screen_when("the completion", &|screen| prompt_line(screen).is_some());
        let typed = prompt_line(&screen).unwrap();
        let offered: BTreeSet<String> = if typed != case.line {
            // One match: zsh put it in place of the word.
            typed.rsplit(' ').next().map(|w| BTreeSet::from([w.to_string()])).unwrap_or_default()
        } else {
            let below = screen.lines().skip_while(|l| !l.starts_with("ZSH> whk")).skip(1);
            below.filter_map(|l| l.split_whitespace().next()).filter(|w| *w != "--").map(str::to_string).collect()
        };
        assert_eq!(offered, case.expected, "zsh: `{}<TAB>`; screen:\n{screen}", case.line);
        // Not Ctrl-C: its SIGINT flushes the keys typed after it.
        tmux.press("C-e");
        tmux.press("C-u");
        tmux.type_text("clear");
        tmux.press("Enter");
        screen_when("a clear screen", &|screen| screen.trim() == "ZSH>");
    }
}

/// PowerShell and Elvish are not installed here: their scripts (clap_complete's) call
/// `WHK_COMPLETE=SHELL whk -- WORDS…` as below, so this asks whk the same way and reads the answer
/// as the script does (a value per line; PowerShell's with a tab and the description).
#[test]
fn powershell_and_elvish_get_only_the_names_of_the_provider_the_word_or_flag_names() {
    for shell in ["powershell", "elvish"] {
        let script = completion(shell);
        assert!(
            script.contains(&format!("WHK_COMPLETE=\"{shell}\""))
                || script.contains(&format!("$env:WHK_COMPLETE = \"{shell}\"")),
            "{script}"
        );
        for case in provider_cases() {
            let words: Vec<&str> = case.line.split(' ').collect();
            let out = Command::new(env!("CARGO_BIN_EXE_whk"))
                .env_remove("WHK_TEMPLATES")
                .env("WHK_COMPLETE", shell)
                .env("_CLAP_IFS", "\n")
                .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
                .arg("--")
                .args(&words)
                .output()
                .unwrap();
            assert!(out.status.success(), "{shell}: {}", String::from_utf8_lossy(&out.stderr));
            let offered: BTreeSet<String> = String::from_utf8(out.stdout)
                .unwrap()
                .lines()
                .filter(|l| !l.is_empty())
                .map(|l| l.split('\t').next().unwrap().to_string())
                .collect();
            assert_eq!(offered, case.expected, "{shell}: `{}<TAB>`", case.line);
        }
    }
}
