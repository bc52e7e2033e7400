//! Syncing a file to disk on a background thread while it is still being written.
//!
//! Why: a long write that syncs only at the end waits for the disk to take all of it
//! at once; one that syncs inline stops its own work while the disk catches up. A
//! sync asked for now and then, done by another thread, lets the disk work while we
//! carry on. It never replaces the final sync that makes a save durable.

use std::fs::File;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::thread::JoinHandle;

/// Syncs one file's data whenever nudged (a nudge while a sync is waiting is dropped).
pub struct Syncer {
    tx: Option<SyncSender<()>>,
    worker: Option<JoinHandle<()>>,
}

impl Syncer {
    /// Takes a handle to the file (for example `File::try_clone` of the one being
    /// written, or the file opened again read-only).
    pub fn new(file: File) -> Syncer {
        // Best effort: the final sync reports any error that matters.
        Syncer::with_action(move || {
            let _ = file.sync_data();
        })
    }

    /// Runs `action` on the background thread for each nudge that is not dropped.
    fn with_action(mut action: impl FnMut() + Send + 'static) -> Syncer {
        let (tx, rx) = sync_channel::<()>(1);
        let worker = std::thread::spawn(move || {
            while rx.recv().is_ok() {
                action();
            }
        });
        Syncer {
            tx: Some(tx),
            worker: Some(worker),
        }
    }

    /// Asks for a sync without waiting for it.
    pub fn nudge(&self) {
        if let Some(tx) = &self.tx {
            let _ = tx.try_send(());
        }
    }
}

impl Drop for Syncer {
    fn drop(&mut self) {
        self.tx = None;
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn nudges_never_wait_and_pile_up_into_one() {
        let syncs = Arc::new(AtomicUsize::new(0));
        let counted = syncs.clone();
        let syncer = Syncer::with_action(move || {
            // A slow disk.
            std::thread::sleep(std::time::Duration::from_millis(200));
            counted.fetch_add(1, Ordering::SeqCst);
        });
        for _ in 0..1000 {
            syncer.nudge();
        }
        drop(syncer);
        // Had a nudge waited for its sync there would be 1000 (and 200 s); they pile
        // up instead into the running sync and at most one waiting.
        let n = syncs.load(Ordering::SeqCst);
        assert!((1..=2).contains(&n), "{n} syncs");
    }
}
