//! The plain folders the bundle writes into (an opened handover, an evidence pack):
//! they must be empty or new, and every file in them is new and owner-only, because
//! what is in them is not encrypted.
//!
//! This module must never write over or remove a file it did not create.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::Path;

use crate::error::{Error, Result};

/// Checks that `dir` (canonical) is an empty folder; errors name `shown`, the path as
/// the person gave it, and end with `purpose` ("to open the handover into").
pub(crate) fn check_empty(dir: &Path, shown: &Path, purpose: &str) -> Result<()> {
    if !dir.is_dir() {
        return Err(Error::file(shown, "is not a folder"));
    }
    let mut listing = fs::read_dir(dir).map_err(|e| Error::file(shown, e))?;
    if listing.next().is_some() {
        return Err(Error::file(
            shown,
            format!("is not empty; choose an empty folder {purpose}"),
        ));
    }
    Ok(())
}

/// Creates `path`, which must not exist yet, readable only by its owner.
pub(crate) fn create_new_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(crate::outfile::PRIVATE_FILE_MODE);
    }
    options.open(path)
}
