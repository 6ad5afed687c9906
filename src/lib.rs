//! whk: test Stripe and Fintoc webhooks locally and offline.
//!
//! `run` is the whole program; `main.rs` only hands it the arguments, and tests call it in-process.

// The one unsafe block (raising the open-files limit in delivery/load.rs) allows itself, with why.
#![deny(unsafe_code)]

pub mod cli;
mod commands;
pub mod config;
pub mod delivery;
mod error;
pub mod event;
pub mod os;
pub mod providers;
pub mod relay;
pub mod signing;
pub mod time;
pub mod ui;

use std::ffi::OsString;

use clap::{CommandFactory, FromArgMatches};

pub use error::{exit_for, Exit, UsageError};
use ui::console;

/// Parses `args` (program name first), runs the command and returns the process exit code.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    // A shell asking for completions (WHK_COMPLETE set by the script `whk completion` prints).
    match cli::complete::try_complete(&args) {
        Ok(true) => return Exit::Success.code(),
        Ok(false) => {}
        Err(err) => {
            let _ = err.print();
            return Exit::Usage.code();
        }
    }
    // clap prints its own errors and help before `--color` is parsed: tell it the choice up front.
    let command = cli::Cli::command().color(console::clap_color(&args));
    let cli = match command.try_get_matches_from(&args).and_then(|m| cli::Cli::from_arg_matches(&m)) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() { Exit::Usage.code() } else { Exit::Success.code() };
        }
    };
    console::init_color(cli.color);
    match commands::dispatch(cli.command) {
        Ok(exit) => exit.code(),
        Err(err) => {
            // `{:#}` appends each source in the chain; error types that quote their cause in the
            // message keep it in a field named `cause`, not `source`, so it is not printed twice.
            console::error(&format!("{err:#}"));
            exit_for(&err).code()
        }
    }
}
