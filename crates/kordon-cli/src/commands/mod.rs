//! One module per subcommand.

pub mod report;
pub mod rules;
pub mod scan;
