//! `whk sign`: sign a payload, or verify a received signature.

use clap::{Args, ValueHint};

use super::SecretArgs;
use crate::signing::Scheme;

pub(super) const HELP: &str = "\
Without --secret, the secret is WHK_SECRET, else the config file's [secrets] entry for the
provider, else the local secret that `whk listen --print-secret` prints.

Examples:
  whk sign --provider stripe --secret whsec_test body.json
  echo -n '{\"id\":\"evt_1\"}' | whk sign --provider fintoc --secret whsec_test -
  whk sign --provider standard --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw --id msg_1 body.json
  whk sign --provider stripe --secret whsec_test --verify 't=1700000000,v1=5257a8…' body.json

Exit codes:
  0  signed, or the signature verified
  1  the signature did not verify (the reason and the likely culprit are printed)
  2  usage or input error
  4  whk could not use its own files (config folder, local secret, event log)";

#[derive(Args, Debug)]
pub struct SignArgs {
    /// The payload file, or - for standard input.
    #[arg(default_value = "-", value_name = "FILE|-", value_hint = ValueHint::FilePath)]
    pub file: String,

    /// Signing scheme. Default: WHK_PROVIDER or the config file's provider.
    #[arg(long, value_enum)]
    pub provider: Option<Scheme>,

    /// Unix timestamp to sign with (default: now). With --verify and standard: the webhook-timestamp value.
    #[arg(long, value_name = "UNIX")]
    pub timestamp: Option<i64>,

    /// Message id (Standard Webhooks' webhook-id; generated when signing if absent).
    #[arg(long, value_name = "MSG_ID")]
    pub id: Option<String>,

    /// Verify this received signature header value instead of signing.
    #[arg(long, value_name = "HEADER_VALUE")]
    pub verify: Option<String>,

    /// Seconds a signature stays valid when verifying.
    #[arg(long, value_name = "SECONDS", default_value_t = crate::signing::DEFAULT_TOLERANCE)]
    pub tolerance: u64,

    #[command(flatten)]
    pub secret: SecretArgs,
}
