//! Shell integration: completion scripts for every shell, the man pages, and help that ends with
//! examples. The checked-in completions/ and doc/ must match what the binary generates.

use std::path::Path;

use crate::support::Whk;

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
fn every_shell_script_names_commands_events_in_both_forms_and_providers() {
    for (shell, _) in SHELLS {
        let script = completion(shell);
        assert!(script.len() > 1000, "{shell}: the script is nearly empty:\n{script}");
        for word in ["trigger", "listen", "sign", "events", "config", "forward-to", "provider"] {
            assert!(script.contains(word), "{shell}: `{word}` missing");
        }
        for event in ["payout.failed", "payment_intent.succeeded", "link.created"] {
            assert!(script.contains(event), "{shell}: event `{event}` missing");
        }
        // zsh writes the colon escaped; the others as is.
        let qualified = |name: &str| script.contains(name) || script.contains(&name.replace(':', "\\\\\\:"));
        for event in ["stripe:payout.failed", "fintoc:payout.created", "fintoc:link.created"] {
            assert!(qualified(event), "{shell}: event `{event}` missing");
        }
    }
    // Providers complete wherever the generator completes option values at all.
    for shell in ["bash", "zsh", "fish"] {
        let script = completion(shell);
        assert!(script.contains("stripe") && script.contains("fintoc"), "{shell}: providers missing");
    }
}

#[test]
fn path_arguments_complete_paths() {
    let bash = completion("bash");
    assert!(bash.contains("compgen -f"), "files complete in bash");
    let zsh = completion("zsh");
    assert!(zsh.contains("_files -/") && zsh.contains(":_files"), "zsh completes --templates as a folder and files");
    let fish = completion("fish");
    assert!(fish.contains("-l templates") && fish.contains("__fish_complete_directories"), "{fish}");
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

/// Sources the checked-in bash script in a real bash and asks it, as readline would.
#[test]
fn the_bash_script_completes_event_names_providers_and_shells() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/whk.bash");
    let complete = |words: &str| -> String {
        let program = format!(
            r#"source "$1"
COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1))
_whk whk "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}" 2>/dev/null
printf '%s\n' "${{COMPREPLY[@]}}""#
        );
        let out = std::process::Command::new("bash").args(["-c", &program, "bash"]).arg(&script).output().unwrap();
        assert!(out.status.success(), "bash: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(complete("whk trigger payout.fa"), "payout.failed\n");
    let qualified = complete("whk trigger fintoc:payout.c");
    assert_eq!(qualified, "fintoc:payout.canceled\nfintoc:payout.created\n");
    // Bash splits words at `:`, so `fintoc:payout.c` arrives as three words: the bare names finish it.
    assert_eq!(complete("whk trigger fintoc : payout.c"), "payout.canceled\npayout.created\n");
    assert_eq!(complete("whk trigger --provider ''"), "stripe\nfintoc\n");
    assert_eq!(complete("whk completion z"), "zsh\n");
    // Tamper kinds are a ValueEnum: they complete with no code of their own.
    assert!(complete("whk trigger --tamper ''").contains("bad-signature\nwrong-secret\n"));
    assert!(complete("whk tr").contains("trigger"));
}
