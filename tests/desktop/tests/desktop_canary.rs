//! Nothing readable at rest, with the real app: entries typed into the app, messages
//! imported from a phone's export and a handover file opened in the case view all
//! carry unique canary strings (and the handover a photo of unique bytes). Then every
//! file under the test's home is searched for them, as UTF-8 and UTF-16LE, case
//! folded: the home itself, the XDG data, config, cache and runtime folders (WebKit's
//! caches, local storage and IndexedDB live there), the app's data folder with the
//! diary; and the temporary folder the app was given (`TMPDIR`, a folder of its own).
//! Searched while the case is still open, and again after the app has closed. None
//! may appear.
//!
//! The core's own canaries (core/tests/canary.rs, core/tests/handover_view_canary.rs)
//! cover the library; this one covers the app around it: the webview, its caches and
//! anything the shell might write.

mod harness;

use std::io::Write;
use std::path::{Path, PathBuf};

use daybook_core::incident::{Incident, Occurred};
use daybook_core::progress::NoProgress;
use daybook_core::vault::{CreateOptions, HandoverKey, HandoverOptions};
use daybook_core::{SecretString, Vault};
use harness::*;

const PASSPHRASE: &str = "canary test diary passphrase";
const HANDOVER_PASSPHRASE: &str = "copper kettle seven lanterns";

/// Typed into the app's entry form.
const ENTRY_TEXT: &str = "CNRY-ENTRY-5b8e1d he stood by the gate";
const ENTRY_PLACE: &str = "CNRY-WHERE-93c0aa";
/// In the phone's export, imported in the app.
const MESSAGE_TEXT: &str = "CNRY-MSG-4e1f07 I know where you live";
/// In the handover file, shown in the case view.
const HANDOVER_TEXT: &str = "CNRY-HANDOVER-d21c9b parcel on the doorstep";
const HANDOVER_WITNESS: &str = "CNRY-WITNESS-7a66e0";
/// Typed into the case view's search box.
const SEARCHED: &str = "d21c9b";

const CANARIES: &[&str] = &[
    "CNRY-ENTRY-5b8e1d",
    "CNRY-WHERE-93c0aa",
    "CNRY-MSG-4e1f07",
    "CNRY-HANDOVER-d21c9b",
    "CNRY-WITNESS-7a66e0",
];

/// A JPEG of noise: no run of its bytes is found anywhere by chance.
fn noisy_jpeg(seed: u32) -> Res<Vec<u8>> {
    let picture = image::RgbImage::from_fn(320, 240, |x, y| {
        let n = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)).wrapping_add(seed * 97);
        image::Rgb([(n >> 3) as u8, (n >> 11) as u8, (n >> 19) as u8])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut bytes, image::ImageFormat::Jpeg)?;
    Ok(bytes.into_inner())
}

/// A WhatsApp export (`_chat.txt` in a zip) whose days can only be day first.
fn whatsapp_export(dir: &Path) -> Res<PathBuf> {
    let path = dir.join("WhatsApp Chat - Mark.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path)?);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("_chat.txt", options)?;
    zip.write_all(
        format!(
            "[25/03/2024, 21:40:00] Mark: {MESSAGE_TEXT}\n\
             [25/03/2024, 21:45:10] Sam: Please stop messaging me\n"
        )
        .as_bytes(),
    )?;
    zip.finish()?;
    Ok(path)
}

/// Someone else's diary, handed over: one entry with a witness and a photo.
fn handover_file(dir: &Path, photo: &[u8]) -> Res<PathBuf> {
    let (mut vault, _) = Vault::create(
        &dir.join("theirs.daybook"),
        SecretString::from("their own words".to_string()),
        CreateOptions {
            scrypt_log_n: Some(10),
            ..Default::default()
        },
    )?;
    let mut incident = Incident::new(
        Occurred::parse("2026-11-20 08:00", None, false, "Europe/London")?,
        HANDOVER_TEXT,
    );
    incident.witnesses = HANDOVER_WITNESS.into();
    let n = vault.add(incident)?;
    let photo_path = dir.join("doorstep.jpg");
    std::fs::write(&photo_path, photo)?;
    vault.attach(n, &photo_path, "I took this photo")?;
    std::fs::remove_file(&photo_path)?;
    let out = dir.join("case.daybook-handover");
    vault.write_handover(
        &out,
        &HandoverOptions {
            from: None,
            to: None,
            redact_witnesses: false,
            include_withdrawn: true,
            key: HandoverKey::Passphrase(SecretString::from(HANDOVER_PASSPHRASE.to_string())),
            include_private_notes: false,
            given_to: String::new(),
        },
        &NoProgress,
    )?;
    Ok(out)
}

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// Which of `needles` occur in `haystack`, in one pass (a table keyed by each
/// needle's first two bytes picks the places worth comparing; as the core's canary).
fn found_in(haystack: &[u8], needles: &[Vec<u8>]) -> Vec<bool> {
    let mut found = vec![false; needles.len()];
    let mut by_start: Vec<Vec<usize>> = vec![Vec::new(); 1 << 16];
    for (k, needle) in needles.iter().enumerate() {
        if needle.len() >= 2 {
            by_start[usize::from(needle[0]) << 8 | usize::from(needle[1])].push(k);
        }
    }
    for (i, pair) in haystack.windows(2).enumerate() {
        for &k in &by_start[usize::from(pair[0]) << 8 | usize::from(pair[1])] {
            if haystack[i..].starts_with(&needles[k]) {
                found[k] = true;
            }
        }
    }
    found
}

/// Every regular file under `dir` (symbolic links are not followed).
fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            files_under(&entry.path(), out);
        } else if kind.is_file() {
            out.push(entry.path());
        }
    }
}

/// What a search found: each hit (canary, file, encoding), and how much it read.
struct Scan {
    hits: Vec<String>,
    files: usize,
    bytes: u64,
    /// Each file read, with its size, for the note.
    read: Vec<String>,
}

/// Searches every file under `dir` for the canaries (case folded, UTF-8 and
/// UTF-16LE) and for a run of 64 bytes of the photo.
fn scan(dir: &Path, photo: &[u8]) -> Scan {
    let mut needles = Vec::new();
    let mut names = Vec::new();
    for canary in CANARIES {
        let canary = canary.to_lowercase();
        needles.push(canary.as_bytes().to_vec());
        names.push(format!("{canary} (UTF-8)"));
        needles.push(utf16le(&canary));
        names.push(format!("{canary} (UTF-16LE)"));
    }
    let photo_run = &photo[photo.len() / 2..photo.len() / 2 + 64];
    let mut files = Vec::new();
    files_under(dir, &mut files);
    let mut scan = Scan {
        hits: Vec::new(),
        files: 0,
        bytes: 0,
        read: Vec::new(),
    };
    for file in &files {
        // A file may go while we look (WebKit's caches): nothing to read then.
        let Ok(bytes) = std::fs::read(file) else {
            continue;
        };
        scan.files += 1;
        scan.bytes += bytes.len() as u64;
        let shown = file.strip_prefix(dir).unwrap_or(file);
        scan.read
            .push(format!("{} ({} bytes)", shown.display(), bytes.len()));
        if bytes.windows(photo_run.len()).any(|w| w == photo_run) {
            scan.hits
                .push(format!("the photo's bytes in {}", file.display()));
        }
        let folded = bytes.to_ascii_lowercase();
        for (k, hit) in found_in(&folded, &needles).into_iter().enumerate() {
            if hit {
                scan.hits
                    .push(format!("{} in {}", names[k], file.display()));
            }
        }
    }
    scan
}

/// [`scan`] of the home and the app's temporary folder together.
fn scan_all(home: &Path, tmp: &Path, photo: &[u8]) -> Scan {
    let mut all = scan(home, photo);
    let more = scan(tmp, photo);
    all.hits.extend(more.hits);
    all.files += more.files;
    all.bytes += more.bytes;
    all.read.extend(more.read);
    all
}

/// The folders under the home, one level down, for the note (where WebKit wrote).
fn folders(home: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for top in ["data", "config", "cache", "runtime"] {
        if let Ok(entries) = std::fs::read_dir(home.join(top)) {
            for e in entries.flatten() {
                found.push(format!("{top}/{}", e.file_name().to_string_lossy()));
            }
        }
    }
    found.sort();
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_typed_imported_or_viewed_is_left_readable_on_disk() -> Res {
    skip_unless_e2e!();
    // The files the test starts from (the export, the handover) are outside the
    // home searched below.
    let work = tempfile::tempdir()?;
    let photo = noisy_jpeg(7)?;
    let export = whatsapp_export(work.path())?;
    let handover = handover_file(work.path(), &photo)?;
    let answer = work.path().join("pick");
    std::fs::write(&answer, handover.display().to_string())?;

    // The search finds what is there: a control file with every canary and the photo.
    let control = tempfile::tempdir()?;
    std::fs::write(
        control.path().join("control.txt"),
        CANARIES.join(" ").to_uppercase(),
    )?;
    std::fs::write(control.path().join("control.jpg"), &photo)?;
    let found = scan(control.path(), &photo);
    assert_eq!(found.hits.len(), CANARIES.len() + 1, "{:?}", found.hits);

    // The app's temporary folder: its own, so that only the app's files are in it.
    let tmp = tempfile::Builder::new()
        .prefix("daybook-canary-tmp-")
        .tempdir()?;
    let driver = Driver::start(&[
        ("DAYBOOK_TEST_PICK", export.display().to_string()),
        ("DAYBOOK_TEST_PICK_FROM", answer.display().to_string()),
        ("TMPDIR", tmp.path().display().to_string()),
    ])?;
    let home = driver.home.path().to_path_buf();
    make_diary(&driver, PASSPHRASE, vec![])?;
    let c = driver.session().await?;
    unlock(&c, PASSPHRASE).await?;

    // An entry typed in the app.
    click(&c, "#new-entry").await?;
    wait_js(&c, "!!document.getElementById('entry-form')", 10).await?;
    type_into(&c, "input[name=date]", "14/11/2026").await?;
    type_into(&c, "input[name=time]", "19:40").await?;
    type_into(&c, "input[name=location]", ENTRY_PLACE).await?;
    type_into(&c, "textarea[name=description]", ENTRY_TEXT).await?;
    save_entry(&c, 1, 0).await?;

    // Messages imported from the phone's export.
    click(&c, "nav button:first-child").await?;
    wait_heading(&c, "Your entries").await?;
    click(&c, "#import-messages").await?;
    wait_heading(&c, "Import messages").await?;
    click(&c, "#import-choose").await?;
    wait_js(
        &c,
        "!document.getElementById('import-form').hidden && !!document.querySelector('input[name=import-person]')",
        20,
    )
    .await?;
    click(&c, "input[name=import-person][value=Mark]").await?;
    c.execute(
        "document.getElementById('import-day-order-day-first')?.click(); return true;",
        vec![],
    )
    .await?;
    click(&c, "#import-run").await?;
    wait_js(&c, "!document.getElementById('import-result').hidden", 60).await?;
    // The imported conversation, shown.
    click(&c, "#import-see-entries").await?;
    wait_heading(&c, "Your entries").await?;
    wait_js(
        &c,
        "document.getElementById('entry-count')?.textContent === '2 entries'",
        10,
    )
    .await?;
    click(&c, ".entry-card[data-number='2']").await?;
    wait_heading(&c, "Entry 2").await?;
    wait_js(
        &c,
        "(document.getElementById('conversation')?.textContent || '').includes('CNRY-MSG')",
        10,
    )
    .await?;

    // The handover, opened from the menu, read in the case view: searched, its
    // entry opened with the photo shown.
    click(&c, "nav button:nth-child(5)").await?;
    wait_heading(&c, "Open a handover file").await?;
    click(&c, "#choose-handover").await?;
    wait_js(
        &c,
        "!document.getElementById('handover-key-form').hidden",
        10,
    )
    .await?;
    type_into(&c, "input[name=handover-passphrase]", HANDOVER_PASSPHRASE).await?;
    click(&c, "#open-handover").await?;
    wait_js(&c, "!!document.getElementById('handover-summary')", 60).await?;
    type_into(&c, "input[name=handover-search]", SEARCHED).await?;
    wait_js(
        &c,
        "document.querySelectorAll('#case-entries li').length === 1",
        10,
    )
    .await?;
    click(&c, "#case-entries button").await?;
    wait_js(
        &c,
        "(document.getElementById('case-entry')?.textContent || '').includes('CNRY-WITNESS')",
        10,
    )
    .await?;
    wait_js(
        &c,
        "!!document.querySelector('#case-exhibits img:not([hidden])')",
        20,
    )
    .await?;
    screen(&c, "canary-01-case-open").await?;

    // While the case is open.
    let open = scan_all(&home, tmp.path(), &photo);
    let where_written = folders(&home);
    eprintln!(
        "canary, case open: {} files, {} bytes searched under {} and {}; folders: {where_written:?}",
        open.files,
        open.bytes,
        home.display(),
        tmp.path().display()
    );
    eprintln!("files searched: {:#?}", open.read);
    assert!(open.files > 0, "nothing to search: the app wrote nowhere?");
    assert!(
        home.join("data/daybook/diary.daybook").exists(),
        "the diary is among the files searched"
    );

    // After the app has closed (its last writes, caches flushed on the way out).
    let app = app_pid(&driver);
    c.close().await?;
    if let Some(pid) = app {
        wait_for("the app to close", 30, || process_ended(pid)).await?;
    }
    let closed = scan_all(&home, tmp.path(), &photo);
    eprintln!(
        "canary, app closed: {} files, {} bytes searched",
        closed.files, closed.bytes
    );
    assert!(open.hits.is_empty(), "while open: {:#?}", open.hits);
    assert!(closed.hits.is_empty(), "after closing: {:#?}", closed.hits);
    Ok(())
}
