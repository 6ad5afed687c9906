//! What a person sees in a terminal: colours, messages on stderr and the event picker.

pub mod console;
pub(crate) mod picker;
