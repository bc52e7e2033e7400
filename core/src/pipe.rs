//! Two-core pipelines for streaming evidence: one thread reads (and hashes) while
//! the other encrypts and stores. At most `PIPE_DEPTH` buffers of `PIPE_BUFFER_BYTES`
//! are in flight, so memory stays small whatever the size of the file.

use std::io::{self, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::JoinHandle;

use sha2::{Digest, Sha256};

/// Bytes per buffer passed between the threads.
pub const PIPE_BUFFER_BYTES: usize = 1024 * 1024;
/// Buffers in flight.
const PIPE_DEPTH: usize = 4;

/// A writer whose bytes are written by a background thread to `W`.
pub struct BackgroundWriter<W: Write + Send + 'static> {
    buf: Vec<u8>,
    tx: Option<SyncSender<Vec<u8>>>,
    worker: Option<JoinHandle<io::Result<W>>>,
}

fn stopped() -> io::Error {
    io::Error::other("the background writer stopped")
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

/// A reader fed by a background thread that reads `R` and hashes it with SHA-256.
pub struct HashingReader {
    rx: Option<Receiver<io::Result<Vec<u8>>>>,
    worker: Option<JoinHandle<(String, u64)>>,
    current: Vec<u8>,
    pos: usize,
}

impl HashingReader {
    pub fn new<R: Read + Send + 'static>(mut source: R) -> Self {
        let (tx, rx) = sync_channel::<io::Result<Vec<u8>>>(PIPE_DEPTH);
        let worker = std::thread::spawn(move || {
            let mut hasher = Sha256::new();
            let mut size = 0u64;
            loop {
                let mut buf = vec![0u8; PIPE_BUFFER_BYTES];
                let mut filled = 0;
                // Fill the buffer (short reads are normal for pipes and some files).
                let result = loop {
                    match source.read(&mut buf[filled..]) {
                        Ok(0) => break Ok(()),
                        Ok(n) => {
                            filled += n;
                            if filled == buf.len() {
                                break Ok(());
                            }
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => break Err(e),
                    }
                };
                if let Err(e) = result {
                    let _ = tx.send(Err(e));
                    break;
                }
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
            worker: Some(worker),
            current: Vec::new(),
            pos: 0,
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

impl Read for HashingReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.current.len() {
            let Some(rx) = &self.rx else {
                return Ok(0);
            };
            match rx.recv() {
                Ok(Ok(buf)) => {
                    self.current = buf;
                    self.pos = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => return Ok(0),
            }
        }
        let n = out.len().min(self.current.len() - self.pos);
        out[..n].copy_from_slice(&self.current[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
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
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out, data);
        let (sha, size) = r.finish().unwrap();
        assert_eq!(size, data.len() as u64);
        assert_eq!(sha, hex::encode(Sha256::digest(&data)));
    }
}
