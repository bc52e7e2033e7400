//! The diary's key: unlocking with the passphrase or the recovery code, changing the
//! passphrase, and the growing wait after a wrong one. The key (the identity) is
//! stored twice, each copy sealed with age's scrypt recipient; see `crypto`.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use super::{index, meta, Unlocked, Vault, PASSPHRASE_MIN_CHARS};
use crate::crypto::{self, Identity, UnwrapFailure};
use crate::error::{Error, Result};
use crate::record::Keys;

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

impl Vault {
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
        check_passphrase("passphrase", &new_passphrase)?;
        let code = crypto::normalise_recovery_code(code);
        let unwrapped =
            self.open_identity(meta::IDENTITY_RECOVERY, &code, Error::WrongRecoveryCode)?;
        self.refuse_if_read_only()?;
        self.rewrap(&unwrapped.identity, &new_passphrase)?;
        self.finish_unlock(unwrapped, meta::IDENTITY_RECOVERY, &code)
    }

    /// Changes the passphrase: only the sealed copy of the key changes.
    pub fn change_passphrase(&mut self, current: &SecretString, new: SecretString) -> Result<()> {
        check_passphrase("passphrase", &new)?;
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
}

/// The rule for every new passphrase: the diary's and a handover file's, in the app
/// and on the command line. `field` names it in the error.
pub fn check_passphrase(field: &str, passphrase: &SecretString) -> Result<()> {
    if passphrase.expose_secret().chars().count() < PASSPHRASE_MIN_CHARS {
        return Err(Error::InvalidField {
            field: field.into(),
            message: format!("please choose at least {PASSPHRASE_MIN_CHARS} characters"),
        });
    }
    Ok(())
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
