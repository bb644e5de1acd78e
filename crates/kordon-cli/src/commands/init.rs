//! `kordon init`: a commented starter configuration.

use std::io::Write;
use std::process::ExitCode;

use crate::args::InitArgs;

pub fn run(args: InitArgs) -> Result<ExitCode, String> {
    let shown = args.path.display();
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&args.path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                format!("{shown} already exists; kordon init never overwrites a configuration")
            } else {
                format!("cannot create {shown}: {e}")
            }
        })?;
    file.write_all(kordon::config::STARTER_CONFIG.as_bytes())
        .map_err(|e| format!("cannot write {shown}: {e}"))?;
    eprintln!("wrote {shown}");
    Ok(ExitCode::SUCCESS)
}
