//! whk: test Stripe and Fintoc webhooks locally and offline.
//!
//! `run` is the whole program; `main.rs` only hands it the arguments, and tests call it in-process.

pub mod catalog;
pub mod cli;
mod commands;
pub mod deliver;
pub mod event;
pub mod expect;
pub mod fixtures;
mod http1;
mod load;
mod output;
pub mod patch;
mod picker;
pub mod providers;
pub mod relay;
mod report;
pub mod secret;
pub mod settings;
pub mod signature;
pub mod tamper;
pub mod target;
pub mod template;

use std::ffi::OsString;

use clap::{CommandFactory, FromArgMatches};

/// A usage or input error that has no more specific type: exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The documented exit codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Delivered with a 2xx, or a signature verified.
    Success = 0,
    /// The endpoint answered otherwise, or a signature did not verify.
    Refused = 1,
    /// Usage or input error.
    Usage = 2,
    /// Could not connect, or timed out.
    Unreachable = 3,
    /// The user cancelled an interactive prompt (Esc or Ctrl-C): the code a shell gives Ctrl-C.
    Cancelled = 130,
}

/// Parses `args` (program name first), runs the command and returns the process exit code.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    // clap prints its own errors and help before `--color` is parsed: tell it the choice up front.
    let command = cli::Cli::command().color(output::clap_color(&args));
    let cli = match command.try_get_matches_from(&args).and_then(|m| cli::Cli::from_arg_matches(&m)) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() { Exit::Usage as i32 } else { Exit::Success as i32 };
        }
    };
    output::init_color(cli.color);
    match commands::dispatch(cli.command) {
        Ok(exit) => exit as i32,
        Err(err) => {
            // `{:#}` appends each source in the chain; error types that quote their cause in the
            // message keep it in a field named `cause`, not `source`, so it is not printed twice.
            output::error(&format!("{err:#}"));
            exit_for(&err) as i32
        }
    }
}

fn exit_for(err: &anyhow::Error) -> Exit {
    if err.chain().any(|cause| cause.downcast_ref::<deliver::DeliveryError>().is_some()) {
        Exit::Unreachable
    } else {
        Exit::Usage
    }
}
