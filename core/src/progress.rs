//! How a long job (storing an evidence file, making a report, a handover file or an
//! evidence pack) tells its caller how far it has got, and learns that it should
//! stop. One trait for every job, so a window or a terminal shows them all alike.

/// What the numbers of a job count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Bytes of an evidence file or an export.
    Bytes,
    /// Entries laid out or written.
    Entries,
}

impl Unit {
    /// `bytes` or `entries`, as the desktop shell names the stage.
    pub fn key(self) -> &'static str {
        match self {
            Unit::Bytes => "bytes",
            Unit::Entries => "entries",
        }
    }
}

/// Told how far a job has got; asked whether to stop.
pub trait Progress {
    /// About `done` of `total` `unit`s are finished.
    fn advanced(&self, done: u64, total: u64, unit: Unit);
    /// When this turns true the job stops, and leaves nothing half-made behind.
    fn cancelled(&self) -> bool {
        false
    }
}

/// For callers that do not show progress.
pub struct NoProgress;

impl Progress for NoProgress {
    fn advanced(&self, _done: u64, _total: u64, _unit: Unit) {}
}
