//! File names inside a handover or an evidence pack: how an exhibit's original is
//! named (`AB/3` + `photo 1.jpg` → `AB-3_photo 1.jpg`), and which member paths a
//! handover may contain at all.
//!
//! The rules are the same for writing and for reading, so a name Daybook writes is
//! always one it accepts, and a hostile archive cannot name a file outside the chosen
//! folder, on any operating system. This module never touches the file system.

use crate::error::{Error, Result};

/// Longest file name written or accepted, in bytes (the limit of ext4, NTFS and APFS
/// is 255).
pub const NAME_MAX_BYTES: usize = 255;

/// Longest extension kept when a name is shortened, in bytes (with its dot).
const EXTENSION_MAX_BYTES: usize = 16;

/// The folder that holds the originals in a handover.
pub const EVIDENCE_DIR: &str = "evidence";

/// Characters Windows refuses in file names; replaced so a pack or handover extracts
/// anywhere.
const WINDOWS_RESERVED: [char; 7] = ['<', '>', ':', '"', '|', '?', '*'];

/// Bidirectional controls, which can make `gpj.exe` look like `exe.jpg`.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether a character may not appear in a name at all.
fn is_refused(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || c == '/' || c == '\\' || WINDOWS_RESERVED.contains(&c)
}

/// Keeps the acceptable characters of `text`, with reserved ones as `_` and controls
/// dropped.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c))
        .map(|c| if is_refused(c) { '_' } else { c })
        .collect()
}

/// Cuts `text` to at most `max` bytes on a character boundary.
fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Removes leading dots and surrounding spaces, and trailing dots (Windows drops them).
fn trim_name(text: &str) -> &str {
    text.trim()
        .trim_start_matches('.')
        .trim_end_matches(['.', ' '])
        .trim_start()
}

/// The name of an exhibit's original in a handover or evidence pack: the mark with
/// `/` made safe, an underscore, then the original name without any directory part.
/// Control and bidirectional characters are dropped, characters Windows refuses become
/// `_`, leading dots go (no hidden files), Unicode is kept, and the result is at most
/// [`NAME_MAX_BYTES`] long with the extension kept. Never empty.
///
/// `AB/3` + `photo 1.jpg` → `AB-3_photo 1.jpg`.
pub fn evidence_file_name(mark: &str, original_name: &str) -> String {
    let mark = clean(&mark.replace(['/', '\\'], "-"));
    // No leading '-', so the name is never read as a command-line option.
    let mark = trim_name(&mark).trim_start_matches(['-', ' ']);
    let mark = if mark.is_empty() { "exhibit" } else { mark };
    let mark = cut(mark, 64);

    let base = original_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(original_name);
    let base = clean(base);
    let base = trim_name(&base);
    let base = if base.is_empty() { "file" } else { base };

    let budget = NAME_MAX_BYTES - mark.len() - 1;
    let shortened = if base.len() <= budget {
        base.to_string()
    } else {
        match base.rfind('.') {
            Some(dot) if dot > 0 && base.len() - dot <= EXTENSION_MAX_BYTES => {
                let (stem, ext) = base.split_at(dot);
                let stem = cut(stem, budget - ext.len()).trim_end_matches(['.', ' ']);
                format!("{stem}{ext}")
            }
            _ => cut(base, budget).trim_end_matches(['.', ' ']).to_string(),
        }
    };
    format!("{mark}_{shortened}")
}

/// Shows a name from an archive safely in a message: quoted, with control characters
/// escaped so a hostile name cannot rewrite the terminal.
pub(crate) fn shown(name: &str) -> String {
    format!("'{}'", name.escape_debug())
}

/// Shows raw name bytes from an archive safely.
pub(crate) fn shown_bytes(name: &[u8]) -> String {
    shown(&String::from_utf8_lossy(name))
}

/// Refusal of a member by its (whole) path, `why` saying what it has or is.
fn refused<T>(whole: &str, why: &str) -> Result<T> {
    Err(Error::bundle_member(
        whole,
        format!("the handover was refused because it {why}"),
    ))
}

/// Checks one component of a member path: what [`evidence_file_name`] could produce.
fn check_component(name: &str, whole: &str) -> Result<()> {
    let refuse = |why: &str| refused(whole, why);
    if name.is_empty() {
        return refuse("has an empty part in its path");
    }
    if name == ".." {
        return refuse("has '..' in its path, which could write outside the chosen folder");
    }
    if name == "." {
        return refuse("has '.' in the middle of its path");
    }
    if name.len() > NAME_MAX_BYTES {
        return refuse("has a name longer than 255 bytes");
    }
    if name.chars().any(is_refused) {
        return refuse("has characters in its name that Daybook never writes");
    }
    if name.starts_with('.') || name.ends_with('.') || name.ends_with(' ') {
        return refuse("has a name that starts with a dot or ends with a dot or space");
    }
    Ok(())
}

/// What a member path names, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Place {
    /// The archive's top folder (`./`).
    Root,
    /// The `evidence/` folder.
    EvidenceDir,
    /// A file, by its normalised path (`evidence/AB-1_x.jpg`, `README.txt`).
    File(String),
}

/// Normalises and checks a member path read from an archive (raw bytes): strips a
/// leading `./`, refuses absolute paths, `..`, backslashes, drive letters, deeper
/// folders and anything [`evidence_file_name`] would not produce. `directory` says
/// whether the member is a directory entry.
pub(crate) fn member_place(raw: &[u8], directory: bool) -> Result<Place> {
    let whole = std::str::from_utf8(raw).map_err(|_| {
        Error::bundle_member(
            String::from_utf8_lossy(raw),
            "the handover was refused because it has a name that is not valid UTF-8 text",
        )
    })?;
    let refuse = |why: &str| refused(whole, why);
    if whole.starts_with('/') || whole.starts_with('\\') {
        return refuse("has an absolute path, which could write outside the chosen folder");
    }
    if whole.split(['/', '\\']).any(|part| part == "..") {
        return refuse("has '..' in its path, which could write outside the chosen folder");
    }
    let mut path = whole;
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    if directory {
        path = path.strip_suffix('/').unwrap_or(path);
        return match path {
            "" | "." => Ok(Place::Root),
            EVIDENCE_DIR => Ok(Place::EvidenceDir),
            _ => refuse("is a folder that is not part of a handover"),
        };
    }
    if path.ends_with('/') {
        return refuse("is a file whose name ends with '/'");
    }
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        [name] => {
            check_component(name, whole)?;
            if *name == EVIDENCE_DIR {
                return refuse("is a file with the name of the evidence folder");
            }
        }
        [dir, name] if *dir == EVIDENCE_DIR => check_component(name, whole)?,
        [_, _] => return refuse("is in a folder that is not part of a handover"),
        _ => return refuse("is nested deeper than a handover allows"),
    }
    Ok(Place::File(path.to_string()))
}

/// Checks a path Daybook is about to write or found listed in a manifest.
pub(crate) fn check_file_path(path: &str) -> Result<()> {
    match member_place(path.as_bytes(), false)? {
        Place::File(p) if p == path => Ok(()),
        _ => Err(Error::bundle_member(
            path,
            "it is not a plain path such as 'evidence/AB-1_photo.jpg'",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mark_slash_is_made_safe() {
        assert_eq!(
            evidence_file_name("AB/3", "photo 1.jpg"),
            "AB-3_photo 1.jpg"
        );
    }

    #[test]
    fn directories_controls_and_leading_dots_go() {
        assert_eq!(
            evidence_file_name("AB/1", "../../etc/passwd"),
            "AB-1_passwd"
        );
        assert_eq!(
            evidence_file_name("AB/1", r"C:\Users\me\.hidden.png"),
            "AB-1_hidden.png"
        );
        assert_eq!(
            evidence_file_name("AB/1", "a\u{0}b\nc\u{7f}.txt"),
            "AB-1_abc.txt"
        );
        assert_eq!(evidence_file_name("AB/1", "x:y?.txt"), "AB-1_x_y_.txt");
        assert_eq!(
            evidence_file_name("AB/1", "evil\u{202E}gpj.exe"),
            "AB-1_evilgpj.exe"
        );
        assert_eq!(evidence_file_name("AB/1", "trailing. . "), "AB-1_trailing");
    }

    #[test]
    fn never_empty() {
        assert_eq!(evidence_file_name("", ""), "exhibit_file");
        assert_eq!(evidence_file_name("AB/1", "..."), "AB-1_file");
        assert_eq!(evidence_file_name("AB/1", "dir/"), "AB-1_file");
        assert_eq!(evidence_file_name("/", "\u{0}"), "exhibit_file");
    }

    #[test]
    fn unicode_is_kept_and_long_names_keep_their_extension() {
        assert_eq!(evidence_file_name("ÉL/2", "café.jpg"), "ÉL-2_café.jpg");
        let long = format!("{}.jpeg", "ü".repeat(300));
        let name = evidence_file_name("AB/12", &long);
        assert!(name.len() <= NAME_MAX_BYTES, "{}", name.len());
        assert!(name.starts_with("AB-12_üü"));
        assert!(name.ends_with(".jpeg"));
        let no_ext = "x".repeat(400);
        assert_eq!(evidence_file_name("AB/1", &no_ext).len(), NAME_MAX_BYTES);
    }

    #[test]
    fn every_produced_name_is_accepted_by_the_reader() {
        let odd = [
            "photo 1.jpg",
            "../x",
            ".bashrc",
            "a\\b\\c.doc",
            "ünï cødé 📷.heic",
            "con",
            "x . ",
            "\u{202E}abc",
        ];
        for original in odd {
            let name = evidence_file_name("JS/7", original);
            let path = format!("evidence/{name}");
            check_file_path(&path).unwrap();
        }
    }

    #[test]
    fn hostile_member_paths_are_refused() {
        for (raw, why) in [
            ("../evil", ".."),
            ("evidence/../../evil", ".."),
            ("/etc/evil", "absolute"),
            ("\\evil", "absolute"),
            ("C:evil", "characters"),
            ("evidence\\..\\x", ".."),
            ("a/b/c", "deeper"),
            ("other/x", "not part"),
            ("evidence/.hidden", "dot"),
            ("evidence//x", "nested"),
            ("./", "empty"),
            ("evidence/./x", "nested"),
            ("evidence", "evidence folder"),
            ("x/", "ends with"),
        ] {
            let err = member_place(raw.as_bytes(), false).unwrap_err().to_string();
            assert!(err.contains(why), "{raw}: {err}");
        }
        assert!(member_place(b"\xff.txt", false)
            .unwrap_err()
            .to_string()
            .contains("UTF-8"));
        assert!(member_place(b"other/", true).is_err());
    }

    #[test]
    fn gnu_tar_forms_are_accepted() {
        assert_eq!(member_place(b"./", true).unwrap(), Place::Root);
        assert_eq!(member_place(b".", true).unwrap(), Place::Root);
        assert_eq!(
            member_place(b"./evidence/", true).unwrap(),
            Place::EvidenceDir
        );
        assert_eq!(member_place(b"evidence", true).unwrap(), Place::EvidenceDir);
        assert_eq!(
            member_place(b"./evidence/AB-1_x.jpg", false).unwrap(),
            Place::File("evidence/AB-1_x.jpg".into())
        );
        assert_eq!(
            member_place(b"README.txt", false).unwrap(),
            Place::File("README.txt".into())
        );
    }
}
