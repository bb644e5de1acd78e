//! One module per subcommand.

pub mod report;
pub mod fix;
pub mod expand;
pub mod export;
pub mod rules;
pub mod scan;
pub mod verify;
