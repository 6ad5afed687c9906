//! The event catalog: templates embedded at build time, plus the user's own from `--templates DIR`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use include_dir::{include_dir, Dir};
use serde_json::Value;

use crate::providers::Provider;

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// One event type's template. Listing the catalog reads only each file's short header fields; the
/// resource itself is parsed when an event is built ([`Template::content`]), so that `whk events`
/// and completions stay fast with hundreds of templates.
#[derive(Debug, Clone)]
pub struct Template {
    pub provider: Provider,
    pub event_type: String,
    pub description: String,
    /// The resource type the event carries.
    pub object: String,
    /// Whether an API request causes the event (Stripe's `request.id` is then a `req_` id; for
    /// automatic events it is null).
    pub api_request: bool,
    /// Whether the provider sends the event only for a connected account (Stripe's
    /// `account.application.*`): it then always carries a top-level `account`, a fresh one
    /// without --account.
    pub connect_only: bool,
    /// Where it came from: `built-in` or the user's file, for error messages.
    pub origin: String,
    source: Source,
    content: OnceLock<Content>,
}

#[derive(Debug, Clone)]
enum Source {
    Embedded(&'static [u8]),
    /// A user's template or one made in code: parsed when loaded.
    Parsed,
}

/// The parts of a template that make the event.
#[derive(Debug, Clone)]
pub struct Content {
    pub data: Value,
    pub previous_attributes: Option<Value>,
}

impl Template {
    /// A template made in code (tests, fuzzing).
    pub fn new(provider: Provider, event_type: &str, object: &str, data: Value, previous: Option<Value>) -> Template {
        Template {
            provider,
            event_type: event_type.to_string(),
            description: String::new(),
            object: object.to_string(),
            api_request: false,
            connect_only: false,
            origin: "a template made in code".to_string(),
            source: Source::Parsed,
            content: OnceLock::from(Content { data, previous_attributes: previous }),
        }
    }

    /// The resource and previous attributes, parsed on first use.
    pub fn content(&self) -> Result<&Content, CatalogError> {
        if let Some(content) = self.content.get() {
            return Ok(content);
        }
        let Source::Embedded(bytes) = self.source else {
            unreachable!("a parsed template has its content");
        };
        let parsed = parse_document(self.provider, &self.event_type, bytes, &self.origin)?;
        Ok(self.content.get_or_init(|| parsed.content.get().cloned().expect("a parsed template has its content")))
    }
}

/// The header fields of a template file, read without building the resource.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Header<'a> {
    #[serde(borrow)]
    description: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    object: std::borrow::Cow<'a, str>,
    #[serde(default)]
    api_request: bool,
    #[serde(default)]
    connect_only: bool,
    #[allow(dead_code)]
    data: serde::de::IgnoredAny,
    #[serde(default)]
    #[allow(dead_code)]
    previous_attributes: Option<serde::de::IgnoredAny>,
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
                templates.push(embedded_template(provider, file.path(), file.contents(), origin)?);
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
                let event_type = event_type_of(&path, &path.display().to_string())?;
                templates.push(parse_document(provider, &event_type, &bytes, &path.display().to_string())?);
            }
        }
    }
    Ok(templates)
}

fn unreadable(path: &Path) -> impl Fn(std::io::Error) -> CatalogError + '_ {
    move |cause| CatalogError::Unreadable { path: path.to_path_buf(), cause }
}

fn event_type_of(path: &Path, origin: &str) -> Result<String, CatalogError> {
    path.file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_'))
        .map(str::to_string)
        .ok_or_else(|| CatalogError::Invalid {
            origin: origin.to_string(),
            reason: "the file name must be the event type, e.g. payout.failed.json".into(),
        })
}

/// A built-in template with only its header read; a header that does not read is parsed whole,
/// for the precise error.
fn embedded_template(
    provider: Provider,
    path: &Path,
    bytes: &'static [u8],
    origin: String,
) -> Result<Template, CatalogError> {
    let event_type = event_type_of(path, &origin)?;
    match serde_json::from_slice::<Header>(bytes) {
        Ok(header) => Ok(Template {
            provider,
            event_type,
            description: header.description.into_owned(),
            object: header.object.into_owned(),
            api_request: header.api_request,
            connect_only: header.connect_only,
            origin,
            source: Source::Embedded(bytes),
            content: OnceLock::new(),
        }),
        Err(_) => parse_document(provider, &event_type, bytes, &origin),
    }
}

/// A whole template document, checked key by key so that each mistake gets its own message.
fn parse_document(provider: Provider, event_type: &str, bytes: &[u8], origin: &str) -> Result<Template, CatalogError> {
    let invalid = |reason: String| CatalogError::Invalid { origin: origin.to_string(), reason };
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
    if previous_attributes.is_some() && !provider.has_previous_attributes() {
        return Err(invalid(format!("`previous_attributes` is a Stripe field; {provider} events do not carry it")));
    }
    let mut flag = |key: &str| match doc.remove(key) {
        None => Ok(false),
        Some(Value::Bool(b)) => Ok(b),
        Some(_) => Err(invalid(format!("`{key}` must be true or false"))),
    };
    let api_request = flag("api_request")?;
    let connect_only = flag("connect_only")?;
    if connect_only && !provider.has_connected_accounts() {
        return Err(invalid(format!(
            "`connect_only` is for Stripe Connect events; {provider} has no connected accounts"
        )));
    }
    if let Some(unknown) = doc.keys().next() {
        return Err(invalid(format!(
            "unknown key `{unknown}`: a template has description, object, data, previous_attributes, api_request \
             and connect_only"
        )));
    }
    Ok(Template {
        provider,
        event_type: event_type.to_string(),
        description,
        object,
        api_request,
        connect_only,
        origin: origin.to_string(),
        source: Source::Parsed,
        content: OnceLock::from(Content { data, previous_attributes }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_errors_name_file_and_fix() {
        let path = Path::new("x/payout.failed.json");
        let err = |json: &str| {
            let event_type = event_type_of(path, "f.json").unwrap();
            parse_document(Provider::Fintoc, &event_type, json.as_bytes(), "f.json").unwrap_err().to_string()
        };
        assert!(err("{").contains("f.json: not valid JSON"));
        assert!(err(r#"{"object":"p","data":{}}"#).contains("`description` is missing"));
        assert!(err(r#"{"description":"d","object":"p","data":[]}"#).contains("`data` is missing or not an object"));
        assert!(err(r#"{"description":"d","object":"p","data":{},"previous_attributes":{}}"#).contains("Stripe field"));
        assert!(err(r#"{"description":"d","object":"p","data":{},"extra":1}"#).contains("unknown key `extra`"));
    }
}
