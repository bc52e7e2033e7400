//! Placeholder metadata reader.
use std::path::Path;

use super::Metadata;

pub fn read(_path: &Path, _media_type: &str) -> Metadata {
    Metadata::default()
}

pub fn read_bytes(_bytes: &[u8], _media_type: &str) -> Metadata {
    Metadata::default()
}
