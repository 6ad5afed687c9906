//! Integration tests: the real binary against real HTTP servers on loopback and real files.

#[path = "../common/mod.rs"]
mod common;
mod config;
mod events;
mod fintoc;
mod golden;
mod input;
mod inspector;
mod inspector_browser;
mod listen;
mod load;
mod log;
mod replay;
mod shell;
mod sign;
mod support;
mod terminal;
mod tls;
mod tmux;
mod trigger;
mod vectors;
