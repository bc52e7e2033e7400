//! The vault: one SQLite file holding a diary, sealed with age.
//!
//! A `Vault` is opened locked. Unlocking opens the vault's identity with the
//! passphrase; locking drops it (zeroized) together with every opened record held in
//! memory. A locked vault can still accept a new entry: it is sealed to the public
//! key and waits in the inbox until the next unlock moves it into the hash chain.

mod backup;
mod consistency;
mod custody;
mod disclose;
mod drafts;
mod entries;
mod evidence;
mod export;
mod head;
mod index;
mod keys;
mod messages;
mod notes;
mod practice;
mod receiving;
mod statement;
mod upgrade;
pub mod verify;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Utc;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::crypto::{self, Identity, Recipient};
use crate::error::{Error, Result};
use crate::record::Keys;
use crate::record::{self, Place};
use crate::settings::{self, Settings};
use crate::store::{self, meta, Store};

pub use custody::Custody;
pub use disclose::{Output, Preview as DisclosurePreview, Selection};
pub use evidence::Original;
pub use export::{HandoverKey, HandoverOptions, PackOptions};
pub use index::PAGE_ENTRIES;
pub use keys::check_passphrase;
pub use messages::{Choice as ImportChoice, Imported, PAGE_MESSAGES};
pub use notes::HeldNote;
pub use practice::{sample_incidents, PRACTICE_PASSPHRASE};
pub use statement::StatementOptions;

use head::{append, head_place, last_change_at, open_change, read_head, HeadRecord};
use notes::absorb_within;

/// Shortest passphrase accepted for a new diary.
pub const PASSPHRASE_MIN_CHARS: usize = 8;

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

    /// Makes a new diary at an older schema version, for the tests of migrations
    /// (here and in the kill campaign). Never for a real diary.
    #[doc(hidden)]
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
        check_passphrase("passphrase", &passphrase)?;
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
            let mut head = HeadRecord::genesis(&vault_id, authenticated);
            if authenticated {
                head.recovery = Some(record::sha256_hex(by_recovery.as_bytes()));
            }
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

    /// The settings. Authenticated, and checked against the same bounds as when
    /// they are saved: settings that are out of bounds were not saved by Daybook.
    pub fn settings(&self) -> Result<Settings> {
        let unlocked = self.unlocked()?;
        // The head and the settings as one save left them, whatever another
        // process saves meanwhile.
        let (recorded, stored) = store::snapshot(self.store.conn(), |conn| {
            Ok((
                head::head_settings(conn, &unlocked.keys)?,
                meta::get(conn, meta::SETTINGS)?,
            ))
        })?;
        // The head says which settings were saved last: removed or older ones (an
        // older keep-out list) are refused, not quietly used.
        match (&recorded, &stored) {
            (Some(_), None) => {
                return Err(Error::tampered(
                    "the settings",
                    "they were removed from the diary file",
                ))
            }
            (Some(sha), Some(sealed)) if *sha != record::sha256_hex(sealed.as_bytes()) => {
                return Err(Error::tampered(
                    "the settings",
                    "they are not the ones saved last (they were replaced or put back from an older copy)",
                ))
            }
            _ => {}
        }
        match stored {
            Some(sealed) => {
                let mut settings: Settings =
                    record::open(&unlocked.keys, settings_place(), &sealed)?;
                settings.validate().map_err(|e| {
                    Error::tampered(
                        "the settings",
                        format!("they are not ones Daybook saves ({e})"),
                    )
                })?;
                Ok(settings)
            }
            None => Ok(Settings::default()),
        }
    }

    /// Saves the settings.
    pub fn save_settings(&mut self, settings: &Settings) -> Result<()> {
        self.refuse_if_read_only()?;
        let mut settings = settings.clone();
        settings.validate()?;
        let unlocked = self.unlocked.as_ref().ok_or(Error::Locked)?;
        let keys = &unlocked.keys;
        let sealed = record::seal(keys, settings_place(), &settings)?;
        self.store.write(|tx| {
            meta::put(tx, meta::SETTINGS, &sealed)?;
            if !keys.is_legacy() {
                head::put_head_settings(tx, keys, record::sha256_hex(sealed.as_bytes()))?;
            }
            Ok(())
        })
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

fn settings_place() -> Place<'static> {
    Place {
        table: "meta",
        id: meta::SETTINGS,
    }
}
