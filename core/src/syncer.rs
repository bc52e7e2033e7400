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
        let (tx, rx) = sync_channel::<()>(1);
        let worker = std::thread::spawn(move || {
            while rx.recv().is_ok() {
                // Best effort: the final sync reports any error that matters.
                let _ = file.sync_data();
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
    use std::io::Write;

    #[test]
    fn nudges_do_not_block_and_drop_waits_for_the_thread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let mut file = File::create(&path).unwrap();
        let syncer = Syncer::new(file.try_clone().unwrap());
        for _ in 0..100 {
            file.write_all(&[1u8; 4096]).unwrap();
            syncer.nudge();
        }
        drop(syncer);
        file.sync_all().unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 409_600);
    }
}
