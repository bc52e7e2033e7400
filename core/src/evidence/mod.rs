//! Evidence files: originals kept byte for byte, hashed while they stream in, sealed
//! inside the vault, with their metadata and an upright preview.
//!
//! Inspection (type sniffing, EXIF, previews) is bounded and never panics on hostile
//! files: a file that cannot be read is still kept and hashed, without a preview.

mod heif;
pub mod media_type;
pub mod metadata;
pub mod thumbnail;
mod types;

pub use types::{Exhibit, Metadata, Preview};

/// How the bytes of an original read back out of the vault are known to be the ones
/// that were added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Proven as they are read: the sealed stream is the one recorded when the file
    /// was added (`crypto::HeaderDigest`), and age authenticates every chunk of it in
    /// order to the end. Hashing the bytes again would only repeat that proof.
    Sealed,
    /// Not proven by the stream (an original added before its header was recorded):
    /// hash the bytes as they are read and compare with the recorded SHA-256.
    Hash,
}

pub use crate::progress::{NoProgress, Progress};
