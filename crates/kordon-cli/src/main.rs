//! The `kordon` command: parses arguments, calls the library, maps the outcome to an exit code.
//! Everything else lives in the `kordon` library crate.

mod args;
mod commands;
mod output;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

// Rego evaluation allocates and frees many small values per check; with the system allocator
// that was about a quarter of a corpus scan's time (measured with perf, see README Benchmarks).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => commands::scan::run(*args),
        Command::Rules(args) => commands::rules::run(args),
        Command::Baseline(args::BaselineCommand::Write(args)) => commands::baseline::write(*args),
        Command::Init(args) => commands::init::run(args),
        Command::Report(args) => commands::report::run(*args),
        Command::Verify(args) => commands::verify::run(args),
        Command::Export(command) => commands::export::run(command),
        Command::Expand(args) => commands::expand::run(args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
