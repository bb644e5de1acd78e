//! Writing results and choosing colour.

use std::io::Write;
use std::path::Path;

/// Colour only for a terminal, and never with `--no-color` or `NO_COLOR` set.
pub fn wants_color(no_color: bool, to_terminal: bool) -> bool {
    let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_color && !no_color_env && to_terminal
}

/// Writes `text` to `path`, or to standard output. A closed pipe (`kordon scan | head`) is not an
/// error.
pub fn write_output(path: Option<&Path>, text: &str) -> Result<(), String> {
    match path {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(text.as_bytes())
                .and_then(|_| stdout.flush())
            {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(format!("cannot write output: {e}")),
            }
        }
    }
}
