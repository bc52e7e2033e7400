//! What every command shares: finding and unlocking the diary, printing safely to
//! the terminal, printing JSON, creating output files and the automatic backup. The
//! commands (`commands`, `export`) use this module and never each other's helpers.

use std::io::Write;
use std::path::{Path, PathBuf};

use daybook_core::outfile;
use daybook_core::vault::Vault;
use daybook_core::{Error, Result};

use crate::{secret, Cli};

/// Prints a line; a closed pipe (`daybook list | head`) is not an error. What comes
/// from a diary or a handover (names, descriptions) may hold control or
/// bidirectional characters, so every line goes through `escape::terminal` and
/// cannot move the cursor, retitle the window or disguise a file name.
macro_rules! outln {
    () => {{
        let _ = writeln!(std::io::stdout());
    }};
    ($($t:tt)*) => {{
        let _ = writeln!(
            std::io::stdout(),
            "{}",
            daybook_core::escape::terminal(&format!($($t)*))
        );
    }};
}
pub(crate) use outln;
macro_rules! out {
    ($($t:tt)*) => {{
        let _ = write!(
            std::io::stdout(),
            "{}",
            daybook_core::escape::terminal(&format!($($t)*))
        );
    }};
}
pub(crate) use out;

/// `--from`/`--to` read by the core's one rule for a range of days (`Day::range`):
/// an unreadable day, or a last day before the first, is refused naming the flag.
pub fn days(
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(
    Option<daybook_core::incident::Day>,
    Option<daybook_core::incident::Day>,
)> {
    daybook_core::incident::Day::range(from.unwrap_or(""), to.unwrap_or(""))
}

pub fn vault_path(cli: &Cli) -> PathBuf {
    cli.vault.clone().unwrap_or_else(Vault::default_path)
}

pub fn unlock(cli: &Cli) -> Result<Vault> {
    let mut vault = Vault::open(&vault_path(cli))?;
    let passphrase = secret::get(cli.passphrase_file.as_deref(), "Passphrase: ")?;
    vault.unlock(&passphrase)?;
    Ok(vault)
}

/// Creates a file that must not exist yet (never overwrites the person's files),
/// readable by its owner only.
pub fn create_private(path: &Path) -> Result<std::fs::File> {
    outfile::create_private(path)
}

/// Prints JSON as it is: serde escapes control characters inside strings, and
/// scripts must get the names exactly as stored.
pub fn print_json(value: &serde_json::Value) -> Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::Json(e.to_string()))?;
    let _ = writeln!(std::io::stdout(), "{text}");
    Ok(())
}

/// Makes the automatic backup, when one is set up; a failure is reported, not fatal.
pub fn auto_backup(vault: &mut Vault) {
    match vault.auto_backup() {
        Ok(Some(path)) => eprintln!("Backed up to {}", path.display()),
        Ok(None) => {}
        Err(e) => eprintln!(
            "daybook: the automatic backup was not made: {}",
            daybook_core::escape::terminal(&e.to_string())
        ),
    }
}
