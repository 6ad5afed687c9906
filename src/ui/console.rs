//! Console styling: colours only on a terminal (or when asked), never with NO_COLOR.

use std::ffi::OsString;
use std::io::IsTerminal;

use colored::{ColoredString, Colorize};

/// When to use colours (`--color`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Decides once for the whole run. Both streams must be terminals for `auto`: one switch colours
/// stdout and stderr alike, and a redirected stream must never receive escape codes.
pub fn init_color(choice: ColorChoice) {
    colored::control::set_override(colors_wanted(
        choice,
        std::env::var_os("NO_COLOR").is_some(),
        std::io::stdout().is_terminal() && std::io::stderr().is_terminal(),
    ));
}

/// Whether this run colours its output (after [`init_color`]).
pub fn colors_enabled() -> bool {
    colored::control::SHOULD_COLORIZE.should_colorize()
}

/// The `--color` choice for clap's own errors and help, found before clap parses. `auto` leaves
/// clap to decide per stream, which also honours NO_COLOR.
pub fn clap_color(args: &[OsString]) -> clap::ColorChoice {
    let mut choice = None;
    let mut words = args.iter().skip(1).map(|a| a.to_str().unwrap_or_default());
    while let Some(word) = words.next() {
        match word {
            "--" => break,
            "--color" => choice = words.next(),
            _ => choice = word.strip_prefix("--color=").or(choice),
        }
    }
    match choice {
        Some("always") => clap::ColorChoice::Always,
        Some("never") => clap::ColorChoice::Never,
        _ => clap::ColorChoice::Auto,
    }
}

/// `always` wins, then NO_COLOR (set to anything, even empty), then whether output is a terminal.
fn colors_wanted(choice: ColorChoice, no_color: bool, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => !no_color && terminal,
    }
}

/// A status code coloured as the Stripe CLI does: 2xx green, 4xx yellow, others red.
pub fn status(code: u16) -> ColoredString {
    let text = format!("[{code}]");
    match code {
        200..=299 => text.green(),
        400..=499 => text.yellow(),
        _ => text.red(),
    }
}

pub fn error(message: &str) {
    eprintln!("{} {message}", "error:".red().bold());
}

pub fn warn(message: &str) {
    eprintln!("{} {message}", "warning:".yellow().bold());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn color_precedence() {
        assert!(colors_wanted(ColorChoice::Always, true, false));
        assert!(!colors_wanted(ColorChoice::Never, false, true));
        assert!(colors_wanted(ColorChoice::Auto, false, true));
        assert!(!colors_wanted(ColorChoice::Auto, true, true));
        assert!(!colors_wanted(ColorChoice::Auto, false, false));
    }

    #[test]
    fn clap_sees_the_color_flag_before_parsing() {
        let choice = |args: &[&str]| clap_color(&args.iter().map(OsString::from).collect::<Vec<_>>());
        assert_eq!(choice(&["whk", "--color", "never", "trigger"]), clap::ColorChoice::Never);
        assert_eq!(choice(&["whk", "trigger", "--color=always"]), clap::ColorChoice::Always);
        assert_eq!(choice(&["whk", "--color=never", "--color", "always"]), clap::ColorChoice::Always, "last wins");
        assert_eq!(choice(&["whk", "sign", "--", "--color=never"]), clap::ColorChoice::Auto);
        assert_eq!(choice(&["whk", "events"]), clap::ColorChoice::Auto);
    }
}
