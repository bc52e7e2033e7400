//! Attaching, listing, exporting and erasing evidence files.
//!
//! The original streams through SHA-256 and into an age stream sealed to the vault,
//! stored as chunk rows in the same transaction as its record: a crash leaves the
//! whole exhibit or none of it. Nothing readable is written to disk on the way.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;

use base64::Engine;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{append, index, now, open_change, Vault};
use crate::chain::{Change, ExhibitTombstone};
use crate::crypto::HeaderDigest;
use crate::error::{Error, Result};
use crate::evidence::{
    media_type, metadata, thumbnail, Check, Exhibit, Metadata, NoProgress, Preview, Progress,
};
use crate::record::{self, Keys, Place};
use crate::store::{self, exhibits::ChunkReader};
use crate::stream::pipe::{CheckedHeader, OpeningPipe, SealingPipe};

/// Bytes read at a time while streaming an original.
const STREAM_BUFFER_BYTES: usize = 256 * 1024;
/// Largest pasted (in-memory) file; bigger files should be saved and attached.
pub const PASTE_MAX_BYTES: u64 = 256 * 1024 * 1024;
/// Longest "how obtained" note.
const HOW_MAX_CHARS: usize = 2_000;

/// Why an exhibit whose row points to no record is refused.
const LOST: &str = "it has lost its record";
/// Why a preview of an exhibit recorded without one is refused.
const PREVIEW_UNEXPECTED: &str = "a preview is stored for an exhibit that has none";

#[derive(Serialize, Deserialize)]
struct ThumbnailBody {
    width: u32,
    height: u32,
    jpeg_base64: String,
}

/// Opens the record of an exhibit (or its tombstone, once erased). The row is only
/// a pointer: everything it says (id, entry, number, size) must agree with the
/// authenticated record it points to.
pub(crate) fn open_exhibit(
    conn: &Connection,
    keys: &Keys,
    row: &store::exhibits::Row,
    erasures: &mut Erasures,
) -> Result<Exhibit> {
    let event = store::events::by_id(conn, &row.event_id)?
        .ok_or_else(|| Error::tampered(format!("exhibit {}", row.sequence), LOST))?;
    if let Some(Change::ExhibitAdded { exhibit, .. }) = open_change(keys, &event)? {
        if exhibit.id != row.id
            || exhibit.entry_number != row.entry_number
            || exhibit.sequence != row.sequence
            || exhibit.size != row.size
            || event.entry_number != Some(row.entry_number)
        {
            return Err(Error::tampered(
                format!("exhibit {}", exhibit.mark),
                "the stored rows do not match the record of its addition",
            ));
        }
        let mut exhibit = *exhibit;
        if let Some(at) = erasures.of(conn, keys, row)? {
            exhibit.erased_at = Some(at.0);
        }
        return Ok(exhibit);
    }
    // Erased: rebuild what the tombstone keeps.
    let (at, tombstone) = erasures.of(conn, keys, row)?.ok_or_else(|| {
        Error::tampered(format!("exhibit {}", row.sequence), "its record is missing")
    })?;
    Ok(Exhibit {
        id: row.id.clone(),
        mark: tombstone.mark.clone(),
        sequence: row.sequence,
        entry_number: row.entry_number,
        original_name: String::new(),
        size: tombstone.size,
        sha256: tombstone.sha256.clone(),
        media_type: String::new(),
        added_at: at,
        how_obtained: String::new(),
        metadata: Metadata::default(),
        preview: Preview::None {
            reason: "the file was erased".into(),
        },
        erased_at: Some(at),
        duplicate_of: None,
    })
}

/// An original being read back out of the vault (see `Vault::original_reader`).
pub struct Original<'a> {
    pipe: OpeningPipe<CheckedHeader<ChunkReader<'a>>>,
    check: Check,
    damage: Option<String>,
}

impl Original<'_> {
    /// Whether the bytes are proven as they are read, or must be hashed.
    pub fn check(&self) -> Check {
        self.check
    }

    /// Why reading stopped, when the stored original turned out to be damaged, so
    /// a caller that only saw a read error can say what it was.
    pub fn damage(&self) -> Option<&str> {
        self.damage.as_deref()
    }
}

impl Read for Original<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        self.pipe.read(out).inspect_err(|e| {
            if e.kind() != io::ErrorKind::Interrupted {
                self.damage = Some(e.to_string());
            }
        })
    }
}

/// The `crypto::HeaderDigest` recorded when the exhibit was added (`None` for
/// originals added before it was kept). The record must describe the same original
/// as `exhibit`: a reader proven by the seal vouches for the record's hash.
fn recorded_sealed_header(
    conn: &Connection,
    keys: &Keys,
    exhibit: &Exhibit,
) -> Result<Option<String>> {
    let lost = || Error::tampered(format!("exhibit {}", exhibit.mark), LOST);
    let row = store::exhibits::by_id(conn, &exhibit.id)?.ok_or_else(lost)?;
    let event = store::events::by_id(conn, &row.event_id)?.ok_or_else(lost)?;
    match open_change(keys, &event)? {
        Some(Change::ExhibitAdded {
            exhibit: recorded,
            sealed_header_sha256,
            ..
        }) if recorded.id == exhibit.id
            && recorded.sha256 == exhibit.sha256
            && recorded.size == exhibit.size =>
        {
            Ok(sealed_header_sha256)
        }
        _ => Err(Error::tampered(
            format!("exhibit {}", exhibit.mark),
            "its record does not describe this original",
        )),
    }
}

/// The erasures the chain records, read once per entry: opening an entry's changes
/// again for each of its exhibits made listing many exhibits of one entry take a
/// time growing with the square of their number (the load campaign's 1,700 on one
/// entry took minutes).
#[derive(Default)]
pub(crate) struct Erasures(HashMap<u64, Vec<(DateTime<Utc>, ExhibitTombstone)>>);

impl Erasures {
    /// When (and with what tombstone) the exhibit of `row` was erased, if it was.
    fn of(
        &mut self,
        conn: &Connection,
        keys: &Keys,
        row: &store::exhibits::Row,
    ) -> Result<Option<(DateTime<Utc>, ExhibitTombstone)>> {
        let all = match self.0.entry(row.entry_number) {
            std::collections::hash_map::Entry::Occupied(known) => known.into_mut(),
            std::collections::hash_map::Entry::Vacant(unknown) => {
                let mut found = Vec::new();
                for event in store::events::for_entry(conn, row.entry_number)? {
                    match open_change(keys, &event)? {
                        Some(Change::ExhibitErased { tombstone, at, .. }) => {
                            found.push((at, tombstone));
                        }
                        Some(Change::Erased { exhibits, at, .. }) => {
                            found.extend(exhibits.into_iter().map(|t| (at, t)));
                        }
                        _ => {}
                    }
                }
                unknown.insert(found)
            }
        };
        Ok(all.iter().find(|(_, t)| t.exhibit_id == row.id).cloned())
    }
}

fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base.chars().filter(|c| !c.is_control()).collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        "file".into()
    } else {
        cleaned.chars().take(255).collect()
    }
}

fn clean_how(how: &str) -> Result<String> {
    let how = how.trim();
    if how.chars().count() > HOW_MAX_CHARS {
        return Err(Error::InvalidField {
            field: "how".into(),
            message: format!("please keep this under {HOW_MAX_CHARS} characters"),
        });
    }
    Ok(how.to_string())
}

/// What is known about a file before it is stored.
pub(super) struct Incoming {
    name: String,
    how: String,
    media_type: String,
    metadata: Metadata,
    /// The preview, or why there is none (which is no reason to refuse the file).
    preview: std::result::Result<thumbnail::Thumbnail, thumbnail::Failure>,
    expected_size: Option<u64>,
}

impl Incoming {
    /// Looks at a file before it is stored, and opens it for streaming.
    pub(super) fn of_file(path: &Path, how: &str) -> Result<(Incoming, File)> {
        let how = clean_how(how)?;
        // Look before opening: opening a pipe or a device could wait for ever.
        let before = std::fs::metadata(path).map_err(|e| Error::file(path, e))?;
        if !before.is_file() {
            return Err(Error::file(path, "this is not a file"));
        }
        let mut file = File::open(path).map_err(|e| Error::file(path, e))?;
        let info = file.metadata().map_err(|e| Error::file(path, e))?;
        if !info.is_file() {
            return Err(Error::file(path, "this is not a file"));
        }
        let name = clean_name(
            &path
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
        );
        if info.len() == 0 {
            return Err(Error::EvidenceRefused(format!(
                "{name} is empty (0 bytes), so there is nothing to keep"
            )));
        }
        let mut head = Vec::with_capacity(4096);
        (&mut file)
            .take(4096)
            .read_to_end(&mut head)
            .map_err(|e| Error::file(path, e))?;
        let media_type = media_type::sniff(&head).to_string();
        drop(file);
        let metadata = metadata::read(path, &media_type);
        let preview = thumbnail::make(path, &media_type, metadata.orientation);
        let file = File::open(path).map_err(|e| Error::file(path, e))?;
        Ok((
            Incoming {
                name,
                how,
                media_type,
                metadata,
                preview,
                expected_size: Some(info.len()),
            },
            file,
        ))
    }

    /// Looks at bytes held in memory (a pasted image, media inside an export).
    pub(super) fn of_bytes(bytes: &[u8], suggested_name: &str, how: &str) -> Result<Incoming> {
        let how = clean_how(how)?;
        let name = clean_name(suggested_name);
        if bytes.is_empty() {
            return Err(Error::EvidenceRefused(format!(
                "{name} is empty (0 bytes), so there is nothing to keep"
            )));
        }
        let media_type = media_type::sniff(&bytes[..bytes.len().min(4096)]).to_string();
        let metadata = metadata::read_bytes(bytes, &media_type);
        let preview = thumbnail::make_bytes(bytes, &media_type, metadata.orientation);
        Ok(Incoming {
            name,
            how,
            media_type,
            metadata,
            preview,
            expected_size: Some(bytes.len() as u64),
        })
    }
}

/// What storing an exhibit inside a larger transaction needs.
pub(super) struct Attaching<'a> {
    pub(super) keys: &'a Keys,
    pub(super) index: &'a mut index::Cache,
    pub(super) recipient: &'a crate::crypto::Recipient,
    pub(super) initials: &'a str,
    /// The SHA-256 and mark of every standing exhibit, when the caller keeps them
    /// (an import storing many files); otherwise each store looks them up.
    pub(super) known: Option<std::collections::HashMap<String, String>>,
}

impl Attaching<'_> {
    /// Loads the hashes of every standing exhibit, so many files can be stored
    /// without opening every exhibit's record for each.
    pub(super) fn remember_exhibits(&mut self, tx: &Connection) -> Result<()> {
        let mut known = std::collections::HashMap::new();
        for row in store::exhibits::list(tx, None)? {
            let Some(event) = store::events::by_id(tx, &row.event_id)? else {
                continue;
            };
            if let Some(Change::ExhibitAdded { exhibit, .. }) = open_change(self.keys, &event)? {
                if exhibit.id == row.id {
                    known.entry(exhibit.sha256).or_insert(exhibit.mark);
                }
            }
        }
        self.known = Some(known);
        Ok(())
    }

    fn duplicate_of(&self, tx: &Connection, sha256: &str) -> Result<Option<String>> {
        if let Some(known) = &self.known {
            return Ok(known.get(sha256).cloned());
        }
        for row in store::exhibits::list(tx, None)? {
            // Only the record of the addition is opened: erasing an exhibit (or
            // its entry) always empties that record in the same transaction, so
            // a record with a body is a standing exhibit. (`open_exhibit` would
            // also open every change of the entry, for each exhibit.)
            let Some(event) = store::events::by_id(tx, &row.event_id)? else {
                continue;
            };
            if let Some(Change::ExhibitAdded { exhibit: other, .. }) =
                open_change(self.keys, &event)?
            {
                if other.sha256 == sha256 && other.id == row.id {
                    return Ok(Some(other.mark));
                }
            }
        }
        Ok(None)
    }
}

/// Stores one original (streamed) with its record, inside the caller's transaction.
pub(super) fn store_within(
    tx: &rusqlite::Transaction,
    attaching: &mut Attaching<'_>,
    entry: u64,
    source: Box<dyn Read + Send>,
    incoming: Incoming,
    progress: &dyn Progress,
) -> Result<Exhibit> {
    let keys = attaching.keys;
    let current = index::current(tx, keys, attaching.index, entry)?;
    if matches!(current.status, crate::entry::Status::Erased { .. }) {
        return Err(Error::NotAllowed(format!("entry {entry} was erased")));
    }
    let exhibit_id = record::new_id();
    let added_at = now();

    // Stream: read → SHA-256 (one thread) → age (another) → chunk rows (here).
    let mut chunks = store::exhibits::ChunkWriter::new(tx, &exhibit_id);
    let mut pipe = SealingPipe::new(
        source,
        attaching.recipient.clone(),
        store::exhibits::CHUNK_BYTES,
    );
    let total = incoming.expected_size.unwrap_or(0);
    let mut done = 0u64;
    let mut header = HeaderDigest::new();
    while let Some(piece) = pipe.next_piece() {
        if progress.cancelled() {
            // Dropping the pipe stops its threads; the transaction rolls back.
            return Err(Error::Cancelled);
        }
        header.update(&piece)?;
        chunks.write_all(&piece)?;
        // Sealed bytes run a little ahead of the original's (headers, tags).
        done = (done + piece.len() as u64).min(total);
        progress.advanced(done, total, crate::progress::Unit::Bytes);
    }
    chunks.finish()?;
    let (sha256, size) = pipe.finish().map_err(|e| Error::file(&incoming.name, e))?;
    let sealed_header_sha256 = Some(
        header
            .finish()
            .ok_or_else(|| Error::Crypto("the sealed original ended inside its header".into()))?,
    );
    if let Some(expected) = incoming.expected_size {
        if expected != size {
            return Err(Error::file(
                &incoming.name,
                "the file changed while it was being read; please try again",
            ));
        }
    }

    let duplicate_of = attaching.duplicate_of(tx, &sha256)?;
    let sequence = store::exhibits::allocate(tx, &exhibit_id, entry, "", size)?;
    let mut thumbnail_sha256 = None;
    let preview = match &incoming.preview {
        Ok(thumb) => {
            thumbnail_sha256 = Some(record::sha256_hex(&thumb.jpeg));
            let body = ThumbnailBody {
                width: thumb.width,
                height: thumb.height,
                jpeg_base64: base64::engine::general_purpose::STANDARD.encode(&thumb.jpeg),
            };
            let sealed = record::seal(
                keys,
                Place {
                    table: "thumbnails",
                    id: &exhibit_id,
                },
                &body,
            )?;
            store::exhibits::put_thumbnail(tx, &exhibit_id, &sealed)?;
            Preview::Available {
                width: thumb.width,
                height: thumb.height,
            }
        }
        Err(failure) => Preview::None {
            reason: failure.to_string(),
        },
    };
    let mark = format!("{}/{sequence}", attaching.initials);
    let exhibit = Exhibit {
        id: exhibit_id.clone(),
        mark: mark.clone(),
        sequence,
        entry_number: entry,
        original_name: incoming.name.clone(),
        size,
        sha256: sha256.clone(),
        media_type: incoming.media_type.clone(),
        added_at,
        how_obtained: incoming.how.clone(),
        metadata: incoming.metadata.clone(),
        preview,
        erased_at: None,
        duplicate_of,
    };
    let change = Change::ExhibitAdded {
        exhibit: Box::new(exhibit.clone()),
        sealed_header_sha256,
        thumbnail_sha256,
    };
    let event_id = append(tx, keys, Some(entry), &change)?;
    store::exhibits::set_event(tx, &exhibit_id, &event_id)?;
    index::apply(tx, keys, attaching.index, entry, &change)?;
    if let Some(known) = &mut attaching.known {
        known.entry(sha256).or_insert(mark);
    }
    Ok(exhibit)
}

impl Vault {
    /// Attaches a file to an entry, streaming it: any size, constant memory.
    pub fn attach(&mut self, entry: u64, path: &Path, how: &str) -> Result<Exhibit> {
        self.attach_with_progress(entry, path, how, &NoProgress)
    }

    /// `attach`, telling `progress` how far it has got. If `progress` says it is
    /// cancelled, the attach stops with `Error::Cancelled` and nothing of it is kept.
    pub fn attach_with_progress(
        &mut self,
        entry: u64,
        path: &Path,
        how: &str,
        progress: &dyn Progress,
    ) -> Result<Exhibit> {
        let (incoming, file) = Incoming::of_file(path, how)?;
        if progress.cancelled() {
            return Err(Error::Cancelled);
        }
        self.store_exhibit(entry, Box::new(file), incoming, progress)
    }

    /// Attaches bytes that did not come from a file (a pasted screenshot).
    pub fn attach_reader(
        &mut self,
        entry: u64,
        reader: &mut dyn Read,
        suggested_name: &str,
        how: &str,
    ) -> Result<Exhibit> {
        let mut bytes = Vec::new();
        reader
            .take(PASTE_MAX_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::file(suggested_name, e))?;
        if bytes.len() as u64 > PASTE_MAX_BYTES {
            return Err(Error::EvidenceRefused(
                "this is too large to paste; please save it as a file and attach the file".into(),
            ));
        }
        let incoming = Incoming::of_bytes(&bytes, suggested_name, how)?;
        self.store_exhibit(
            entry,
            Box::new(std::io::Cursor::new(bytes)),
            incoming,
            &NoProgress,
        )
    }

    fn store_exhibit(
        &mut self,
        entry: u64,
        source: Box<dyn Read + Send>,
        incoming: Incoming,
        progress: &dyn Progress,
    ) -> Result<Exhibit> {
        self.refuse_if_read_only()?;
        let initials = self.settings()?.initials;
        let recipient = self.recipient.clone();
        let unlocked = self.unlocked.as_mut().ok_or(Error::Locked)?;
        self.store.write_bulk(|tx| {
            super::absorb_within(tx, &unlocked.keys, &mut unlocked.index)?;
            let mut attaching = Attaching {
                keys: &unlocked.keys,
                index: &mut unlocked.index,
                recipient: &recipient,
                initials: &initials,
                known: None,
            };
            store_within(tx, &mut attaching, entry, source, incoming, progress)
        })
    }

    /// Every exhibit (of one entry, or all), in order of their marks. The list is
    /// the chain's (through the index): an exhibit whose rows were removed is an
    /// error naming it, never a shorter list.
    pub fn exhibits(&mut self, entry: Option<u64>) -> Result<Vec<Exhibit>> {
        let entries = match entry {
            Some(n) => vec![self.entry(n)?],
            None => self.entries()?,
        };
        let keys = self.keys()?;
        let conn = self.store.conn();
        let rows: std::collections::HashMap<u64, store::exhibits::Row> =
            store::exhibits::list(conn, entry)?
                .into_iter()
                .map(|r| (r.sequence, r))
                .collect();
        let mut out = Vec::new();
        let mut erasures = Erasures::default();
        for e in &entries {
            for mark in &e.exhibits {
                let row = super::consistency::mark_sequence(mark)
                    .and_then(|n| rows.get(&n))
                    .ok_or_else(|| {
                        Error::tampered(
                            format!("exhibit {mark} of entry {}", e.number),
                            "it is missing from the diary",
                        )
                    })?;
                if row.entry_number != e.number {
                    return Err(Error::tampered(
                        format!("exhibit {mark}"),
                        format!(
                            "it was moved from entry {} to entry {}",
                            e.number, row.entry_number
                        ),
                    ));
                }
                out.push(open_exhibit(conn, keys, row, &mut erasures)?);
            }
        }
        out.sort_by_key(|x| x.sequence);
        Ok(out)
    }

    /// One exhibit by its mark (`AB/3`; case and spaces do not matter).
    pub fn exhibit(&mut self, mark: &str) -> Result<Exhibit> {
        let wanted: String = mark
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        self.exhibits(None)?
            .into_iter()
            .find(|e| e.mark.to_uppercase() == wanted)
            .ok_or_else(|| Error::NoSuchExhibit(mark.to_string()))
    }

    /// The JPEG preview of an exhibit, if it has one.
    pub fn thumbnail(&mut self, mark: &str) -> Result<Option<Vec<u8>>> {
        let exhibit = self.exhibit(mark)?;
        self.thumbnail_of(&exhibit.id)
    }

    /// The JPEG preview by exhibit id, checked against the SHA-256 recorded when the
    /// exhibit was added (and, in diaries from before that was kept, against whether
    /// the record says there is one).
    pub fn thumbnail_of(&self, exhibit_id: &str) -> Result<Option<Vec<u8>>> {
        let keys = self.keys()?;
        let conn = self.store.conn();
        let row = store::exhibits::by_id(conn, exhibit_id)?
            .ok_or_else(|| Error::NoSuchExhibit(exhibit_id.to_string()))?;
        let event = store::events::by_id(conn, &row.event_id)?;
        let recorded = match event.as_ref().map(|e| open_change(keys, e)).transpose()? {
            Some(Some(Change::ExhibitAdded {
                exhibit,
                thumbnail_sha256,
                ..
            })) if exhibit.id == exhibit_id => Some((exhibit, thumbnail_sha256)),
            _ => None,
        };
        let sealed = store::exhibits::thumbnail(conn, exhibit_id)?;
        let Some((exhibit, recorded_sha256)) = recorded else {
            // Erased (its record emptied): no preview may remain.
            return match sealed {
                None => Ok(None),
                Some(_) => Err(Error::tampered(
                    format!("exhibit {}", row.sequence),
                    PREVIEW_UNEXPECTED,
                )),
            };
        };
        let place = || format!("exhibit {}", exhibit.mark);
        let expected = matches!(exhibit.preview, Preview::Available { .. });
        let Some(sealed) = sealed else {
            if expected {
                return Err(Error::tampered(place(), "its preview is missing"));
            }
            return Ok(None);
        };
        if !expected {
            return Err(Error::tampered(place(), PREVIEW_UNEXPECTED));
        }
        let body: ThumbnailBody = record::open(
            keys,
            Place {
                table: "thumbnails",
                id: exhibit_id,
            },
            &sealed,
        )
        .map_err(|e| match e {
            Error::Tampered { why, .. } => Error::tampered(place(), format!("its preview: {why}")),
            other => Error::tampered(place(), format!("its preview: {other}")),
        })?;
        let jpeg = base64::engine::general_purpose::STANDARD
            .decode(body.jpeg_base64)
            .map_err(|_| Error::tampered(place(), "its preview is damaged"))?;
        if let Some(recorded) = recorded_sha256 {
            if record::sha256_hex(&jpeg) != recorded {
                return Err(Error::tampered(
                    place(),
                    "its preview is not the one stored when it was added",
                ));
            }
        }
        Ok(Some(jpeg))
    }

    /// A reader of the original bytes. Its `check()` says whether the vault proves them
    /// as they are read or the caller must hash them (see `copy_original`).
    /// Decryption runs on a second thread, so it overlaps with what the caller does
    /// with the bytes. A damaged header, or a sealed stream that is not the one stored
    /// when the file was added, is `Error::Tampered` here; damage further in is an
    /// error from `read`.
    pub fn original_reader(&self, exhibit: &Exhibit) -> Result<Original<'_>> {
        let keys = self.keys()?;
        let identity = keys.identity();
        if exhibit.erased_at.is_some() {
            return Err(Error::NotAllowed(format!(
                "exhibit {} was erased",
                exhibit.mark
            )));
        }
        let sealed_header = recorded_sealed_header(self.store.conn(), keys, exhibit)?;
        let check = if sealed_header.is_some() {
            Check::Sealed
        } else {
            Check::Hash
        };
        let source = CheckedHeader::new(
            ChunkReader::new(self.store.conn(), &exhibit.id),
            sealed_header,
        );
        let mut pipe = OpeningPipe::new(source, identity.duplicate());
        pipe.opened()
            .map_err(|e| Error::tampered(format!("exhibit {}", exhibit.mark), e.to_string()))?;
        Ok(Original {
            pipe,
            check,
            damage: None,
        })
    }

    /// Streams an original through SHA-256 into `out`; returns the hash and size.
    pub fn copy_original(&self, exhibit: &Exhibit, out: &mut dyn Write) -> Result<(String, u64)> {
        let mut reader = self.original_reader(exhibit)?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; STREAM_BUFFER_BYTES];
        let mut size = 0u64;
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(Error::tampered(
                        format!("exhibit {}", exhibit.mark),
                        format!("the stored original is damaged ({e})"),
                    ))
                }
            };
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n])?;
            size += n as u64;
        }
        Ok((hex::encode(hasher.finalize()), size))
    }

    /// Writes exactly the original bytes to a new file at `out`, checking the hash.
    pub fn export_original(&mut self, mark: &str, out: &Path) -> Result<Exhibit> {
        let exhibit = self.exhibit(mark)?;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(out)
            .map_err(|e| Error::file(out, e))?;
        let result = self.copy_original(&exhibit, &mut file);
        let ok = match result {
            Ok((sha256, size)) if sha256 == exhibit.sha256 && size == exhibit.size => {
                file.sync_all().map_err(|e| Error::file(out, e))
            }
            Ok(_) => Err(Error::tampered(
                format!("exhibit {}", exhibit.mark),
                "the stored original does not match its SHA-256",
            )),
            Err(e) => Err(e),
        };
        if let Err(e) = ok {
            drop(file);
            let _ = std::fs::remove_file(out);
            return Err(e);
        }
        self.record_custody(
            "original",
            vec![exhibit.entry_number],
            vec![(exhibit.mark.clone(), exhibit.sha256.clone())],
            Some(exhibit.sha256.clone()),
            "",
        )?;
        Ok(exhibit)
    }

    /// Erases one exhibit's original and preview; its hash stays in the chain.
    pub fn erase_exhibit(&mut self, mark: &str) -> Result<()> {
        let exhibit = self.exhibit(mark)?;
        if exhibit.erased_at.is_some() {
            return Err(Error::NotAllowed(format!(
                "exhibit {} was already erased",
                exhibit.mark
            )));
        }
        self.refuse_if_read_only()?;
        let unlocked = self.unlocked.as_mut().ok_or(Error::Locked)?;
        self.store.write(|tx| {
            super::absorb_within(tx, &unlocked.keys, &mut unlocked.index)?;
            let row = store::exhibits::list(tx, Some(exhibit.entry_number))?
                .into_iter()
                .find(|r| r.id == exhibit.id)
                .ok_or_else(|| Error::NoSuchExhibit(mark.to_string()))?;
            let change = Change::ExhibitErased {
                entry_number: exhibit.entry_number,
                tombstone: ExhibitTombstone {
                    exhibit_id: exhibit.id.clone(),
                    mark: exhibit.mark.clone(),
                    sha256: exhibit.sha256.clone(),
                    size: exhibit.size,
                },
                at: now(),
            };
            append(tx, &unlocked.keys, Some(exhibit.entry_number), &change)?;
            if let Some(event) = store::events::by_id(tx, &row.event_id)? {
                let place = Place {
                    table: "events",
                    id: &event.id,
                };
                let mut envelope = record::open_envelope(&unlocked.keys, place, &event.payload)?;
                envelope.body = None;
                store::events::replace_payload(
                    tx,
                    &event.id,
                    &record::seal_envelope(&unlocked.keys, &mut envelope)?,
                )?;
            }
            store::exhibits::delete_content(tx, &exhibit.id)?;
            index::apply(
                tx,
                &unlocked.keys,
                &mut unlocked.index,
                exhibit.entry_number,
                &change,
            )?;
            Ok(())
        })?;
        self.store.checkpoint()
    }
}
