//! Console styling: colours only on a terminal (or when asked), never with NO_COLOR.

use std::io::IsTerminal;

use colored::{ColoredString, Colorize};

use crate::cli::ColorChoice;

pub fn init_color(choice: ColorChoice) {
    colored::control::set_override(colors_wanted(
        choice,
        std::env::var_os("NO_COLOR").is_some(),
        std::io::stdout().is_terminal(),
    ));
}

/// `always` wins, then NO_COLOR (set to anything, even empty), then whether stdout is a terminal.
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
}
