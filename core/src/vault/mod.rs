//! The vault: one SQLite file holding a diary, sealed with age.
//!
//! A `Vault` is opened locked. Unlocking opens the vault's identity with the
//! passphrase; locking drops it (zeroized) together with every opened record held in
//! memory. A locked vault can still accept a new entry: it is sealed to the public
//! key and waits in the inbox until the next unlock moves it into the hash chain.

mod backup;
mod consistency;
mod drafts;
mod evidence;
mod export;
mod index;
mod upgrade;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use chrono::Utc;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::chain::{self, Change, Head};
use crate::crypto::{self, Identity, Recipient, UnwrapFailure};
use crate::entry::{Entry, Revision, Status};
use crate::error::{Error, Result};
use crate::incident::Incident;
use crate::record::Keys;
use crate::record::{self, Envelope, Place, RECORD_VERSION};
use crate::settings::{self, Settings};
use crate::store::{self, meta, Store};

pub use evidence::Original;
pub use export::{HandoverKey, HandoverOptions};
pub use index::PAGE_ENTRIES;

/// Shortest passphrase accepted for a new diary.
pub const PASSPHRASE_MIN_CHARS: usize = 8;

/// Wrong passphrases and recovery codes so far in this process.
static FAILURES: AtomicU32 = AtomicU32::new(0);
/// The wait after the first failure; each further failure doubles it.
const FAILURE_DELAY_FIRST: Duration = Duration::from_millis(500);
const FAILURE_DELAY_MAX: Duration = Duration::from_secs(30);

fn failure_delay(failures: u32) -> Duration {
    let factor = 1u32 << failures.saturating_sub(1).min(10);
    (FAILURE_DELAY_FIRST * factor).min(FAILURE_DELAY_MAX)
}

/// Records a failed attempt and waits longer each time.
fn wait_after_failure() {
    let failures = FAILURES.fetch_add(1, Ordering::SeqCst) + 1;
    std::thread::sleep(failure_delay(failures));
}

/// Options for a new vault.
#[derive(Debug, Clone, Default)]
pub struct CreateOptions {
    /// scrypt work factor; `None` uses `crypto::SCRYPT_LOG_N`. Lower values are for
    /// tests only.
    pub scrypt_log_n: Option<u8>,
    /// Initials for exhibit marks.
    pub initials: Option<String>,
    /// Writes the diary as Daybook 0.1 did, with no authenticated records, so that
    /// tests can check the upgrade of such diaries. Never for a real diary.
    #[doc(hidden)]
    pub unauthenticated_for_tests: bool,
}

/// Counts and facts about a vault; nothing secret.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Info {
    pub path: PathBuf,
    pub schema_version: u32,
    /// Entry numbers given out.
    pub entries: u64,
    pub active: Option<u64>,
    pub withdrawn: Option<u64>,
    pub erased: Option<u64>,
    pub exhibits: u64,
    /// Changes in the hash chain.
    pub changes: u64,
    /// Entries written while locked, waiting for the next unlock.
    pub waiting: u64,
    /// The chain head; only when unlocked.
    pub fingerprint: Option<String>,
    pub unlocked: bool,
    pub file_bytes: u64,
    pub scrypt_work_factor: Option<u8>,
}

/// The secret state of an unlocked vault. Dropping it forgets everything opened.
struct Unlocked {
    keys: Keys,
    index: index::Cache,
}

/// An open diary.
pub struct Vault {
    store: Store,
    recipient: Recipient,
    vault_id: String,
    unlocked: Option<Unlocked>,
    /// Opened only to be read (checked, copied): nothing is written, not even the
    /// upgrade of an older vault or the notes waiting in the inbox.
    read_only: bool,
}

/// The sealed, authenticated head: where the chain ends, when it last changed, and
/// which versions of the index pages belong with it (so an index page cannot be
/// rolled back to an older, authentic one unnoticed).
#[derive(Serialize, Deserialize)]
struct HeadRecord {
    seq: u64,
    link: String,
    /// When the last change was made (absent in vaults from before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    at: Option<chrono::DateTime<Utc>>,
    /// `index::digest` of the index pages' versions (absent likewise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    index: Option<String>,
}

fn now() -> chrono::DateTime<Utc> {
    // Whole milliseconds: what is shown is what is hashed.
    let t = Utc::now();
    t - Duration::from_nanos(u64::from(t.timestamp_subsec_nanos() % 1_000_000))
}

impl Vault {
    /// `$XDG_DATA_HOME/daybook/diary.daybook`, or `~/.local/share/daybook/…`.
    pub fn default_path() -> PathBuf {
        let base = std::env::var_os("XDG_DATA_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
            .unwrap_or_else(|| PathBuf::from("."));
        base.join("daybook").join("diary.daybook")
    }

    /// Whether a file exists at `path`.
    pub fn exists(path: &Path) -> bool {
        path.is_file()
    }

    /// Makes a new diary, returning it unlocked with its recovery code (show it once).
    pub fn create(
        path: &Path,
        passphrase: SecretString,
        options: CreateOptions,
    ) -> Result<(Vault, SecretString)> {
        Self::create_with_store(path, passphrase, options, Store::create)
    }

    /// Makes a new diary at an older schema version (for migration tests).
    pub fn create_at_schema(
        path: &Path,
        passphrase: SecretString,
        options: CreateOptions,
        version: u32,
    ) -> Result<(Vault, SecretString)> {
        Self::create_with_store(path, passphrase, options, |p| {
            Store::create_at_version(p, version)
        })
    }

    fn create_with_store(
        path: &Path,
        passphrase: SecretString,
        options: CreateOptions,
        make: impl FnOnce(&Path) -> Result<Store>,
    ) -> Result<(Vault, SecretString)> {
        if passphrase.expose_secret().chars().count() < PASSPHRASE_MIN_CHARS {
            return Err(Error::InvalidField {
                field: "passphrase".into(),
                message: format!("please choose at least {PASSPHRASE_MIN_CHARS} characters"),
            });
        }
        let mut settings = Settings::default();
        if let Some(initials) = &options.initials {
            settings.initials = settings::normalise_initials(initials)?;
        }
        let log_n = options.scrypt_log_n.unwrap_or(crypto::SCRYPT_LOG_N);
        let identity = Identity::generate();
        let recipient = identity.recipient();
        let recovery = crypto::generate_recovery_code();
        let authenticated = !options.unauthenticated_for_tests;
        let by_passphrase = crypto::wrap_identity_as(&identity, &passphrase, log_n, authenticated)?;
        let by_recovery = crypto::wrap_identity_as(&identity, &recovery, log_n, authenticated)?;
        let vault_id = record::new_id();
        let keys = Keys::new(identity, false);
        fn seal_plain(
            keys: &Keys,
            authenticated: bool,
            place: Place<'_>,
            body: &impl Serialize,
        ) -> Result<crypto::Sealed> {
            if authenticated {
                record::seal(keys, place, body)
            } else {
                record::seal_untagged(keys.recipient(), place, body)
            }
        }

        let mut store = make(path)?;
        let written = store.write(|tx| {
            meta::put_plain(tx, meta::FORMAT, store::FORMAT)?;
            meta::put_plain(tx, meta::VAULT_ID, vault_id.as_bytes())?;
            meta::put_plain(tx, meta::RECIPIENT, recipient.to_string().as_bytes())?;
            meta::put(tx, meta::IDENTITY_PASSPHRASE, &by_passphrase)?;
            meta::put(tx, meta::IDENTITY_RECOVERY, &by_recovery)?;
            let head = HeadRecord {
                seq: 0,
                link: chain::genesis(&vault_id),
                at: authenticated.then(now),
                index: authenticated.then(|| index::digest(&[])),
            };
            meta::put(
                tx,
                meta::HEAD,
                &seal_plain(&keys, authenticated, head_place(), &head)?,
            )?;
            meta::put(
                tx,
                meta::SETTINGS,
                &seal_plain(&keys, authenticated, settings_place(), &settings)?,
            )?;
            Ok(())
        });
        if let Err(e) = written {
            drop(store);
            for suffix in ["", "-wal", "-shm"] {
                let mut p = path.as_os_str().to_owned();
                p.push(suffix);
                let _ = std::fs::remove_file(PathBuf::from(p));
            }
            return Err(e);
        }
        let mut keys = keys;
        keys.set_legacy(!authenticated);
        let vault = Vault {
            store,
            recipient,
            vault_id,
            unlocked: Some(Unlocked {
                keys,
                index: index::Cache::default(),
            }),
            read_only: false,
        };
        Ok((vault, recovery))
    }

    /// Opens a diary, locked.
    pub fn open(path: &Path) -> Result<Vault> {
        Self::open_store(Store::open(path)?, false)
    }

    /// Opens a diary, locked, only to read it: nothing is written to the file (no
    /// change of journal mode, no migration, no upgrade, no absorbing of waiting
    /// notes), so checking or copying a diary kept as evidence leaves it as it was.
    pub fn open_read_only(path: &Path) -> Result<Vault> {
        Self::open_store(Store::open_read_only(path)?, true)
    }

    fn open_store(store: Store, read_only: bool) -> Result<Vault> {
        let text = |name: &str| -> Result<String> {
            let bytes = meta::get_plain(store.conn(), name)?.ok_or_else(|| {
                Error::NotAVault(format!(
                    "the diary is missing its {name}; it may be damaged"
                ))
            })?;
            String::from_utf8(bytes)
                .map_err(|_| Error::NotAVault(format!("the diary's {name} is damaged")))
        };
        let recipient = Recipient::parse(&text(meta::RECIPIENT)?)?;
        let vault_id = text(meta::VAULT_ID)?;
        Ok(Vault {
            store,
            recipient,
            vault_id,
            unlocked: None,
            read_only,
        })
    }

    /// Whether the diary was opened only to be read.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    pub fn path(&self) -> &Path {
        self.store.path()
    }

    pub fn is_unlocked(&self) -> bool {
        self.unlocked.is_some()
    }

    /// Unlocks with the passphrase. A wrong one changes nothing and waits longer
    /// each time.
    pub fn unlock(&mut self, passphrase: &SecretString) -> Result<()> {
        let unwrapped = self.open_identity(
            meta::IDENTITY_PASSPHRASE,
            passphrase,
            Error::WrongPassphrase,
        )?;
        self.finish_unlock(unwrapped, meta::IDENTITY_PASSPHRASE, passphrase)
    }

    fn open_identity(
        &self,
        name: &str,
        secret: &SecretString,
        wrong: Error,
    ) -> Result<crypto::Unwrapped> {
        let sealed = meta::get(self.store.conn(), name)?.ok_or_else(|| {
            Error::NotAVault("the diary is missing its key; it may be damaged".into())
        })?;
        match crypto::unwrap_identity(&sealed, secret) {
            Ok(unwrapped) => {
                if unwrapped.identity.recipient().to_string() != self.recipient.to_string() {
                    return Err(Error::Tampered(
                        "the diary's public key does not match its key; it may have been altered"
                            .into(),
                    ));
                }
                FAILURES.store(0, Ordering::SeqCst);
                Ok(unwrapped)
            }
            Err(UnwrapFailure::WrongKey) => {
                wait_after_failure();
                Err(wrong)
            }
            Err(UnwrapFailure::TooMuchWork) => Err(Error::NotAVault(
                "the diary's key asks for more work than Daybook allows".into(),
            )),
            Err(UnwrapFailure::Damaged) => {
                Err(Error::Tampered("the diary's key is damaged".into()))
            }
        }
    }

    /// Keeps the opened identity. A vault from before records were authenticated is
    /// upgraded here (unless opened read-only): `secret` is what opened the copy of
    /// the key named `copy`, so that copy can be sealed again with the marker.
    fn finish_unlock(
        &mut self,
        unwrapped: crypto::Unwrapped,
        copy: &str,
        secret: &SecretString,
    ) -> Result<()> {
        let legacy = !unwrapped.authenticated;
        self.unlocked = Some(Unlocked {
            keys: Keys::new(unwrapped.identity, legacy),
            index: index::Cache::default(),
        });
        if legacy && !self.read_only {
            if let Err(e) = self.upgrade(copy, secret) {
                self.lock();
                return Err(e);
            }
        }
        self.absorb_inbox()
    }

    /// Sets a new passphrase using the recovery code; leaves the diary unlocked.
    pub fn recover(&mut self, code: &SecretString, new_passphrase: SecretString) -> Result<()> {
        check_new_passphrase(&new_passphrase)?;
        let code = crypto::normalise_recovery_code(code);
        let unwrapped =
            self.open_identity(meta::IDENTITY_RECOVERY, &code, Error::WrongRecoveryCode)?;
        self.refuse_if_read_only()?;
        self.rewrap(&unwrapped.identity, &new_passphrase)?;
        self.finish_unlock(unwrapped, meta::IDENTITY_RECOVERY, &code)
    }

    /// Changes the passphrase: only the sealed copy of the key changes.
    pub fn change_passphrase(&mut self, current: &SecretString, new: SecretString) -> Result<()> {
        check_new_passphrase(&new)?;
        self.refuse_if_read_only()?;
        let unwrapped =
            self.open_identity(meta::IDENTITY_PASSPHRASE, current, Error::WrongPassphrase)?;
        self.rewrap(&unwrapped.identity, &new)
    }

    fn rewrap(&mut self, identity: &Identity, passphrase: &SecretString) -> Result<()> {
        let log_n = meta::get(self.store.conn(), meta::IDENTITY_PASSPHRASE)?
            .and_then(|s| crypto::work_factor(&s))
            .unwrap_or(crypto::SCRYPT_LOG_N);
        let sealed = crypto::wrap_identity(identity, passphrase, log_n)?;
        self.store
            .write(|tx| meta::put(tx, meta::IDENTITY_PASSPHRASE, &sealed))
    }

    /// Forgets the key and everything opened.
    pub fn lock(&mut self) {
        self.unlocked = None;
    }

    fn unlocked(&self) -> Result<&Unlocked> {
        self.unlocked.as_ref().ok_or(Error::Locked)
    }

    fn refuse_if_read_only(&self) -> Result<()> {
        if self.read_only {
            return Err(Error::NotAllowed(
                "this diary was opened only to be checked, so nothing can be changed".into(),
            ));
        }
        Ok(())
    }

    /// Records a new entry and returns its number. Works locked (the entry waits,
    /// sealed, until the next unlock) as well as unlocked.
    pub fn add(&mut self, mut incident: Incident) -> Result<u64> {
        incident.validate()?;
        self.refuse_if_read_only()?;
        let entry_id = record::new_id();
        let recipient = self.recipient.clone();
        if self.unlocked.is_none() {
            return self.store.write(|tx| {
                // Taken while holding the write lock, so that a note's time and the
                // diary's changes are in the order they were committed (a note is
                // checked against the last change before it).
                let recorded_at = now();
                let number = store::entries::allocate(tx, &entry_id)?;
                let change = Change::Created {
                    entry_id: entry_id.clone(),
                    number,
                    recorded_at,
                    incident,
                    written_while_locked: true,
                    absorbed_at: None,
                    held: None,
                };
                let inbox_id = record::new_id();
                let sealed = record::seal_untagged(
                    &recipient,
                    Place {
                        table: "inbox",
                        id: &inbox_id,
                    },
                    &change,
                )?;
                store::inbox::insert(tx, &inbox_id, number, &sealed)?;
                Ok(number)
            });
        }
        self.write_change(|tx, _| {
            let number = store::entries::allocate(tx, &entry_id)?;
            Ok(Change::Created {
                entry_id: entry_id.clone(),
                number,
                recorded_at: now(),
                incident,
                written_while_locked: false,
                absorbed_at: None,
                held: None,
            })
        })
        .map(|change| change.entry_number())
    }

    /// Saves a new wording of an entry; the earlier wordings are kept.
    pub fn amend(&mut self, number: u64, mut incident: Incident) -> Result<()> {
        incident.validate()?;
        let saved_at = now();
        let mut unchanged = false;
        let result = self.write_change(|_, current| {
            let entry = current(number)?;
            match &entry.status {
                Status::Active => {}
                Status::Withdrawn { .. } => {
                    return Err(Error::NotAllowed(format!(
                        "entry {number} was withdrawn, so it cannot be amended"
                    )))
                }
                Status::Erased { .. } => {
                    return Err(Error::NotAllowed(format!("entry {number} was erased")))
                }
            }
            if entry.incident.as_ref() == Some(&incident) {
                unchanged = true;
                return Err(Error::Cancelled);
            }
            Ok(Change::Amended {
                entry_id: entry.id.clone(),
                number,
                revision: entry.revisions + 1,
                saved_at,
                incident,
            })
        });
        match result {
            Err(Error::Cancelled) if unchanged => Ok(()),
            other => other.map(|_| ()),
        }
    }

    /// Withdraws an entry: it is kept, marked withdrawn with the reason.
    pub fn withdraw(&mut self, number: u64, reason: &str) -> Result<()> {
        let reason = reason.trim().to_string();
        if reason.is_empty() {
            return Err(Error::InvalidField {
                field: "reason".into(),
                message: "please give a short reason for withdrawing the entry".into(),
            });
        }
        let at = now();
        self.write_change(|_, current| {
            let entry = current(number)?;
            if !entry.is_active() {
                return Err(Error::NotAllowed(format!(
                    "entry {number} is already {}",
                    entry.status.key()
                )));
            }
            Ok(Change::Withdrawn {
                entry_id: entry.id.clone(),
                number,
                at,
                reason,
            })
        })
        .map(|_| ())
    }

    /// Erases an entry's content (and its exhibits) for safety, leaving a tombstone
    /// in the chain that says entry N was erased and when.
    pub fn erase(&mut self, number: u64) -> Result<()> {
        let at = now();
        self.refuse_if_read_only()?;
        let unlocked = self.unlocked.as_mut().ok_or(Error::Locked)?;
        self.store.write(|tx| {
            absorb_within(tx, &unlocked.keys, &mut unlocked.index)?;
            let entry = index::current(tx, &unlocked.keys, &mut unlocked.index, number)?;
            if matches!(entry.status, Status::Erased { .. }) {
                return Err(Error::NotAllowed(format!(
                    "entry {number} was already erased"
                )));
            }
            let earlier = store::events::for_entry(tx, number)?;
            let mut tombstones = Vec::new();
            for row in store::exhibits::list(tx, Some(number))? {
                // Every exhibit, erased before or not: the entry's other records are
                // emptied, so the tombstone alone keeps their marks and hashes.
                let exhibit = evidence::open_exhibit(tx, &unlocked.keys, &row)?;
                tombstones.push(chain::ExhibitTombstone {
                    exhibit_id: exhibit.id.clone(),
                    mark: exhibit.mark.clone(),
                    sha256: exhibit.sha256.clone(),
                    size: exhibit.size,
                });
                store::exhibits::delete_content(tx, &row.id)?;
            }
            let change = Change::Erased {
                entry_id: entry.id.clone(),
                number,
                at,
                recorded_at: entry.recorded_at,
                exhibits: tombstones,
            };
            append(tx, &unlocked.keys, Some(number), &change)?;
            for row in earlier {
                let place = Place {
                    table: "events",
                    id: &row.id,
                };
                let mut envelope = record::open_envelope(&unlocked.keys, place, &row.payload)?;
                envelope.body = None;
                let sealed = record::seal_envelope(&unlocked.keys, &mut envelope)?;
                store::events::replace_payload(tx, &row.id, &sealed)?;
            }
            index::apply(tx, &unlocked.keys, &mut unlocked.index, number, &change)?;
            Ok(())
        })?;
        // Push the removed ciphertext out of the write-ahead log too.
        self.store.checkpoint()
    }

    /// Runs one change in one transaction: `make` sees the transaction and a way to
    /// read an entry's current state, and returns the change; it is appended to the
    /// chain and applied to the index.
    fn write_change(
        &mut self,
        make: impl FnOnce(
            &rusqlite::Transaction,
            &mut dyn FnMut(u64) -> Result<Entry>,
        ) -> Result<Change>,
    ) -> Result<Change> {
        self.refuse_if_read_only()?;
        let unlocked = self.unlocked.as_mut().ok_or(Error::Locked)?;
        self.store.write(|tx| {
            absorb_within(tx, &unlocked.keys, &mut unlocked.index)?;
            let change = {
                let keys = &unlocked.keys;
                let cache = &mut unlocked.index;
                let mut current = |n: u64| index::current(tx, keys, cache, n);
                make(tx, &mut current)?
            };
            let number = change.entry_number();
            append(tx, &unlocked.keys, Some(number), &change)?;
            index::apply(tx, &unlocked.keys, &mut unlocked.index, number, &change)?;
            Ok(change)
        })
    }

    /// Moves notes written while locked into the chain. A note is sealed with the
    /// public key alone, so it is a claim: it is taken in only if it is a first
    /// wording of the entry number it was given, and says it was written after the
    /// diary's last change and not in the future; it is always marked as written
    /// while locked, with the time it was taken in. Anything else stays apart, listed
    /// by `held_notes` for the person to keep or discard: it never blocks the unlock.
    fn absorb_inbox(&mut self) -> Result<()> {
        if self.read_only || store::inbox::count(self.store.conn())? == 0 {
            return Ok(());
        }
        let unlocked = self.unlocked.as_mut().ok_or(Error::Locked)?;
        self.store
            .write(|tx| absorb_within(tx, &unlocked.keys, &mut unlocked.index))
    }

    /// Notes written while locked that were not taken in, and why.
    pub fn held_notes(&mut self) -> Result<Vec<HeldNote>> {
        self.absorb_inbox()?;
        let unlocked = self.unlocked()?;
        let conn = self.store.conn();
        let since = last_change_at(conn, &unlocked.keys)?;
        let mut out = Vec::new();
        for row in store::inbox::all(conn)? {
            let opened: Option<Change> =
                record::open_untagged(unlocked.keys.identity(), inbox_place(&row.id), &row.payload)
                    .ok();
            let reason = match judge_note(conn, &unlocked.keys, &row, since, now()) {
                Ok(_) => continue,
                Err(reason) => reason,
            };
            let (recorded_at, description) = match opened {
                Some(Change::Created {
                    recorded_at,
                    incident,
                    ..
                }) => (Some(recorded_at), Some(incident.description)),
                _ => (None, None),
            };
            out.push(HeldNote {
                id: row.id.clone(),
                entry_number: row.entry_number,
                recorded_at,
                description,
                reason,
            });
        }
        Ok(out)
    }

    /// Takes a held note into the diary at the person's word: it is chained marked as
    /// written while locked, with why it was held, so the doubt stays on record.
    pub fn keep_held_note(&mut self, id: &str) -> Result<u64> {
        self.refuse_if_read_only()?;
        let held = self
            .held_notes()?
            .into_iter()
            .find(|n| n.id == id)
            .ok_or_else(|| Error::NotAllowed("there is no held note with that id".into()))?;
        let unlocked = self.unlocked.as_mut().ok_or(Error::Locked)?;
        let absorbed_at = now();
        self.store.write(|tx| {
            let row = store::inbox::all(tx)?
                .into_iter()
                .find(|r| r.id == held.id)
                .ok_or_else(|| Error::NotAllowed("the note is no longer waiting".into()))?;
            let change: Change =
                record::open_untagged(unlocked.keys.identity(), inbox_place(&row.id), &row.payload)
                    .map_err(|_| {
                        Error::NotAllowed(
                    "this note cannot be opened, so it cannot be kept; it can only be discarded"
                        .into(),
                )
                    })?;
            let Change::Created {
                entry_id,
                recorded_at,
                incident,
                ..
            } = change
            else {
                return Err(Error::NotAllowed(
                    "this note is not a new entry, so it cannot be kept".into(),
                ));
            };
            let taken = store::entries::id_of(tx, row.entry_number)?.as_deref() == Some(&entry_id)
                && store::events::for_entry(tx, row.entry_number)?.is_empty();
            if !taken {
                return Err(Error::NotAllowed(format!(
                    "entry number {} is already used, so this note cannot be kept",
                    row.entry_number
                )));
            }
            let change = Change::Created {
                entry_id,
                number: row.entry_number,
                recorded_at,
                incident,
                written_while_locked: true,
                absorbed_at: Some(absorbed_at),
                held: Some(held.reason.clone()),
            };
            append(tx, &unlocked.keys, Some(row.entry_number), &change)?;
            index::apply(
                tx,
                &unlocked.keys,
                &mut unlocked.index,
                row.entry_number,
                &change,
            )?;
            store::inbox::delete(tx, row.seq)?;
            Ok(row.entry_number)
        })
    }

    /// Discards a held note: it and its entry number are removed (numbers are never
    /// given out again).
    pub fn discard_held_note(&mut self, id: &str) -> Result<()> {
        self.refuse_if_read_only()?;
        let held = self
            .held_notes()?
            .into_iter()
            .find(|n| n.id == id)
            .ok_or_else(|| Error::NotAllowed("there is no held note with that id".into()))?;
        self.store.write(|tx| {
            for row in store::inbox::all(tx)?
                .into_iter()
                .filter(|r| r.id == held.id)
            {
                store::inbox::delete(tx, row.seq)?;
                if store::events::for_entry(tx, row.entry_number)?.is_empty() {
                    store::entries::remove(tx, row.entry_number)?;
                }
            }
            Ok(())
        })
    }

    /// Every entry's current state, ordered by number.
    pub fn entries(&mut self) -> Result<Vec<Entry>> {
        self.absorb_inbox()?;
        let unlocked = self.unlocked.as_mut().ok_or(Error::Locked)?;
        self.store
            .read(|tx| index::all(tx, &unlocked.keys, &mut unlocked.index))
    }

    /// One entry's current state.
    pub fn entry(&mut self, number: u64) -> Result<Entry> {
        self.absorb_inbox()?;
        let unlocked = self.unlocked.as_mut().ok_or(Error::Locked)?;
        self.store
            .read(|tx| index::current(tx, &unlocked.keys, &mut unlocked.index, number))
    }

    /// Every wording of an entry, oldest first (empty once erased).
    pub fn history(&mut self, number: u64) -> Result<Vec<Revision>> {
        self.absorb_inbox()?;
        let unlocked = self.unlocked()?;
        if store::entries::id_of(self.store.conn(), number)?.is_none() {
            return Err(Error::NoSuchEntry(number));
        }
        let mut revisions = Vec::new();
        for row in store::events::for_entry(self.store.conn(), number)? {
            let Some(change) = open_change(&unlocked.keys, &row)? else {
                continue;
            };
            match change {
                Change::Created {
                    recorded_at,
                    incident,
                    written_while_locked,
                    ..
                } => revisions.push(Revision {
                    revision: 1,
                    saved_at: recorded_at,
                    incident,
                    written_while_locked,
                }),
                Change::Amended {
                    revision,
                    saved_at,
                    incident,
                    ..
                } => revisions.push(Revision {
                    revision,
                    saved_at,
                    incident,
                    written_while_locked: false,
                }),
                _ => {}
            }
        }
        Ok(revisions)
    }

    /// Every change in the chain for an entry, described in plain words with times.
    pub fn changes(&mut self, number: u64) -> Result<Vec<(chrono::DateTime<Utc>, String)>> {
        let unlocked = self.unlocked()?;
        let mut out = Vec::new();
        for row in store::events::for_entry(self.store.conn(), number)? {
            if let Some(change) = open_change(&unlocked.keys, &row)? {
                out.push((change.at(), change.describe()));
            }
        }
        Ok(out)
    }

    /// The settings. Authenticated, and checked against the same bounds as when
    /// they are saved: settings that are out of bounds were not saved by Daybook.
    pub fn settings(&self) -> Result<Settings> {
        let unlocked = self.unlocked()?;
        match meta::get(self.store.conn(), meta::SETTINGS)? {
            Some(sealed) => {
                let mut settings: Settings =
                    record::open(&unlocked.keys, settings_place(), &sealed)?;
                settings.validate().map_err(|e| {
                    Error::Tampered(format!("the settings are not ones Daybook saves ({e})"))
                })?;
                Ok(settings)
            }
            None => Ok(Settings::default()),
        }
    }

    /// Saves the settings.
    pub fn save_settings(&mut self, settings: &Settings) -> Result<()> {
        self.refuse_if_read_only()?;
        let unlocked = self.unlocked()?;
        let mut settings = settings.clone();
        settings.validate()?;
        let sealed = record::seal(&unlocked.keys, settings_place(), &settings)?;
        self.store
            .write(|tx| meta::put(tx, meta::SETTINGS, &sealed))
    }

    /// The diary's fingerprint: the head of the hash chain.
    pub fn fingerprint(&self) -> Result<String> {
        let unlocked = self.unlocked()?;
        Ok(read_head(self.store.conn(), &unlocked.keys)?.link)
    }

    /// Counts and facts; the fingerprint only when unlocked.
    pub fn info(&mut self) -> Result<Info> {
        let conn = self.store.conn();
        let mut info = Info {
            path: self.store.path().to_path_buf(),
            schema_version: self.store.schema_version()?,
            entries: store::entries::count(conn)?,
            active: None,
            withdrawn: None,
            erased: None,
            exhibits: store::exhibits::count(conn)?,
            changes: store::events::count(conn)?,
            waiting: store::inbox::count(conn)?,
            fingerprint: None,
            unlocked: self.is_unlocked(),
            file_bytes: std::fs::metadata(self.store.path())
                .map(|m| m.len())
                .unwrap_or(0),
            scrypt_work_factor: meta::get(conn, meta::IDENTITY_PASSPHRASE)?
                .and_then(|s| crypto::work_factor(&s)),
        };
        if self.is_unlocked() {
            let entries = self.entries()?;
            let count = |key: &str| entries.iter().filter(|e| e.status.key() == key).count() as u64;
            info.active = Some(count("active"));
            info.withdrawn = Some(count("withdrawn"));
            info.erased = Some(count("erased"));
            info.changes = store::events::count(self.store.conn())?;
            info.waiting = 0;
            info.fingerprint = Some(self.fingerprint()?);
        }
        Ok(info)
    }

    /// A consistent, still-sealed copy of the whole vault.
    pub fn backup(&self, out: &Path) -> Result<()> {
        self.store.backup_to(out)
    }

    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    pub(crate) fn keys(&self) -> Result<&Keys> {
        Ok(&self.unlocked()?.keys)
    }

    pub(crate) fn vault_id(&self) -> &str {
        &self.vault_id
    }

    /// The vault's public key (`age1…`).
    pub fn recipient(&self) -> &Recipient {
        &self.recipient
    }
}

fn check_new_passphrase(passphrase: &SecretString) -> Result<()> {
    if passphrase.expose_secret().chars().count() < PASSPHRASE_MIN_CHARS {
        return Err(Error::InvalidField {
            field: "passphrase".into(),
            message: format!("please choose at least {PASSPHRASE_MIN_CHARS} characters"),
        });
    }
    Ok(())
}

fn head_place() -> Place<'static> {
    Place {
        table: "meta",
        id: meta::HEAD,
    }
}

fn settings_place() -> Place<'static> {
    Place {
        table: "meta",
        id: meta::SETTINGS,
    }
}

/// Takes waiting notes into the chain inside a write transaction. Every change the
/// diary makes runs this first, in its own transaction, so a note committed before
/// the change is judged against the changes before it, never against later ones.
pub(crate) fn absorb_within(
    tx: &rusqlite::Transaction,
    keys: &Keys,
    cache: &mut index::Cache,
) -> Result<()> {
    if store::inbox::count(tx)? == 0 {
        return Ok(());
    }
    let absorbed_at = now();
    // Every note is judged against the diary as it was before any is taken in:
    // notes written one after another while locked all follow that.
    let since = last_change_at(tx, keys)?;
    for row in store::inbox::all(tx)? {
        let Ok(change) = judge_note(tx, keys, &row, since, absorbed_at) else {
            continue;
        };
        append(tx, keys, Some(row.entry_number), &change)?;
        index::apply(tx, keys, cache, row.entry_number, &change)?;
        store::inbox::delete(tx, row.seq)?;
    }
    Ok(())
}

pub(crate) fn inbox_place(id: &str) -> Place<'_> {
    Place { table: "inbox", id }
}

/// A note written while locked that was not taken into the diary.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HeldNote {
    /// The note's id (to keep or discard it).
    pub id: String,
    /// The entry number it was given.
    pub entry_number: u64,
    /// When it says it was written (absent when it cannot be opened).
    pub recorded_at: Option<chrono::DateTime<Utc>>,
    /// What it says happened (absent when it cannot be opened).
    pub description: Option<String>,
    /// Why it was held, in plain words.
    pub reason: String,
}

/// Whether an inbox note can be taken in as it is; the change to chain if so, else
/// why not. `since` is the time of the diary's last change, `at` the moment of
/// taking it in.
pub(crate) fn judge_note(
    conn: &rusqlite::Connection,
    keys: &Keys,
    row: &store::inbox::Row,
    since: Option<chrono::DateTime<Utc>>,
    at: chrono::DateTime<Utc>,
) -> std::result::Result<Change, String> {
    let change: Change = record::open_untagged(keys.identity(), inbox_place(&row.id), &row.payload)
        .map_err(|_| {
            "it cannot be opened: it is damaged, or was sealed to another key".to_string()
        })?;
    let Change::Created {
        entry_id,
        number,
        recorded_at,
        incident,
        ..
    } = change
    else {
        return Err("it is not a new entry".into());
    };
    let own_number = number == row.entry_number
        && store::entries::id_of(conn, number)
            .ok()
            .flatten()
            .as_deref()
            == Some(&entry_id)
        && store::events::for_entry(conn, number)
            .map(|e| e.is_empty())
            .unwrap_or(false);
    if !own_number {
        return Err(format!(
            "it does not match the entry number it was given ({})",
            row.entry_number
        ));
    }
    if let Some(since) = since {
        if recorded_at < since {
            return Err(format!(
                "it says it was written at {}, before the diary's last change ({}),                  although notes are only written while the diary is locked",
                recorded_at.format("%Y-%m-%d %H:%M UTC"),
                since.format("%Y-%m-%d %H:%M UTC")
            ));
        }
    }
    if recorded_at > at {
        return Err(format!(
            "it says it was written at {}, which is later than now",
            recorded_at.format("%Y-%m-%d %H:%M UTC")
        ));
    }
    if let Err(e) = incident.clone().validate() {
        return Err(format!(
            "its content is not in the form Daybook writes ({e})"
        ));
    }
    Ok(Change::Created {
        entry_id,
        number,
        recorded_at,
        incident,
        written_while_locked: true,
        absorbed_at: Some(at),
        held: None,
    })
}

/// When the diary last changed: from the head, or (in a vault from before the head
/// kept it) from the last change itself.
pub(crate) fn last_change_at(
    conn: &rusqlite::Connection,
    keys: &Keys,
) -> Result<Option<chrono::DateTime<Utc>>> {
    let head = read_head_record(conn, keys)?;
    if head.at.is_some() {
        return Ok(head.at);
    }
    let Some(row) = store::events::by_seq(conn, head.seq)? else {
        return Ok(None);
    };
    Ok(open_change(keys, &row)?.map(|c| c.at()))
}

fn read_head_record(conn: &rusqlite::Connection, keys: &Keys) -> Result<HeadRecord> {
    let sealed = meta::get(conn, meta::HEAD)?
        .ok_or_else(|| Error::Tampered("the chain head is missing".into()))?;
    let head: HeadRecord = record::open(keys, head_place(), &sealed)?;
    let (count, last) = store::events::count_and_last(conn)?;
    if head.seq != last {
        return Err(Error::Tampered(format!(
            "the chain head names change {} but the last change is {last}",
            head.seq
        )));
    }
    if count != last {
        return Err(Error::Tampered(format!(
            "the chain has {count} changes but its last is number {last}: changes were removed"
        )));
    }
    Ok(head)
}

/// Reads the sealed chain head and checks it matches the last event.
pub(crate) fn read_head(conn: &rusqlite::Connection, keys: &Keys) -> Result<Head> {
    let head = read_head_record(conn, keys)?;
    Ok(Head {
        seq: head.seq,
        link: head.link,
    })
}

/// The head's record of the index pages' versions (`None` in a vault not upgraded).
pub(crate) fn head_index(conn: &rusqlite::Connection, keys: &Keys) -> Result<Option<String>> {
    Ok(read_head_record(conn, keys)?.index)
}

/// Records the index pages' current versions in the head (after a page is sealed).
pub(crate) fn put_head_index(
    conn: &rusqlite::Connection,
    keys: &Keys,
    index_digest: String,
) -> Result<()> {
    let mut head = read_head_record(conn, keys)?;
    head.index = Some(index_digest);
    meta::put(conn, meta::HEAD, &record::seal(keys, head_place(), &head)?)
}

/// Appends a change to the chain in the open transaction.
pub(crate) fn append(
    tx: &rusqlite::Transaction,
    keys: &Keys,
    entry_number: Option<u64>,
    change: &Change,
) -> Result<String> {
    let head = read_head_record(tx, keys)?;
    let seq = head.seq + 1;
    let id = record::new_id();
    let body = record::body_bytes(change)?;
    let body_sha256 = record::sha256_hex(body.get().as_bytes());
    let mut envelope = Envelope {
        v: RECORD_VERSION,
        table: "events".into(),
        id: id.clone(),
        seq: Some(seq),
        entry: entry_number,
        prev: Some(head.link.clone()),
        mac: None,
        body_sha256: Some(body_sha256.clone()),
        body: Some(body),
    };
    let payload = record::seal_envelope(keys, &mut envelope)?;
    store::events::insert(
        tx,
        &store::events::Row {
            seq,
            id: id.clone(),
            entry_number,
            payload,
        },
    )?;
    let link = chain::link(&head.link, seq, &id, &body_sha256);
    let head = HeadRecord {
        seq,
        link,
        at: (!keys.is_legacy()).then(now),
        index: head.index,
    };
    meta::put(tx, meta::HEAD, &record::seal(keys, head_place(), &head)?)?;
    Ok(id)
}

/// Opens an event's change; `None` for a tombstoned (erased) event.
pub(crate) fn open_change(keys: &Keys, row: &store::events::Row) -> Result<Option<Change>> {
    let place = Place {
        table: "events",
        id: &row.id,
    };
    let envelope = record::open_envelope(keys, place, &row.payload)?;
    match envelope.body {
        Some(body) => record::parse_body(place, &body).map(Some),
        None => Ok(None),
    }
}

/// Every entry as the index pages say, without checking their versions against the
/// head (for verification, to name what an older page changes).
pub(crate) fn index_unchecked(conn: &rusqlite::Connection, keys: &Keys) -> Result<Vec<Entry>> {
    index::all_unchecked(conn, keys)
}

/// Rebuilds every entry's state from the chain (for verification).
pub(crate) fn rebuild_index(conn: &rusqlite::Connection, keys: &Keys) -> Result<Vec<Entry>> {
    index::rebuild_all(conn, keys)
}

pub(crate) fn open_exhibit_row(
    conn: &rusqlite::Connection,
    keys: &Keys,
    row: &store::exhibits::Row,
) -> Result<crate::evidence::Exhibit> {
    evidence::open_exhibit(conn, keys, row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_delay_grows_and_is_capped() {
        assert_eq!(failure_delay(1), Duration::from_millis(500));
        assert_eq!(failure_delay(2), Duration::from_secs(1));
        assert_eq!(failure_delay(3), Duration::from_secs(2));
        assert_eq!(failure_delay(20), FAILURE_DELAY_MAX);
    }
}
