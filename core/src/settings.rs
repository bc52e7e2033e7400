//! The diary's settings, sealed in the vault like everything else.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Initials used in exhibit marks until the person sets their own.
pub const DEFAULT_INITIALS: &str = "DB";

/// Settings the person can change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Initials for exhibit marks (`AB` gives `AB/1`, `AB/2`…).
    pub initials: String,
    /// Name of the person keeping the diary, for the report cover.
    pub keeper_name: String,
    /// Name of the person responsible, for the report cover.
    pub responsible_name: String,
    /// Minutes of inactivity before the desktop app locks.
    pub auto_lock_minutes: u32,
    /// Folder for automatic backups (e.g. a USB stick); none when not set.
    pub backup_dir: Option<PathBuf>,
    /// How many automatic backups to keep in that folder.
    pub backups_to_keep: u32,
    /// The quick-exit key in the desktop app.
    pub quick_exit_key: String,
    /// Zone in which reports show times; empty means this computer's zone.
    pub zone: String,
    /// Words and phrases that must never leave the diary (see `disclosure`).
    pub keep_out: Vec<String>,
    /// Places a photo's position must not give away.
    pub keep_out_places: Vec<crate::disclosure::Place>,
    /// Batched evidence packs: most files in a folder.
    pub pack_batch_files: u32,
    /// Batched evidence packs: largest file in a folder, in bytes.
    pub pack_batch_bytes: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            initials: DEFAULT_INITIALS.into(),
            keeper_name: String::new(),
            responsible_name: String::new(),
            auto_lock_minutes: 5,
            backup_dir: None,
            backups_to_keep: 10,
            quick_exit_key: "Escape Escape".into(),
            zone: String::new(),
            keep_out: Vec::new(),
            keep_out_places: Vec::new(),
            pack_batch_files: 25,
            pack_batch_bytes: 2 * 1024 * 1024 * 1024,
        }
    }
}

/// Checks and tidies initials: 1 to 4 letters, upper case.
pub fn normalise_initials(text: &str) -> Result<String> {
    let initials: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .flat_map(char::to_uppercase)
        .collect();
    let count = initials.chars().count();
    if count == 0 || count > 4 || !initials.chars().all(char::is_alphabetic) {
        return Err(Error::InvalidField {
            field: "initials".into(),
            message: "use 1 to 4 letters, for example AB".into(),
        });
    }
    Ok(initials)
}

impl Settings {
    /// Checks the settings before they are saved.
    pub fn validate(&mut self) -> Result<()> {
        self.initials = normalise_initials(&self.initials)?;
        if self.auto_lock_minutes == 0 || self.auto_lock_minutes > 24 * 60 {
            return Err(Error::InvalidField {
                field: "auto_lock_minutes".into(),
                message: "choose between 1 and 1440 minutes".into(),
            });
        }
        if self.backups_to_keep == 0 {
            self.backups_to_keep = 1;
        }
        if !self.zone.is_empty() && self.zone.parse::<chrono_tz::Tz>().is_err() {
            return Err(Error::InvalidField {
                field: "zone".into(),
                message: format!(
                    "'{}' is not a time zone name such as Europe/London",
                    self.zone
                ),
            });
        }
        if self.pack_batch_files == 0 || self.pack_batch_bytes == 0 {
            return Err(Error::InvalidField {
                field: "pack_batch".into(),
                message: "a batch must hold at least one file of at least one byte".into(),
            });
        }
        let mut phrases = Vec::new();
        for phrase in &self.keep_out {
            let phrase = crate::disclosure::check_phrase(phrase)?;
            if !phrases
                .iter()
                .any(|p: &String| p.to_lowercase() == phrase.to_lowercase())
            {
                phrases.push(phrase);
            }
        }
        self.keep_out = phrases;
        for place in &self.keep_out_places {
            crate::disclosure::check_place(place)?;
        }
        Ok(())
    }

    /// The rules every output of this diary follows (see `disclosure`).
    pub fn disclosure(&self, include_private_notes: bool) -> crate::disclosure::Rules {
        crate::disclosure::Rules::new(&self.keep_out, &self.keep_out_places, include_private_notes)
    }

    /// How batched evidence packs are cut.
    pub fn batching(&self) -> crate::bundle::pack::Batching {
        crate::bundle::pack::Batching {
            files: self.pack_batch_files as usize,
            bytes: self.pack_batch_bytes,
        }
    }

    /// The zone reports show times in.
    pub fn display_zone(&self) -> String {
        if self.zone.is_empty() {
            crate::incident::local_zone()
        } else {
            self.zone.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_are_tidied_and_checked() {
        assert_eq!(normalise_initials("a.b.").unwrap(), "AB");
        assert_eq!(normalise_initials("Łk").unwrap(), "ŁK");
        assert!(normalise_initials("").is_err());
        assert!(normalise_initials("A/1").is_err());
        assert!(normalise_initials("ABCDE").is_err());
    }
}
