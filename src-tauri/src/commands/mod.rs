//! The commands the UI may call, one file per area. Each is a few lines that call
//! `daybook-core`; there is no SQL and no cryptography here. Every name is
//! `<noun>_<verb>` and `ui/api.js` mirrors them one to one. The list in `build.rs`
//! (which becomes the permission list) must name exactly these.

pub mod app;
pub mod entries;
pub mod evidence;
pub mod export;
pub mod handover;
pub mod messages;
pub mod settings;
pub mod vault;

use secrecy::SecretString;

/// Wraps a passphrase from the UI at once so it is zeroed when dropped.
pub(crate) fn secret(text: String) -> SecretString {
    SecretString::from(text)
}
