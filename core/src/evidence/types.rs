//! Opened (readable) descriptions of evidence files.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::incident::Coordinates;

/// What the file itself says about when and where it was made (from EXIF and
/// similar). Times are the *camera's clock*, as written in the file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Metadata {
    /// DateTimeOriginal exactly as written, e.g. `2008:05:30 15:56:01`.
    pub capture_time_raw: Option<String>,
    /// The capture time as ISO 8601, with the offset when the file gives one
    /// (`2021-04-11T15:47:53-05:00`) and without when it does not
    /// (`2008-05-30T15:56:01`).
    pub capture_time: Option<String>,
    /// Signed decimal degrees.
    pub gps: Option<Coordinates>,
    /// Camera or phone model.
    pub device_model: Option<String>,
    /// EXIF orientation 1–8.
    pub orientation: Option<u16>,
    /// Pixel size of the image as stored (before orientation), when known.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Why metadata could not be read, when it could not (not an error: evidence is
    /// stored regardless).
    pub note: Option<String>,
}

/// Whether a preview image exists for an exhibit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Preview {
    /// A sealed JPEG thumbnail is stored, upright, at most `THUMBNAIL_MAX_PX` on its
    /// longer side.
    Available { width: u32, height: u32 },
    /// No preview, and why, in plain words.
    None { reason: String },
}

/// One evidence file attached to an entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exhibit {
    /// Opaque random id.
    pub id: String,
    /// Exhibit mark, e.g. `AB/3`; stable and never reused.
    pub mark: String,
    /// The sequence number in the mark.
    pub sequence: u64,
    /// The entry it is attached to.
    pub entry_number: u64,
    /// The file's name when it was added (may be a suggested name for pasted bytes).
    pub original_name: String,
    /// Size in bytes of the original.
    pub size: u64,
    /// SHA-256 of the original, lowercase hex.
    pub sha256: String,
    /// Media type sniffed from the content, e.g. `image/jpeg`.
    pub media_type: String,
    /// When it was added to the diary.
    pub added_at: DateTime<Utc>,
    /// How it was obtained, in the person's words.
    pub how_obtained: String,
    pub metadata: Metadata,
    pub preview: Preview,
    /// Set when the exhibit was erased (the original and preview are gone; the hash
    /// stays in the chain).
    pub erased_at: Option<DateTime<Utc>>,
    /// When the same bytes were already in the diary: that exhibit's mark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
}
