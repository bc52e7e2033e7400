//! Stopping a long copy between chunks. The vault's exports take a `Progress` that
//! is asked between exhibits, but one original can be gigabytes; a caller that must
//! stop at once (the desktop app, locking) runs the export inside [`scope`], and the
//! copy loops of this module's siblings look at the flag before every chunk
//! (`digest::CHUNK_BYTES`) and stop with `Error::Cancelled`, leaving nothing behind
//! (the pack and the handover remove what they wrote).
//!
//! The flag is per thread: the copies run on the thread that called the export.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

thread_local! {
    static FLAG: RefCell<Option<Arc<AtomicBool>>> = const { RefCell::new(None) };
}

/// Runs `f` with `flag` as this thread's cancel flag.
pub fn scope<T>(flag: Arc<AtomicBool>, f: impl FnOnce() -> T) -> T {
    struct Restore(Option<Arc<AtomicBool>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            FLAG.with(|f| *f.borrow_mut() = previous);
        }
    }
    let _restore = Restore(FLAG.with(|f| f.borrow_mut().replace(flag)));
    f()
}

/// Whether the copy running on this thread has been asked to stop.
pub(crate) fn requested() -> bool {
    FLAG.with(|f| {
        f.borrow()
            .as_ref()
            .is_some_and(|flag| flag.load(Ordering::SeqCst))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_holds_inside_the_scope_only() {
        let flag = Arc::new(AtomicBool::new(true));
        assert!(!requested());
        assert!(scope(flag, requested));
        assert!(!requested());
    }
}
