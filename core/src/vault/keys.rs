//! The diary's key: unlocking with the passphrase or the recovery code, changing the
//! passphrase, and the growing wait after a wrong one. The key (the identity) is
//! stored twice, each copy sealed with age's scrypt recipient; see `crypto`.
//!
//! The wait survives a restart: the count of recent failures, and the moment the
//! last wait ends, are kept in the vault file (`meta.failed_unlocks`, plaintext: it
//! is not secret). Each failure is written down *before* its wait, and each attempt
//! first waits out what is left of the last one, so killing the process during a
//! wait gains nothing. Never a lock-out: no wait is longer than
//! `FAILURE_DELAY_MAX`, a day without failures forgets them, and the right
//! passphrase or code removes the count.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use super::{index, meta, Unlocked, Vault, PASSPHRASE_MIN_CHARS};
use crate::crypto::{self, Identity, UnwrapFailure};
use crate::error::{Error, Result};
use crate::record::Keys;

/// Wrong passphrases and recovery codes so far in this process (the count for a
/// diary opened read-only, which cannot write its own).
static FAILURES: AtomicU32 = AtomicU32::new(0);
/// The wait after the first failure; each further failure doubles it.
const FAILURE_DELAY_FIRST: Duration = Duration::from_millis(500);
const FAILURE_DELAY_MAX: Duration = Duration::from_secs(30);
/// Failures older than this (since the end of the last wait) are forgotten.
const FAILURES_FORGOTTEN_AFTER: Duration = Duration::from_secs(24 * 60 * 60);
/// The count kept is capped (the wait stops growing long before).
const FAILURES_COUNTED_MAX: u32 = 1_000;
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
fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Recent failures as stored: `<count> <not before, ms since 1970>`. Anything
/// unreadable counts as none (the row is not secret and protects nothing by itself:
/// it only slows guessing through Daybook).
fn parse_failures(value: &[u8], now: u64) -> (u32, u64) {
    let text = String::from_utf8_lossy(value);
    let mut parts = text.split_whitespace().map(|p| p.parse::<u64>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(count), Some(not_before))
            if now < not_before.saturating_add(FAILURES_FORGOTTEN_AFTER.as_millis() as u64) =>
        {
            (
                count.min(u64::from(FAILURES_COUNTED_MAX)) as u32,
                not_before,
            )
        }
        _ => (0, 0),
    }
}

/// What is left of the wait that ends at `not_before`, never more than the wait
/// `count` failures ask for (so a clock set back, or a row set far ahead, cannot
/// lock anyone out).
fn wait_left(first: Duration, count: u32, not_before: u64, now: u64) -> Duration {
    if count == 0 {
        return Duration::ZERO;
    }
    Duration::from_millis(not_before.saturating_sub(now)).min(failure_delay(first, count))
}

impl Vault {
    /// Recent failures stored in this diary: (count, end of the last wait).
    fn stored_failures(&self) -> (u32, u64) {
        match meta::get_plain(self.store.conn(), meta::FAILED_UNLOCKS) {
            Ok(Some(value)) => parse_failures(&value, now_ms()),
            _ => (0, 0),
        }
    }

    /// Before an attempt: waits out what is left of the wait after the last failure,
    /// whichever process it was in.
    fn wait_out_earlier_failures(&self) {
        let (count, not_before) = self.stored_failures();
        std::thread::sleep(wait_left(
            first_failure_delay(),
            count,
            not_before,
            now_ms(),
        ));
    }

    /// Records a failed attempt (in the file first, then in this process) and waits
    /// longer each time.
    fn wait_after_failure(&mut self) {
        let stored = self.stored_failures().0;
        let in_process = FAILURES.fetch_add(1, Ordering::SeqCst).saturating_add(1);
        let failures = stored
            .saturating_add(1)
            .max(in_process)
            .min(FAILURES_COUNTED_MAX);
        let delay = failure_delay(first_failure_delay(), failures);
        if !self.read_only {
            let value = format!(
                "{failures} {}",
                now_ms().saturating_add(delay.as_millis() as u64)
            );
            // Best effort: a diary busy in another process still refuses the guess,
            // and this process still waits.
            let _ = self
                .store
                .write(|tx| meta::put_plain(tx, meta::FAILED_UNLOCKS, value.as_bytes()));
        }
        std::thread::sleep(delay);
    }

    /// After the right passphrase or code: the count starts again.
    fn forget_failures(&mut self) {
        FAILURES.store(0, Ordering::SeqCst);
        if !self.read_only && self.stored_failures().0 > 0 {
            let _ = self
                .store
                .write(|tx| meta::delete(tx, meta::FAILED_UNLOCKS));
        }
    }
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
        &mut self,
        name: &str,
        secret: &SecretString,
        wrong: Error,
    ) -> Result<crypto::Unwrapped> {
        let sealed = meta::get(self.store.conn(), name)?.ok_or_else(|| {
            Error::NotAVault("the diary is missing its key; it may be damaged".into())
        })?;
        self.wait_out_earlier_failures();
        match crypto::unwrap_identity(&sealed, secret) {
            Ok(unwrapped) => {
                if unwrapped.identity.recipient().to_string() != self.recipient.to_string() {
                    return Err(Error::tampered(
                        "the diary's public key",
                        "it does not match its key; it may have been altered",
                    ));
                }
                self.forget_failures();
                Ok(unwrapped)
            }
            Err(UnwrapFailure::WrongKey) => {
                self.wait_after_failure();
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
        if !legacy && !self.read_only {
            if let Some(unlocked) = &self.unlocked {
                // Best effort: a head that does not read is named by `verify` and
                // refused by everything that needs it; unlocking still works.
                let _ = super::head::record_missing_digests(&mut self.store, &unlocked.keys);
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
    fn stored_failures_are_bounded_and_forgotten() {
        let first = FAILURE_DELAY_FIRST;
        let now = 1_000_000_000_000;
        assert_eq!(
            parse_failures(b"3 1000000000500", now),
            (3, 1_000_000_000_500)
        );
        // A wait set far ahead is never longer than the count asks for.
        assert_eq!(
            wait_left(first, 1, u64::MAX, now),
            Duration::from_millis(500)
        );
        assert_eq!(wait_left(first, 40, u64::MAX, now), FAILURE_DELAY_MAX);
        assert_eq!(wait_left(first, 0, u64::MAX, now), Duration::ZERO);
        // What is left of a wait, and none once it is over.
        assert_eq!(
            wait_left(first, 2, now + 300, now),
            Duration::from_millis(300)
        );
        assert_eq!(wait_left(first, 2, now - 1, now), Duration::ZERO);
        // A huge count is capped; a day later it is forgotten; nonsense is nothing.
        assert_eq!(
            parse_failures(b"99999999999 1000000000000", now).0,
            FAILURES_COUNTED_MAX
        );
        let day = FAILURES_FORGOTTEN_AFTER.as_millis() as u64;
        assert_eq!(parse_failures(b"5 1000000000000", now + day), (0, 0));
        assert_eq!(parse_failures(b"5 1000000000000", now + day - 1).0, 5);
        for junk in [&b""[..], b"x y", b"-1 5", b"5", &[0xff, 0xfe]] {
            assert_eq!(parse_failures(junk, now), (0, 0));
        }
    }

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
