//! One module per subcommand.

pub mod fix;
pub mod expand;
pub mod export;
pub mod rules;
pub mod scan;
pub mod verify;
