//! What whk shows in a browser.

pub mod inspector;
