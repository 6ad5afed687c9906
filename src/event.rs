//! Turning a template into the exact bytes a provider would send.

use std::time::SystemTime;

use crate::catalog::Template;
use crate::patch::{self, Patch};
use crate::providers::{EventParts, Provider};
use crate::template::RenderContext;

pub struct BuildOptions<'a> {
    /// Connected account (Stripe Connect).
    pub account: Option<&'a str>,
    pub livemode: bool,
    pub api_version: &'a str,
    pub patches: &'a [Patch],
}

/// A generated event: its identity and the body to sign.
#[derive(Debug, Clone)]
pub struct BuiltEvent {
    pub provider: Provider,
    pub id: String,
    pub event_type: String,
    pub body: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("--account is for Stripe Connect events; {0} is a Fintoc event (Fintoc has no connected accounts)")]
    AccountOnFintoc(String),
    #[error("`{0}` is not a connected account id: Stripe account ids look like acct_1Nv0FGQ9RKHgCVdK")]
    BadAccount(String),
    #[error("{origin}: {source}")]
    Render { origin: String, source: crate::template::RenderError },
    #[error(transparent)]
    Patch(#[from] patch::PatchError),
}

pub fn build(template: &Template, options: &BuildOptions) -> Result<BuiltEvent, BuildError> {
    if let Some(account) = options.account {
        if template.provider == Provider::Fintoc {
            return Err(BuildError::AccountOnFintoc(template.event_type.clone()));
        }
        let valid = account
            .strip_prefix("acct_")
            .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric()));
        if !valid {
            return Err(BuildError::BadAccount(account.to_string()));
        }
    }
    let created = SystemTime::now();
    let now = created.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let provider = template.provider;
    let mut ctx = RenderContext::new(provider, options.account, options.livemode, now);
    let render_error = |source| BuildError::Render { origin: template.origin.clone(), source };
    let resource = ctx.render(&template.data).map_err(render_error)?;
    let previous_attributes =
        template.previous_attributes.as_ref().map(|p| ctx.render(p)).transpose().map_err(render_error)?;
    let id = provider.new_id("evt");
    let mut event = provider.envelope(EventParts {
        id: &id,
        event_type: &template.event_type,
        resource,
        previous_attributes,
        created,
        livemode: options.livemode,
        account: options.account,
        api_version: options.api_version,
    });
    for p in options.patches {
        patch::apply(&mut event, provider.resource_path(), p)?;
    }
    // An override may have changed the id or type; report what is actually sent.
    let id = event.get("id").and_then(|v| v.as_str()).unwrap_or(&id).to_string();
    let event_type = event.get("type").and_then(|v| v.as_str()).unwrap_or(&template.event_type).to_string();
    let body = serde_json::to_vec(&event).expect("a JSON value always serialises");
    Ok(BuiltEvent { provider, id, event_type, body })
}
