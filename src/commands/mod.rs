//! One file per command.

mod completion;
mod config;
mod events;
mod listen;
mod man;
mod replay;
mod sign;
mod trigger;

use anyhow::Result;

use crate::cli::Command;
use crate::Exit;

pub fn dispatch(command: Command) -> Result<Exit> {
    match command {
        Command::Trigger(mut args) => {
            args.headers = one_header_each(args.headers);
            trigger::run(args)
        }
        Command::Events(args) => events::run(args),
        Command::Sign(args) => sign::run(args),
        Command::Listen(mut args) => {
            args.headers = one_header_each(args.headers);
            args.connect_headers = one_header_each(args.connect_headers);
            listen::run(args)
        }
        Command::Replay(mut args) => {
            args.headers = one_header_each(args.headers);
            replay::run(args)
        }
        Command::Config(args) => config::run(args),
        Command::Completion(args) => completion::run(args),
        Command::Man(args) => man::run(args),
    }
}

/// `-H` takes one header per flag or, as in the Stripe CLI, a comma-separated list in one flag.
fn one_header_each(flags: Vec<String>) -> Vec<String> {
    flags.iter().flat_map(|flag| crate::delivery::split_header_list(flag)).map(str::to_string).collect()
}
