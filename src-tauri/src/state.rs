//! What the running app remembers: the path of the diary, at most one open vault
//! (locked or unlocked), files the user has handed over but not yet attached, the
//! running export jobs, and when the user last did something (for auto-lock).
//!
//! Locks are never `unwrap`ped: a poisoned mutex is taken over (the vault's own
//! storage is transactional, so a panic elsewhere cannot leave it half-written).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use daybook_core::bundle::handover::Case;
use daybook_core::Vault;
use serde::Serialize;
use tauri::ipc::Channel;

use crate::error::{kind, CmdResult, UiError};

/// Takes a lock, recovering the data if another thread panicked while holding it.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A file the user gave the app (through a dialog, a drop or a paste) that is not yet
/// attached to an entry. Only these paths may be attached: the webview cannot name
/// an arbitrary file.
pub enum Staged {
    Path(PathBuf),
    Bytes { name: String, bytes: Vec<u8> },
}

/// Messages the shell pushes to the UI over the channel it subscribed with.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum AppEvent {
    /// Idle for the auto-lock time: save the draft, then call `vault_lock`.
    LockRequested,
    /// The shell locked the vault itself (the UI did not answer in time).
    Locked,
    /// Files were dropped on the window; they are staged under these tokens.
    Dropped { files: Vec<StagedFile> },
    /// The window is closing: hand over the draft with `vault_quick_exit`.
    CloseRequested,
}

/// A staged file as the UI sees it.
#[derive(Debug, Clone, Serialize)]
pub struct StagedFile {
    pub token: u64,
    pub name: String,
    pub size: u64,
    /// The capture time the file itself gives (a photo's EXIF), offered as the
    /// entry's time.
    pub capture_time: Option<String>,
}

/// Where the diary lives and whether it is the practice one.
pub struct Place {
    pub path: PathBuf,
    /// Holds the temporary directory of a practice diary; removed by
    /// [`AppState::end_practice`] on every way out (see `practice.rs`).
    pub practice: Option<tempfile::TempDir>,
}

/// An automatic backup decided while the diary was unlocked, to be taken once it is
/// locked (copying the sealed file needs no key).
pub struct PendingBackup(Box<TakeBackup>);

/// Copies the sealed file into the backup folder through the vault given.
type TakeBackup = dyn FnOnce(&mut Vault) -> daybook_core::Result<PathBuf> + Send;

/// How the app ends the process: `std::process::exit`, or a recorder in tests.
pub type Exit = Box<dyn Fn(i32) + Send + Sync>;

pub struct AppState {
    /// The real diary's path, where leaving practice goes back to.
    pub home: PathBuf,
    pub place: Mutex<Place>,
    /// At most one vault, locked or unlocked.
    pub vault: Mutex<Option<Vault>>,
    pub staged: Mutex<HashMap<u64, Staged>>,
    pub next_token: AtomicU64,
    /// Cancel flags of running jobs, by job id.
    pub jobs: Mutex<HashMap<u64, Arc<AtomicBool>>>,
    pub last_activity: Mutex<Instant>,
    pub auto_lock_minutes: AtomicU32,
    pub events: Mutex<Option<Channel<AppEvent>>>,
    /// Ends the process once the diary is locked and the practice diary removed.
    pub exit: Exit,
    /// Handover files and backups the person chose in a dialog, by token, not yet
    /// opened: only these may be opened (the webview cannot name a file).
    pub picked: Mutex<HashMap<u64, PathBuf>>,
    /// Handover files open for viewing, by id. Nothing of them is on disk; closing
    /// or locking forgets them.
    pub cases: Mutex<HashMap<u64, Arc<Mutex<Case>>>>,
    /// A handover file the app was started with (`daybook-app FILE`, as a file manager
    /// does on a double click), picked once for the UI to open.
    pub launch_file: Mutex<Option<PathBuf>>,
}

/// Auto-lock time until the settings say otherwise.
pub const AUTO_LOCK_DEFAULT_MINUTES: u32 = 5;

impl AppState {
    pub fn new(path: PathBuf) -> Self {
        AppState {
            home: path.clone(),
            place: Mutex::new(Place {
                path,
                practice: None,
            }),
            vault: Mutex::new(None),
            staged: Mutex::new(HashMap::new()),
            next_token: AtomicU64::new(1),
            jobs: Mutex::new(HashMap::new()),
            last_activity: Mutex::new(Instant::now()),
            auto_lock_minutes: AtomicU32::new(AUTO_LOCK_DEFAULT_MINUTES),
            events: Mutex::new(None),
            exit: Box::new(|code| {
                std::process::exit(code);
            }),
            picked: Mutex::new(HashMap::new()),
            cases: Mutex::new(HashMap::new()),
            launch_file: Mutex::new(None),
        }
    }

    /// The same state, ending the process with `exit` instead (for tests).
    pub fn with_exit(mut self, exit: Exit) -> Self {
        self.exit = exit;
        self
    }

    /// Records that the user did something.
    pub fn touch(&self) {
        *lock(&self.last_activity) = Instant::now();
    }

    pub fn idle_secs(&self) -> u64 {
        lock(&self.last_activity).elapsed().as_secs()
    }

    pub fn path(&self) -> PathBuf {
        lock(&self.place).path.clone()
    }

    pub fn is_practice(&self) -> bool {
        lock(&self.place).practice.is_some()
    }

    /// Runs `f` with the vault, opening it (locked) first if needed.
    pub fn with_vault<T>(
        &self,
        f: impl FnOnce(&mut Vault) -> daybook_core::Result<T>,
    ) -> CmdResult<T> {
        self.touch();
        let mut guard = lock(&self.vault);
        if guard.is_none() {
            let path = self.path();
            if !Vault::exists(&path) {
                return Err(UiError::new(kind::NO_VAULT, "there is no diary yet"));
            }
            *guard = Some(Vault::open(&path)?);
        }
        match guard.as_mut() {
            Some(vault) => Ok(f(vault)?),
            None => Err(UiError::new(kind::NO_VAULT, "there is no diary yet")),
        }
    }

    pub fn is_unlocked(&self) -> bool {
        lock(&self.vault).as_ref().is_some_and(|v| v.is_unlocked())
    }

    /// Locks at once: stops the running jobs (they stop between chunks and let go of
    /// the vault), decides whether an automatic backup is due (that needs the key),
    /// drops the key and everything staged, and only then copies the sealed file
    /// into the backup folder, which needs no key.
    pub fn lock_now(&self) {
        if let Some(due) = self.drop_key() {
            let _ = self.backup_sealed(due);
        }
    }

    /// The first half of [`AppState::lock_now`]: the diary is locked when this
    /// returns. Returns the automatic backup that is due, if any.
    pub fn drop_key(&self) -> Option<PendingBackup> {
        self.cancel_jobs();
        lock(&self.staged).clear();
        // Open handover files are as private as the diary: forget them too.
        lock(&self.cases).clear();
        lock(&self.picked).clear();
        let mut guard = lock(&self.vault);
        let vault = guard.as_mut()?;
        let due =
            if vault.is_unlocked() {
                // A diary that cannot say whether a backup is due is locked regardless.
                vault.auto_backup_due().ok().flatten().map(|due| {
                    PendingBackup(Box::new(move |copy: &mut Vault| copy.take_backup(due)))
                })
            } else {
                None
            };
        vault.lock();
        due
    }

    /// The second half of [`AppState::lock_now`]: copies the sealed diary into the
    /// backup folder through its own connection, so the shared vault (now locked)
    /// stays free for the UI meanwhile. A failed backup is not an error here: the
    /// diary is locked either way, and the next lock tries again.
    pub fn backup_sealed(&self, due: PendingBackup) -> Option<PathBuf> {
        let mut copy = Vault::open(&self.path()).ok()?;
        (due.0)(&mut copy).ok()
    }

    /// Closes the practice diary and deletes its folder; nothing of it is kept. Does
    /// nothing when the real diary is open.
    pub fn end_practice(&self) {
        let dir = {
            let mut place = lock(&self.place);
            let Some(dir) = place.practice.take() else {
                return;
            };
            place.path = self.home.clone();
            dir
        };
        // Close the practice vault first, so its files are not held open.
        *lock(&self.vault) = None;
        crate::practice::remove(dir);
    }

    /// The way out for quick exit, a closed window and a signal: lock (the draft was
    /// saved sealed before, where there was one), delete the practice diary, end the
    /// process.
    pub fn quit(&self) {
        self.lock_now();
        *lock(&self.vault) = None;
        self.end_practice();
        (self.exit)(0);
    }

    /// Registers a long job under the id the UI chose, so `cancel_job` can stop it.
    /// The job is forgotten when the returned guard is dropped.
    pub fn start_job(&self, id: u64) -> Job<'_> {
        let cancel = Arc::new(AtomicBool::new(false));
        lock(&self.jobs).insert(id, cancel.clone());
        Job {
            state: self,
            id,
            cancel,
        }
    }

    /// Asks every running job to stop. Done first when locking, so a job holding the
    /// vault (a long attach or export) lets go of it at once instead of holding up
    /// the lock until it is done.
    pub fn cancel_jobs(&self) {
        for flag in lock(&self.jobs).values() {
            flag.store(true, Ordering::SeqCst);
        }
    }

    /// Asks a running job to stop (it stops at its next check and keeps nothing).
    pub fn cancel_job(&self, id: u64) {
        if let Some(flag) = lock(&self.jobs).get(&id) {
            flag.store(true, Ordering::SeqCst);
        }
    }

    /// Remembers a file chosen in a dialog under a new token.
    pub fn pick(&self, path: PathBuf) -> u64 {
        let token = self.next_token.fetch_add(1, Ordering::SeqCst);
        lock(&self.picked).insert(token, path);
        token
    }

    pub fn stage(&self, item: Staged) -> u64 {
        let token = self.next_token.fetch_add(1, Ordering::SeqCst);
        lock(&self.staged).insert(token, item);
        token
    }

    pub fn has_subscriber(&self) -> bool {
        lock(&self.events).is_some()
    }

    pub fn send(&self, event: AppEvent) {
        if let Some(channel) = lock(&self.events).as_ref() {
            // The UI may have gone (reload); nothing to do then.
            let _ = channel.send(event);
        }
    }
}

/// A running job: its cancel flag, registered in `AppState::jobs` until dropped.
pub struct Job<'a> {
    state: &'a AppState,
    id: u64,
    cancel: Arc<AtomicBool>,
}

impl Job<'_> {
    /// The flag the job's worker checks; true once the job is cancelled.
    pub fn flag(&self) -> Arc<AtomicBool> {
        self.cancel.clone()
    }
}

impl Drop for Job<'_> {
    fn drop(&mut self) {
        lock(&self.state.jobs).remove(&self.id);
    }
}
