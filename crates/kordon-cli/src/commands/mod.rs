//! One module per subcommand.

pub mod baseline;
pub mod init;
pub mod rules;
pub mod scan;
pub mod setup;
