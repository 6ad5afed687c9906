//! The one place where a failure becomes an exit code.
//!
//! Commands return `anyhow::Result<Exit>`; the error types of each layer say which code they
//! stand for through [`exit_for`], which walks the error's chain and takes the first cause it
//! recognises. A failure nobody classified is whk's own ([`Exit::Failure`]), never a usage error.

use crate::config::settings::SettingsError;
use crate::delivery::target::TargetError;
use crate::delivery::DeliveryError;
use crate::event::catalog::{CatalogError, ResolveError};
use crate::event::fixtures::FixtureError;
use crate::event::patch::PatchError;
use crate::event::BuildError;
use crate::signing::SignError;

/// The documented exit codes (README "Exit codes" and every command's `--help`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Delivered with a 2xx, or a signature verified.
    Success = 0,
    /// The endpoint answered otherwise, or a signature did not verify.
    Refused = 1,
    /// Usage or input error: a bad flag, event, path, URL, template or file.
    Usage = 2,
    /// Could not connect, or timed out.
    Unreachable = 3,
    /// whk could not do its own work: its config folder, event log or a file it writes could not
    /// be used, or an internal step failed.
    Failure = 4,
    /// The user cancelled an interactive prompt (Esc or Ctrl-C): the code a shell gives Ctrl-C.
    Cancelled = 130,
}

impl Exit {
    pub fn code(self) -> i32 {
        self as i32
    }
}

/// A usage or input error that has no more specific type: exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The exit code an error stands for.
pub fn exit_for(err: &anyhow::Error) -> Exit {
    for cause in err.chain() {
        if cause.is::<DeliveryError>() {
            return Exit::Unreachable;
        }
        let usage = cause.is::<UsageError>()
            || cause.is::<BuildError>()
            || cause.is::<CatalogError>()
            || cause.is::<ResolveError>()
            || cause.is::<PatchError>()
            || cause.is::<FixtureError>()
            || cause.is::<SettingsError>()
            || cause.is::<TargetError>()
            || cause.is::<SignError>();
        if usage {
            return Exit::Usage;
        }
    }
    Exit::Failure
}
