//! `whk completion SHELL`: the script that registers whk's completion in SHELL. The completing
//! itself is whk's, called back by the script (see `cli::complete`).

use anyhow::Result;

use crate::cli::{complete, CompletionArgs};
use crate::Exit;

pub fn run(args: CompletionArgs) -> Result<Exit> {
    print!("{}", complete::registration(args.shell)?);
    Ok(Exit::Success)
}
