//! One module per subcommand.

pub mod fix;
pub mod rules;
pub mod scan;
