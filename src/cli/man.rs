//! `whk man`: the manual pages.

use std::path::PathBuf;

use clap::{Args, ValueHint};

pub(super) const HELP: &str = "\
Examples:
  whk man | man -l -
  whk man trigger | man -l -
  whk man --out ~/.local/share/man/man1";

#[derive(Args, Debug)]
pub struct ManArgs {
    /// The command whose page to print (whk-COMMAND(1)); without it, whk(1).
    #[arg(value_name = "COMMAND", conflicts_with = "out")]
    pub command: Option<String>,

    /// Write every page (whk.1, whk-trigger.1, …) into this folder instead.
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub out: Option<PathBuf>,
}
