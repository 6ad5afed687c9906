//! Integration tests: the real binary against real HTTP servers on loopback and real files.

mod events;
mod sign;
mod support;
mod trigger;
mod vectors;
