//! Integration tests: the real binary against real HTTP servers on loopback and real files.

mod config;
mod events;
mod fintoc;
mod input;
mod inspector_browser;
mod listen;
mod load;
mod replay;
mod shell;
mod sign;
mod support;
mod terminal;
mod trigger;
mod vectors;
