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
/// Debug builds only: a shorter first wait for the tests, in milliseconds.
///
/// Why only there: anyone who can set the person's environment (a shared login, a
/// line in a shell profile) could otherwise make guessing the passphrase cheaper.
/// In a release build the variable is never read: the code that reads it is not
/// compiled in (`cfg(debug_assertions)`), so no value, however set, changes the wait.
/// It can only shorten the wait, never lengthen it, and the wait still doubles.
#[cfg_attr(not(debug_assertions), allow(dead_code))]
const TEST_FAILURE_DELAY_ENV: &str = "DAYBOOK_TEST_FAILURE_DELAY_MS";

/// The first wait: 0.5 s, or in debug builds what `TEST_FAILURE_DELAY_ENV` asks for.
fn first_failure_delay() -> Duration {
    #[cfg(debug_assertions)]
    {
        first_failure_delay_from(std::env::var(TEST_FAILURE_DELAY_ENV).ok().as_deref())
    }
    #[cfg(not(debug_assertions))]
    {
        FAILURE_DELAY_FIRST
    }
}

/// The first wait for a value of `TEST_FAILURE_DELAY_ENV` (debug builds only).
#[cfg(debug_assertions)]
fn first_failure_delay_from(value: Option<&str>) -> Duration {
    value
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_millis)
        .map_or(FAILURE_DELAY_FIRST, |asked| asked.min(FAILURE_DELAY_FIRST))
}

fn failure_delay(first: Duration, failures: u32) -> Duration {
    let factor = 1u32 << failures.saturating_sub(1).min(10);
    (first * factor).min(FAILURE_DELAY_MAX)
}
/// Records a failed attempt and waits longer each time.
fn wait_after_failure() {
    let failures = FAILURES.fetch_add(1, Ordering::SeqCst) + 1;
    std::thread::sleep(failure_delay(first_failure_delay(), failures));
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
                    return Err(Error::tampered(
                        "the diary's public key",
                        "it does not match its key; it may have been altered",
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
            Err(UnwrapFailure::Damaged) => Err(Error::tampered("the diary's key", "it is damaged")),
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
        let first = FAILURE_DELAY_FIRST;
        assert_eq!(failure_delay(first, 1), Duration::from_millis(500));
        assert_eq!(failure_delay(first, 2), Duration::from_secs(1));
        assert_eq!(failure_delay(first, 3), Duration::from_secs(2));
        assert_eq!(failure_delay(first, 20), FAILURE_DELAY_MAX);
        // A shortened first wait still doubles.
        let short = Duration::from_millis(2);
        assert_eq!(failure_delay(short, 1), short);
        assert_eq!(failure_delay(short, 3), Duration::from_millis(8));
    }

    #[cfg(debug_assertions)]
    #[test]
    fn a_debug_build_takes_a_shorter_test_delay_but_never_a_longer_one() {
        assert_eq!(first_failure_delay_from(None), FAILURE_DELAY_FIRST);
        assert_eq!(first_failure_delay_from(Some("0")), Duration::ZERO);
        assert_eq!(
            first_failure_delay_from(Some("5")),
            Duration::from_millis(5)
        );
        assert_eq!(
            first_failure_delay_from(Some("999999")),
            FAILURE_DELAY_FIRST
        );
        assert_eq!(
            first_failure_delay_from(Some("not a number")),
            FAILURE_DELAY_FIRST
        );
    }

    /// Runs in release test builds, or without building everything in release:
    /// `cargo test -p daybook-core --lib --config
    /// 'profile.dev.package.daybook-core.debug-assertions=false' release_build`.
    /// Runs itself again in a child process with the variable set to 0 (setting it
    /// here would race with other tests reading the environment).
    #[cfg(not(debug_assertions))]
    #[test]
    fn fail_a_release_build_ignores_the_test_delay() {
        if std::env::var_os(TEST_FAILURE_DELAY_ENV).is_some() {
            assert_eq!(first_failure_delay(), FAILURE_DELAY_FIRST);
            return;
        }
        let name = format!(
            "{}::fail_a_release_build_ignores_the_test_delay",
            module_path!().split_once("::").map_or("", |(_, rest)| rest)
        );
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([name.as_str(), "--exact", "--test-threads=1"])
            .env(TEST_FAILURE_DELAY_ENV, "0")
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{said}");
        assert!(said.contains("1 passed"), "the child ran no test: {said}");
    }
}
