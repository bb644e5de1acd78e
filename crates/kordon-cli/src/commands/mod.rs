//! One module per subcommand.

pub mod expand;
pub mod export;
pub mod fix;
pub mod rules;
pub mod scan;
pub mod verify;
