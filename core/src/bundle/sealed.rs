//! Opening and checking handover files as they arrive: an age file (to a key or a
//! passphrase) around the tar stream that `handover` reads. The decryption itself is
//! `crypto`'s; this only joins the two.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use super::handover::{self, Opened, Report};
use crate::crypto::{Identity, OpenReader};
use crate::error::{Error, Result};
use crate::SecretString;

/// The key that opens a handover file.
pub enum Key {
    Identity(Identity),
    Passphrase(SecretString),
}

/// Whether a file starts like an age file.
pub fn looks_like_age(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 21];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .map(|_| &head == b"age-encryption.org/v1")
        .unwrap_or(false)
}

fn reader(path: &Path, key: &Key) -> Result<OpenReader<BufReader<File>>> {
    let file = File::open(path).map_err(|e| Error::file(path, e))?;
    let input = BufReader::with_capacity(1024 * 1024, file);
    match key {
        Key::Identity(identity) => OpenReader::with_identity(identity, input),
        Key::Passphrase(passphrase) => OpenReader::with_passphrase(passphrase, input),
    }
}

/// Decrypts, checks every hash and the manifest, and extracts into `target_dir`.
pub fn open(path: &Path, key: &Key, target_dir: &Path) -> Result<Opened> {
    handover::open(reader(path, key)?, target_dir).map_err(|e| match e {
        Error::Io(io) => Error::bundle(format!(
            "the handover file is damaged or incomplete ({io}); nothing was kept"
        )),
        other => other,
    })
}

/// Decrypts and checks without writing anything.
pub fn verify(path: &Path, key: &Key) -> Result<Report> {
    match handover::verify(reader(path, key)?) {
        Ok(report) => Ok(report),
        Err(Error::Io(io)) => Ok(Report {
            passed: false,
            checked: vec!["the file is an age file and the key opens it".into()],
            failure: Some(format!("the handover file is damaged or incomplete ({io})")),
            manifest: None,
            files: Vec::new(),
        }),
        Err(e) => Err(e),
    }
}
