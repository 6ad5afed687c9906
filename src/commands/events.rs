//! `whk events`: the catalog, grouped by provider and resource, as a table or JSON.

use anyhow::Result;
use colored::Colorize;
use serde_json::json;

use crate::cli::EventsArgs;
use crate::event::catalog::{Catalog, Template};
use crate::{Exit, UsageError};

pub fn run(args: EventsArgs) -> Result<Exit> {
    let catalog = Catalog::load(args.templates.dir.as_deref())?;
    let filter = args.filter.as_deref().map(str::to_ascii_lowercase);
    let mut templates: Vec<&Template> = catalog
        .templates()
        .iter()
        .filter(|t| args.provider.is_none_or(|p| p == t.provider))
        .filter(|t| filter.as_deref().is_none_or(|f| t.event_type.contains(f) || t.object.contains(f)))
        .collect();
    if templates.is_empty() {
        if let Some(filter) = &args.filter {
            anyhow::bail!(UsageError(format!(
                "no event type or resource contains `{filter}`: `whk events` alone lists them all"
            )));
        }
    }
    if args.json {
        let list: Vec<_> = templates
            .iter()
            .map(|t| json!({"provider": t.provider.name(), "type": t.event_type, "object": t.object, "description": t.description}))
            .collect();
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(Exit::Success);
    }
    templates.sort_by(|a, b| (a.provider, &a.object, &a.event_type).cmp(&(b.provider, &b.object, &b.event_type)));
    let width = templates.iter().map(|t| t.event_type.len()).max().unwrap_or(0);
    let mut provider = None;
    let mut object = None;
    for t in templates {
        if provider != Some(t.provider) {
            if provider.is_some() {
                println!();
            }
            println!("{}", t.provider.name().bold());
            provider = Some(t.provider);
            object = None;
        }
        if object != Some(&t.object) {
            println!("  {}", t.object.cyan());
            object = Some(&t.object);
        }
        println!("    {:width$}  {}", t.event_type, t.description.dimmed());
    }
    Ok(Exit::Success)
}
