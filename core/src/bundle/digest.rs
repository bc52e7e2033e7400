//! Copying an original while hashing it, in constant memory, and refusing a source
//! that gives more or fewer bytes than it should: the one loop the handover writer and
//! the evidence pack share.

use std::io::{ErrorKind, Read, Write};

use sha2::{Digest as _, Sha256};

/// Bytes copied per read; the copy never holds more than this.
pub const CHUNK_BYTES: usize = 64 * 1024;

/// Why a copy stopped.
#[derive(Debug)]
pub enum CopyError {
    /// The source ended after this many bytes.
    Short(u64),
    /// The source had more bytes than expected.
    Long,
    /// The source could not be read.
    Read(std::io::Error),
    /// The destination could not be written.
    Write(std::io::Error),
    /// The caller asked to stop (see `cancel`).
    Cancelled,
}

/// SHA-256 of `bytes` as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn read_some(reader: &mut dyn Read, buf: &mut [u8]) -> Result<usize, CopyError> {
    loop {
        match reader.read(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(CopyError::Read(e)),
        }
    }
}

/// Copies exactly `size` bytes from `reader` to `writer`, returning their SHA-256 as
/// lowercase hex. After `size` bytes it checks the source has ended.
pub fn copy_exact(
    reader: &mut dyn Read,
    writer: &mut dyn Write,
    size: u64,
) -> Result<String, CopyError> {
    let mut hasher = Sha256::new();
    copy_exact_into(reader, writer, size, Some(&mut hasher))?;
    Ok(hex::encode(hasher.finalize()))
}

/// The same copy without hashing, for a source that proves its own bytes (an
/// original whose sealed stream is checked as it is opened: `evidence::Check`).
pub fn copy_exact_unhashed(
    reader: &mut dyn Read,
    writer: &mut dyn Write,
    size: u64,
) -> Result<(), CopyError> {
    copy_exact_into(reader, writer, size, None)
}

fn copy_exact_into(
    reader: &mut dyn Read,
    writer: &mut dyn Write,
    size: u64,
    mut hasher: Option<&mut Sha256>,
) -> Result<(), CopyError> {
    let mut buf = vec![0u8; CHUNK_BYTES];
    let mut copied = 0u64;
    while copied < size {
        if super::cancel::requested() {
            return Err(CopyError::Cancelled);
        }
        let want = usize::try_from(size - copied).map_or(CHUNK_BYTES, |r| r.min(CHUNK_BYTES));
        let n = read_some(reader, &mut buf[..want])?;
        if n == 0 {
            return Err(CopyError::Short(copied));
        }
        if let Some(hasher) = hasher.as_deref_mut() {
            hasher.update(&buf[..n]);
        }
        writer.write_all(&buf[..n]).map_err(CopyError::Write)?;
        copied += n as u64;
    }
    let mut probe = [0u8; 1];
    if read_some(reader, &mut probe)? != 0 {
        return Err(CopyError::Long);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_copy_hashes() {
        let mut out = Vec::new();
        let sha = copy_exact(&mut &b"abc"[..], &mut out, 3).unwrap();
        assert_eq!(out, b"abc");
        assert_eq!(sha, sha256_hex(b"abc"));
        assert_eq!(
            sha,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn short_and_long_sources_are_refused() {
        let mut out = Vec::new();
        assert!(matches!(
            copy_exact(&mut &b"ab"[..], &mut out, 3),
            Err(CopyError::Short(2))
        ));
        assert!(matches!(
            copy_exact(&mut &b"abcd"[..], &mut out, 3),
            Err(CopyError::Long)
        ));
        // Unhashed, the size is held to just the same.
        assert!(matches!(
            copy_exact_unhashed(&mut &b"ab"[..], &mut out, 3),
            Err(CopyError::Short(2))
        ));
        assert!(matches!(
            copy_exact_unhashed(&mut &b"abcd"[..], &mut out, 3),
            Err(CopyError::Long)
        ));
        out.clear();
        copy_exact_unhashed(&mut &b"abc"[..], &mut out, 3).unwrap();
        assert_eq!(out, b"abc");
    }
}
