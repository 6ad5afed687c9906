//! What a person sees: colours and messages in a terminal, the event picker, and the web
//! inspector's page.

pub mod console;
pub mod inspector;
pub(crate) mod picker;
