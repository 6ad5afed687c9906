//! Defaults a user sets once, and where each value in effect comes from.
//!
//! Order of precedence, highest first: a command-line flag, a `WHK_*` environment variable, the
//! config file (`config.toml` in the config directory), then whk's built-in default. Resolution lives
//! here, in one place, so every command agrees on it and `whk config` can show it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::providers::Provider;
use crate::signing::Scheme;

/// The config file's name inside the config directory.
pub const FILE_NAME: &str = "config.toml";

pub const ENV_FORWARD_TO: &str = "WHK_FORWARD_TO";
pub const ENV_API_VERSION: &str = "WHK_API_VERSION";
pub const ENV_PROVIDER: &str = "WHK_PROVIDER";
pub const ENV_SECRET: &str = "WHK_SECRET";
const ENV_VARS: [&str; 4] = [ENV_FORWARD_TO, ENV_API_VERSION, ENV_PROVIDER, ENV_SECRET];

/// Where a value in effect came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Flag(&'static str),
    Env(&'static str),
    File(PathBuf),
    BuiltIn,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "flag {flag}"),
            Source::Env(var) => write!(f, "env {var}"),
            Source::File(path) => write!(f, "config file {}", path.display()),
            Source::BuiltIn => f.write_str("built-in"),
        }
    }
}

/// A value and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved<T> {
    pub value: T,
    pub source: Source,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("{}:{line}:{column}: {message} (`whk config --help` lists the keys)", .path.display())]
    Syntax { path: PathBuf, line: usize, column: usize, message: String },
    #[error("cannot read the config file {}: {cause}", .path.display())]
    Unreadable { path: PathBuf, cause: std::io::Error },
    #[error("unknown provider `{value}` (from {origin}): use stripe or fintoc")]
    UnknownProvider { value: String, origin: Source },
    #[error("the secret from {origin} is empty: {fix}")]
    EmptySecret { origin: Source, fix: &'static str },
}

/// `config.toml` as written by the user. Unknown keys are errors, so a typo is not silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    forward_to: Option<String>,
    api_version: Option<String>,
    provider: Option<String>,
    #[serde(default)]
    secrets: ConfigSecrets,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigSecrets {
    stripe: Option<String>,
    fintoc: Option<String>,
    standard: Option<String>,
}

impl ConfigSecrets {
    fn get(&self, scheme: Scheme) -> Option<&String> {
        match scheme {
            Scheme::Stripe => self.stripe.as_ref(),
            Scheme::Fintoc => self.fintoc.as_ref(),
            Scheme::Standard => self.standard.as_ref(),
        }
    }
}

/// The environment and the config file, read once; flags are passed in where a value is resolved.
#[derive(Debug)]
pub struct Settings {
    env: HashMap<&'static str, String>,
    file: ConfigFile,
    path: PathBuf,
    file_found: bool,
}

impl Settings {
    /// Reads the `WHK_*` variables of this process and the config file in the config directory.
    pub fn load() -> anyhow::Result<Settings> {
        let path = crate::config::secret::config_dir()?.join(FILE_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(cause) => return Err(SettingsError::Unreadable { path, cause }.into()),
        };
        let env = ENV_VARS.iter().filter_map(|var| std::env::var(var).ok().map(|value| (*var, value)));
        Ok(Settings::from_parts(env, path, text.as_deref())?)
    }

    /// Settings from given environment variables and config file text (`None`: there is no file).
    /// An empty variable counts as unset, as a shell's `WHK_PROVIDER= whk …` intends.
    pub fn from_parts(
        env: impl IntoIterator<Item = (&'static str, String)>,
        path: PathBuf,
        text: Option<&str>,
    ) -> Result<Settings, SettingsError> {
        let file = match text {
            Some(text) => toml::from_str(text).map_err(|e| syntax_error(&path, text, &e))?,
            None => ConfigFile::default(),
        };
        let env = env.into_iter().filter(|(_, value)| !value.is_empty()).collect();
        Ok(Settings { env, file, path, file_found: text.is_some() })
    }

    /// Where the config file is (or would be).
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn file_found(&self) -> bool {
        self.file_found
    }

    /// Where trigger sends and listen forwards. `None`: no default (trigger then uses `whk listen`).
    pub fn forward_to(&self, flag: Option<&str>) -> Option<Resolved<String>> {
        self.pick(flag.map(str::to_string), "--forward-to", ENV_FORWARD_TO, self.file.forward_to.clone())
    }

    pub fn api_version(&self, flag: Option<&str>) -> Resolved<String> {
        self.pick(flag.map(str::to_string), "--api-version", ENV_API_VERSION, self.file.api_version.clone())
            .unwrap_or(Resolved { value: crate::providers::DEFAULT_API_VERSION.to_string(), source: Source::BuiltIn })
    }

    /// The provider for names both providers document, and for `whk sign` without `--provider`.
    pub fn provider(&self, flag: Option<Provider>) -> Result<Option<Resolved<Provider>>, SettingsError> {
        if let Some(provider) = flag {
            return Ok(Some(Resolved { value: provider, source: Source::Flag("--provider") }));
        }
        let Some(raw) = self.pick(None, "--provider", ENV_PROVIDER, self.file.provider.clone()) else {
            return Ok(None);
        };
        match Provider::from_name(raw.value.trim()) {
            Some(value) => Ok(Some(Resolved { value, source: raw.source })),
            None => Err(SettingsError::UnknownProvider { value: raw.value, origin: raw.source }),
        }
    }

    /// The secret to sign with (trigger, sign) for a scheme: `--secret`, `WHK_SECRET`, the file's
    /// `[secrets]` entry, else the local secret (created on first use; see [`crate::config::secret`]).
    pub fn secret(&self, flag: Option<&str>, scheme: Scheme) -> anyhow::Result<Resolved<String>> {
        or_local(self.configured_secret(flag, scheme)?)
    }

    /// As [`Settings::secret`], without falling back to (or creating) the local secret.
    pub fn configured_secret(
        &self,
        flag: Option<&str>,
        scheme: Scheme,
    ) -> Result<Option<Resolved<String>>, SettingsError> {
        non_empty(self.pick(flag.map(str::to_string), "--secret", ENV_SECRET, self.file.secrets.get(scheme).cloned()))
    }

    /// `listen`'s own secret, which it accepts and re-signs with: `--secret`, `WHK_SECRET`, else the
    /// local secret. The file's `[secrets]` are provider secrets: see [`Settings::file_secret`].
    pub fn own_secret(&self, flag: Option<&str>) -> anyhow::Result<Resolved<String>> {
        or_local(non_empty(self.pick(flag.map(str::to_string), "--secret", ENV_SECRET, None))?)
    }

    /// The config file's secret for a scheme, which `listen` also accepts on the way in.
    pub fn file_secret(&self, scheme: Scheme) -> Result<Option<Resolved<String>>, SettingsError> {
        non_empty(self.file.secrets.get(scheme).map(|s| Resolved { value: s.clone(), source: self.file_source() }))
    }

    fn file_source(&self) -> Source {
        Source::File(self.path.clone())
    }

    fn pick(
        &self,
        flag: Option<String>,
        flag_name: &'static str,
        var: &'static str,
        file: Option<String>,
    ) -> Option<Resolved<String>> {
        if let Some(value) = flag {
            return Some(Resolved { value, source: Source::Flag(flag_name) });
        }
        if let Some(value) = self.env.get(var) {
            return Some(Resolved { value: value.clone(), source: Source::Env(var) });
        }
        file.map(|value| Resolved { value, source: self.file_source() })
    }
}

impl Resolved<String> {
    /// Adds where a value came from to an error about it, unless the user just typed it as a flag.
    pub fn blame<E: std::fmt::Display>(&self, name: &str, err: E) -> anyhow::Error {
        match self.source {
            Source::Flag(_) => crate::UsageError(err.to_string()).into(),
            _ => crate::UsageError(format!("{err} ({name} from {})", self.source)).into(),
        }
    }
}

fn or_local(configured: Option<Resolved<String>>) -> anyhow::Result<Resolved<String>> {
    match configured {
        Some(secret) => {
            warn_if_api_key(&secret);
            Ok(secret)
        }
        None => Ok(Resolved { value: crate::config::secret::local_secret()?, source: Source::BuiltIn }),
    }
}

/// The prefix of a Stripe or Fintoc API key (secret, restricted or publishable), if `secret` has one.
pub fn api_key_prefix(secret: &str) -> Option<&'static str> {
    ["sk_", "rk_", "pk_"].into_iter().find(|prefix| secret.starts_with(prefix))
}

/// An API key pasted where the webhook signing secret belongs signs fine and verifies nothing the
/// app will accept, so say so, once per run, without echoing the key. Other shapes are left alone:
/// Standard Webhooks and hand-made secrets are legitimate.
fn warn_if_api_key(secret: &Resolved<String>) {
    static WARNED: std::sync::Once = std::sync::Once::new();
    if let Some(prefix) = api_key_prefix(&secret.value) {
        WARNED.call_once(|| {
            crate::ui::console::warn(&format!(
                "the secret from {} starts with `{prefix}`, like an API key, not a webhook signing secret; \
                 a signing secret looks like `whsec_…` (your endpoint's signing secret in the provider's \
                 dashboard, or `whk listen --print-secret`). Using it anyway.",
                secret.source
            ))
        });
    }
}

fn non_empty(chosen: Option<Resolved<String>>) -> Result<Option<Resolved<String>>, SettingsError> {
    match chosen {
        Some(r) if r.value.trim().is_empty() => {
            let fix = match r.source {
                Source::Flag(_) => "pass --secret whsec_…",
                Source::Env(_) => "set it to a secret or unset it",
                Source::File(_) | Source::BuiltIn => "set it or remove the line",
            };
            Err(SettingsError::EmptySecret { origin: r.source, fix })
        }
        other => Ok(other),
    }
}

fn syntax_error(path: &Path, text: &str, err: &toml::de::Error) -> SettingsError {
    let offset = err.span().map_or(0, |span| span.start).min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    SettingsError::Syntax { path: path.to_path_buf(), line, column, message: err.message().trim().to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(env: &[(&'static str, &str)], file: Option<&str>) -> Settings {
        let env = env.iter().map(|(k, v)| (*k, v.to_string()));
        Settings::from_parts(env, PathBuf::from("/c/config.toml"), file).unwrap()
    }

    const FILE: &str = r#"
forward_to = "localhost:4242/from-file"
api_version = "2020-08-27"
provider = "fintoc"

[secrets]
stripe = "whsec_file_stripe"
fintoc = "whsec_file_fintoc"
"#;

    #[test]
    fn flag_beats_env_beats_file_beats_built_in() {
        let file = Source::File(PathBuf::from("/c/config.toml"));
        let all = settings(&[(ENV_FORWARD_TO, "4000"), (ENV_API_VERSION, "2024-06-20")], Some(FILE));
        let none = settings(&[], None);

        let fwd = |s: &Settings, flag| s.forward_to(flag).map(|r| (r.value, r.source));
        assert_eq!(fwd(&all, Some("5000")), Some(("5000".into(), Source::Flag("--forward-to"))));
        assert_eq!(fwd(&all, None), Some(("4000".into(), Source::Env(ENV_FORWARD_TO))));
        assert_eq!(fwd(&settings(&[], Some(FILE)), None), Some(("localhost:4242/from-file".into(), file.clone())));
        assert_eq!(fwd(&none, None), None);

        assert_eq!(all.api_version(Some("x")).source, Source::Flag("--api-version"));
        assert_eq!(all.api_version(None).value, "2024-06-20");
        assert_eq!(settings(&[], Some(FILE)).api_version(None).value, "2020-08-27");
        let built_in = none.api_version(None);
        assert_eq!(
            (built_in.value.as_str(), built_in.source),
            (crate::providers::DEFAULT_API_VERSION, Source::BuiltIn)
        );
    }

    #[test]
    fn secrets_are_per_provider_in_the_file_and_global_in_flag_and_env() {
        let file = settings(&[], Some(FILE));
        let secret =
            |s: &Settings, flag, scheme| s.configured_secret(flag, scheme).unwrap().map(|r| (r.value, r.source));
        let file_source = Source::File(PathBuf::from("/c/config.toml"));
        assert_eq!(secret(&file, None, Scheme::Fintoc), Some(("whsec_file_fintoc".into(), file_source)));
        assert_eq!(secret(&file, None, Scheme::Standard), None, "falls back to the local secret");
        let env = settings(&[(ENV_SECRET, "whsec_env")], Some(FILE));
        assert_eq!(secret(&env, None, Scheme::Stripe), Some(("whsec_env".into(), Source::Env(ENV_SECRET))));
        assert_eq!(
            secret(&env, Some("whsec_flag"), Scheme::Stripe),
            Some(("whsec_flag".into(), Source::Flag("--secret")))
        );
        // listen's own secret ignores the file's provider secrets; it accepts them separately.
        assert_eq!(env.own_secret(None).unwrap().value, "whsec_env");
        assert_eq!(file.file_secret(Scheme::Stripe).unwrap().unwrap().value, "whsec_file_stripe");
        let empty = settings(&[], Some("[secrets]\nstripe = \"\""));
        let err = empty.configured_secret(None, Scheme::Stripe).unwrap_err().to_string();
        assert!(err.contains("config file /c/config.toml is empty"), "{err}");
    }

    #[test]
    fn provider_resolves_and_names_a_bad_value_source() {
        let file = settings(&[], Some(FILE));
        assert_eq!(file.provider(None).unwrap().unwrap().value, Provider::Fintoc);
        assert_eq!(file.provider(Some(Provider::Stripe)).unwrap().unwrap().source, Source::Flag("--provider"));
        let env = settings(&[(ENV_PROVIDER, "Stripe")], Some(FILE));
        assert_eq!(env.provider(None).unwrap().unwrap().value, Provider::Stripe);
        let bad = settings(&[(ENV_PROVIDER, "paypal")], None).provider(None).unwrap_err().to_string();
        assert_eq!(bad, "unknown provider `paypal` (from env WHK_PROVIDER): use stripe or fintoc");
        assert_eq!(settings(&[(ENV_PROVIDER, "")], None).provider(None).unwrap(), None, "empty means unset");
    }

    #[test]
    fn bad_toml_names_file_line_and_column() {
        let parse =
            |text: &str| Settings::from_parts([], PathBuf::from("/c/config.toml"), Some(text)).unwrap_err().to_string();
        let err = parse("forward_to = \"4242\"\napi_version = 2020-\n");
        assert!(err.starts_with("/c/config.toml:2:"), "{err}");
        let err = parse("\n\nforwad_to = \"4242\"\n");
        assert!(err.starts_with("/c/config.toml:3:1: unknown field `forwad_to`"), "{err}");
        assert!(err.contains("forward_to"), "the message lists the valid keys: {err}");
        let err = parse("[secrets]\npaypal = \"x\"\n");
        assert!(err.starts_with("/c/config.toml:2:1:"), "{err}");
    }
}
