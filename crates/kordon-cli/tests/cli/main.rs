//! Tests of the `kordon` binary: exit codes, output formats, and bad input.

mod support;

mod fix;
mod gatekeeper;
mod hostile;
mod render;
mod report;
mod scan;
