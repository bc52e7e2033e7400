//! The streaming XML walker shared by the SMS backup and the call log: it hands over
//! one element at a time with its attributes unescaped and its place in the file, and
//! holds at most one element in memory, so a backup of gigabytes is read in bounded
//! memory. It never builds a tree and never resolves anything outside the file.

use std::io::{self, BufRead};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::{import_error, Format, Position};
use crate::error::{Error, Result};

/// The longest one element may be, attributes and all. An MMS part carries its file
/// as base64 in one attribute, so this bounds the largest attachment (about 190 MiB
/// once decoded) and the memory a hostile file can make us use.
pub const MAX_ELEMENT_BYTES: u64 = 256 * 1024 * 1024;

/// How deep elements may nest. Real backups nest four deep (`smses/mms/parts/part`).
pub const MAX_DEPTH: usize = 16;

/// How many attributes one element may have. Real MMS elements have about forty.
pub const MAX_ATTRIBUTES: usize = 512;

/// The read buffer kept between elements; a larger one (after an MMS with a photo)
/// is freed rather than kept for the rest of the backup.
const KEPT_BUFFER_BYTES: usize = 1024 * 1024;

/// A `BufRead` that counts lines and bytes as they are consumed, and refuses to let a
/// single element grow past [`MAX_ELEMENT_BYTES`].
struct Counted<R> {
    inner: R,
    byte: u64,
    line: u64,
    since_mark: u64,
    overflowed: bool,
}

impl<R: BufRead> Counted<R> {
    fn mark(&mut self) {
        self.since_mark = 0;
    }
}

impl<R: BufRead> io::Read for Counted<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.since_mark > MAX_ELEMENT_BYTES {
            self.overflowed = true;
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "element too long",
            ));
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        // A BufReader hands back the same buffer without reading again, so this sees
        // exactly the bytes being consumed.
        if let Ok(buf) = self.inner.fill_buf() {
            let n = amount.min(buf.len());
            self.line += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        }
        self.byte += amount as u64;
        self.since_mark += amount as u64;
        self.inner.consume(amount);
    }
}

/// One element start (or empty element) with its attributes, or an element end.
pub enum Node {
    /// `<name …>` or `<name …/>` (then `empty` is true and no `End` follows).
    Start {
        name: String,
        attributes: Attributes,
        empty: bool,
        position: Position,
        depth: usize,
    },
    /// `</name>`.
    End { name: String, depth: usize },
}

/// An element's attributes, values unescaped.
#[derive(Default)]
pub struct Attributes(Vec<(String, String)>);

impl Attributes {
    /// The value, or `None` when absent, empty or the backup's `"null"`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.raw(key).filter(|v| !v.is_empty() && *v != "null")
    }

    /// The value as written (only a missing attribute is `None`).
    pub fn raw(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Moves a value out (for large base64 data, to avoid a copy).
    pub fn take(&mut self, key: &str) -> Option<String> {
        let i = self.0.iter().position(|(k, _)| k == key)?;
        Some(std::mem::take(&mut self.0[i].1))
    }
}

/// Walks an SMS Backup & Restore file element by element.
pub struct Stream<R> {
    reader: Reader<Counted<R>>,
    buf: Vec<u8>,
    format: Format,
    depth: usize,
    root: Option<String>,
    ended: bool,
}

impl<R: BufRead> Stream<R> {
    pub fn new(inner: R, format: Format) -> Self {
        let mut reader = Reader::from_reader(Counted {
            inner,
            byte: 0,
            line: 1,
            since_mark: 0,
            overflowed: false,
        });
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        Stream {
            reader,
            buf: Vec::new(),
            format,
            depth: 0,
            root: None,
            ended: false,
        }
    }

    fn here(&self) -> Position {
        let counted = self.reader.get_ref();
        Position {
            line: counted.line,
            byte: counted.byte,
        }
    }

    fn error(&self, position: Position, reason: impl Into<String>) -> Error {
        import_error(Some(self.format), Some(position), reason)
    }

    /// The next element start or end; `None` at a clean end of the file.
    pub fn next(&mut self) -> Result<Option<Node>> {
        let mut buf = std::mem::take(&mut self.buf);
        let node = self.next_into(&mut buf);
        // Keep a small buffer for the next element, not the largest one seen.
        if buf.capacity() <= KEPT_BUFFER_BYTES {
            buf.clear();
            self.buf = buf;
        }
        node
    }

    fn next_into(&mut self, buf: &mut Vec<u8>) -> Result<Option<Node>> {
        loop {
            if self.ended {
                return Ok(None);
            }
            self.reader.get_mut().mark();
            let start = self.here();
            buf.clear();
            let event = match self.reader.read_event_into(buf) {
                Ok(event) => event,
                Err(e) => {
                    let reason = if self.reader.get_ref().overflowed {
                        format!(
                            "an element is longer than {} MiB, far more than a real backup holds",
                            MAX_ELEMENT_BYTES / (1024 * 1024)
                        )
                    } else {
                        format!(
                            "the XML is malformed near byte {}: {e}",
                            self.reader.error_position()
                        )
                    };
                    return Err(self.error(start, reason));
                }
            };
            match event {
                Event::Start(e) | Event::Empty(e) if self.depth == 0 && self.root.is_some() => {
                    let name = e.name().as_ref().to_string();
                    return Err(self.error(start, format!("<{name}> after the end of the backup")));
                }
                Event::Start(e) => {
                    let node = self.start(&e, start, false)?;
                    self.depth += 1;
                    if self.depth > MAX_DEPTH {
                        return Err(
                            self.error(start, format!("elements nest more than {MAX_DEPTH} deep"))
                        );
                    }
                    return Ok(Some(node));
                }
                Event::Empty(e) => return self.start(&e, start, true).map(Some),
                Event::End(e) => {
                    let name = e.name().as_ref().to_string();
                    let depth = self.depth;
                    self.depth = self.depth.saturating_sub(1);
                    return Ok(Some(Node::End { name, depth }));
                }
                Event::Eof => {
                    self.ended = true;
                    if self.depth > 0 || self.root.is_none() {
                        let what = match &self.root {
                            Some(root) => format!("the file ends before </{root}>: it was cut short or is damaged, and anything after this point is missing"),
                            None => "the file has no backup element".to_string(),
                        };
                        return Err(self.error(start, what));
                    }
                    return Ok(None);
                }
                Event::Text(_)
                | Event::CData(_)
                | Event::Comment(_)
                | Event::Decl(_)
                | Event::PI(_)
                | Event::DocType(_)
                | Event::GeneralRef(_) => {}
            }
        }
    }

    fn start(&mut self, e: &BytesStart<'_>, position: Position, empty: bool) -> Result<Node> {
        let name = e.name().as_ref().to_string();
        if self.root.is_none() {
            self.root = Some(name.clone());
        }
        let mut attributes = Vec::new();
        for attribute in e.attributes() {
            let attribute = attribute.map_err(|err| {
                self.error(position, format!("a broken attribute in <{name}>: {err}"))
            })?;
            if attributes.len() >= MAX_ATTRIBUTES {
                return Err(self.error(
                    position,
                    format!("<{name}> has more than {MAX_ATTRIBUTES} attributes"),
                ));
            }
            let key = attribute.key.as_ref().to_string();
            let value = unescape(&attribute.value);
            attributes.push((key, value));
        }
        Ok(Node::Start {
            name,
            attributes: Attributes(attributes),
            empty,
            position,
            depth: self.depth + 1,
        })
    }
}

/// Replaces XML character and entity references. Android writes characters outside
/// the Basic Multilingual Plane as two references to UTF-16 surrogates
/// (`&#55357;&#56846;`); a pair becomes one character, and a lone half becomes
/// U+FFFD because it cannot be written in UTF-8. An unknown reference is kept as it
/// stands rather than dropped.
pub fn unescape(raw: &str) -> String {
    if !raw.contains('&') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    let mut pending_high: Option<u32> = None;
    while let Some(amp) = rest.find('&') {
        let before = &rest[..amp];
        if !before.is_empty() {
            if pending_high.take().is_some() {
                out.push('\u{FFFD}');
            }
            out.push_str(before);
        }
        let after = &rest[amp..];
        let reference = after
            .get(1..after.len().min(12))
            .and_then(|s| s.find(';').map(|end| &s[..end]));
        let Some(name) = reference else {
            if pending_high.take().is_some() {
                out.push('\u{FFFD}');
            }
            out.push('&');
            rest = &after[1..];
            continue;
        };
        let consumed = name.len() + 2;
        let code = match name {
            "lt" => Some(u32::from('<')),
            "gt" => Some(u32::from('>')),
            "amp" => Some(u32::from('&')),
            "quot" => Some(u32::from('"')),
            "apos" => Some(u32::from('\'')),
            _ => name.strip_prefix('#').and_then(|num| {
                match num.strip_prefix('x').or_else(|| num.strip_prefix('X')) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => num.parse::<u32>().ok(),
                }
            }),
        };
        match code {
            None => {
                if pending_high.take().is_some() {
                    out.push('\u{FFFD}');
                }
                out.push_str(&after[..consumed]);
            }
            Some(high @ 0xD800..=0xDBFF) => {
                if pending_high.replace(high).is_some() {
                    out.push('\u{FFFD}');
                }
            }
            Some(low @ 0xDC00..=0xDFFF) => match pending_high.take() {
                Some(high) => {
                    let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                    out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                }
                None => out.push('\u{FFFD}'),
            },
            Some(c) => {
                if pending_high.take().is_some() {
                    out.push('\u{FFFD}');
                }
                out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
            }
        }
        rest = &after[consumed..];
    }
    if pending_high.take().is_some() {
        out.push('\u{FFFD}');
    }
    out.push_str(rest);
    out
}

/// The name of the first element in the start of an XML file, skipping the
/// declaration, processing instructions, comments and a doctype.
pub fn root_name(text: &str) -> Option<&str> {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("<?") {
            rest = &after[after.find("?>")? + 2..];
        } else if let Some(after) = rest.strip_prefix("<!--") {
            rest = &after[after.find("-->")? + 3..];
        } else if let Some(after) = rest.strip_prefix("<!") {
            rest = &after[after.find('>')? + 1..];
        } else if let Some(after) = rest.strip_prefix('<') {
            let end = after
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(after.len());
            let name = &after[..end];
            return (!name.is_empty()).then_some(name);
        } else {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_unescape_joins_surrogate_pairs() {
        assert_eq!(unescape("&#55357;&#56846;"), "😎");
        assert_eq!(unescape("a &#55357;&#56846; b"), "a 😎 b");
        assert_eq!(unescape("&#xD83D;&#xDE0E;"), "😎");
        assert_eq!(
            unescape("&#x1F30D; &amp; &lt;&gt;&quot;&apos;"),
            "🌍 & <>\"'"
        );
        assert_eq!(unescape("lone &#55357; high"), "lone \u{FFFD} high");
        assert_eq!(unescape("&#55357;"), "\u{FFFD}");
        assert_eq!(unescape("&#56846;x"), "\u{FFFD}x");
        assert_eq!(unescape("&#55357;&#55357;&#56846;"), "\u{FFFD}😎");
        assert_eq!(
            unescape("&nbsp; & &#99999999999; &#9999999; &#0;"),
            "&nbsp; & &#99999999999; \u{FFFD} \u{0}"
        );
        assert_eq!(unescape("&#10;"), "\n");
        assert_eq!(unescape("tail &"), "tail &");
    }

    #[test]
    fn import_root_name_skips_the_prologue() {
        let head = "<?xml version='1.0'?>\n<?xml-stylesheet href=\"sms.xsl\"?>\n<!-- x -->\n<smses count=\"0\">";
        assert_eq!(root_name(head), Some("smses"));
        assert_eq!(root_name("<calls/>"), Some("calls"));
        assert_eq!(root_name("<?xml"), None);
    }
}
