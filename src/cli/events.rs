//! `whk events`: the catalog.

use clap::Args;

use super::TemplatesArgs;
use crate::providers::Provider;

pub(super) const HELP: &str = "\
Examples:
  whk events
  whk events --provider fintoc
  whk events --json | jq -r '.[].type'";

#[derive(Args, Debug)]
pub struct EventsArgs {
    /// Only event types or resources containing this text, e.g. `invoice` or `payout.`.
    #[arg(value_name = "FILTER")]
    pub filter: Option<String>,

    /// Only this provider's events.
    #[arg(long, value_enum)]
    pub provider: Option<Provider>,

    /// Print a JSON array of {provider, type, object, description}.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub templates: TemplatesArgs,
}
