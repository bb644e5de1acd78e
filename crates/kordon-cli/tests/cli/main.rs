//! Tests of the `kordon` binary: exit codes, output formats, and bad input.

#[path = "../../../kordon/tests/support/sarif_schema.rs"]
mod sarif_schema;
mod support;

mod action;
mod config;
mod fix;
mod gatekeeper;
mod git;
mod hooks;
mod hostile;
mod hostile_fs;
mod hostile_outputs;
mod partial;
mod readme;
mod render;
mod report;
mod rules;
mod sarif;
mod scan;
mod suppressions;
