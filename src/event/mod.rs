//! Events: the catalog of known types, their templates, building the exact bytes a provider
//! sends, user edits (`--override/--add/--remove`) and fixture files.

mod build;
pub mod catalog;
pub mod fixtures;
pub mod patch;
pub mod template;

pub use build::{build, build_at, Blueprint, BuildError, BuildOptions, BuiltEvent};
