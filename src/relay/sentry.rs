//! One `whk listen` per store: a lock file beside the store (`STORE.listen`) is held for as long as
//! listen runs and names it (pid and address), so a second listen on the same store refuses to
//! start and says which one is running and how to use another store. The lock is the kernel's
//! (`flock`): a listen killed with SIGKILL releases it.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Held while listen runs; dropping it releases the store.
pub struct Sentry {
    _file: File,
}

pub fn lock_path(store: &Path) -> PathBuf {
    let mut name = store.as_os_str().to_owned();
    name.push(".listen");
    PathBuf::from(name)
}

impl Sentry {
    pub fn take(store: &Path, bound: SocketAddr) -> Result<Sentry> {
        let path = lock_path(store);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(dir).map_err(|e| {
                crate::UsageError(format!("cannot create the store folder {}: {e} (check --log)", dir.display()))
            })?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&path).with_context(|| format!("cannot open the lock file {}", path.display()))?;
        #[cfg(unix)]
        {
            if !crate::os::try_lock(&file) {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let holder = if holder.is_empty() { "another process".to_string() } else { holder.to_string() };
                anyhow::bail!(crate::UsageError(format!(
                    "another `whk listen` ({holder}) is using the event store {}: stop it, or give this one \
                     its own store with --log PATH (or WHK_LOG)",
                    store.display()
                )));
            }
        }
        file.set_len(0)?;
        file.seek(SeekFrom::Start(0))?;
        write!(file, "pid {}, http://{bound}", std::process::id())?;
        file.flush()?;
        Ok(Sentry { _file: file })
    }
}
