//! Tests of the `kordon` binary: exit codes, output formats, and bad input.

mod support;

mod gatekeeper;
mod hostile;
mod scan;
