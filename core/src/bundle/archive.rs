//! The tar layer, block by block: headers for the handover writer, and a strict
//! streaming reader for the handover reader.
//!
//! The `tar` crate formats and parses single headers; the stream logic is here because
//! a handover must be refused when it is truncated (no end marker), has bytes after
//! its end, has non-zero padding, a damaged header, or a member type that is not a
//! plain file or one of the two folders. With those rules every flipped byte of a
//! Daybook-made archive is caught: header bytes by the checksum (whose field must be
//! in one of the two canonical forms), data by SHA-256, padding and end blocks by
//! being required to be zero. This module never touches the file system.

use std::io::{ErrorKind, Read};

use tar::{EntryType, Header};

use crate::error::{Error, Result};

use super::names::shown_bytes;

/// The tar block size, in bytes.
pub const BLOCK_BYTES: usize = 512;

/// The largest size a ustar header holds in octal (8 GiB − 1); larger members also
/// carry a pax `size` record.
const OCTAL_SIZE_MAX: u64 = 0o777_7777_7777;

/// The longest name a ustar `name` field holds, in bytes.
const USTAR_NAME_MAX_BYTES: usize = 100;

/// The largest pax or GNU long-name header accepted, in bytes.
const EXTENSION_MAX_BYTES: u64 = 64 * 1024;

/// The most members a handover may have (a guard against a flood of tiny members).
pub const MEMBERS_MAX: usize = 100_000;

/// Zero bytes after the end marker accepted (GNU tar pads to 10 KiB records; allow
/// generous blocking factors).
const TRAILING_ZEROS_MAX_BYTES: u64 = 1024 * 1024;

/// Bytes of padding after `size` bytes of data.
pub fn padding(size: u64) -> usize {
    let rest = (size % BLOCK_BYTES as u64) as usize;
    if rest == 0 {
        0
    } else {
        BLOCK_BYTES - rest
    }
}

/// The end-of-archive marker: two zero blocks.
pub const END_MARKER: [u8; 2 * BLOCK_BYTES] = [0; 2 * BLOCK_BYTES];

fn pax_record(key: &str, value: &str) -> Vec<u8> {
    // "<len> <key>=<value>\n" where <len> counts the whole record, itself included.
    let body = key.len() + value.len() + 3;
    let mut len = body + 1;
    while body + len.to_string().len() != len {
        len = body + len.to_string().len();
    }
    format!("{len} {key}={value}\n").into_bytes()
}

/// A name that fits a ustar header, for readers that do not know pax: non-ASCII as
/// `_`, cut to 100 bytes. The pax `path` record carries the real name.
fn fallback_name(path: &str) -> String {
    let ascii: String = path
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() {
                c
            } else {
                '_'
            }
        })
        .collect();
    if ascii.len() <= USTAR_NAME_MAX_BYTES {
        return ascii;
    }
    match ascii.split_once('/') {
        Some((dir, name)) if dir.len() < USTAR_NAME_MAX_BYTES / 2 => {
            let keep = USTAR_NAME_MAX_BYTES - dir.len() - 1;
            format!("{dir}/{}", &name[name.len() - keep..])
        }
        _ => ascii[ascii.len() - USTAR_NAME_MAX_BYTES..].to_string(),
    }
}

fn plain_header(name: &str, size: u64, mtime: u64, kind: EntryType) -> Header {
    let mut header = Header::new_ustar();
    header.set_entry_type(kind);
    header.set_mode(0o644);
    header.set_uid(0);
    header.set_gid(0);
    header.set_mtime(mtime);
    header.set_size(size);
    if let Some(ustar) = header.as_ustar_mut() {
        let bytes = name.as_bytes();
        let n = bytes.len().min(USTAR_NAME_MAX_BYTES);
        ustar.name[..n].copy_from_slice(&bytes[..n]);
    }
    header.set_cksum();
    header
}

/// The header block(s) for a regular file of `size` bytes at `path` (already checked),
/// deterministic: mode 0644, uid and gid 0, no user names, `mtime` seconds. Names that
/// are not short ASCII, and sizes beyond ustar's octal field, get a POSIX pax header
/// first, which GNU tar, bsdtar and 7-Zip read.
pub fn file_headers(path: &str, size: u64, mtime: u64) -> Vec<u8> {
    let mut records = Vec::new();
    let fits = path.is_ascii() && path.len() <= USTAR_NAME_MAX_BYTES;
    if !fits {
        records.extend(pax_record("path", path));
    }
    if size > OCTAL_SIZE_MAX {
        records.extend(pax_record("size", &size.to_string()));
    }
    let name = if fits {
        path.to_string()
    } else {
        fallback_name(path)
    };
    let mut out = Vec::with_capacity(3 * BLOCK_BYTES);
    if !records.is_empty() {
        let pax_name = fallback_name(&format!("PaxHeaders/{}", name.replace('/', "_")));
        let pax = plain_header(&pax_name, records.len() as u64, mtime, EntryType::XHeader);
        out.extend_from_slice(pax.as_bytes());
        out.extend_from_slice(&records);
        out.resize(out.len() + padding(records.len() as u64), 0);
    }
    out.extend_from_slice(plain_header(&name, size, mtime, EntryType::Regular).as_bytes());
    out
}

/// What a member is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Directory,
}

/// One member's header, as read.
#[derive(Debug, Clone)]
pub struct Member {
    /// The raw name (after pax or GNU long-name records), not yet checked.
    pub name: Vec<u8>,
    pub kind: Kind,
    /// Data size in bytes.
    pub size: u64,
}

/// Refusal message for a damaged stream.
fn damaged(why: String) -> Error {
    Error::bundle(format!("the handover is damaged and was refused: {why}"))
}

/// Refusal of one member (by its raw name), `why` saying what it is or does.
fn refused(name: &[u8], why: &str) -> Error {
    Error::bundle_member(
        String::from_utf8_lossy(name),
        format!("the handover was refused because it {why}"),
    )
}

/// Checks a header's checksum, accepting only the forms tar programs write:
/// six octal digits, NUL, space (GNU tar, bsdtar) or seven digits and NUL (tar-rs).
fn checksum_ok(block: &[u8; BLOCK_BYTES]) -> bool {
    let field = &block[148..156];
    let sum: u32 = block
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if (148..156).contains(&i) {
                0x20
            } else {
                u32::from(*b)
            }
        })
        .sum();
    field == format!("{sum:06o}\0 ").as_bytes() || field == format!("{sum:07o}\0").as_bytes()
}

/// What pax records say.
#[derive(Default)]
struct Pax {
    path: Option<Vec<u8>>,
    size: Option<u64>,
}

fn parse_pax(data: &[u8], global: bool) -> Result<Pax> {
    let bad = |why: &str| damaged(format!("a pax extended header is malformed ({why})"));
    let mut pax = Pax::default();
    let mut rest = data;
    while !rest.is_empty() {
        let space = rest
            .iter()
            .position(|b| *b == b' ')
            .ok_or_else(|| bad("no length"))?;
        let digits = &rest[..space];
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) || digits[0] == b'0' {
            return Err(bad("bad length"));
        }
        let len: usize = std::str::from_utf8(digits)
            .ok()
            .and_then(|d| d.parse().ok())
            .ok_or_else(|| bad("bad length"))?;
        if len <= space + 1 || len > rest.len() || rest[len - 1] != b'\n' {
            return Err(bad("length does not match the record"));
        }
        let record = &rest[space + 1..len - 1];
        rest = &rest[len..];
        let eq = record
            .iter()
            .position(|b| *b == b'=')
            .ok_or_else(|| bad("no '='"))?;
        let (key, value) = (&record[..eq], &record[eq + 1..]);
        match key {
            b"path" => pax.path = Some(value.to_vec()),
            b"size" => {
                let size = std::str::from_utf8(value)
                    .ok()
                    .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(|| bad("bad size"))?;
                pax.size = Some(size);
            }
            b"linkpath" => {
                return Err(Error::bundle(
                    "the handover was refused: it holds a link (pax linkpath); a handover \
                     holds only plain files",
                ))
            }
            b"hdrcharset" if value != b"ISO-IR 10646 2000 UTF-8" => {
                return Err(Error::bundle(
                    "the handover was refused: it has names that are not UTF-8 text",
                ))
            }
            k if k.starts_with(b"GNU.sparse.") => {
                return Err(Error::bundle(
                    "the handover was refused: it holds a sparse file, which Daybook does not \
                     write or accept",
                ))
            }
            // Times, owners, comments and extended attributes carry no content and are
            // ignored, as Daybook ignores the header times and owners.
            _ => {}
        }
    }
    if global && (pax.path.is_some() || pax.size.is_some()) {
        return Err(Error::bundle(
            "the handover was refused: a global pax header renames or resizes members",
        ));
    }
    Ok(pax)
}

/// A strict, streaming tar reader: `next` gives each member's header, `read_data`
/// its bytes; nothing is buffered beyond one block.
pub struct Reader<R> {
    input: R,
    /// Bytes consumed so far.
    offset: u64,
    /// Data bytes of the current member not yet read.
    remaining: u64,
    /// Padding after the current member's data.
    padding: usize,
    /// The current (or last) member's name, for messages.
    current: Vec<u8>,
    members: usize,
    finished: bool,
}

impl<R: Read> Reader<R> {
    pub fn new(input: R) -> Self {
        Reader {
            input,
            offset: 0,
            remaining: 0,
            padding: 0,
            current: Vec::new(),
            members: 0,
            finished: false,
        }
    }

    /// Total bytes read from the input.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Reads until `buf` is full or the input ends; returns how much was read.
    fn fill(&mut self, buf: &mut [u8]) -> Result<usize> {
        let mut filled = 0;
        while filled < buf.len() {
            match self.input.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == ErrorKind::InvalidData => {
                    return Err(damaged(format!(
                        "it could not be decrypted {}: it was altered or damaged ({e})",
                        self.where_()
                    )))
                }
                Err(e) => return Err(Error::Io(e)),
            }
        }
        self.offset += filled as u64;
        Ok(filled)
    }

    fn where_(&self) -> String {
        if self.current.is_empty() {
            "at its start".to_string()
        } else {
            format!("after member {}", shown_bytes(&self.current))
        }
    }

    fn truncated(&self) -> Error {
        damaged(format!(
            "it is truncated: it ends {} without the end-of-archive marker",
            self.where_()
        ))
    }

    /// Reads one whole block, refusing a short one.
    fn block(&mut self) -> Result<Option<[u8; BLOCK_BYTES]>> {
        let mut block = [0u8; BLOCK_BYTES];
        match self.fill(&mut block)? {
            0 => Ok(None),
            BLOCK_BYTES => Ok(Some(block)),
            _ => Err(self.truncated()),
        }
    }

    /// Reads the current member's data into `buf`; `Ok(0)` at its end.
    pub fn read_data(&mut self, buf: &mut [u8]) -> Result<usize> {
        if self.remaining == 0 || buf.is_empty() {
            return Ok(0);
        }
        let want = buf
            .len()
            .min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
        loop {
            match self.input.read(&mut buf[..want]) {
                Ok(0) => {
                    return Err(damaged(format!(
                        "it is truncated: it ends in the middle of member {}",
                        shown_bytes(&self.current)
                    )))
                }
                Ok(n) => {
                    self.remaining -= n as u64;
                    self.offset += n as u64;
                    return Ok(n);
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                // Decryption failing here means the bytes of this member were altered
                // or damaged in the file: say which member.
                Err(e) if e.kind() == ErrorKind::InvalidData => {
                    return Err(damaged(format!(
                        "member {} could not be decrypted: it was altered or damaged ({e})",
                        shown_bytes(&self.current)
                    )))
                }
                Err(e) => return Err(Error::Io(e)),
            }
        }
    }

    /// Where the current member's unread data starts, in the input.
    pub fn data_offset(&self) -> u64 {
        self.offset
    }

    /// Skips what is left of the current member's data by seeking, without reading
    /// it (to index a large archive quickly; its bytes are checked by a full read).
    pub fn skip_data(&mut self) -> Result<()>
    where
        R: std::io::Seek,
    {
        if self.remaining > 0 {
            let step = i64::try_from(self.remaining)
                .map_err(|_| damaged("a member is impossibly large".to_string()))?;
            self.input
                .seek(std::io::SeekFrom::Current(step))
                .map_err(|e| {
                    damaged(format!(
                        "member {} could not be read ({e})",
                        shown_bytes(&self.current)
                    ))
                })?;
            self.offset += self.remaining;
            self.remaining = 0;
        }
        Ok(())
    }

    /// Skips what is left of the current member and checks its padding is zero.
    fn finish_member(&mut self) -> Result<()> {
        let mut scratch = [0u8; 8 * 1024];
        while self.remaining > 0 {
            self.read_data(&mut scratch)?;
        }
        if self.padding > 0 {
            let mut pad = [0u8; BLOCK_BYTES];
            let n = self.padding;
            self.padding = 0;
            if self.fill(&mut pad[..n])? != n {
                return Err(damaged(format!(
                    "it is truncated: it ends in the padding of member {}",
                    shown_bytes(&self.current)
                )));
            }
            if pad[..n].iter().any(|b| *b != 0) {
                return Err(damaged(format!(
                    "the padding after member {} is not blank",
                    shown_bytes(&self.current)
                )));
            }
        }
        Ok(())
    }

    /// Reads a whole small extension member (pax or GNU long name) with its padding.
    fn small_data(&mut self, size: u64, what: &str) -> Result<Vec<u8>> {
        if size > EXTENSION_MAX_BYTES {
            return Err(damaged(format!(
                "a {what} header is too large ({size} bytes)"
            )));
        }
        let mut data = vec![0u8; size as usize];
        self.remaining = size;
        self.padding = padding(size);
        let mut filled = 0;
        while filled < data.len() {
            filled += self.read_data(&mut data[filled..])?;
        }
        self.finish_member()?;
        Ok(data)
    }

    /// After the first zero block: the second must follow, then only zeros to the end.
    fn end(&mut self) -> Result<()> {
        match self.block()? {
            None => return Err(self.truncated()),
            Some(b) if b.iter().any(|x| *x != 0) => {
                return Err(damaged(format!(
                    "a blank block at byte {} is followed by more data",
                    self.offset - 2 * BLOCK_BYTES as u64
                )))
            }
            Some(_) => {}
        }
        let mut trailing = 0u64;
        let mut buf = [0u8; 8 * 1024];
        loop {
            let n = self.fill(&mut buf)?;
            if n == 0 {
                break;
            }
            if buf[..n].iter().any(|b| *b != 0) {
                return Err(damaged(
                    "it has extra data after its end-of-archive marker".to_string(),
                ));
            }
            trailing += n as u64;
            if trailing > TRAILING_ZEROS_MAX_BYTES {
                return Err(damaged(
                    "it has too much blank space after its end-of-archive marker".to_string(),
                ));
            }
        }
        self.finished = true;
        Ok(())
    }

    /// The next member's header, or `None` after a proper end marker. Skips any data of
    /// the previous member that was not read.
    pub fn next_member(&mut self) -> Result<Option<Member>> {
        if self.finished {
            return Ok(None);
        }
        self.finish_member()?;
        let mut long_name: Option<Vec<u8>> = None;
        let mut pax: Option<Pax> = None;
        loop {
            let at = self.offset;
            let Some(block) = self.block()? else {
                return Err(self.truncated());
            };
            if block.iter().all(|b| *b == 0) {
                if long_name.is_some() || pax.is_some() {
                    return Err(damaged(format!(
                        "an extended header at byte {at} is not followed by a member"
                    )));
                }
                self.end()?;
                return Ok(None);
            }
            if !checksum_ok(&block) {
                return Err(damaged(format!(
                    "the header at byte {at} ({}) fails its checksum",
                    self.where_()
                )));
            }
            let header = Header::from_byte_slice(&block);
            if header.as_ustar().is_none() && header.as_gnu().is_none() {
                return Err(damaged(format!(
                    "the header at byte {at} is not in the ustar, pax or GNU tar format"
                )));
            }
            let size = header.entry_size().map_err(|e| {
                damaged(format!(
                    "the header at byte {at} has an unreadable size ({e})"
                ))
            })?;
            let kind = header.entry_type();
            match kind {
                EntryType::XHeader | EntryType::XGlobalHeader => {
                    let global = kind == EntryType::XGlobalHeader;
                    if !global && pax.is_some() {
                        return Err(damaged(format!("two pax headers in a row at byte {at}")));
                    }
                    let data = self.small_data(size, "pax")?;
                    let parsed = parse_pax(&data, global)?;
                    if !global {
                        pax = Some(parsed);
                    }
                    continue;
                }
                EntryType::GNULongName => {
                    if long_name.is_some() {
                        return Err(damaged(format!(
                            "two long-name headers in a row at byte {at}"
                        )));
                    }
                    let data = self.small_data(size, "long-name")?;
                    let end = data.iter().position(|b| *b == 0).unwrap_or(data.len());
                    if data[end..].iter().any(|b| *b != 0) {
                        return Err(damaged(format!("the long name at byte {at} is malformed")));
                    }
                    long_name = Some(data[..end].to_vec());
                    continue;
                }
                _ => {}
            }
            let pax = pax.take().unwrap_or_default();
            let name = match (pax.path, long_name.take()) {
                (Some(_), Some(_)) => {
                    return Err(damaged(format!(
                        "the member at byte {at} has two long names"
                    )))
                }
                (Some(p), None) | (None, Some(p)) => p,
                (None, None) => header.path_bytes().into_owned(),
            };
            let size = pax.size.unwrap_or(size);
            self.current = name.clone();
            let kind = match kind {
                EntryType::Regular => Kind::File,
                EntryType::Directory => Kind::Directory,
                EntryType::Link => {
                    return Err(refused(
                        &name,
                        "is a hard link; a handover holds only plain files",
                    ))
                }
                EntryType::Symlink => {
                    return Err(refused(
                        &name,
                        "is a symbolic link; a handover holds only plain files",
                    ))
                }
                EntryType::Char => {
                    return Err(refused(
                        &name,
                        "is a character device; a handover holds only plain files",
                    ))
                }
                EntryType::Block => {
                    return Err(refused(
                        &name,
                        "is a block device; a handover holds only plain files",
                    ))
                }
                EntryType::Fifo => {
                    return Err(refused(
                        &name,
                        "is a named pipe (FIFO); a handover holds only plain files",
                    ))
                }
                EntryType::GNULongLink => {
                    return Err(refused(
                        &name,
                        "is a link; a handover holds only plain files",
                    ))
                }
                EntryType::GNUSparse => {
                    return Err(refused(
                        &name,
                        "is a sparse file, which Daybook does not accept",
                    ))
                }
                other => {
                    return Err(refused(
                        &name,
                        &format!(
                            "has a tar member type Daybook does not accept ({:?})",
                            char::from(other.as_byte())
                        ),
                    ))
                }
            };
            if kind == Kind::Directory && size != 0 {
                return Err(refused(&name, "is a folder with data in it"));
            }
            self.members += 1;
            if self.members > MEMBERS_MAX {
                return Err(Error::bundle(format!(
                    "the handover was refused: it has more than {MEMBERS_MAX} members"
                )));
            }
            self.remaining = size;
            self.padding = padding(size);
            return Ok(Some(Member { name, kind, size }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pax_record_length_counts_itself() {
        assert_eq!(pax_record("path", "abc"), b"12 path=abc\n");
        let long = "x".repeat(95);
        let r = pax_record("path", &long);
        assert_eq!(r.len(), 105);
        assert!(r.starts_with(b"105 path="));
        let r = pax_record("path", &"y".repeat(1000));
        let len: usize = std::str::from_utf8(&r[..r.iter().position(|b| *b == b' ').unwrap()])
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(len, r.len());
    }

    #[test]
    fn headers_are_deterministic_and_checksummed() {
        let a = file_headers("README.txt", 10, 1_700_000_000);
        assert_eq!(a, file_headers("README.txt", 10, 1_700_000_000));
        assert_eq!(a.len(), BLOCK_BYTES);
        let block: [u8; BLOCK_BYTES] = a[..].try_into().unwrap();
        assert!(checksum_ok(&block));
        let h = Header::from_byte_slice(&a);
        assert_eq!(h.mode().unwrap(), 0o644);
        assert_eq!(h.username_bytes(), Some(&b""[..]));
    }

    #[test]
    fn long_and_unicode_names_get_a_pax_path() {
        let name = format!("evidence/AB-1_{}.jpg", "é".repeat(100));
        let bytes = file_headers(&name, 3, 0);
        let mut data = bytes.clone();
        data.extend_from_slice(b"abc");
        data.resize(data.len() + padding(3), 0);
        data.extend_from_slice(&END_MARKER);
        let mut r = Reader::new(&data[..]);
        let m = r.next_member().unwrap().unwrap();
        assert_eq!(m.name, name.as_bytes());
        assert_eq!(m.size, 3);
        assert!(r.next_member().unwrap().is_none());
    }

    #[test]
    fn huge_sizes_get_a_pax_size() {
        let bytes = file_headers("evidence/AB-1_big.mov", OCTAL_SIZE_MAX + 1, 0);
        assert_eq!(bytes.len(), 3 * BLOCK_BYTES);
        let text = String::from_utf8_lossy(&bytes[BLOCK_BYTES..2 * BLOCK_BYTES]);
        assert!(text.contains("size=8589934592\n"), "{text}");
    }

    #[test]
    fn a_pax_size_overrides_the_header() {
        let records = pax_record("size", "3");
        let mut data = plain_header("PaxHeaders/x", records.len() as u64, 0, EntryType::XHeader)
            .as_bytes()
            .to_vec();
        data.extend_from_slice(&records);
        data.resize(data.len() + padding(records.len() as u64), 0);
        data.extend_from_slice(plain_header("x", 0, 0, EntryType::Regular).as_bytes());
        data.extend_from_slice(b"abc");
        data.resize(data.len() + padding(3), 0);
        data.extend_from_slice(&END_MARKER);
        let mut r = Reader::new(&data[..]);
        let m = r.next_member().unwrap().unwrap();
        assert_eq!(m.size, 3);
        let mut buf = [0u8; 8];
        assert_eq!(r.read_data(&mut buf).unwrap(), 3);
        assert!(r.next_member().unwrap().is_none());
    }

    #[test]
    fn strict_pax_parsing() {
        assert!(parse_pax(b"12 path=abc\n", false).unwrap().path.is_some());
        assert!(parse_pax(b"12 path=abc", false).is_err());
        assert!(parse_pax(b"13 path=abc\n", false).is_err());
        assert!(parse_pax(b"012 path=abc\n", false).is_err());
        assert!(parse_pax(b"11 pathabc\n\n", false).is_err());
        assert!(parse_pax(b"14 linkpath=x\n", false).is_err());
        assert!(parse_pax(b"12 path=abc\n", true).is_err());
        assert!(parse_pax(b"20 mtime=1234567890\n", true).is_ok());
    }
}
