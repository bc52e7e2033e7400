//! The vault: one SQLite file holding a diary, sealed with age.
//!
//! A `Vault` is opened locked. Unlocking opens the vault's identity with the
//! passphrase; locking drops it (zeroized) together with every opened record held in
//! memory. A locked vault can still accept a new entry: it is sealed to the public
//! key and waits in the inbox until the next unlock moves it into the hash chain.

mod backup;
mod drafts;
mod evidence;
mod export;
mod index;

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
    identity: Identity,
    index: index::Cache,
}

/// An open diary.
pub struct Vault {
    store: Store,
    recipient: Recipient,
    vault_id: String,
    unlocked: Option<Unlocked>,
}

#[derive(Serialize, Deserialize)]
struct HeadRecord {
    seq: u64,
    link: String,
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
        let by_passphrase = crypto::wrap_identity(&identity, &passphrase, log_n)?;
        let by_recovery = crypto::wrap_identity(&identity, &recovery, log_n)?;
        let vault_id = record::new_id();

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
            };
            meta::put(
                tx,
                meta::HEAD,
                &record::seal(&recipient, head_place(), &head)?,
            )?;
            meta::put(
                tx,
                meta::SETTINGS,
                &record::seal(&recipient, settings_place(), &settings)?,
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
        let vault = Vault {
            store,
            recipient,
            vault_id,
            unlocked: Some(Unlocked {
                identity,
                index: index::Cache::default(),
            }),
        };
        Ok((vault, recovery))
    }

    /// Opens a diary, locked.
    pub fn open(path: &Path) -> Result<Vault> {
        let store = Store::open(path)?;
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
        })
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
        let identity = self.open_identity(
            meta::IDENTITY_PASSPHRASE,
            passphrase,
            Error::WrongPassphrase,
        )?;
        self.finish_unlock(identity)
    }

    fn open_identity(&self, name: &str, secret: &SecretString, wrong: Error) -> Result<Identity> {
        let sealed = meta::get(self.store.conn(), name)?.ok_or_else(|| {
            Error::NotAVault("the diary is missing its key; it may be damaged".into())
        })?;
        match crypto::unwrap_identity(&sealed, secret) {
            Ok(identity) => {
                if identity.recipient().to_string() != self.recipient.to_string() {
                    return Err(Error::Tampered(
                        "the diary's public key does not match its key; it may have been altered"
                            .into(),
                    ));
                }
                FAILURES.store(0, Ordering::SeqCst);
                Ok(identity)
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

    fn finish_unlock(&mut self, identity: Identity) -> Result<()> {
        self.unlocked = Some(Unlocked {
            identity,
            index: index::Cache::default(),
        });
        self.absorb_inbox()
    }

    /// Sets a new passphrase using the recovery code; leaves the diary unlocked.
    pub fn recover(&mut self, code: &SecretString, new_passphrase: SecretString) -> Result<()> {
        check_new_passphrase(&new_passphrase)?;
        let code = crypto::normalise_recovery_code(code);
        let identity =
            self.open_identity(meta::IDENTITY_RECOVERY, &code, Error::WrongRecoveryCode)?;
        self.rewrap(&identity, &new_passphrase)?;
        self.finish_unlock(identity)
    }

    /// Changes the passphrase: only the sealed copy of the key changes.
    pub fn change_passphrase(&mut self, current: &SecretString, new: SecretString) -> Result<()> {
        check_new_passphrase(&new)?;
        let identity =
            self.open_identity(meta::IDENTITY_PASSPHRASE, current, Error::WrongPassphrase)?;
        self.rewrap(&identity, &new)
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

    /// Records a new entry and returns its number. Works locked (the entry waits,
    /// sealed, until the next unlock) as well as unlocked.
    pub fn add(&mut self, mut incident: Incident) -> Result<u64> {
        incident.validate()?;
        let recorded_at = now();
        let entry_id = record::new_id();
        let recipient = self.recipient.clone();
        if self.unlocked.is_none() {
            return self.store.write(|tx| {
                let number = store::entries::allocate(tx, &entry_id)?;
                let change = Change::Created {
                    entry_id: entry_id.clone(),
                    number,
                    recorded_at,
                    incident,
                    written_while_locked: true,
                };
                let inbox_id = record::new_id();
                let sealed = record::seal(
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
                recorded_at,
                incident,
                written_while_locked: false,
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
        let unlocked = self.unlocked.as_mut().ok_or(Error::Locked)?;
        let recipient = self.recipient.clone();
        self.store.write(|tx| {
            let entry = index::current(tx, &unlocked.identity, &mut unlocked.index, number)?;
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
                let exhibit = evidence::open_exhibit(tx, &unlocked.identity, &row)?;
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
            append(tx, &recipient, &unlocked.identity, Some(number), &change)?;
            for row in earlier {
                let place = Place {
                    table: "events",
                    id: &row.id,
                };
                let mut envelope = record::open_envelope(&unlocked.identity, place, &row.payload)?;
                envelope.body = None;
                let sealed = record::seal_envelope(&recipient, &envelope)?;
                store::events::replace_payload(tx, &row.id, &sealed)?;
            }
            index::apply(
                tx,
                &recipient,
                &unlocked.identity,
                &mut unlocked.index,
                number,
                &change,
            )?;
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
        let unlocked = self.unlocked.as_mut().ok_or(Error::Locked)?;
        let recipient = self.recipient.clone();
        self.store.write(|tx| {
            let change = {
                let identity = &unlocked.identity;
                let cache = &mut unlocked.index;
                let mut current = |n: u64| index::current(tx, identity, cache, n);
                make(tx, &mut current)?
            };
            let number = change.entry_number();
            append(tx, &recipient, &unlocked.identity, Some(number), &change)?;
            index::apply(
                tx,
                &recipient,
                &unlocked.identity,
                &mut unlocked.index,
                number,
                &change,
            )?;
            Ok(change)
        })
    }

    /// Moves entries written while locked into the chain.
    fn absorb_inbox(&mut self) -> Result<()> {
        if store::inbox::count(self.store.conn())? == 0 {
            return Ok(());
        }
        let unlocked = self.unlocked.as_mut().ok_or(Error::Locked)?;
        let recipient = self.recipient.clone();
        self.store.write(|tx| {
            for row in store::inbox::all(tx)? {
                let change: Change = record::open(
                    &unlocked.identity,
                    Place {
                        table: "inbox",
                        id: &row.id,
                    },
                    &row.payload,
                )?;
                if !matches!(change, Change::Created { .. })
                    || change.entry_number() != row.entry_number
                {
                    return Err(Error::Tampered(format!(
                        "a note written while locked does not belong to entry {}",
                        row.entry_number
                    )));
                }
                append(
                    tx,
                    &recipient,
                    &unlocked.identity,
                    Some(row.entry_number),
                    &change,
                )?;
                index::apply(
                    tx,
                    &recipient,
                    &unlocked.identity,
                    &mut unlocked.index,
                    row.entry_number,
                    &change,
                )?;
                store::inbox::delete(tx, row.seq)?;
            }
            Ok(())
        })
    }

    /// Every entry's current state, ordered by number.
    pub fn entries(&mut self) -> Result<Vec<Entry>> {
        self.absorb_inbox()?;
        let unlocked = self.unlocked.as_mut().ok_or(Error::Locked)?;
        self.store
            .read(|tx| index::all(tx, &unlocked.identity, &mut unlocked.index))
    }

    /// One entry's current state.
    pub fn entry(&mut self, number: u64) -> Result<Entry> {
        self.absorb_inbox()?;
        let unlocked = self.unlocked.as_mut().ok_or(Error::Locked)?;
        self.store
            .read(|tx| index::current(tx, &unlocked.identity, &mut unlocked.index, number))
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
            let Some(change) = open_change(&unlocked.identity, &row)? else {
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
            if let Some(change) = open_change(&unlocked.identity, &row)? {
                let at = match &change {
                    Change::Created { recorded_at, .. } => *recorded_at,
                    Change::Amended { saved_at, .. } => *saved_at,
                    Change::Withdrawn { at, .. } | Change::Erased { at, .. } => *at,
                    Change::ExhibitAdded { exhibit, .. } => exhibit.added_at,
                    Change::ExhibitErased { at, .. } => *at,
                };
                out.push((at, change.describe()));
            }
        }
        Ok(out)
    }

    /// The settings.
    pub fn settings(&self) -> Result<Settings> {
        let unlocked = self.unlocked()?;
        match meta::get(self.store.conn(), meta::SETTINGS)? {
            Some(sealed) => record::open(&unlocked.identity, settings_place(), &sealed),
            None => Ok(Settings::default()),
        }
    }

    /// Saves the settings.
    pub fn save_settings(&mut self, settings: &Settings) -> Result<()> {
        self.unlocked()?;
        let mut settings = settings.clone();
        settings.validate()?;
        let sealed = record::seal(&self.recipient, settings_place(), &settings)?;
        self.store
            .write(|tx| meta::put(tx, meta::SETTINGS, &sealed))
    }

    /// The diary's fingerprint: the head of the hash chain.
    pub fn fingerprint(&self) -> Result<String> {
        let unlocked = self.unlocked()?;
        Ok(read_head(self.store.conn(), &unlocked.identity)?.link)
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

    pub(crate) fn identity(&self) -> Result<&Identity> {
        Ok(&self.unlocked()?.identity)
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

/// Reads the sealed chain head and checks it matches the last event.
pub(crate) fn read_head(conn: &rusqlite::Connection, identity: &Identity) -> Result<Head> {
    let sealed = meta::get(conn, meta::HEAD)?
        .ok_or_else(|| Error::Tampered("the chain head is missing".into()))?;
    let head: HeadRecord = record::open(identity, head_place(), &sealed)?;
    let last = store::events::last_seq(conn)?;
    if head.seq != last {
        return Err(Error::Tampered(format!(
            "the chain head names change {} but the last change is {last}",
            head.seq
        )));
    }
    Ok(Head {
        seq: head.seq,
        link: head.link,
    })
}

/// Appends a change to the chain in the open transaction.
pub(crate) fn append(
    tx: &rusqlite::Transaction,
    recipient: &Recipient,
    identity: &Identity,
    entry_number: Option<u64>,
    change: &Change,
) -> Result<String> {
    let head = read_head(tx, identity)?;
    let seq = head.seq + 1;
    let id = record::new_id();
    let body = record::body_bytes(change)?;
    let body_sha256 = record::sha256_hex(body.get().as_bytes());
    let envelope = Envelope {
        v: RECORD_VERSION,
        table: "events".into(),
        id: id.clone(),
        seq: Some(seq),
        entry: entry_number,
        prev: Some(head.link.clone()),
        body_sha256: Some(body_sha256.clone()),
        body: Some(body),
    };
    let payload = record::seal_envelope(recipient, &envelope)?;
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
        link: link.clone(),
    };
    meta::put(
        tx,
        meta::HEAD,
        &record::seal(recipient, head_place(), &head)?,
    )?;
    Ok(id)
}

/// Opens an event's change; `None` for a tombstoned (erased) event.
pub(crate) fn open_change(identity: &Identity, row: &store::events::Row) -> Result<Option<Change>> {
    let place = Place {
        table: "events",
        id: &row.id,
    };
    let envelope = record::open_envelope(identity, place, &row.payload)?;
    match envelope.body {
        Some(body) => record::parse_body(place, &body).map(Some),
        None => Ok(None),
    }
}

/// Rebuilds every entry's state from the chain (for verification).
pub(crate) fn rebuild_index(
    conn: &rusqlite::Connection,
    identity: &Identity,
) -> Result<Vec<Entry>> {
    index::rebuild_all(conn, identity)
}

pub(crate) fn open_exhibit_row(
    conn: &rusqlite::Connection,
    identity: &Identity,
    row: &store::exhibits::Row,
) -> Result<crate::evidence::Exhibit> {
    evidence::open_exhibit(conn, identity, row)
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
