//! The support worker's key sheet: one printable page with their public key for
//! receiving handover files, as text and as a QR code, and what to do with it. It
//! holds nothing secret.

use chrono::Utc;

use super::fonts::Fonts;
use super::layout::{Footer, Layout, Metadata, ACCENT, CONTENT_W, INK, MARGIN_X, MUTED};
use super::text::Style;
use crate::crypto::Recipient;
use crate::error::{Error, Result};

/// The PDF of the key sheet for `key`; `name` is who it belongs to (may be empty).
pub fn key_sheet(key: &Recipient, name: &str) -> Result<Vec<u8>> {
    let text = key.to_string();
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| Error::Report(format!("the QR code could not be made ({e})")))?;
    let mut l = Layout::new(Fonts::load()?);
    l.new_page();
    l.paragraph(
        "Sending me a handover file",
        Style::bold(20.0),
        MARGIN_X,
        CONTENT_W,
        ACCENT,
    );
    l.y += 6.0;
    let owner = name.trim();
    let intro = if owner.is_empty() {
        "This is my key for receiving Daybook handover files.".to_string()
    } else {
        format!("This is the key of {owner} for receiving Daybook handover files.")
    };
    l.paragraph(&intro, Style::regular(12.0), MARGIN_X, CONTENT_W, INK);
    l.y += 14.0;

    // The QR code, drawn as squares (no picture to decode), with its quiet zone.
    let width = code.width();
    let module = (220.0 / (width as f32 + 8.0)).min(6.0);
    let side = module * (width as f32 + 8.0);
    let left = MARGIN_X + (CONTENT_W - side) / 2.0;
    let top = l.y;
    let colours = code.to_colors();
    for (i, colour) in colours.iter().enumerate() {
        if *colour == qrcode::Color::Dark {
            let (x, y) = ((i % width) as f32, (i / width) as f32);
            l.fill(
                left + (x + 4.0) * module,
                top + (y + 4.0) * module,
                module,
                module,
                INK,
            );
        }
    }
    l.y = top + side + 14.0;
    l.paragraph(
        "The key, as text:",
        Style::bold(11.0),
        MARGIN_X,
        CONTENT_W,
        INK,
    );
    l.y += 4.0;
    l.paragraph(&text, Style::regular(11.0), MARGIN_X, CONTENT_W, INK);
    l.y += 16.0;
    for line in [
        "In Daybook, choose Export, then Handover file, then \"To a support worker's key\", and type or paste the key above (it starts age1).",
        "Only I can open a handover file made with this key. You do not need to tell me a passphrase.",
        "This key is not secret: it is safe to keep this page, to photograph it or to send it by email. Check with me in person or by phone that the key is mine before you use it.",
    ] {
        l.paragraph(line, Style::regular(11.0), MARGIN_X, CONTENT_W, MUTED);
        l.y += 8.0;
    }
    let footer = Footer {
        left: "Daybook key for receiving handover files".into(),
        middle: String::new(),
    };
    let meta = Metadata {
        title: "Key for receiving handover files".into(),
        author: owner.to_string(),
        subject: text.clone(),
        creator: format!("Daybook {}", crate::VERSION),
        created: Utc::now(),
    };
    Ok(l.finish(&footer, &meta)?.0)
}
