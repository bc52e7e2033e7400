//! Placeholder thumbnails.
use std::path::Path;

pub const THUMBNAIL_MAX_PX: u32 = 640;

pub struct Thumbnail {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

pub fn make(_path: &Path, _media_type: &str, _orientation: Option<u16>) -> Result<Thumbnail, String> {
    Err("previews are not available yet".into())
}

pub fn make_bytes(_bytes: &[u8], _media_type: &str, _orientation: Option<u16>) -> Result<Thumbnail, String> {
    Err("previews are not available yet".into())
}
