//! The local signing secret: generated once and kept owner-only in the config directory, so every
//! whk command (and the user's app) shares it. It is the built-in default; `--secret`, `WHK_SECRET`
//! and the config file come first (see [`crate::config::settings`]).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use base64::Engine;
use rand::RngCore;

/// `$WHK_CONFIG_DIR`, else the platform's config directory plus `whk`.
pub fn config_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("WHK_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::config_dir().map(|d| d.join("whk")).context("cannot find a config directory: set WHK_CONFIG_DIR or HOME")
}

/// Where the local secret is kept.
pub fn local_secret_path() -> Result<PathBuf> {
    Ok(config_dir()?.join("secret"))
}

/// The local secret, if one was made already (`whk config` shows it without creating it).
pub fn existing_local_secret() -> Option<String> {
    let text = std::fs::read_to_string(local_secret_path().ok()?).ok()?;
    Some(text.trim().to_string()).filter(|s| !s.is_empty())
}

/// The local secret, created on first use.
pub fn local_secret() -> Result<String> {
    let path = local_secret_path()?;
    let dir = config_dir()?;
    match std::fs::read_to_string(&path) {
        Ok(s) if !s.trim().is_empty() => return Ok(s.trim().to_string()),
        Ok(_) => anyhow::bail!("{} is empty: delete it and whk will make a new secret", path.display()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // Not there, yet something is: a symlink to nothing. Creating through it is refused
            // (create_new), so say what to do rather than try again.
            if let Ok(link) = std::fs::read_link(&path) {
                anyhow::bail!(crate::UsageError(format!(
                    "{} is a symbolic link to {}, which does not exist: remove the link (whk then makes a new secret) \
                     or point it at a file holding your secret",
                    path.display(),
                    link.display()
                )));
            }
        }
        Err(e) => return Err(e).with_context(|| format!("cannot read the local secret {}", path.display())),
    }
    crate::os::create_private_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut bytes = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut bytes);
    // `whsec_` + base64 works both as a Stripe/Fintoc key string and as a Standard Webhooks key.
    let secret = format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(bytes));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(&path) {
        Ok(mut file) => {
            file.write_all(secret.as_bytes())
                .and_then(|_| file.sync_all())
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(secret)
        }
        // Another whk process made it first: use theirs (read once; it exists now).
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read the local secret {}", path.display()))?;
            Some(text.trim().to_string())
                .filter(|s| !s.is_empty())
                .with_context(|| format!("{} is empty: delete it and whk will make a new secret", path.display()))
        }
        Err(e) => Err(e).with_context(|| format!("cannot create the local secret {}", path.display())),
    }
}

/// `whsec_abcd…` — enough to tell secrets apart, never enough to use one.
pub fn mask(secret: &str) -> String {
    let shown: String = secret.chars().take(if secret.starts_with("whsec_") { 10 } else { 4 }).collect();
    format!("{shown}…")
}
