//! `whk completion SHELL`: the completion script to source.

use clap::Args;

pub(super) const HELP: &str = "\
The script calls whk back for each completion: commands, flags, providers, paths, and event names
(bare and as stripe:NAME / fintoc:NAME, only the provider's that a prefix or --provider names). The
README says where each shell looks for the script.

Examples:
  whk completion bash > ~/.local/share/bash-completion/completions/whk
  source <(whk completion zsh)    # in ~/.zshrc, after compinit
  whk completion fish > ~/.config/fish/completions/whk.fish
  whk completion powershell >> $PROFILE
  whk completion elvish >> ~/.config/elvish/rc.elv";

#[derive(Args, Debug)]
pub struct CompletionArgs {
    /// The shell to print the script for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
