//! Tests of the `kordon` binary: exit codes, output formats, and bad input.

mod support;

mod config;
mod gatekeeper;
mod git;
mod hostile;
mod scan;
mod suppressions;
