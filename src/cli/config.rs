//! `whk config`: the settings in effect.

use clap::Args;

pub(super) const HELP: &str = "\
Each setting comes from, highest first: its flag, its WHK_* environment variable (empty counts as
unset), the config file, whk's built-in default. The config file is config.toml in the config
directory ($WHK_CONFIG_DIR, else ~/.config/whk on Linux); every key is optional:

  forward_to = \"localhost:4242/webhook\"   # WHK_FORWARD_TO: where trigger sends and listen forwards
  api_version = \"2024-06-20\"              # WHK_API_VERSION: Stripe API version of triggered events
  provider = \"stripe\"                     # WHK_PROVIDER: settles shared names; sign's scheme

  [secrets]                               # WHK_SECRET (one secret for all) beats these
  stripe = \"whsec_…\"                      # trigger and sign sign with it; listen also accepts it
  fintoc = \"whsec_…\"
  standard = \"whsec_…\"

Secrets are shown masked.

Examples:
  whk config
  WHK_PROVIDER=fintoc whk config
  $EDITOR \"$(whk config --path)\"";

#[derive(Args, Debug)]
pub struct ConfigArgs {
    /// Print only the config file's path, whether or not it exists.
    #[arg(long)]
    pub path: bool,
}
