//! Builds believable diaries for the report's tests and benchmark: entries over several
//! months, some amended, withdrawn or erased, with exhibits and real JPEG thumbnails.
#![allow(dead_code)]

use std::collections::HashMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use daybook_core::entry::{Entry, Revision, Status};
use daybook_core::evidence::{Exhibit, Metadata, Preview};
use daybook_core::incident::{
    Behaviour, Channel, Coordinates, Impact, Incident, Occurred, PoliceContact, Risk,
};
use daybook_core::report::{Document, ReportEntry, Tombstone};

pub const WITNESS: &str = "Witness Grażyna Wiśniewska, 07700 900 123";

/// Descriptions in the languages a UK user may write in.
pub const POLISH: &str =
    "Stał pod moim oknem i krzyczał: „Wiem, gdzie pracujesz”. Zażółć gęślą jaźń.";
pub const ROMANIAN: &str =
    "M-a urmărit până la staţie şi a spus că ştie unde locuiesc. Îmi este frică.";
pub const TURKISH: &str =
    "Arabasıyla evimin önünde bekledi; çocuğumun okulunu öğrendiğini söyledi. İğdır, ışık.";
pub const GREEK: &str = "Μου έστειλε μήνυμα ότι με παρακολουθεί κάθε μέρα στη δουλειά.";
pub const RUSSIAN: &str = "Он снова ждал меня у подъезда и сказал, что никуда не уйдёт.";
pub const URDU: &str = "اس نے کہا کہ وہ میرا پیچھا کرتا رہے گا";
pub const ARABIC: &str = "قال إنه يعرف أين أعمل";

fn t(day: i64, minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 8, 0, 0)
        .single()
        .unwrap_or_default()
        + Duration::days(day)
        + Duration::minutes(minutes)
}

fn hex(seed: u64) -> String {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5555_aaaa_1234_5678;
    let mut out = String::with_capacity(64);
    for _ in 0..8 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.push_str(&format!("{:08x}", (x >> 16) as u32));
    }
    out
}

const PLACES: [&str; 6] = [
    "Outside my flat, 14 Elm Road, Leeds",
    "Bus stop on Kirkstall Road",
    "Car park at work (Wellington Street)",
    "Instagram direct messages",
    "Tesco Express, Headingley",
    "My mother's house, Otley",
];

const TEXTS: [&str; 6] = [
    "He was standing across the road when I left for work at 07:50. He did not come over but watched until the bus came. He was wearing the grey North Face jacket.",
    "Three missed calls from a withheld number between 22:10 and 22:40, then a text from 07700 900 456: \"You can't ignore me forever. I know your new route.\"",
    "A new account @not_him_honest sent me a photo of my front door taken this morning, with the message \"Nice flowers.\" I blocked the account and took screenshots.",
    "My car's tyres were let down overnight. A neighbour saw a man matching his description near the car at about 02:00.",
    "He came into the shop while I was at the till, stood in the queue without buying anything, and said \"See you later\" as he left.",
    "My sister told me he had messaged her asking where I live now and whether I have a new partner.",
];

/// The text of entry `n` (so tests can look for it).
pub fn description(n: u64) -> String {
    let base = TEXTS[(n as usize) % TEXTS.len()];
    let extra = match n % 7 {
        1 => POLISH,
        2 => GREEK,
        3 => RUSSIAN,
        4 => URDU,
        5 => ROMANIAN,
        6 => TURKISH,
        _ => "",
    };
    if extra.is_empty() {
        format!("Entry {n}: {base}")
    } else {
        format!("Entry {n}: {base}\n{extra}")
    }
}

fn incident(n: u64, day: i64) -> Incident {
    let approximate = n.is_multiple_of(5);
    let occurred = Occurred {
        start: t(day, (n as i64 * 37) % 600),
        end: if n.is_multiple_of(9) {
            Some(t(day, (n as i64 * 37) % 600 + 45))
        } else {
            None
        },
        approximate,
        date_only: n.is_multiple_of(13),
        zone: "Europe/London".into(),
    };
    let mut i = Incident::new(occurred, description(n));
    i.behaviours = match n % 6 {
        0 => vec![Behaviour::Following, Behaviour::Watching],
        1 => vec![Behaviour::Contacting],
        2 => vec![Behaviour::Publishing, Behaviour::Monitoring],
        3 => vec![Behaviour::Interfering],
        4 => vec![Behaviour::Loitering, Behaviour::Threats],
        _ => vec![Behaviour::Contacting, Behaviour::OrderBreach],
    };
    i.location = PLACES[(n as usize) % PLACES.len()].into();
    if n.is_multiple_of(4) {
        i.coordinates = Some(Coordinates {
            lat: 53.8008,
            lon: -1.5491,
        });
    }
    i.channel = Some(Channel::ALL[(n as usize) % Channel::ALL.len()]);
    i.channel_detail = if n.is_multiple_of(2) {
        "07700 900 456".into()
    } else {
        String::new()
    };
    i.who =
        "Mark Ellis (my former partner); grey North Face jacket, silver Ford Focus YK19 ABC".into();
    if n.is_multiple_of(3) {
        i.witnesses = WITNESS.into();
    }
    i.children_present = if n.is_multiple_of(8) {
        Some(true)
    } else {
        None
    };
    if n.is_multiple_of(10) {
        i.police = PoliceContact {
            date: t(day + 1, 0).format("%Y-%m-%d").to_string(),
            reference: format!("WY-{:05}-26", 1000 + n),
            officer: "PC 4521 Shah".into(),
        };
    }
    i.response = if n % 2 == 1 {
        "Blocked the number and saved screenshots.".into()
    } else {
        String::new()
    };
    i.impact = Impact {
        fear_of_violence: n.is_multiple_of(4),
        alarm_or_distress: n.is_multiple_of(3),
        daily_life_changes: if n.is_multiple_of(5) {
            "I now take a different route to work and my brother walks me to the bus stop.".into()
        } else {
            String::new()
        },
        notes: String::new(),
    };
    if n % 6 == 5 {
        i.order_breached = "Non-molestation order, Leeds Family Court, 12 Dec 2025".into();
    }
    i.risks = match n % 11 {
        0 => vec![Risk::Escalation, Risk::AtHomeOrWork],
        4 => vec![Risk::ThreatsToKillOrHarm],
        7 => vec![Risk::ContactWithChildren],
        _ => Vec::new(),
    };
    i
}

/// A JPEG thumbnail of about `long_side` pixels with photo-like detail.
pub fn thumbnail(seed: u64, long_side: u32) -> Vec<u8> {
    let (w, h) = if seed.is_multiple_of(3) {
        (long_side * 3 / 4, long_side)
    } else {
        (long_side, long_side * 3 / 4)
    };
    let mut state = seed.wrapping_add(1).wrapping_mul(0x2545_F491_4F6C_DD1D);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let noise = (state & 0x1f) as u8;
        let r = ((x * 255 / w.max(1)) as u8).wrapping_add(noise);
        let g = ((y * 255 / h.max(1)) as u8).wrapping_add(noise / 2);
        let b = (((x + y) * 128 / (w + h).max(1)) as u8)
            .wrapping_add((seed as u8).wrapping_mul(40))
            .wrapping_add(noise);
        image::Rgb([r, g, b])
    });
    let mut out = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80);
    encoder.encode_image(&img).expect("encode thumbnail");
    out
}

/// A diary of `n` entries with `photos` image exhibits (thumbnails of `thumb_px`).
/// Returns the document and the thumbnails by exhibit id.
pub fn diary(n: u64, photos: u64, thumb_px: u32) -> (Document, HashMap<String, Vec<u8>>) {
    let mut entries = Vec::new();
    let mut exhibits = Vec::new();
    let mut thumbs = HashMap::new();
    let mut erased = Vec::new();
    let mut sequence = 0;
    let mut photo_count = 0;
    for number in 1..=n {
        let day = (number as i64 * 200) / n.max(1) as i64;
        let recorded_at = t(day, 700 + (number as i64 % 50));
        if number % 17 == 0 {
            erased.push(Tombstone {
                number,
                recorded_at,
                erased_at: recorded_at + Duration::days(3),
            });
            entries.push(ReportEntry {
                entry: Entry {
                    number,
                    id: format!("entry-{number}"),
                    recorded_at,
                    amended_at: None,
                    revisions: 1,
                    status: Status::Erased {
                        at: recorded_at + Duration::days(3),
                    },
                    incident: None,
                    exhibits: Vec::new(),
                    written_while_locked: false,
                    held: None,
                    messages: 0,
                },
                earlier: Vec::new(),
            });
            continue;
        }
        let current = incident(number, day);
        let mut earlier = Vec::new();
        let mut amended_at = None;
        if number % 8 == 3 {
            let mut first = current.clone();
            first.description =
                format!("Entry {number} (first wording): he was outside again this morning.");
            first.witnesses = if number % 3 == 0 {
                WITNESS.into()
            } else {
                String::new()
            };
            earlier.push(Revision {
                revision: 1,
                saved_at: recorded_at,
                incident: first,
                written_while_locked: number % 2 == 1,
            });
            amended_at = Some(recorded_at + Duration::hours(5));
        }
        let status = if number % 19 == 0 {
            Status::Withdrawn {
                at: recorded_at + Duration::days(2),
                reason: "I mixed this up with another day; see the next entry.".into(),
            }
        } else {
            Status::Active
        };
        let mut marks = Vec::new();
        let wanted = number * photos / n.max(1) > photo_count;
        if wanted {
            photo_count += 1;
            sequence += 1;
            let id = format!("exhibit-{sequence}");
            let mark = format!("JS/{sequence}");
            marks.push(mark.clone());
            let thumb = thumbnail(sequence, thumb_px);
            exhibits.push(Exhibit {
                id: id.clone(),
                mark,
                sequence,
                entry_number: number,
                original_name: format!("IMG_{:04}.jpg", 2000 + sequence),
                size: 2_000_000 + sequence * 7919,
                sha256: hex(sequence),
                media_type: "image/jpeg".into(),
                added_at: recorded_at + Duration::minutes(3),
                how_obtained: "Photo taken on my phone from the window".into(),
                metadata: Metadata {
                    capture_time_raw: Some("2026:01:05 07:52:10".into()),
                    capture_time: Some("2026-01-05T07:52:10+00:00".into()),
                    device_model: Some("Pixel 7".into()),
                    ..Metadata::default()
                },
                preview: Preview::Available {
                    width: thumb_px,
                    height: thumb_px * 3 / 4,
                },
                erased_at: None,
                duplicate_of: None,
            });
            thumbs.insert(id, thumb);
        }
        // A screenshot with no preview, every so often.
        if number % 23 == 0 {
            sequence += 1;
            let mark = format!("JS/{sequence}");
            marks.push(mark.clone());
            exhibits.push(Exhibit {
                id: format!("exhibit-{sequence}"),
                mark,
                sequence,
                entry_number: number,
                original_name: "voicemail 2026-02-01.m4a".into(),
                size: 48_213,
                sha256: hex(sequence),
                media_type: "audio/mp4".into(),
                added_at: recorded_at + Duration::minutes(5),
                how_obtained: "Saved from my voicemail".into(),
                metadata: Metadata::default(),
                preview: Preview::None {
                    reason: "not an image".into(),
                },
                erased_at: if number % 46 == 0 {
                    Some(recorded_at + Duration::days(1))
                } else {
                    None
                },
                duplicate_of: None,
            });
        }
        entries.push(ReportEntry {
            entry: Entry {
                number,
                id: format!("entry-{number}"),
                recorded_at,
                amended_at,
                revisions: 1 + earlier.len() as u32,
                status,
                incident: Some(current),
                exhibits: marks,
                written_while_locked: number % 29 == 0,
                held: None,
                messages: 0,
            },
            earlier,
        });
    }
    let doc = Document {
        keeper_name: "Jane Smith".into(),
        responsible_name: "Mark Ellis".into(),
        fingerprint: hex(424242),
        daybook_version: "0.1.0".into(),
        generated_at: Utc
            .with_ymd_and_hms(2026, 7, 30, 18, 42, 7)
            .single()
            .unwrap_or_default(),
        zone: "Europe/London".into(),
        entries,
        exhibits,
        erased,
        messages: Vec::new(),
        custody: Vec::new(),
    };
    (doc, thumbs)
}
