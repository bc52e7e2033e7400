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

/// Told how far a long attach has got, and asked whether to stop.
pub trait Progress {
    /// About `done` of `total` bytes are stored.
    fn bytes_done(&self, done: u64, total: u64);
    /// When this turns true the attach stops and nothing of it is kept.
    fn cancelled(&self) -> bool {
        false
    }
}

/// No progress reporting and no cancellation.
pub struct NoProgress;

impl Progress for NoProgress {
    fn bytes_done(&self, _done: u64, _total: u64) {}
}
