//! Backups and restores. A backup is one still-sealed copy of the vault, made with
//! SQLite's online backup while the diary may be in use. A restore checks the
//! passphrase and verifies the backup before it touches anything, and keeps the
//! current diary as a dated copy.

use std::path::{Path, PathBuf};

use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::{meta, Vault};
use crate::error::{Error, Result};
use crate::outfile::{self, Existing};
use crate::record::{self, Place};
use crate::SecretString;

/// File names of automatic backups start with this.
const AUTO_PREFIX: &str = "daybook-backup-";
const AUTO_SUFFIX: &str = ".daybook";

#[derive(Serialize, Deserialize)]
struct LastBackup {
    fingerprint: String,
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// A path stamped with the time to the millisecond that does not exist yet, so two
/// backups (or restores) in the same second never overwrite one another.
fn unused_timed(path: impl Fn(String) -> PathBuf) -> PathBuf {
    loop {
        let p = path(Utc::now().format("%Y%m%d-%H%M%S-%3f").to_string());
        if std::fs::symlink_metadata(&p).is_err() {
            return p;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

fn last_backup_place() -> Place<'static> {
    Place {
        table: "meta",
        id: "last_backup",
    }
}

/// An automatic backup that is due. Deciding needs the key (the settings and the
/// last backup's fingerprint are sealed); taking it does not (it copies the sealed
/// file), so the desktop app decides while the diary is unlocked, locks, and only
/// then copies: see [`Vault::auto_backup_due`] and [`Vault::take_backup`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueBackup {
    dir: PathBuf,
    keep: usize,
    /// The record "backed up at this fingerprint", sealed and authenticated while the
    /// key was at hand, written once the copy is made (when the key may be gone).
    record: crate::crypto::Sealed,
}

impl DueBackup {
    /// The folder the backup goes into.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Vault {
    /// Makes an automatic backup into the settings' backup folder when the diary
    /// changed since the last one, and keeps only the newest few. Returns the new
    /// backup's path, if one was made.
    pub fn auto_backup(&mut self) -> Result<Option<PathBuf>> {
        match self.auto_backup_due()? {
            Some(due) => self.take_backup(due).map(Some),
            None => Ok(None),
        }
    }

    /// Whether an automatic backup is due: a backup folder is set and the diary
    /// changed since the last one. Needs the diary unlocked.
    pub fn auto_backup_due(&mut self) -> Result<Option<DueBackup>> {
        let settings = self.settings()?;
        let Some(dir) = settings.backup_dir.clone() else {
            return Ok(None);
        };
        let fingerprint = self.fingerprint()?;
        let keys = self.keys()?;
        if let Some(sealed) = meta::get(self.store.conn(), "last_backup")? {
            if let Ok(last) = record::open::<LastBackup>(keys, last_backup_place(), &sealed) {
                if last.fingerprint == fingerprint {
                    return Ok(None);
                }
            }
        }
        let record = record::seal(keys, last_backup_place(), &LastBackup { fingerprint })?;
        Ok(Some(DueBackup {
            dir,
            keep: settings.backups_to_keep.max(1) as usize,
            record,
        }))
    }

    /// Takes a backup decided by [`Vault::auto_backup_due`]: a copy of the sealed
    /// file, owner-only, then notes it (with the record sealed and authenticated
    /// when it was decided). Needs no key, so it works on a locked diary.
    pub fn take_backup(&mut self, due: DueBackup) -> Result<PathBuf> {
        let DueBackup { dir, keep, record } = due;
        if !dir.is_dir() {
            return Err(Error::file(
                &dir,
                "the backup folder is not there (is the USB stick plugged in?)",
            ));
        }
        let out = unused_timed(|t| dir.join(format!("{AUTO_PREFIX}{t}{AUTO_SUFFIX}")));
        outfile::write_private(&out, self.path(), Existing::Refuse, |p| self.backup(p))?;
        self.store
            .write(|tx| meta::put(tx, "last_backup", &record))?;
        prune(&dir, keep);
        Ok(out)
    }

    /// Replaces the diary at `vault_path` with `backup`, after checking that
    /// `passphrase` opens the backup and that it verifies. The current diary is kept
    /// beside it as `<name>.before-restore-<time>`. Returns that copy's path.
    pub fn restore(
        backup: &Path,
        vault_path: &Path,
        passphrase: &SecretString,
    ) -> Result<Option<PathBuf>> {
        Self::restore_unlocking(backup, vault_path, |copy| copy.unlock(passphrase))
    }

    /// `restore` for someone who has forgotten the passphrase the backup was made
    /// with: the recovery code opens it, and `new_passphrase` becomes its passphrase.
    pub fn restore_with_recovery_code(
        backup: &Path,
        vault_path: &Path,
        code: &SecretString,
        new_passphrase: SecretString,
    ) -> Result<Option<PathBuf>> {
        super::check_passphrase("new_passphrase", &new_passphrase)?;
        Self::restore_unlocking(backup, vault_path, |copy| {
            copy.recover(code, new_passphrase)
        })
    }

    fn restore_unlocking(
        backup: &Path,
        vault_path: &Path,
        unlock: impl FnOnce(&mut Vault) -> Result<()>,
    ) -> Result<Option<PathBuf>> {
        if !backup.is_file() {
            return Err(Error::NoVault(backup.to_path_buf()));
        }
        // Work on a copy: opening may bring an older backup's schema up to date.
        let staged = with_suffix(vault_path, ".restoring");
        let cleanup = |p: &Path| {
            for s in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(with_suffix(p, s));
            }
        };
        cleanup(&staged);
        if let Some(dir) = staged.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::file(dir, e))?;
        }
        std::fs::copy(backup, &staged).map_err(|e| Error::file(backup, e))?;
        let checked = (|| -> Result<()> {
            let mut copy = Vault::open(&staged)?;
            unlock(&mut copy)?;
            let report = copy.verify()?;
            if let Some(f) = report.failure {
                return Err(Error::tampered(
                    "the backup",
                    format!("it does not verify: {}", f.message),
                ));
            }
            copy.store.checkpoint()?;
            Ok(())
        })();
        if let Err(e) = checked {
            cleanup(&staged);
            return Err(e);
        }
        let kept = if vault_path.exists() {
            // Fold the current diary's log into its file before moving it.
            if let Ok(mut current) = Vault::open(vault_path) {
                current.store.checkpoint()?;
            }
            let kept = unused_timed(|t| with_suffix(vault_path, &format!(".before-restore-{t}")));
            // A second name for the current diary, not a move: killed at any moment,
            // there is always a whole diary at `vault_path` (the old one until the
            // rename below replaces it in one step, then the restored one).
            if std::fs::hard_link(vault_path, &kept).is_err() {
                std::fs::copy(vault_path, &kept).map_err(|e| Error::file(vault_path, e))?;
            }
            for s in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(with_suffix(vault_path, s));
            }
            Some(kept)
        } else {
            None
        };
        std::fs::rename(&staged, vault_path).map_err(|e| Error::file(vault_path, e))?;
        cleanup(&staged);
        Ok(kept)
    }
}

/// Deletes the oldest automatic backups beyond `keep` (only files Daybook named).
fn prune(dir: &Path, keep: usize) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    let mut backups: Vec<PathBuf> = read
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(AUTO_PREFIX) && n.ends_with(AUTO_SUFFIX))
        })
        .collect();
    backups.sort();
    while backups.len() > keep {
        let oldest = backups.remove(0);
        let _ = std::fs::remove_file(oldest);
    }
}
