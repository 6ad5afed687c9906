//! whk on a real terminal (a tmux pane with a pty) and off one: the event picker, and colours that
//! appear only where they should. Needs tmux (`apt-get install tmux`); CI installs it.

use std::time::{Duration, Instant};

use crate::support::{Sink, Whk, SECRET};
use crate::tmux::Tmux;

const ESC: char = '\u{1b}';

#[test]
fn the_picker_filters_the_catalog_and_sends_the_chosen_event() {
    let sink = Sink::start(200);
    let tmux = Tmux::start(&format!("whk trigger --secret {SECRET} --forward-to {}", sink.url("/hook")), &[]);
    let screen = tmux.wait_for("Event to send");
    // Grouped by provider, each event with its description.
    assert!(screen.contains("stripe  account.application.authorized"), "{screen}");
    tmux.type_text("fintoc payout.creat");
    let screen = tmux.wait_for("› fintoc payout.creat");
    let first = screen.lines().nth(1).unwrap_or_default();
    assert!(first.starts_with("❯ fintoc  payout.created  ") && first.contains("Triggers when"), "{screen}");
    assert!(screen.lines().all(|l| l.chars().count() <= 160), "items fit the terminal's width:\n{screen}");
    tmux.press("Enter");
    let screen = tmux.wait_for("[exit ");
    assert!(screen.contains("[exit 0]"), "{screen}");
    assert!(screen.contains("--> payout.created [evt_"), "{screen}");
    assert!(screen.contains("<-- [200] POST"), "{screen}");
    let got = sink.received();
    assert_eq!(got.len(), 1, "one delivery");
    assert_eq!(got[0].path, "/hook");
    assert_eq!(got[0].json()["type"], "payout.created");
    assert!(got[0].header("Fintoc-Signature").is_some(), "the fintoc event was chosen");
}

#[test]
fn escape_cancels_the_picker_quietly_with_exit_130() {
    for key in ["Escape", "C-c"] {
        let sink = Sink::start(200);
        let tmux = Tmux::start(&format!("whk trigger --secret {SECRET} --forward-to {}", sink.url("/")), &[]);
        tmux.wait_for("Event to send");
        tmux.press(key);
        let screen = tmux.wait_for("[exit ");
        assert!(screen.contains("[exit 130]"), "{key}: {screen}");
        assert!(!screen.contains("error"), "{key}: a cancel is not an error: {screen}");
        assert!(sink.received().is_empty());
    }
}

#[test]
fn the_picker_opens_on_the_first_row_and_ranks_names_that_start_with_the_query_first() {
    let sink = Sink::start(200);
    let tmux = Tmux::start(&format!("whk trigger --secret {SECRET} --forward-to {}", sink.url("/hook")), &[]);
    let screen = tmux.wait_for("Event to send");
    let first = screen.lines().nth(1).unwrap_or_default();
    assert!(first.starts_with("❯ stripe  account.application.authorized"), "first row selected: {screen}");
    tmux.type_text("link");
    let screen = tmux.wait_for("› link");
    let first = screen.lines().nth(1).unwrap_or_default();
    assert!(first.starts_with("❯ fintoc  link.created  "), "{screen}");
    let financial = screen.lines().position(|l| l.contains("financial_connections"));
    let credentials = screen.lines().position(|l| l.contains("link.credentials_changed")).unwrap();
    assert!(financial.is_none_or(|f| f > credentials), "{screen}");
    // One key at a time: the terminal is in cooked mode between two reads, where a queued
    // backspace would be eaten by the line discipline.
    for left in ["› lin", "› li", "› l"] {
        tmux.press("BSpace");
        let started = Instant::now();
        while !tmux.screen(false).lines().next().unwrap_or_default().trim_end().ends_with(left) {
            assert!(started.elapsed() < Duration::from_secs(30), "no {left:?}: {}", tmux.screen(false));
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    tmux.press("BSpace");
    let started = Instant::now();
    while !tmux.screen(false).lines().nth(1).unwrap_or_default().starts_with("❯ stripe  account.application.authorized")
    {
        assert!(started.elapsed() < Duration::from_secs(30), "the query was not cleared: {}", tmux.screen(false));
        std::thread::sleep(Duration::from_millis(50));
    }
    tmux.press("Enter");
    let screen = tmux.wait_for("[exit ");
    assert!(screen.contains("[exit 0]"), "Enter on the first row sends it: {screen}");
    assert_eq!(sink.received()[0].json()["type"], "account.application.authorized");
}

#[test]
fn off_a_terminal_a_missing_event_is_a_usage_error_that_says_how_to_list_events() {
    let run = Whk::new().args(["trigger"]).run().expect(2);
    assert!(run.stderr().contains("no event given") && run.stderr().contains("`whk events`"), "{}", run.stderr());
}

#[test]
fn on_a_terminal_colours_appear_unless_no_color_is_set() {
    let script = "whk events --provider fintoc; whk trigger payuot.failed";
    let tmux = Tmux::start(script, &[]);
    tmux.wait_for("[exit ");
    let screen = tmux.screen(true);
    assert!(screen.contains(ESC), "colours on a terminal:\n{screen}");
    assert!(screen.contains("did you mean payout.failed"), "{screen}");

    for value in ["1", ""] {
        let tmux = Tmux::start(script, &[("NO_COLOR", value)]);
        tmux.wait_for("[exit ");
        let screen = tmux.screen(true);
        assert!(!screen.contains(ESC), "NO_COLOR={value:?} turns every colour off, errors included:\n{screen}");
        assert!(screen.contains("error: unknown event"), "{screen}");
    }
    let tmux = Tmux::start("whk --color never events --provider fintoc; whk trigger payuot.failed --color never", &[]);
    tmux.wait_for("[exit ");
    assert!(!tmux.screen(true).contains(ESC), "--color never");
}

#[test]
fn status_colours_follow_the_stripe_cli_on_a_terminal() {
    let sinks = [Sink::start(200), Sink::start(404), Sink::start(500)];
    let script: Vec<String> = sinks
        .iter()
        .map(|s| format!("whk trigger payout.failed --secret {SECRET} --forward-to {}", s.url("/")))
        .collect();
    let tmux = Tmux::start(&script.join("; "), &[]);
    tmux.wait_for("[exit ");
    let screen = tmux.screen(true);
    // tmux re-encodes colours as SGR codes: 32 green, 33 yellow, 31 red.
    for (status, colour) in [("[200]", "32m"), ("[404]", "33m"), ("[500]", "31m")] {
        let at = screen.find(status).unwrap_or_else(|| panic!("{status} missing:\n{screen}"));
        let before = &screen[..at];
        let sgr = &before[before.rfind(ESC).expect("a colour before the status")..];
        assert!(sgr.contains(colour), "{status} should be coloured {colour}, got {sgr:?}");
    }
}

#[test]
fn off_a_terminal_nothing_carries_escape_codes() {
    let sink = Sink::start(500);
    let runs = [
        Whk::new().args(["events"]).run().expect(0),
        Whk::new()
            .args(["trigger", "payout.failed", "--secret", SECRET, "--forward-to", &sink.url("/")])
            .run()
            .expect(1),
        Whk::new().args(["trigger", "payuot.failed"]).run().expect(2),
        Whk::new().args(["trigger", "--bogus"]).run().expect(2),
        Whk::new().args(["--help"]).run().expect(0),
        Whk::new().args(["config"]).run().expect(0),
    ];
    for run in &runs {
        assert!(!run.stdout().contains(ESC) && !run.stderr().contains(ESC), "{}\n{}", run.stdout(), run.stderr());
    }
}

#[test]
fn color_always_colours_both_streams_and_clap_obeys_the_flag_too() {
    let sink = Sink::start(404);
    let run = Whk::new()
        .args(["--color", "always", "trigger", "payout.failed", "--secret", SECRET, "--forward-to", &sink.url("/")])
        .env("NO_COLOR", "1")
        .run()
        .expect(1);
    assert!(run.stdout().contains("\u{1b}[33m[404]"), "4xx is yellow: {:?}", run.stdout());
    let run = Whk::new().args(["trigger", "payuot.failed", "--color=always"]).run().expect(2);
    assert!(run.stderr().contains("31merror:"), "errors are red: {:?}", run.stderr());
    // clap prints usage errors before whk sees --color: it is told up front.
    let run = Whk::new().args(["--color", "always", "trigger", "--bogus"]).run().expect(2);
    assert!(run.stderr().contains(ESC), "{:?}", run.stderr());
    let run = Whk::new().args(["--color", "never", "trigger", "--bogus"]).run().expect(2);
    assert!(!run.stderr().contains(ESC) && run.stderr().contains("--bogus"), "{:?}", run.stderr());
}
