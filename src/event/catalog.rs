//! The event catalog: templates embedded at build time, plus the user's own from `--templates DIR`.

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use serde_json::Value;

use crate::providers::Provider;

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

#[derive(Debug, Clone)]
pub struct Template {
    pub provider: Provider,
    pub event_type: String,
    pub description: String,
    /// The resource type the event carries.
    pub object: String,
    pub data: Value,
    pub previous_attributes: Option<Value>,
    /// Where it came from: `built-in` or the user's file, for error messages.
    pub origin: String,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("cannot read the templates folder {path}: {cause} (check --templates / WHK_TEMPLATES)")]
    Unreadable { path: PathBuf, cause: std::io::Error },
    #[error("{origin}: {reason}")]
    Invalid { origin: String, reason: String },
    #[error("{path}: `{name}` is not a provider folder; put templates in {path}/stripe/ or {path}/fintoc/")]
    UnknownProviderDir { path: PathBuf, name: String },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ResolveError {
    #[error("unknown event `{name}`{}", did_you_mean(.suggestions))]
    Unknown { name: String, suggestions: Vec<String> },
    #[error("`{name}` is an event of both {}: pass --provider {} or write it as {} (WHK_PROVIDER or `provider` in the config file sets a default)",
        .providers.iter().map(|p| p.name()).collect::<Vec<_>>().join(" and "),
        .providers.iter().map(|p| p.name()).collect::<Vec<_>>().join("|"),
        .providers.iter().map(|p| format!("{p}:{name}")).collect::<Vec<_>>().join(" or "))]
    Ambiguous { name: String, providers: Vec<Provider> },
    #[error("unknown provider `{0}`: use stripe or fintoc")]
    UnknownProvider(String),
}

fn did_you_mean(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        "; run `whk events` to list them".to_string()
    } else {
        format!("; did you mean {}? (`whk events` lists them all)", suggestions.join(", "))
    }
}

pub struct Catalog {
    templates: Vec<Template>,
}

impl Catalog {
    /// The built-in templates, with the user's folder (if any) adding to or replacing them.
    pub fn load(user_dir: Option<&Path>) -> Result<Catalog, CatalogError> {
        let mut templates = Vec::new();
        for provider in Provider::ALL {
            let Some(dir) = BUILTIN.get_dir(provider.name()) else { continue };
            for file in dir.files().filter(|f| f.path().extension().is_some_and(|e| e == "json")) {
                let origin = format!("built-in template {}", file.path().display());
                templates.push(parse_template(provider, file.path(), file.contents(), origin)?);
            }
        }
        if let Some(dir) = user_dir {
            for template in load_user_dir(dir)? {
                templates.retain(|t| !(t.provider == template.provider && t.event_type == template.event_type));
                templates.push(template);
            }
        }
        templates.sort_by(|a, b| (a.provider, &a.event_type).cmp(&(b.provider, &b.event_type)));
        Ok(Catalog { templates })
    }

    pub fn templates(&self) -> &[Template] {
        &self.templates
    }

    /// Finds an event by name: `payout.failed`, `stripe:payout.failed`, or a name plus `--provider`.
    pub fn resolve(&self, name: &str, provider: Option<Provider>) -> Result<&Template, ResolveError> {
        let (provider, name) = match name.split_once(':') {
            Some((prefix, rest)) => (
                Some(Provider::from_name(prefix).ok_or_else(|| ResolveError::UnknownProvider(prefix.to_string()))?),
                rest,
            ),
            None => (provider, name),
        };
        let matches: Vec<&Template> = self
            .templates
            .iter()
            .filter(|t| t.event_type == name && provider.is_none_or(|p| p == t.provider))
            .collect();
        match matches.as_slice() {
            [one] => Ok(one),
            [] => Err(ResolveError::Unknown { name: name.to_string(), suggestions: self.suggest(name, provider) }),
            many => Err(ResolveError::Ambiguous {
                name: name.to_string(),
                providers: many.iter().map(|t| t.provider).collect(),
            }),
        }
    }

    /// Names close to a misspelt one, best first, qualified where a provider was given.
    fn suggest(&self, name: &str, provider: Option<Provider>) -> Vec<String> {
        let mut scored: Vec<(f64, String)> = self
            .templates
            .iter()
            .filter(|t| provider.is_none_or(|p| p == t.provider))
            .map(|t| {
                let score = strsim::jaro_winkler(name, &t.event_type);
                let label = match provider {
                    Some(p) => format!("{p}:{}", t.event_type),
                    None => t.event_type.clone(),
                };
                (score, label)
            })
            .filter(|(score, _)| *score > 0.8)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut names: Vec<String> = Vec::new();
        for (_, label) in scored {
            if !names.contains(&label) && names.len() < 3 {
                names.push(label);
            }
        }
        names
    }
}

fn load_user_dir(dir: &Path) -> Result<Vec<Template>, CatalogError> {
    let mut templates = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable(dir))? {
        let entry = entry.map_err(unreadable(dir))?;
        if !entry.path().is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let provider = Provider::from_name(&name)
            .ok_or_else(|| CatalogError::UnknownProviderDir { path: dir.to_path_buf(), name: name.clone() })?;
        for file in std::fs::read_dir(entry.path()).map_err(unreadable(&entry.path()))? {
            let path = file.map_err(unreadable(&entry.path()))?.path();
            if path.extension().is_some_and(|e| e == "json") {
                let bytes = std::fs::read(&path).map_err(unreadable(&path))?;
                templates.push(parse_template(provider, &path, &bytes, path.display().to_string())?);
            }
        }
    }
    Ok(templates)
}

fn unreadable(path: &Path) -> impl Fn(std::io::Error) -> CatalogError + '_ {
    move |cause| CatalogError::Unreadable { path: path.to_path_buf(), cause }
}

fn parse_template(provider: Provider, path: &Path, bytes: &[u8], origin: String) -> Result<Template, CatalogError> {
    let invalid = |reason: String| CatalogError::Invalid { origin: origin.clone(), reason };
    let event_type = path
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_'))
        .ok_or_else(|| invalid("the file name must be the event type, e.g. payout.failed.json".into()))?
        .to_string();
    let mut doc: Value = serde_json::from_slice(bytes).map_err(|e| invalid(format!("not valid JSON: {e}")))?;
    let Some(doc) = doc.as_object_mut() else {
        return Err(invalid("a template must be a JSON object with description, object and data".into()));
    };
    let mut text = |key: &str| match doc.remove(key) {
        Some(Value::String(s)) => Ok(s),
        _ => Err(invalid(format!("`{key}` is missing or not a string (see templates/README.md)"))),
    };
    let description = text("description")?;
    let object = text("object")?;
    let data = match doc.remove("data") {
        Some(data @ Value::Object(_)) => data,
        _ => return Err(invalid("`data` is missing or not an object: it holds the resource the event carries".into())),
    };
    let previous_attributes = doc.remove("previous_attributes");
    if previous_attributes.is_some() && provider != Provider::Stripe {
        return Err(invalid("`previous_attributes` is a Stripe field; Fintoc events do not carry it".into()));
    }
    if let Some(unknown) = doc.keys().next() {
        return Err(invalid(format!(
            "unknown key `{unknown}`: a template has description, object, data and previous_attributes"
        )));
    }
    Ok(Template { provider, event_type, description, object, data, previous_attributes, origin })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_errors_name_file_and_fix() {
        let path = Path::new("x/payout.failed.json");
        let err = |json: &str| {
            parse_template(Provider::Fintoc, path, json.as_bytes(), "f.json".into()).unwrap_err().to_string()
        };
        assert!(err("{").contains("f.json: not valid JSON"));
        assert!(err(r#"{"object":"p","data":{}}"#).contains("`description` is missing"));
        assert!(err(r#"{"description":"d","object":"p","data":[]}"#).contains("`data` is missing or not an object"));
        assert!(err(r#"{"description":"d","object":"p","data":{},"previous_attributes":{}}"#).contains("Stripe field"));
        assert!(err(r#"{"description":"d","object":"p","data":{},"extra":1}"#).contains("unknown key `extra`"));
    }
}
