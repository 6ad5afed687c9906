//! Integration tests: the real binary against real HTTP servers on loopback and real files.

mod events;
mod listen;
mod sign;
mod support;
mod trigger;
mod vectors;
