//! Getting passphrases and codes: from a file named on the command line (first
//! line) or from a terminal prompt. Never from argv, never echoed, never logged.

use std::path::Path;

use daybook_core::{Error, ExposeSecret, Result, SecretString};

/// Reads the first line of a file as a secret.
pub fn from_file(path: &Path) -> Result<SecretString> {
    let text = zeroize::Zeroizing::new(std::fs::read_to_string(path).map_err(|e| Error::File {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?);
    let line = text.lines().next().unwrap_or("").trim_end_matches('\r');
    Ok(SecretString::from(line.to_string()))
}

/// Asks on the terminal.
pub fn prompt(question: &str) -> Result<SecretString> {
    rpassword::prompt_password(question)
        .map(SecretString::from)
        .map_err(|_| Error::InvalidField {
            field: "passphrase".into(),
            message: "no terminal to ask on; use --passphrase-file FILE".into(),
        })
}

/// From the file when given, else the terminal.
pub fn get(file: Option<&Path>, question: &str) -> Result<SecretString> {
    match file {
        Some(path) => from_file(path),
        None => prompt(question),
    }
}

/// A new passphrase: from the file, or asked twice on the terminal.
pub fn new_passphrase(file: Option<&Path>) -> Result<SecretString> {
    if let Some(path) = file {
        return from_file(path);
    }
    let first = prompt("Choose a passphrase: ")?;
    let second = prompt("Type it again: ")?;
    if first.expose_secret() != second.expose_secret() {
        return Err(Error::InvalidField {
            field: "passphrase".into(),
            message: "the two passphrases are not the same; nothing was changed".into(),
        });
    }
    Ok(first)
}
