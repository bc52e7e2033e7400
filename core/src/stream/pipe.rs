//! Two-core pipelines for streaming evidence: one thread reads (and hashes) while
//! the other encrypts and stores. At most `PIPE_DEPTH` buffers of `PIPE_BUFFER_BYTES`
//! are in flight, so memory stays small whatever the size of the file.

use std::io::{self, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender};
use std::thread::JoinHandle;
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::crypto::{HeaderDigest, Identity, OpenReader, Recipient, SealWriter};

/// Bytes per buffer passed between the threads.
pub const PIPE_BUFFER_BYTES: usize = 1024 * 1024;
/// Buffers in flight.
const PIPE_DEPTH: usize = 4;
/// How often an `OpeningPipe` waiting for its worker checks whether it can feed it.
const FEED_INTERVAL: Duration = Duration::from_millis(2);

/// A writer whose bytes are written by a background thread to `W`.
pub struct BackgroundWriter<W: Write + Send + 'static> {
    buf: Vec<u8>,
    tx: Option<SyncSender<Vec<u8>>>,
    worker: Option<JoinHandle<io::Result<W>>>,
}

fn stopped() -> io::Error {
    io::Error::other("the background writer stopped")
}

/// A core error met while opening a sealed stream, as a read error. A damaged stream
/// keeps only what is wrong with it: the reader of the stream names the place.
fn unopened(kind: io::ErrorKind, e: crate::Error) -> io::Error {
    match e {
        crate::Error::Tampered { why, .. } => io::Error::new(kind, why),
        other => io::Error::new(kind, other.to_string()),
    }
}

impl<W: Write + Send + 'static> BackgroundWriter<W> {
    pub fn new(mut inner: W) -> Self {
        let (tx, rx) = sync_channel::<Vec<u8>>(PIPE_DEPTH);
        let worker = std::thread::spawn(move || {
            for chunk in rx {
                inner.write_all(&chunk)?;
            }
            Ok(inner)
        });
        BackgroundWriter {
            buf: Vec::with_capacity(PIPE_BUFFER_BYTES),
            tx: Some(tx),
            worker: Some(worker),
        }
    }

    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(PIPE_BUFFER_BYTES));
        let sent = self
            .tx
            .as_ref()
            .map(|tx| tx.send(chunk).is_ok())
            .unwrap_or(false);
        if sent {
            Ok(())
        } else {
            // The worker failed: report its error.
            self.join().and(Err(stopped()))
        }
    }

    fn join(&mut self) -> io::Result<W> {
        self.tx = None;
        match self.worker.take().map(|w| w.join()) {
            Some(Ok(result)) => result,
            _ => Err(stopped()),
        }
    }

    /// Writes what is left and gives back the inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.send()?;
        self.join()
    }
}

impl<W: Write + Send + 'static> Write for BackgroundWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= PIPE_BUFFER_BYTES {
            self.send()?;
        }
        Ok(data.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

impl<W: Write + Send + 'static> Drop for BackgroundWriter<W> {
    fn drop(&mut self) {
        self.tx = None;
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

/// Buffers read and hashed (SHA-256) by a background thread. Buffers go back to the
/// thread once used, so a long stream reuses the same few.
pub struct HashingReader {
    rx: Option<Receiver<io::Result<Vec<u8>>>>,
    spare: SyncSender<Vec<u8>>,
    worker: Option<JoinHandle<(String, u64)>>,
}

impl HashingReader {
    pub fn new<R: Read + Send + 'static>(mut source: R) -> Self {
        let (tx, rx) = sync_channel::<io::Result<Vec<u8>>>(PIPE_DEPTH);
        let (spare, spares) = sync_channel::<Vec<u8>>(PIPE_DEPTH + 2);
        let worker = std::thread::spawn(move || {
            let mut hasher = Sha256::new();
            let mut size = 0u64;
            loop {
                let mut buf = spares
                    .try_recv()
                    .unwrap_or_else(|_| Vec::with_capacity(PIPE_BUFFER_BYTES));
                buf.resize(PIPE_BUFFER_BYTES, 0);
                // Fill the buffer (short reads are normal for pipes and some files).
                let filled = match fill(&mut source, &mut buf) {
                    Ok(n) => n,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        break;
                    }
                };
                if filled == 0 {
                    break;
                }
                buf.truncate(filled);
                hasher.update(&buf);
                size += filled as u64;
                if tx.send(Ok(buf)).is_err() {
                    break;
                }
            }
            (hex::encode(hasher.finalize()), size)
        });
        HashingReader {
            rx: Some(rx),
            spare,
            worker: Some(worker),
        }
    }

    /// The next buffer read (already hashed), or `None` at the end. Hand it back with
    /// `give_back` when done with it.
    pub fn next_buffer(&mut self) -> io::Result<Option<Vec<u8>>> {
        let Some(rx) = &self.rx else {
            return Ok(None);
        };
        match rx.recv() {
            Ok(Ok(buf)) => Ok(Some(buf)),
            Ok(Err(e)) => Err(e),
            Err(_) => Ok(None),
        }
    }

    /// Returns a buffer for the reading thread to fill again.
    pub fn give_back(&self, mut buf: Vec<u8>) {
        if buf.capacity() >= PIPE_BUFFER_BYTES {
            buf.clear();
            let _ = self.spare.try_send(buf);
        }
    }

    /// The SHA-256 (hex) and size of everything read. Call after reading to the end.
    pub fn finish(mut self) -> io::Result<(String, u64)> {
        self.rx = None;
        match self.worker.take().map(|w| w.join()) {
            Some(Ok(result)) => Ok(result),
            _ => Err(io::Error::other("the reading thread stopped")),
        }
    }
}

impl Drop for HashingReader {
    fn drop(&mut self) {
        self.rx = None;
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

/// Reads a source (hashing it) on one background thread and seals it on another; the
/// sealed stream arrives here in pieces. Three stages, so reading, sealing and storing
/// overlap: storing is the slowest, and it no longer waits for the encryption.
pub struct SealingPipe {
    rx: Option<Receiver<Vec<u8>>>,
    worker: Option<JoinHandle<io::Result<(String, u64)>>>,
}

/// Sends what is written as pieces of a fixed size.
struct PieceSender {
    tx: SyncSender<Vec<u8>>,
    buf: Vec<u8>,
    piece_bytes: usize,
}

impl PieceSender {
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let piece = std::mem::replace(&mut self.buf, Vec::with_capacity(self.piece_bytes));
        self.tx.send(piece).map_err(|_| stopped())
    }
}

impl Write for PieceSender {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let n = (self.piece_bytes - self.buf.len()).min(data.len());
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() == self.piece_bytes {
            self.send()?;
        }
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl SealingPipe {
    /// Starts reading `source` and sealing it to `recipient`, in pieces of
    /// `piece_bytes` (the last may be shorter).
    pub fn new<R: Read + Send + 'static>(
        source: R,
        recipient: Recipient,
        piece_bytes: usize,
    ) -> Self {
        let (tx, rx) = sync_channel::<Vec<u8>>(PIPE_DEPTH);
        let worker = std::thread::spawn(move || {
            let mut reader = HashingReader::new(source);
            let out = PieceSender {
                tx,
                buf: Vec::with_capacity(piece_bytes),
                piece_bytes,
            };
            let mut sealer = SealWriter::to_recipient(&recipient, out)
                .map_err(|e| io::Error::other(e.to_string()))?;
            while let Some(buf) = reader.next_buffer()? {
                sealer.write_all(&buf)?;
                reader.give_back(buf);
            }
            sealer.finish()?.send()?;
            reader.finish()
        });
        SealingPipe {
            rx: Some(rx),
            worker: Some(worker),
        }
    }

    /// The next piece of the sealed stream; `None` at the end (or when reading failed:
    /// `finish` says which).
    pub fn next_piece(&mut self) -> Option<Vec<u8>> {
        self.rx.as_ref().and_then(|rx| rx.recv().ok())
    }

    /// The SHA-256 (hex) and size of the source, or the error that stopped reading or
    /// sealing. Call after `next_piece` has returned `None`.
    pub fn finish(mut self) -> io::Result<(String, u64)> {
        self.rx = None;
        match self.worker.take().map(|w| w.join()) {
            Some(Ok(result)) => result,
            _ => Err(stopped()),
        }
    }
}

impl Drop for SealingPipe {
    fn drop(&mut self) {
        // Dropping the receiver makes the worker's next send fail, so it ends.
        self.rx = None;
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

/// Where an `OpeningPipe` gets its sealed bytes: pieces of any size, `None` at the end.
pub trait PieceSource {
    fn next_piece(&mut self) -> io::Result<Option<Vec<u8>>>;
}

/// Any reader, cut into pieces of `PIPE_BUFFER_BYTES` (for tests: the vault's
/// pieces come from its chunk rows).
#[cfg(test)]
pub struct ReadPieces<R: Read>(pub R);

#[cfg(test)]
impl<R: Read> PieceSource for ReadPieces<R> {
    fn next_piece(&mut self) -> io::Result<Option<Vec<u8>>> {
        let mut buf = vec![0u8; PIPE_BUFFER_BYTES];
        let n = fill(&mut self.0, &mut buf)?;
        buf.truncate(n);
        Ok((n > 0).then_some(buf))
    }
}

/// Passes on the pieces of a sealed stream only once its start (age header and
/// payload nonce) has the digest recorded when it was sealed (see
/// `crypto::HeaderDigest`); with no digest recorded, passes everything on unchecked.
pub struct CheckedHeader<S: PieceSource> {
    source: S,
    expected: Option<String>,
}

impl<S: PieceSource> CheckedHeader<S> {
    pub fn new(source: S, expected: Option<String>) -> Self {
        CheckedHeader { source, expected }
    }
}

impl<S: PieceSource> PieceSource for CheckedHeader<S> {
    fn next_piece(&mut self) -> io::Result<Option<Vec<u8>>> {
        let Some(expected) = self.expected.take() else {
            return self.source.next_piece();
        };
        let mut digest = HeaderDigest::new();
        let mut held: Vec<u8> = Vec::new();
        while !digest.is_complete() {
            let Some(piece) = self.source.next_piece()? else {
                break;
            };
            digest
                .update(&piece)
                .map_err(|e| unopened(io::ErrorKind::InvalidData, e))?;
            if held.is_empty() {
                held = piece;
            } else {
                held.extend_from_slice(&piece);
            }
        }
        if digest.finish().as_deref() != Some(expected.as_str()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the sealed original is not the one stored when it was added",
            ));
        }
        Ok((!held.is_empty()).then_some(held))
    }
}

/// Opens a sealed stream on a background thread while this thread reads the sealed
/// pieces from `source` (which may not leave this thread: a SQLite connection) and
/// takes the opened bytes back. Decryption then overlaps with whatever this thread
/// does with the bytes (hashing, writing a tar or a file).
pub struct OpeningPipe<S: PieceSource> {
    source: S,
    source_done: bool,
    pending: Option<Vec<u8>>,
    to_worker: Option<SyncSender<Vec<u8>>>,
    from_worker: Option<Receiver<io::Result<Vec<u8>>>>,
    worker: Option<JoinHandle<()>>,
    current: Vec<u8>,
    pos: usize,
}

/// The worker's end: sealed bytes arriving over a channel, read as a stream.
struct ChannelReader {
    rx: Receiver<Vec<u8>>,
    current: Vec<u8>,
    pos: usize,
}

impl Read for ChannelReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.current.len() {
            match self.rx.recv() {
                Ok(buf) => {
                    self.current = buf;
                    self.pos = 0;
                }
                Err(_) => return Ok(0),
            }
        }
        let n = out.len().min(self.current.len() - self.pos);
        out[..n].copy_from_slice(&self.current[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Reads until `buf` is full or the source ends; returns how much was read.
fn fill(source: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match source.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

impl<S: PieceSource> OpeningPipe<S> {
    /// Starts opening what `source` gives with `identity` (moved to the worker, where
    /// it is dropped, and zeroized, at the end).
    pub fn new(source: S, identity: Identity) -> Self {
        let (to_worker, sealed) = sync_channel::<Vec<u8>>(PIPE_DEPTH);
        let (opened, from_worker) = sync_channel::<io::Result<Vec<u8>>>(PIPE_DEPTH);
        let worker = std::thread::spawn(move || {
            let input = ChannelReader {
                rx: sealed,
                current: Vec::new(),
                pos: 0,
            };
            let mut reader = match OpenReader::with_identity(&identity, input) {
                Ok(reader) => reader,
                Err(e) => {
                    let _ = opened.send(Err(unopened(io::ErrorKind::Other, e)));
                    return;
                }
            };
            // The header opened: an empty piece says so (see `opened`).
            if opened.send(Ok(Vec::new())).is_err() {
                return;
            }
            loop {
                let mut buf = vec![0u8; PIPE_BUFFER_BYTES];
                match fill(&mut reader, &mut buf) {
                    Ok(0) => return,
                    Ok(n) => {
                        buf.truncate(n);
                        if opened.send(Ok(buf)).is_err() {
                            return;
                        }
                    }
                    Err(e) => {
                        let _ = opened.send(Err(e));
                        return;
                    }
                }
            }
        });
        OpeningPipe {
            source,
            source_done: false,
            pending: None,
            to_worker: Some(to_worker),
            from_worker: Some(from_worker),
            worker: Some(worker),
            current: Vec::new(),
            pos: 0,
        }
    }

    /// Waits until the stream's header has opened with the identity, so a wrong key or
    /// a damaged header is an error here rather than at the first read.
    pub fn opened(&mut self) -> io::Result<()> {
        // The worker's first message is the header's (empty) piece or an error.
        match self.receive()? {
            Some(piece) => {
                self.current = piece;
                self.pos = 0;
                Ok(())
            }
            None => Err(stopped()),
        }
    }

    /// The worker's next message, feeding it meanwhile; `None` once it has ended.
    ///
    /// The worker may need more sealed bytes than fit in its channel before it can
    /// answer (small pieces from a hostile file, a long header), so this never waits
    /// for an answer for ever while there is still something to give it: it looks
    /// again every `FEED_INTERVAL`. With everything handed over, it simply waits.
    fn receive(&mut self) -> io::Result<Option<Vec<u8>>> {
        loop {
            self.feed()?;
            let Some(rx) = &self.from_worker else {
                return Ok(None);
            };
            let answer = if self.pending.is_some() {
                match rx.recv_timeout(FEED_INTERVAL) {
                    Err(RecvTimeoutError::Timeout) => continue,
                    Err(RecvTimeoutError::Disconnected) => None,
                    Ok(message) => Some(message),
                }
            } else {
                rx.recv().ok()
            };
            return match answer {
                Some(Ok(buf)) => Ok(Some(buf)),
                Some(Err(e)) => Err(e),
                None => {
                    self.from_worker = None;
                    Ok(None)
                }
            };
        }
    }

    /// Hands the worker as many sealed pieces as it has room for, without waiting.
    fn feed(&mut self) -> io::Result<()> {
        loop {
            if self.pending.is_none() && !self.source_done {
                match self.source.next_piece()? {
                    Some(piece) if piece.is_empty() => continue,
                    Some(piece) => self.pending = Some(piece),
                    None => self.source_done = true,
                }
            }
            let Some(piece) = self.pending.take() else {
                // Everything is handed over: closing the channel ends the stream.
                self.to_worker = None;
                return Ok(());
            };
            let Some(tx) = &self.to_worker else {
                return Ok(());
            };
            match tx.try_send(piece) {
                Ok(()) => continue,
                Err(std::sync::mpsc::TrySendError::Full(piece)) => {
                    self.pending = Some(piece);
                    return Ok(());
                }
                // The worker stopped; its error (if any) comes through `from_worker`.
                Err(std::sync::mpsc::TrySendError::Disconnected(_)) => {
                    self.to_worker = None;
                    return Ok(());
                }
            }
        }
    }
}

impl<S: PieceSource> Read for OpeningPipe<S> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.current.len() {
            match self.receive()? {
                Some(buf) => {
                    self.current = buf;
                    self.pos = 0;
                }
                None => return Ok(0),
            }
        }
        let n = out.len().min(self.current.len() - self.pos);
        out[..n].copy_from_slice(&self.current[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

impl<S: PieceSource> Drop for OpeningPipe<S> {
    fn drop(&mut self) {
        self.to_worker = None;
        self.from_worker = None;
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn background_writer_keeps_every_byte_in_order() {
        let data: Vec<u8> = (0..5_000_000u32).map(|i| (i % 251) as u8).collect();
        let mut w = BackgroundWriter::new(Vec::new());
        for piece in data.chunks(7_777) {
            w.write_all(piece).unwrap();
        }
        assert_eq!(w.finish().unwrap(), data);
    }

    #[test]
    fn hashing_reader_gives_the_bytes_and_their_hash() {
        let data: Vec<u8> = (0..3_000_001u32).map(|i| (i % 253) as u8).collect();
        let mut r = HashingReader::new(std::io::Cursor::new(data.clone()));
        let mut out = Vec::new();
        while let Some(buf) = r.next_buffer().unwrap() {
            out.extend_from_slice(&buf);
            r.give_back(buf);
        }
        assert_eq!(out, data);
        let (sha, size) = r.finish().unwrap();
        assert_eq!(size, data.len() as u64);
        assert_eq!(sha, hex::encode(Sha256::digest(&data)));
    }

    #[test]
    fn sealing_pipe_gives_one_age_stream_in_pieces_and_the_hash() {
        use crate::crypto::{Identity, OpenReader};
        let data: Vec<u8> = (0..2_500_000u32).map(|i| (i % 241) as u8).collect();
        let identity = Identity::generate();
        let mut pipe = SealingPipe::new(
            std::io::Cursor::new(data.clone()),
            identity.recipient(),
            100_000,
        );
        let mut sealed = Vec::new();
        let mut sizes = Vec::new();
        while let Some(piece) = pipe.next_piece() {
            sizes.push(piece.len());
            sealed.extend_from_slice(&piece);
        }
        let (sha, size) = pipe.finish().unwrap();
        assert_eq!(size, data.len() as u64);
        assert_eq!(sha, hex::encode(Sha256::digest(&data)));
        // Every piece but the last is full.
        assert!(sizes[..sizes.len() - 1].iter().all(|&n| n == 100_000));
        let mut opened = Vec::new();
        OpenReader::with_identity(&identity, std::io::Cursor::new(sealed))
            .unwrap()
            .read_to_end(&mut opened)
            .unwrap();
        assert_eq!(opened, data);
    }

    #[test]
    fn sealing_pipe_reports_a_read_error() {
        struct Failing(usize);
        impl Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0 == 0 {
                    return Err(io::Error::other("the disk went away"));
                }
                self.0 -= 1;
                buf.fill(7);
                Ok(buf.len())
            }
        }
        let identity = crate::crypto::Identity::generate();
        let mut pipe = SealingPipe::new(Failing(3), identity.recipient(), 4096);
        while pipe.next_piece().is_some() {}
        let err = pipe.finish().unwrap_err();
        assert!(err.to_string().contains("the disk went away"), "{err}");
    }

    fn sealed(identity: &crate::crypto::Identity, data: &[u8]) -> Vec<u8> {
        let mut w = SealWriter::to_recipient(&identity.recipient(), Vec::new()).unwrap();
        w.write_all(data).unwrap();
        w.finish().unwrap()
    }

    #[test]
    fn opening_pipe_gives_back_every_byte() {
        let identity = crate::crypto::Identity::generate();
        // Several pipe buffers' worth, not a multiple of any of them.
        let data: Vec<u8> = (0..9_437_185u32).map(|i| (i % 239) as u8).collect();
        let mut pipe = OpeningPipe::new(
            ReadPieces(std::io::Cursor::new(sealed(&identity, &data))),
            identity.duplicate(),
        );
        let mut out = Vec::new();
        // Small reads, so the feeding and taking interleave many times.
        let mut buf = [0u8; 10_007];
        loop {
            let n = pipe.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        assert!(out == data, "bytes differ");
    }

    #[test]
    fn opening_pipe_reports_damage_and_the_wrong_key() {
        let identity = crate::crypto::Identity::generate();
        let data = vec![42u8; 3_000_000];
        let mut bytes = sealed(&identity, &data);
        let middle = bytes.len() / 2;
        bytes[middle] ^= 1;
        let mut out = Vec::new();
        let damaged = OpeningPipe::new(
            ReadPieces(std::io::Cursor::new(bytes)),
            identity.duplicate(),
        )
        .read_to_end(&mut out);
        assert!(damaged.is_err(), "a flipped bit was not noticed");

        let other = crate::crypto::Identity::generate();
        let wrong = OpeningPipe::new(
            ReadPieces(std::io::Cursor::new(sealed(&identity, &data))),
            other,
        )
        .read_to_end(&mut Vec::new());
        assert!(wrong.is_err());
    }

    /// A source that gives the stream in small pieces, so a header spans several.
    struct SmallPieces(Vec<u8>, usize);

    impl PieceSource for SmallPieces {
        fn next_piece(&mut self) -> io::Result<Option<Vec<u8>>> {
            if self.0.is_empty() {
                return Ok(None);
            }
            let n = self.1.min(self.0.len());
            Ok(Some(self.0.drain(..n).collect()))
        }
    }

    fn header_digest_of(stream: &[u8]) -> String {
        let mut digest = HeaderDigest::new();
        digest.update(stream).unwrap();
        digest.finish().unwrap()
    }

    #[test]
    fn checked_header_passes_the_recorded_stream_and_stops_another() {
        let identity = crate::crypto::Identity::generate();
        // Tiny pieces: the worker needs many more than its channel holds (this hung
        // before `receive` kept feeding it).
        let data: Vec<u8> = (0..150_000u32).map(|i| (i % 241) as u8).collect();
        let stream = sealed(&identity, &data);
        let recorded = header_digest_of(&stream);

        let source = CheckedHeader::new(SmallPieces(stream.clone(), 50), Some(recorded.clone()));
        let mut pipe = OpeningPipe::new(source, identity.duplicate());
        pipe.opened().unwrap();
        let mut out = Vec::new();
        pipe.read_to_end(&mut out).unwrap();
        assert!(out == data, "bytes differ");

        // The same bytes sealed again to the same key (as anyone with the public key
        // could) open fine with age, but are not the stream that was recorded.
        let forged = sealed(&identity, &data);
        let source = CheckedHeader::new(SmallPieces(forged.clone(), 50), Some(recorded.clone()));
        let mut pipe = OpeningPipe::new(source, identity.duplicate());
        let err = pipe.opened().unwrap_err();
        assert!(err.to_string().contains("not the one stored"), "{err}");

        // Cut short inside the header: refused too.
        let source = CheckedHeader::new(SmallPieces(stream[..60].to_vec(), 7), Some(recorded));
        assert!(OpeningPipe::new(source, identity.duplicate())
            .opened()
            .is_err());

        // Nothing recorded (an original stored before digests were kept): unchecked.
        let source = CheckedHeader::new(SmallPieces(forged, 50), None);
        let mut out = Vec::new();
        OpeningPipe::new(source, identity.duplicate())
            .read_to_end(&mut out)
            .unwrap();
        assert!(out == data);
    }

    #[test]
    fn opening_pipe_can_be_dropped_part_way() {
        let identity = crate::crypto::Identity::generate();
        let data = vec![7u8; 20_000_000];
        let mut pipe = OpeningPipe::new(
            ReadPieces(std::io::Cursor::new(sealed(&identity, &data))),
            identity.duplicate(),
        );
        let mut buf = [0u8; 1000];
        pipe.read_exact(&mut buf).unwrap();
        assert_eq!(buf, [7u8; 1000]);
        drop(pipe); // must not hang waiting for the worker
    }
}
