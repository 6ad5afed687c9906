//! `whk events`: the catalog, as a table or JSON.

use anyhow::Result;
use colored::Colorize;
use serde_json::json;

use crate::cli::EventsArgs;
use crate::event::catalog::Catalog;
use crate::Exit;

pub fn run(args: EventsArgs) -> Result<Exit> {
    let catalog = Catalog::load(args.templates.dir.as_deref())?;
    let templates: Vec<_> =
        catalog.templates().iter().filter(|t| args.provider.is_none_or(|p| p == t.provider)).collect();
    if args.json {
        let list: Vec<_> = templates
            .iter()
            .map(|t| json!({"provider": t.provider.name(), "type": t.event_type, "object": t.object, "description": t.description}))
            .collect();
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(Exit::Success);
    }
    let width = templates.iter().map(|t| t.event_type.len()).max().unwrap_or(0);
    let mut current = None;
    for t in templates {
        if current != Some(t.provider) {
            if current.is_some() {
                println!();
            }
            println!("{}", t.provider.name().bold());
            current = Some(t.provider);
        }
        println!("  {:width$}  {}", t.event_type, t.description.dimmed());
    }
    Ok(Exit::Success)
}
