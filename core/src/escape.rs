//! Showing text that came from a file or an archive without letting it pretend to be
//! something else. A file name such as `photo\u{202E}gpj.exe` is drawn as
//! `photoexe.jpg` by any renderer that follows the bidirectional algorithm, and a name
//! with an escape character can rewrite a terminal. These functions make such
//! characters visible instead, as `<U+202E>`, so what is shown is what is stored.
//!
//! Used by the report (exhibit names), the command line (everything it prints from a
//! diary or a handover) and, in the same spirit, by the desktop UI's own copy in
//! `ui/dom.js`. Pure functions: nothing here reads or writes a file.

/// Characters that reorder the text around them: the bidirectional embeddings and
/// overrides (U+202A–U+202E), the isolates (U+2066–U+2069) and the marks (U+200E,
/// U+200F, U+061C).
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// C0 controls, DEL and C1 controls (what `char::is_control` means).
fn is_control(c: char) -> bool {
    c.is_control()
}

fn visible(c: char) -> String {
    format!("<U+{:04X}>", c as u32)
}

/// A file name as it may be shown: bidirectional controls and control characters
/// (line breaks included) replaced by a visible `<U+XXXX>`.
pub fn name(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_bidi_control(c) || is_control(c) {
            out.push_str(&visible(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// Text for a terminal: like [`name`], but line breaks and tabs are kept, so a
/// description still reads as written.
pub fn terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\n' || c == '\t' {
            out.push(c);
        } else if is_bidi_control(c) || is_control(c) {
            out.push_str(&visible(c));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_right_to_left_override_is_shown_not_obeyed() {
        assert_eq!(name("photo\u{202E}gpj.exe"), "photo<U+202E>gpj.exe");
        for c in [
            '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}',
            '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
        ] {
            assert!(!name(&format!("a{c}b")).contains(c), "{:04X}", c as u32);
        }
    }

    #[test]
    fn controls_are_escaped_and_terminal_text_keeps_its_lines() {
        assert_eq!(name("a\u{1b}[2Jb"), "a<U+001B>[2Jb");
        assert_eq!(name("a\nb"), "a<U+000A>b");
        assert_eq!(name("a\u{7f}\u{85}\u{9b}b"), "a<U+007F><U+0085><U+009B>b");
        assert_eq!(terminal("one\ntwo\tthree\r"), "one\ntwo\tthree<U+000D>");
        assert_eq!(terminal("\u{1b}]0;title\u{7}"), "<U+001B>]0;title<U+0007>");
    }

    #[test]
    fn ordinary_names_and_scripts_are_unchanged() {
        for text in [
            "photo 1.jpg",
            "café.png",
            "صورة.jpg",
            "фото.heic",
            "写真.png",
        ] {
            assert_eq!(name(text), text);
            assert_eq!(terminal(text), text);
        }
    }
}
