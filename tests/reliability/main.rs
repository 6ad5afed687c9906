//! Reliability and security suite (issue 7): faults survived, bad inputs refused, nothing lost,
//! no secret leaked. The README's "Reliability" section says how to run each part.

#[path = "../common/mod.rs"]
mod common;
mod corpus_cli;
mod corpus_listen;
mod fault_run;
mod forward_order;
mod fuzz_replay;
mod props;
mod secrets;
mod store_faults;
mod support;
