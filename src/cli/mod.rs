//! Command-line definitions: `Cli` and its commands here, with the argument groups several
//! commands share; each command's own arguments in the file named after it; typed value parsers in
//! `parsers`; shell completion in `complete`. Every command's help ends with real examples.

pub mod complete;
mod completion;
mod config;
mod events;
mod listen;
mod log;
mod man;
pub mod parsers;
mod replay;
mod sign;
mod trigger;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueHint};

use crate::ui::console::ColorChoice;

pub use completion::CompletionArgs;
pub use config::ConfigArgs;
pub use events::EventsArgs;
pub use listen::ListenArgs;
pub use log::{ListArgs, LogArgs, LogCommand, LogFilter, LogStatus, ShowArgs, TailArgs};
pub use man::ManArgs;
pub use replay::ReplayArgs;
pub use sign::SignArgs;
pub use trigger::TriggerArgs;

const WHK_HELP: &str = "\
Examples:
  whk listen --forward-to localhost:4242/webhook
  whk trigger payout.failed
  whk events --provider fintoc
  whk sign --provider stripe --secret whsec_test --verify 't=1700000000,v1=5257a8…' body.json
  whk config

Defaults: a flag beats its WHK_* environment variable, which beats the config file, which beats the
built-in default. `whk config` shows what is in effect and where each value came from.

Exit codes:
  0  delivered and the endpoint answered 2xx (sign --verify: the signature is valid)
  1  the endpoint answered something else (sign --verify: the signature is not valid)
  2  usage or input error
  3  could not connect, or the request timed out
  4  whk could not use its own files (config folder, local secret, event log)";

#[derive(Parser, Debug)]
#[command(name = "whk", version, about = "Test Stripe and Fintoc webhooks locally and offline", after_help = WHK_HELP)]
pub struct Cli {
    /// When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build a realistic sample event, sign it as the provider does, and POST it.
    #[command(after_help = trigger::HELP)]
    Trigger(TriggerArgs),
    /// List the event types whk can trigger.
    #[command(after_help = events::HELP)]
    Events(EventsArgs),
    /// Sign a payload, or verify a received signature and explain why it fails.
    #[command(after_help = sign::HELP)]
    Sign(SignArgs),
    /// Receive webhooks locally: verify, record durably, and forward them re-signed, in order.
    #[command(after_help = listen::HELP)]
    Listen(ListenArgs),
    /// Re-deliver recorded events (from the event store) or fixture files, freshly signed.
    #[command(after_help = replay::HELP)]
    Replay(ReplayArgs),
    /// Show the settings in effect (forward-to, API version, provider, secrets) and where each comes from.
    #[command(after_help = config::HELP)]
    Config(ConfigArgs),
    /// List, show and follow what listen recorded; export, import or prune the event store.
    #[command(after_help = log::LOG_HELP)]
    Log(LogArgs),
    /// Print a shell completion script.
    #[command(after_help = completion::HELP)]
    Completion(CompletionArgs),
    /// Print the manual page, or write every page to a folder.
    #[command(after_help = man::HELP)]
    Man(ManArgs),
}

/// Edits to an event by dotted path, shared by trigger and replay.
#[derive(Args, Debug)]
pub struct EditArgs {
    /// Replace a field that exists: PATH=VALUE (repeatable).
    #[arg(long = "override", value_name = "PATH=VALUE")]
    pub overrides: Vec<String>,

    /// Set a field only where it is missing: PATH=VALUE (repeatable).
    #[arg(long = "add", value_name = "PATH=VALUE")]
    pub adds: Vec<String>,

    /// Remove a field: PATH (repeatable).
    #[arg(long = "remove", value_name = "PATH")]
    pub removes: Vec<String>,
}

impl EditArgs {
    pub fn patches(&self) -> Result<Vec<crate::event::patch::Patch>, crate::event::patch::PatchError> {
        crate::event::patch::from_flags(&self.overrides, &self.adds, &self.removes)
    }
}

#[derive(Args, Debug)]
pub struct SecretArgs {
    /// Signing secret [env: WHK_SECRET]. Default: the local secret that `whk listen --print-secret` prints.
    #[arg(long, value_name = "SECRET")]
    pub secret: Option<String>,
}

/// Which certificates an `https://` target may present, shared by trigger, replay and listen.
#[derive(Args, Debug)]
pub struct TlsArgs {
    /// Also trust the certificates in this PEM file (a local server's self-signed certificate, or
    /// the CA that signed it) for https:// targets.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, value_parser = parsers::ExistingFile)]
    pub cacert: Option<PathBuf>,

    /// Skip certificate checks for https:// targets, as the Stripe CLI's --skip-verify does (for
    /// local servers only: anyone in the middle could then read the events).
    #[arg(long)]
    pub skip_verify: bool,
}

impl TlsArgs {
    pub fn settings(&self) -> crate::delivery::TlsSettings {
        crate::delivery::TlsSettings { cacert: self.cacert.clone(), skip_verify: self.skip_verify }
    }
}

#[derive(Args, Debug)]
pub struct TemplatesArgs {
    /// Folder of extra or replacement templates, laid out as DIR/stripe/<type>.json, DIR/fintoc/<type>.json.
    #[arg(long = "templates", env = "WHK_TEMPLATES", value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub dir: Option<PathBuf>,
}
