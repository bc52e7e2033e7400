//! Everything a person can read from an unlocked diary, as one text to compare:
//! entries and their history, exhibits with their originals' SHA-256 and previews,
//! imported messages, custody events and settings. The campaigns compare a damaged
//! or recovered copy with what the diary held.
#![allow(dead_code)]

use daybook_core::message::Filter;
use daybook_core::Vault;

/// Reads everything from `v` (unlocked); the first error stops it.
pub fn everything(v: &mut Vault) -> daybook_core::Result<String> {
    let entries = v.entries()?;
    let mut history = Vec::new();
    for e in &entries {
        history.push(v.history(e.number)?);
    }
    let exhibits = v.exhibits(None)?;
    let mut originals = Vec::new();
    for x in &exhibits {
        let mut out = Vec::new();
        originals.push(v.copy_original(x, &mut out)?);
        originals.push((format!("{:x?}", sha(&out)), 0));
        originals.push((format!("{:?}", v.thumbnail_of(&x.id)?), 0));
    }
    let messages = v.messages(&Filter::default())?;
    let custody = v.custody()?;
    let settings = v.settings()?;
    Ok(format!(
        "{entries:?}\n{history:?}\n{exhibits:?}\n{originals:?}\n{messages:?}\n{custody:?}\n{settings:?}"
    ))
}

pub fn sha(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}
