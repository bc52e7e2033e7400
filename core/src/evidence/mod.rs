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
