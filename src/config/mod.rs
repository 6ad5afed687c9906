//! Configuration: `config.toml`, `WHK_*` variables and built-in defaults, and whk's own secret.

pub mod secret;
pub mod settings;
