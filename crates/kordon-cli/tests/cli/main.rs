//! Tests of the `kordon` binary: exit codes, output formats, and bad input.

mod support;

mod fix;
mod hostile;
mod gatekeeper;
mod scan;
