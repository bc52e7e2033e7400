//! Media-type sniffing for evidence files.
//!
//! Why it exists: an exhibit's type decides how it is inspected (EXIF, preview) and
//! how it is described in a report, and a file's name is whatever the person (or the
//! stalker who sent it) chose. So the type comes from the content's first bytes only.
//!
//! What it must never do: trust or even look at a file name or extension, read more
//! than the head it is given, allocate in proportion to the input, or panic. When it
//! is not sure it says `application/octet-stream` rather than guess.

/// The most bytes of a file's head that [`sniff`] looks at.
pub const SNIFF_LEN: usize = 4096;

/// The fallback type for content that is not recognised.
pub const OCTET_STREAM: &str = "application/octet-stream";

/// The media type of content, from its first bytes (at most [`SNIFF_LEN`] are used).
///
/// Never looks at a name or extension. Office documents (docx, xlsx…) are ZIP
/// archives and come out as `application/zip`.
pub fn sniff(head: &[u8]) -> &'static str {
    let head = &head[..head.len().min(SNIFF_LEN)];
    if head.is_empty() {
        return OCTET_STREAM;
    }
    if let Some(t) = sniff_binary(head) {
        return t;
    }
    if let Some(t) = sniff_utf16_text(head) {
        return t;
    }
    if let Some(t) = sniff_mpeg_audio_frame(head) {
        return t;
    }
    sniff_text(head).unwrap_or(OCTET_STREAM)
}

/// Whether the type is a raster picture this module can read metadata from and
/// make a preview of. SVG is deliberately not one: it is a document that can carry
/// scripts and links.
pub fn is_image(media_type: &str) -> bool {
    matches!(
        media_type,
        "image/jpeg"
            | "image/png"
            | "image/gif"
            | "image/webp"
            | "image/heic"
            | "image/heic-sequence"
            | "image/heif"
            | "image/heif-sequence"
            | "image/avif"
            | "image/tiff"
            | "image/bmp"
    )
}

/// The usual file extension (without the dot) for a media type, for suggested
/// names of pasted content and files in an evidence pack. `bin` when unknown.
pub fn extension_for(media_type: &str) -> &'static str {
    match media_type {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "image/heic" | "image/heic-sequence" => "heic",
        "image/heif" | "image/heif-sequence" => "heif",
        "image/avif" => "avif",
        "image/tiff" => "tif",
        "image/bmp" => "bmp",
        "image/svg+xml" => "svg",
        "application/pdf" => "pdf",
        "video/mp4" => "mp4",
        "video/quicktime" => "mov",
        "video/3gpp" => "3gp",
        "video/3gpp2" => "3g2",
        "video/webm" => "webm",
        "video/x-matroska" => "mkv",
        "video/x-msvideo" => "avi",
        "audio/mp4" => "m4a",
        "audio/mpeg" => "mp3",
        "audio/aac" => "aac",
        "audio/wav" => "wav",
        "audio/ogg" => "ogg",
        "audio/flac" => "flac",
        "audio/amr" => "amr",
        "audio/amr-wb" => "awb",
        "application/zip" => "zip",
        "application/gzip" => "gz",
        "application/x-7z-compressed" => "7z",
        "application/vnd.rar" => "rar",
        "message/rfc822" => "eml",
        "application/json" => "json",
        "text/html" => "html",
        "application/xml" => "xml",
        "text/plain" => "txt",
        _ => "bin",
    }
}

fn starts(head: &[u8], magic: &[u8]) -> bool {
    head.starts_with(magic)
}

fn at(head: &[u8], offset: usize, magic: &[u8]) -> bool {
    head.get(offset..offset + magic.len()) == Some(magic)
}

fn sniff_binary(head: &[u8]) -> Option<&'static str> {
    if starts(head, b"\xFF\xD8\xFF") {
        return Some("image/jpeg");
    }
    if starts(head, b"\x89PNG\r\n\x1a\n") {
        return Some("image/png");
    }
    if starts(head, b"GIF87a") || starts(head, b"GIF89a") {
        return Some("image/gif");
    }
    if starts(head, b"RIFF") {
        if at(head, 8, b"WEBP") {
            return Some("image/webp");
        }
        if at(head, 8, b"WAVE") {
            return Some("audio/wav");
        }
        if at(head, 8, b"AVI ") {
            return Some("video/x-msvideo");
        }
    }
    if at(head, 4, b"ftyp") {
        return Some(sniff_ftyp(head));
    }
    if starts(head, b"II*\0") || starts(head, b"MM\0*") {
        return Some("image/tiff");
    }
    if is_bmp(head) {
        return Some("image/bmp");
    }
    if starts(head, b"%PDF-") {
        return Some("application/pdf");
    }
    if starts(head, b"ID3") && head.len() >= 10 && head[3] < 0xFF && head[4] < 0xFF {
        return Some("audio/mpeg");
    }
    if starts(head, b"OggS") {
        // The first page's packet starts at 28 for a single-segment page.
        if at(head, 28, b"\x80theora") {
            return Some("video/ogg");
        }
        return Some("audio/ogg");
    }
    if starts(head, b"fLaC") {
        return Some("audio/flac");
    }
    if starts(head, b"#!AMR-WB\n") {
        return Some("audio/amr-wb");
    }
    if starts(head, b"#!AMR\n") {
        return Some("audio/amr");
    }
    if starts(head, b"PK\x03\x04") || starts(head, b"PK\x05\x06") || starts(head, b"PK\x07\x08") {
        return Some("application/zip");
    }
    if starts(head, b"\x1F\x8B\x08") {
        return Some("application/gzip");
    }
    if starts(head, b"7z\xBC\xAF\x27\x1C") {
        return Some("application/x-7z-compressed");
    }
    if starts(head, b"Rar!\x1A\x07") {
        return Some("application/vnd.rar");
    }
    if starts(head, b"\x1A\x45\xDF\xA3") {
        if contains(head, b"webm") {
            return Some("video/webm");
        }
        return Some("video/x-matroska");
    }
    // QuickTime files older than the `ftyp` box start straight with an atom.
    if head.len() >= 8 {
        let size = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        let atom = &head[4..8];
        if size >= 8 && matches!(atom, b"moov" | b"mdat" | b"wide" | b"pnot") {
            return Some("video/quicktime");
        }
    }
    None
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// ISO base media file format (`ftyp` box): HEIF family, AVIF, MP4, MOV, 3GP, M4A.
fn sniff_ftyp(head: &[u8]) -> &'static str {
    let major = head.get(8..12).unwrap_or(b"    ");
    let size = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
    let end = size.clamp(16, 16 + 4 * 64).min(head.len());
    let compatible: Vec<&[u8]> = head.get(16..end).unwrap_or(&[]).chunks_exact(4).collect();
    let has = |b: &[u8]| major == b || compatible.contains(&b);

    match major {
        b"heic" | b"heix" | b"heim" | b"heis" => return "image/heic",
        b"hevc" | b"hevx" | b"hevm" | b"hevs" => return "image/heic-sequence",
        b"avif" => return "image/avif",
        b"avis" => return "image/avif",
        b"mif1" | b"mif2" => {
            return if has(b"avif") {
                "image/avif"
            } else if has(b"heic") || has(b"heix") || has(b"heim") || has(b"heis") {
                "image/heic"
            } else {
                "image/heif"
            };
        }
        b"msf1" => {
            return if has(b"avis") || has(b"avif") {
                "image/avif"
            } else if has(b"hevc") || has(b"hevx") || has(b"heic") {
                "image/heic-sequence"
            } else {
                "image/heif-sequence"
            };
        }
        b"qt  " => return "video/quicktime",
        b"M4A " | b"M4B " | b"M4P " => return "audio/mp4",
        b"3g2a" | b"3g2b" | b"3g2c" => return "video/3gpp2",
        _ => {}
    }
    if major.starts_with(b"3gp") || major.starts_with(b"3ge") || major.starts_with(b"3gg") {
        return "video/3gpp";
    }
    if major.starts_with(b"3gs") {
        return "video/3gpp";
    }
    // Other brands (isom, iso2…, mp41, mp42, avc1, dash, M4V, f4v…): MP4.
    if has(b"heic") || has(b"mif1") {
        return "image/heif";
    }
    "video/mp4"
}

fn is_bmp(head: &[u8]) -> bool {
    if !starts(head, b"BM") || head.len() < 18 {
        return false;
    }
    let dib = u32::from_le_bytes([head[14], head[15], head[16], head[17]]);
    let reserved_zero = head[6..10].iter().all(|b| *b == 0);
    reserved_zero && matches!(dib, 12 | 16 | 40 | 52 | 56 | 64 | 108 | 124)
}

/// MPEG audio without an ID3 tag: a frame-sync header with valid fields.
fn sniff_mpeg_audio_frame(head: &[u8]) -> Option<&'static str> {
    if head.len() < 4 || head[0] != 0xFF || head[1] & 0xE0 != 0xE0 {
        return None;
    }
    let version = (head[1] >> 3) & 0b11;
    let layer = (head[1] >> 1) & 0b11;
    let bitrate = head[2] >> 4;
    let rate = (head[2] >> 2) & 0b11;
    if version == 0b01 {
        return None; // reserved
    }
    if layer == 0b00 {
        // ADTS AAC uses the MPEG sync word with layer 0.
        if head[1] & 0xF6 == 0xF0 && (head[2] >> 2) & 0x0F < 13 {
            return Some("audio/aac");
        }
        return None;
    }
    if bitrate == 0b1111 || bitrate == 0 || rate == 0b11 {
        return None;
    }
    Some("audio/mpeg")
}

/// Text with a UTF-16 byte-order mark (Windows "Unicode" text files).
fn sniff_utf16_text(head: &[u8]) -> Option<&'static str> {
    let little = if starts(head, b"\xFF\xFE") {
        true
    } else if starts(head, b"\xFE\xFF") {
        false
    } else {
        return None;
    };
    let body = &head[2..];
    let units = body.chunks_exact(2).map(|p| {
        if little {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    let mut seen = 0usize;
    let mut bad = false;
    let decoded: Vec<_> = char::decode_utf16(units).collect();
    let last = decoded.len().saturating_sub(1);
    for (i, c) in decoded.into_iter().enumerate() {
        match c {
            Ok(c) if is_text_char(c) => seen += 1,
            // A surrogate pair cut by the end of the head is fine.
            Err(_) if i == last => {}
            _ => {
                bad = true;
                break;
            }
        }
    }
    (!bad && seen > 0).then_some("text/plain")
}

fn is_text_char(c: char) -> bool {
    !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\u{0C}')
}

/// UTF-8 text, allowing a multi-byte character cut off by the end of the head.
fn utf8_prefix(head: &[u8]) -> Option<&str> {
    match std::str::from_utf8(head) {
        Ok(s) => Some(s),
        Err(e) if e.error_len().is_none() && head.len() - e.valid_up_to() < 4 => {
            std::str::from_utf8(&head[..e.valid_up_to()]).ok()
        }
        Err(_) => None,
    }
}

fn sniff_text(head: &[u8]) -> Option<&'static str> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = utf8_prefix(head)?;
    if text.is_empty() || !text.chars().all(is_text_char) {
        return None;
    }
    if looks_like_email(text) {
        return Some("message/rfc822");
    }
    let trimmed = text.trim_start();
    if looks_like_json(trimmed) {
        return Some("application/json");
    }
    if let Some(t) = markup_type(trimmed) {
        return Some(t);
    }
    Some("text/plain")
}

/// Headers that make an RFC 822 message likely (not merely a note that starts
/// with `Subject:`).
const STRONG_EMAIL_HEADERS: &[&str] = &[
    "received",
    "return-path",
    "mime-version",
    "message-id",
    "delivered-to",
    "dkim-signature",
    "from",
    "x-mailer",
    "authentication-results",
    "arc-seal",
];

const EMAIL_HEADERS: &[&str] = &[
    "received",
    "return-path",
    "mime-version",
    "message-id",
    "delivered-to",
    "dkim-signature",
    "from",
    "x-mailer",
    "authentication-results",
    "arc-seal",
    "date",
    "subject",
    "to",
    "cc",
    "bcc",
    "reply-to",
    "sender",
    "content-type",
    "content-transfer-encoding",
    "in-reply-to",
    "references",
    "received-spf",
    "x-original-to",
    "thread-topic",
    "thread-index",
    "user-agent",
    "importance",
];

fn header_name(line: &str) -> Option<&str> {
    let (name, _) = line.split_once(':')?;
    let ok = !name.is_empty()
        && name.len() <= 76
        && name
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b':' && b != b' ');
    ok.then_some(name)
}

fn looks_like_email(text: &str) -> bool {
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let mut first = match lines.next() {
        Some(l) => l,
        None => return false,
    };
    // An mbox separator line ("From - Mon Jan…") may precede the headers.
    if first.starts_with("From ") {
        first = match lines.next() {
            Some(l) => l,
            None => return false,
        };
    }
    let first_name = match header_name(first) {
        Some(n) => n.to_ascii_lowercase(),
        None => return false,
    };
    if !EMAIL_HEADERS.contains(&first_name.as_str()) && !first_name.starts_with("x-") {
        return false;
    }
    let mut headers = 1usize;
    let mut strong = STRONG_EMAIL_HEADERS.contains(&first_name.as_str());
    let mut complete = true;
    let mut remaining: Vec<&str> = lines.collect();
    // The last line may be cut by the end of the head.
    let cut = remaining.pop();
    for line in &remaining {
        if line.is_empty() {
            break; // end of the header block
        }
        if line.starts_with(' ') || line.starts_with('\t') {
            continue; // folded continuation
        }
        match header_name(line) {
            Some(n) => {
                headers += 1;
                strong |= STRONG_EMAIL_HEADERS.contains(&n.to_ascii_lowercase().as_str());
            }
            None => {
                complete = false;
                break;
            }
        }
    }
    if let Some(cut) = cut {
        if remaining.iter().all(|l| !l.is_empty()) && header_name(cut).is_some() {
            headers += 1;
        }
    }
    complete && strong && headers >= 2
}

fn looks_like_json(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        Some('{') => {
            let rest = chars.as_str().trim_start();
            rest.is_empty() || rest.starts_with('"') || rest.starts_with('}')
        }
        Some('[') => {
            let rest = chars.as_str().trim_start();
            match rest.chars().next() {
                None => true,
                Some(c) => {
                    matches!(c, '{' | '[' | '"' | ']' | '-' | '0'..='9')
                        || rest.starts_with("true")
                        || rest.starts_with("false")
                        || rest.starts_with("null")
                }
            }
        }
        _ => false,
    }
}

const HTML_TAGS: &[&str] = &[
    "!doctype html",
    "html",
    "head",
    "body",
    "meta",
    "title",
    "script",
    "style",
    "iframe",
    "div",
    "table",
    "p",
    "a",
    "br",
    "h1",
    "font",
    "b",
    "span",
];

fn markup_type(text: &str) -> Option<&'static str> {
    let rest = text.strip_prefix('<')?;
    let lower: String = rest
        .chars()
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    for tag in HTML_TAGS {
        if let Some(after) = lower.strip_prefix(tag) {
            if after.is_empty() || after.starts_with([' ', '>', '\t', '\n', '\r', '/']) {
                return Some("text/html");
            }
        }
    }
    if lower.starts_with("!--") {
        // A comment first: decide on what the head holds.
        let all = text.to_ascii_lowercase();
        if all.contains("<html") || all.contains("<!doctype html") || all.contains("<body") {
            return Some("text/html");
        }
        return None;
    }
    if lower.starts_with("svg") {
        return Some("image/svg+xml");
    }
    if lower.starts_with("?xml") {
        if text.contains("<svg") {
            return Some("image/svg+xml");
        }
        if text.to_ascii_lowercase().contains("<html") {
            return Some("text/html");
        }
        return Some("application/xml");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp(major: &[u8; 4], compat: &[&[u8; 4]]) -> Vec<u8> {
        let size = 16 + 4 * compat.len();
        let mut v = (size as u32).to_be_bytes().to_vec();
        v.extend_from_slice(b"ftyp");
        v.extend_from_slice(major);
        v.extend_from_slice(&[0, 0, 0, 0]);
        for c in compat {
            v.extend_from_slice(*c);
        }
        v.extend_from_slice(&[0, 0, 0, 8, b'f', b'r', b'e', b'e']);
        v
    }

    #[test]
    fn images() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0\0\x10JFIF\0"), "image/jpeg");
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE1\x12\x34Exif\0\0"), "image/jpeg");
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "image/png");
        assert_eq!(sniff(b"GIF89a\x01\0\x01\0"), "image/gif");
        assert_eq!(sniff(b"GIF87a\x01\0\x01\0"), "image/gif");
        assert_eq!(sniff(b"RIFF\x24\0\0\0WEBPVP8 "), "image/webp");
        assert_eq!(sniff(b"II*\0\x08\0\0\0"), "image/tiff");
        assert_eq!(sniff(b"MM\0*\0\0\0\x08"), "image/tiff");
        let mut bmp = b"BM\x36\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0".to_vec();
        bmp.extend_from_slice(&[0; 16]);
        assert_eq!(sniff(&bmp), "image/bmp");
        // "BM" alone is just text.
        assert_eq!(sniff(b"BMW parked outside again"), "text/plain");
    }

    #[test]
    fn heif_family() {
        assert_eq!(sniff(&ftyp(b"heic", &[b"mif1", b"heic"])), "image/heic");
        assert_eq!(sniff(&ftyp(b"heix", &[b"mif1", b"heix"])), "image/heic");
        assert_eq!(sniff(&ftyp(b"mif1", &[b"mif1", b"heic"])), "image/heic");
        assert_eq!(sniff(&ftyp(b"mif1", &[b"mif1"])), "image/heif");
        assert_eq!(sniff(&ftyp(b"mif1", &[b"mif1", b"avif"])), "image/avif");
        assert_eq!(sniff(&ftyp(b"avif", &[b"mif1", b"avif"])), "image/avif");
        assert_eq!(
            sniff(&ftyp(b"msf1", &[b"msf1", b"hevc"])),
            "image/heic-sequence"
        );
        assert_eq!(sniff(&ftyp(b"msf1", &[b"msf1"])), "image/heif-sequence");
        assert_eq!(
            sniff(&ftyp(b"hevc", &[b"msf1", b"hevc"])),
            "image/heic-sequence"
        );
        assert!(is_image("image/heic"));
        assert!(is_image("image/heif"));
        assert_eq!(extension_for("image/heif"), "heif");
    }

    #[test]
    fn video_and_audio_containers() {
        assert_eq!(
            sniff(&ftyp(b"isom", &[b"isom", b"iso2", b"mp41"])),
            "video/mp4"
        );
        assert_eq!(sniff(&ftyp(b"mp42", &[b"mp42", b"isom"])), "video/mp4");
        assert_eq!(sniff(&ftyp(b"qt  ", &[b"qt  "])), "video/quicktime");
        assert_eq!(sniff(&ftyp(b"3gp4", &[b"isom", b"3gp4"])), "video/3gpp");
        assert_eq!(sniff(&ftyp(b"3gp5", &[])), "video/3gpp");
        assert_eq!(sniff(&ftyp(b"3g2a", &[])), "video/3gpp2");
        assert_eq!(
            sniff(&ftyp(b"M4A ", &[b"M4A ", b"mp42", b"isom"])),
            "audio/mp4"
        );
        assert_eq!(sniff(b"\0\0\0\x08wide\0\0\0\x10mdat"), "video/quicktime");
        assert_eq!(sniff(b"RIFF\x24\0\0\0WAVEfmt "), "audio/wav");
        assert_eq!(sniff(b"ID3\x04\0\0\0\0\0\x21TIT2"), "audio/mpeg");
        // MPEG-1 Layer III, 128 kbit/s, 44.1 kHz.
        assert_eq!(sniff(b"\xFF\xFB\x90\x64\0\0"), "audio/mpeg");
        // MPEG-2 Layer III (phones' voice memos), 64 kbit/s, 22.05 kHz.
        assert_eq!(sniff(b"\xFF\xF3\x80\xC4\0\0"), "audio/mpeg");
        assert_eq!(sniff(b"\xFF\xF1\x50\x80\x02\x1F\xFC"), "audio/aac");
        let mut ogg = b"OggS\0\x02".to_vec();
        ogg.resize(28, 0);
        ogg.extend_from_slice(b"OpusHead\x01\x02");
        assert_eq!(sniff(&ogg), "audio/ogg");
        assert_eq!(sniff(b"fLaC\0\0\0\x22"), "audio/flac");
        assert_eq!(sniff(b"#!AMR\n\x3c"), "audio/amr");
        assert_eq!(sniff(b"#!AMR-WB\n\x3c"), "audio/amr-wb");
        assert_eq!(
            sniff(b"\x1A\x45\xDF\xA3\x9F\x42\x86\x81\x01\x42\x82\x84webm"),
            "video/webm"
        );
    }

    #[test]
    fn documents_and_archives() {
        assert_eq!(sniff(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"), "application/pdf");
        assert_eq!(sniff(b"PK\x03\x04\x14\0\x06\0"), "application/zip");
        // A .docx is a ZIP whose first entry is [Content_Types].xml.
        assert_eq!(
            sniff(b"PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0[Content_Types].xml"),
            "application/zip"
        );
        assert_eq!(sniff(b"PK\x05\x06\0\0\0\0"), "application/zip");
    }

    #[test]
    fn email() {
        let eml = b"Return-Path: <x@example.com>\r\nReceived: from mail.example.com\r\n\
            \tby mx.example.net; Tue, 3 Mar 2026 10:00:00 +0000\r\nFrom: X <x@example.com>\r\n\
            To: me@example.net\r\nSubject: you again\r\nDate: Tue, 3 Mar 2026 10:00:00 +0000\r\n\
            MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nI know where you are.\r\n";
        assert_eq!(sniff(eml), "message/rfc822");
        assert_eq!(
            sniff(b"MIME-Version: 1.0\nDate: Tue, 3 Mar 2026 10:00:00 +0000\nSubject: hi\n\nbody"),
            "message/rfc822"
        );
        assert_eq!(
            sniff(b"Received: from a by b\nFrom: someone@example.com\nSubj"),
            "message/rfc822",
            "headers cut by the end of the head"
        );
        assert_eq!(
            sniff(b"From - Mon Mar 02 10:00:00 2026\nFrom: a@b.c\nTo: d@e.f\n\nhello"),
            "message/rfc822"
        );
        // A note that merely starts with a header-like line stays text.
        assert_eq!(
            sniff(b"Subject: what he said\nHe shouted at me."),
            "text/plain"
        );
        assert_eq!(sniff(b"Date: 3 March\n\nHe was outside."), "text/plain");
        assert_eq!(extension_for("message/rfc822"), "eml");
    }

    #[test]
    fn text_formats() {
        assert_eq!(sniff(b"{\"messages\": [1, 2]}"), "application/json");
        assert_eq!(sniff(b"  \n[{\"a\":1}]"), "application/json");
        assert_eq!(sniff(b"[]"), "application/json");
        assert_eq!(
            sniff(b"<!DOCTYPE html><html><body>x</body></html>"),
            "text/html"
        );
        assert_eq!(sniff(b"\xEF\xBB\xBF<html lang=\"en\">"), "text/html");
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?><svg></svg>"),
            "image/svg+xml"
        );
        assert_eq!(sniff(b"<?xml version=\"1.0\"?><note/>"), "application/xml");
        assert_eq!(sniff(b"He called 14 times tonight.\n"), "text/plain");
        assert_eq!(
            sniff("Il m'a suivie jusqu'à la gare — encore.".as_bytes()),
            "text/plain"
        );
        assert_eq!(sniff(b"[he said] something"), "text/plain");
        assert_eq!(sniff(b"{not json"), "text/plain");
        // A multi-byte character cut by the end of the head is still text.
        let mut cut = "caf\u{e9} ".repeat(10).into_bytes();
        cut.extend_from_slice(&"\u{20ac}".as_bytes()[..2]);
        assert_eq!(sniff(&cut), "text/plain");
        // UTF-16 with a byte-order mark.
        let mut u16le = vec![0xFF, 0xFE];
        for u in "He was there.".encode_utf16() {
            u16le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(sniff(&u16le), "text/plain");
    }

    #[test]
    fn unknown_and_edge_cases() {
        assert_eq!(sniff(b""), OCTET_STREAM);
        assert_eq!(sniff(b"\0\x01\x02\x03binary"), OCTET_STREAM);
        assert_eq!(sniff(&[0xC3, 0x28, 0xA0, 0xA1, 0x00, 0x00]), OCTET_STREAM);
        assert_eq!(sniff(&[0xFF]), OCTET_STREAM);
        assert_eq!(sniff(b"\0\0\0\x0cftyp"), "video/mp4", "truncated ftyp");
        // Only the first SNIFF_LEN bytes matter.
        let mut long = b"plain words ".repeat(400);
        long.extend_from_slice(&[0u8; 100]);
        assert!(long.len() > SNIFF_LEN + 100);
        assert_eq!(sniff(&long), "text/plain");
        // Never panics on any short prefix of any magic.
        for len in 0..32 {
            for fill in [0u8, 0xFF, b'R', b'f'] {
                let v = vec![fill; len];
                let _ = sniff(&v);
            }
        }
        assert_eq!(extension_for("application/x-whatever"), "bin");
        assert!(!is_image("image/svg+xml"));
        assert!(!is_image("application/pdf"));
        assert!(is_image("image/jpeg"));
    }
}
