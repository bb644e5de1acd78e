//! Tests of the `kordon` binary: exit codes, output formats, and bad input.

#[path = "../../../kordon/tests/support/sarif_schema.rs"]
mod sarif_schema;
mod support;

mod action;
mod gatekeeper;
mod hostile;
mod sarif;
mod scan;
