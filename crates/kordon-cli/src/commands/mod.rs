//! One module per subcommand.

pub mod baseline;
pub mod expand;
pub mod export;
pub mod fix;
pub mod init;
pub mod report;
pub mod rules;
pub mod scan;
pub mod setup;
pub mod verify;
