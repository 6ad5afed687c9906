//! One file per command.

mod completion;
mod config;
mod events;
mod listen;
mod log;
mod man;
mod replay;
mod sign;
mod trigger;

use anyhow::Result;

use crate::cli::Command;
use crate::Exit;

pub fn dispatch(command: Command) -> Result<Exit> {
    match command {
        Command::Trigger(args) => trigger::run(args),
        Command::Events(args) => events::run(args),
        Command::Sign(args) => sign::run(args),
        Command::Listen(args) => listen::run(args),
        Command::Replay(args) => replay::run(args),
        Command::Log(args) => log::run(args),
        Command::Config(args) => config::run(args),
        Command::Completion(args) => completion::run(args),
        Command::Man(args) => man::run(args),
    }
}
