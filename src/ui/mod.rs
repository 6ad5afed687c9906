//! What a person sees in a terminal: colours, messages on stderr and the event picker.

pub(crate) mod console;
pub(crate) mod picker;
