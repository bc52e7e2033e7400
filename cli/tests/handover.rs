//! Handover files, evidence packs, backups and restores, checked with the standard
//! tools a support worker or police officer would use: Debian's `age` (Go),
//! GNU tar, sha256sum and poppler.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// One seeded-randomness helper for the core and CLI tests.
#[path = "../../core/tests/seed/mod.rs"]
mod seed;
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use seed::Rng;
use support::{
    age_decrypt_with_passphrase, daybook, daybook_bare, pdftotext, photos, q, sh, sha256_file,
    snapshot, squash, Diary, Run, PASS,
};

/// A diary with five entries (one amended, one withdrawn) and three photo exhibits.
/// Returns the diary, the entries' descriptions and the photos attached.
fn diary_with_evidence() -> (Diary, Vec<String>, Vec<PathBuf>) {
    let diary = Diary::new();
    let descriptions = vec![
        "He waited by my car and said you can't hide".to_string(),
        "Zażółć gęślą jaźń: messages all night".to_string(),
        "Flowers left on the doorstep with a note".to_string(),
        "Followed me from the station to the shop".to_string(),
        "Duplicate of the station entry".to_string(),
    ];
    let n1 = diary.add(
        "2026-10-01 20:15",
        "He waited by my car",
        &["--witnesses", "Sam Canary 07700 900999"],
    );
    diary
        .run(&["amend", &n1.to_string(), "--what", &descriptions[0]])
        .expect(0);
    let n2 = diary.add(
        "2026-10-03 23:00",
        &descriptions[1],
        &["--behaviour", "contacting"],
    );
    let n3 = diary.add("2026-10-08 07:30", &descriptions[2], &[]);
    diary.add("2026-10-12 17:45", &descriptions[3], &[]);
    let n5 = diary.add("2026-10-12 17:50", &descriptions[4], &[]);
    diary
        .run(&["withdraw", &n5.to_string(), "--reason", "written twice"])
        .expect(0);
    let photos = photos(3, diary.dir.path());
    assert_eq!(diary.attach(n1, &photos[..2]), ["AB/1", "AB/2"]);
    assert_eq!(diary.attach(n3, &photos[2..]), ["AB/3"]);
    let _ = n2;
    (diary, descriptions, photos)
}

/// An age key pair made by Debian's `age-keygen`: (identity file, public key).
fn age_keygen(dir: &Path, name: &str) -> (PathBuf, String) {
    let key = dir.join(name);
    sh(&format!("age-keygen -o {} 2>/dev/null", q(&key)));
    let public = sh(&format!("age-keygen -y {}", q(&key))).trim().to_string();
    assert!(public.starts_with("age1"), "{public}");
    (key, public)
}

/// Makes a handover to `public` and returns its path.
fn handover_to(diary: &Diary, name: &str, public: &str) -> PathBuf {
    let out = diary.tmp(name);
    let run = diary
        .run(&["handover", out.to_str().unwrap(), "--to-key", public])
        .expect(0);
    assert!(
        run.stdout.contains("Wrote the encrypted handover file"),
        "{}",
        run.stdout
    );
    out
}

/// `age -d -i key file | tar -x -C dir`, then `sha256sum -c SHA256SUMS` in dir.
fn decrypt_untar_check(file: &Path, key: &Path, dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    sh(&format!(
        "age -d -i {} {} | tar -x -C {}",
        q(key),
        q(file),
        q(dir)
    ));
    let sums = sh(&format!(
        "cd {} && sha256sum -c --strict SHA256SUMS",
        q(dir)
    ));
    assert!(sums.contains("report.pdf: OK"), "{sums}");
    assert!(sums.contains("manifest.json: OK"), "{sums}");
    assert!(!sums.contains("FAILED"), "{sums}");
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The SHA-256 of every file under dir/evidence, by file name.
fn evidence_hashes(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir.join("evidence"))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                sha256_file(&e.path()),
            )
        })
        .collect()
}

#[test]
fn key_handover_opens_with_age_tar_and_sha256sum() {
    require_tools!("age", "age-keygen", "tar", "sha256sum", "pdftotext");
    let (diary, descriptions, photos) = diary_with_evidence();
    let (key, public) = age_keygen(diary.dir.path(), "worker.key");
    let file = handover_to(&diary, "handover.age", &public);
    let head = std::fs::read(&file).unwrap();
    assert!(
        head.starts_with(b"age-encryption.org/v1\n-> X25519 "),
        "not an age file to a key"
    );

    let dir = diary.tmp("opened");
    decrypt_untar_check(&file, &key, &dir);

    let entries = read_json(&dir.join("entries.json"));
    let manifest = read_json(&dir.join("manifest.json"));
    let report = squash(&pdftotext(&dir.join("report.pdf")));
    let recorded: BTreeSet<String> = entries["exhibits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["sha256"].as_str().unwrap().to_string())
        .collect();
    let originals: BTreeSet<String> = photos.iter().map(|p| sha256_file(p)).collect();
    assert_eq!(
        recorded, originals,
        "entries.json hashes are not the originals'"
    );

    let found = evidence_hashes(&dir);
    assert_eq!(found.len(), 3, "{found:?}");
    for (name, sha) in &found {
        assert!(recorded.contains(sha), "{name}: {sha} not in entries.json");
        let listed = &manifest["files"][format!("evidence/{name}")]["sha256"];
        assert_eq!(
            listed.as_str(),
            Some(sha.as_str()),
            "{name}: manifest.json differs"
        );
        assert!(
            report.contains(sha.as_str()),
            "{name}: {sha} not in report.pdf"
        );
    }
    // Each exhibit in entries.json has its own file with its own hash.
    for x in entries["exhibits"].as_array().unwrap() {
        let name = format!(
            "{}_{}",
            x["mark"].as_str().unwrap().replace('/', "-"),
            x["original_name"].as_str().unwrap()
        );
        assert_eq!(
            found.get(&name).map(String::as_str),
            x["sha256"].as_str(),
            "evidence/{name} does not hold exhibit {}",
            x["mark"]
        );
    }
    // Every original byte for byte.
    let found_set: BTreeSet<String> = found.values().cloned().collect();
    assert_eq!(found_set, originals);
    // Every entry, the withdrawn one included (withdrawn entries go in by default).
    let text = String::from_utf8(std::fs::read(dir.join("entries.json")).unwrap()).unwrap();
    for d in &descriptions {
        assert!(text.contains(d.as_str()), "entries.json lacks {d}");
    }
    assert_eq!(manifest["entries"], 5);
    assert_eq!(manifest["exhibits"], 3);
}

#[test]
fn passphrase_handover_opens_with_age_on_a_terminal() {
    require_tools!("age", "tar", "sha256sum", "python3");
    let (diary, _, _) = diary_with_evidence();
    let words = "plum harbour seventeen lantern";
    let pass_file = diary.tmp("handover-pass.txt");
    std::fs::write(&pass_file, format!("{words}\n")).unwrap();
    let file = diary.tmp("by-pass.age");
    diary
        .run_os(&[
            &"handover",
            &file,
            &"--handover-passphrase-file",
            &pass_file,
        ])
        .expect(0);
    assert!(std::fs::read(&file)
        .unwrap()
        .starts_with(b"age-encryption.org/v1\n-> scrypt "));

    // The wrong passphrase does not open it (so the helper really types).
    let wrong = diary.tmp("wrong.tar");
    let (code, shown) = age_decrypt_with_passphrase(&file, "not the passphrase", &wrong);
    assert_ne!(code, 0, "age opened it with the wrong passphrase: {shown}");

    let tar = diary.tmp("by-pass.tar");
    let (code, shown) = age_decrypt_with_passphrase(&file, words, &tar);
    assert_eq!(code, 0, "age could not decrypt: {shown}");
    let dir = diary.tmp("by-pass");
    std::fs::create_dir(&dir).unwrap();
    sh(&format!("tar -x -f {} -C {}", q(&tar), q(&dir)));
    sh(&format!(
        "cd {} && sha256sum -c --strict SHA256SUMS",
        q(&dir)
    ));
    assert_eq!(evidence_hashes(&dir).len(), 3);

    // daybook itself opens it with the passphrase too.
    Run::of(
        daybook_bare(diary.dir.path())
            .arg("verify")
            .arg(&file)
            .arg("--handover-passphrase-file")
            .arg(&pass_file),
    )
    .expect(0);
}

#[test]
fn generated_passphrase_opens_the_handover() {
    require_tools!("age", "tar", "sha256sum", "python3");
    let (diary, _, _) = diary_with_evidence();
    let file = diary.tmp("generated.age");
    let run = diary
        .run_os(&[&"handover", &file, &"--generate-passphrase"])
        .expect(0);
    let after = run
        .stdout
        .split_once("Its passphrase")
        .unwrap_or_else(|| panic!("no passphrase printed:\n{}", run.stdout))
        .1;
    let words = after
        .lines()
        .skip(1)
        .map(str::trim)
        .find(|l| !l.is_empty())
        .expect("passphrase line")
        .to_string();
    assert!(words.len() >= 20, "weak generated passphrase {words:?}");
    let tar = diary.tmp("generated.tar");
    let (code, shown) = age_decrypt_with_passphrase(&file, &words, &tar);
    assert_eq!(code, 0, "the printed passphrase does not open it: {shown}");
    let dir = diary.tmp("generated");
    std::fs::create_dir(&dir).unwrap();
    sh(&format!(
        "tar -x -f {} -C {} && cd {} && sha256sum -c --strict SHA256SUMS",
        q(&tar),
        q(&dir),
        q(&dir)
    ));
}

/// `daybook keygen`: returns (identity file, public key), checked against age-keygen.
fn daybook_keygen(dir: &Path) -> (PathBuf, String) {
    let key = dir.join("daybook.key");
    let run = Run::of(daybook_bare(dir).args(["keygen", "--out"]).arg(&key)).expect(0);
    let public = run.stdout.trim().to_string();
    assert!(
        public.starts_with("age1") && !public.contains('\n'),
        "{public}"
    );
    (key, public)
}

#[test]
fn daybook_keygen_makes_a_standard_identity() {
    require_tools!("age", "age-keygen", "tar", "sha256sum");
    let (diary, descriptions, _) = diary_with_evidence();
    let (key, public) = daybook_keygen(diary.dir.path());
    // Go's age-keygen reads the identity and derives the same public key.
    let derived = sh(&format!("age-keygen -y {}", q(&key)));
    assert_eq!(derived.trim(), public);
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&key).unwrap().permissions());
    assert_eq!(mode & 0o077, 0, "secret key readable by others: {mode:o}");
    // keygen never overwrites.
    let again = Run::of(
        daybook_bare(diary.dir.path())
            .args(["keygen", "--out"])
            .arg(&key),
    );
    assert_ne!(again.code, 0);
    assert_eq!(sh(&format!("age-keygen -y {}", q(&key))).trim(), public);

    let file = handover_to(&diary, "to-daybook-key.age", &public);
    decrypt_untar_check(&file, &key, &diary.tmp("with-age"));

    let into = diary.tmp("opened");
    let run = Run::of(
        daybook_bare(diary.dir.path())
            .args(["handover", "open"])
            .arg(&file)
            .arg("--into")
            .arg(&into)
            .arg("--identity")
            .arg(&key),
    )
    .expect(0);
    for d in &descriptions {
        assert!(
            run.stdout.contains(d.as_str()),
            "open does not list {d}:\n{}",
            run.stdout
        );
    }
    for mark in ["AB/1", "AB/2", "AB/3"] {
        assert!(run.stdout.contains(mark), "{mark} not listed");
    }
    assert!(into.join("report.pdf").is_file());
    assert_eq!(evidence_hashes(&into).len(), 3);
    Run::of(
        daybook_bare(diary.dir.path())
            .arg("verify")
            .arg(&file)
            .arg("--identity")
            .arg(&key),
    )
    .expect(0);
    // Another key does not open it.
    let (other, _) = daybook_keygen(&diary.tmp("other-key-dir").tap_mkdir());
    let run = Run::of(
        daybook_bare(diary.dir.path())
            .arg("verify")
            .arg(&file)
            .arg("--identity")
            .arg(&other),
    );
    assert_ne!(run.code, 0, "a stranger's key opened it");
}

trait TapMkdir {
    fn tap_mkdir(self) -> Self;
}

impl TapMkdir for PathBuf {
    fn tap_mkdir(self) -> Self {
        std::fs::create_dir_all(&self).unwrap();
        self
    }
}

fn open_cmd(home: &Path, file: &Path, into: &Path, key: &Path) -> Run {
    Run::of(
        daybook_bare(home)
            .args(["handover", "open"])
            .arg(file)
            .arg("--into")
            .arg(into)
            .arg("--identity")
            .arg(key),
    )
}

fn verify_cmd(home: &Path, file: &Path, key: &Path) -> Run {
    Run::of(
        daybook_bare(home)
            .arg("verify")
            .arg(file)
            .arg("--identity")
            .arg(key),
    )
}

#[test]
fn handover_rebuilt_with_gnu_tar_and_age_opens() {
    require_tools!("age", "tar", "sha256sum");
    let (diary, descriptions, _) = diary_with_evidence();
    let (key, public) = daybook_keygen(diary.dir.path());
    let file = handover_to(&diary, "original.age", &public);
    let dir = diary.tmp("unpacked");
    decrypt_untar_check(&file, &key, &dir);
    for format in ["gnu", "pax", "ustar"] {
        let rebuilt = diary.tmp(&format!("rebuilt-{format}.age"));
        sh(&format!(
            "tar --format={format} -cf - -C {} . | age -r {public} -o {}",
            q(&dir),
            q(&rebuilt)
        ));
        let into = diary.tmp(&format!("reopened-{format}"));
        let run = open_cmd(diary.dir.path(), &rebuilt, &into, &key);
        assert_eq!(run.code, 0, "tar --format={format}: {}", run.all());
        for d in &descriptions {
            assert!(run.stdout.contains(d.as_str()), "{d} not listed");
        }
        assert_eq!(evidence_hashes(&into), evidence_hashes(&dir));
        let run = verify_cmd(diary.dir.path(), &rebuilt, &key);
        assert_eq!(run.code, 0, "verify, tar --format={format}: {}", run.all());
    }
}

/// Builds hostile tars from an unpacked handover with Python's tarfile.
const HOSTILE_TAR: &str = r#"
import io, os, sys, tarfile
mode, src, out, outside = sys.argv[1:5]
order = [l.split("  ", 1)[1] for l in open(os.path.join(src, "SHA256SUMS")).read().splitlines()]
order.append("SHA256SUMS")
members = []
for name in order:
    members.append(("file", name, open(os.path.join(src, name), "rb").read()))

def info(kind, name, data=b"", link=""):
    ti = tarfile.TarInfo(name)
    ti.mtime = 1700000000
    ti.mode = 0o644
    if kind == "file":
        ti.size = len(data)
    elif kind == "dir":
        ti.type = tarfile.DIRTYPE
        ti.mode = 0o755
    elif kind == "symlink":
        ti.type = tarfile.SYMTYPE
        ti.linkname = link
    elif kind == "hardlink":
        ti.type = tarfile.LNKTYPE
        ti.linkname = link
    elif kind == "fifo":
        ti.type = tarfile.FIFOTYPE
    elif kind == "chardev":
        ti.type = tarfile.CHRTYPE
        ti.devmajor, ti.devminor = 1, 3
    elif kind == "blockdev":
        ti.type = tarfile.BLKTYPE
        ti.devmajor, ti.devminor = 7, 0
    return ti

bad = {
    "dotdot": ("file", "../escape-dotdot.txt", b"escaped\n"),
    "dotdot_nested": ("file", "evidence/../../escape-nested.txt", b"escaped\n"),
    "dotdot_dir": ("dir", "../escape-dir", b""),
    "absolute": ("file", os.path.join(outside, "escape-absolute.txt"), b"escaped\n"),
    "symlink": ("symlink", "evidence/AB-9_link.jpg", os.path.join(outside, "victim.txt")),
    "symlink_relative": ("symlink", "notes.txt", "../victim.txt"),
    "hardlink": ("hardlink", "evidence/AB-9_hard.jpg", os.path.join(outside, "victim.txt")),
    "fifo": ("fifo", "evidence/AB-9_pipe", b""),
    "chardev": ("chardev", "evidence/AB-9_null", b""),
    "blockdev": ("blockdev", "disk", b""),
}
if mode in bad:
    kind, name, extra = bad[mode]
    if kind in ("symlink", "hardlink"):
        members.insert(2, (kind, name, extra))
    else:
        members.insert(2, (kind, name, extra))
elif mode == "duplicate":
    members.insert(3, members[4])
elif mode == "duplicate_case":
    k, n, d = [m for m in members if m[1] == "report.pdf"][0]
    members.insert(1, (k, "REPORT.PDF", d))
elif mode == "altered":
    k, n, d = members[0]
    d = bytearray(d); d[len(d) // 2] ^= 0x01
    members[0] = (k, n, bytes(d))
elif mode == "altered_report":
    i = [i for i, m in enumerate(members) if m[1] == "report.pdf"][0]
    k, n, d = members[i]
    members[i] = (k, n, d.replace(b"Record of incidents", b"Record of accidents", 1))
elif mode == "missing":
    del members[0]
elif mode == "extra":
    members.insert(1, ("file", "evidence/AB-99_extra.jpg", b"\xff\xd8\xff not listed anywhere"))
elif mode not in ("control", "truncated", "trailing_garbage"):
    sys.exit("unknown mode " + mode)

buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
    for kind, name, data in members:
        if kind in ("symlink", "hardlink"):
            tf.addfile(info(kind, name, link=data))
        elif kind == "file":
            tf.addfile(info(kind, name, data), io.BytesIO(data))
        else:
            tf.addfile(info(kind, name))
raw = buf.getvalue()
if mode == "truncated":
    raw = raw[: len(raw) // 2]
elif mode == "trailing_garbage":
    raw = raw + b"not part of the archive\n" * 30
open(out, "wb").write(raw)
"#;

#[test]
fn hostile_handovers_are_refused_and_nothing_is_written() {
    require_tools!("age", "tar", "python3");
    let (diary, _, _) = diary_with_evidence();
    let (key, public) = daybook_keygen(diary.dir.path());
    let file = handover_to(&diary, "real.age", &public);
    let unpacked = diary.tmp("unpacked");
    decrypt_untar_check(&file, &key, &unpacked);
    let script = diary.tmp("hostile.py");
    std::fs::write(&script, HOSTILE_TAR).unwrap();

    let cases = [
        "dotdot",
        "dotdot_nested",
        "dotdot_dir",
        "absolute",
        "symlink",
        "symlink_relative",
        "hardlink",
        "fifo",
        "chardev",
        "blockdev",
        "duplicate",
        "duplicate_case",
        "altered",
        "altered_report",
        "missing",
        "extra",
        "truncated",
        "trailing_garbage",
    ];
    for case in ["control"].into_iter().chain(cases) {
        // Everything for this case lives in its own folder, "outside" the target.
        let outside = diary.tmp(&format!("case-{case}"));
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("victim.txt"), "must not change\n").unwrap();
        let tar = diary.tmp(&format!("{case}.tar"));
        sh(&format!(
            "python3 {} {case} {} {} {}",
            q(&script),
            q(&unpacked),
            q(&tar),
            q(&outside)
        ));
        let sealed = diary.tmp(&format!("{case}.age"));
        sh(&format!("age -r {public} -o {} {}", q(&sealed), q(&tar)));

        // Once into a new folder, once into an existing empty one.
        for existing in [false, true] {
            let target = outside.join("target");
            if existing {
                std::fs::create_dir(&target).unwrap();
            }
            let before = snapshot(&outside);
            let run = open_cmd(diary.dir.path(), &sealed, &target, &key);
            if case == "control" {
                assert_eq!(
                    run.code,
                    0,
                    "the untouched Python tar was refused: {}",
                    run.all()
                );
                assert_eq!(evidence_hashes(&target), evidence_hashes(&unpacked));
                std::fs::remove_dir_all(&target).unwrap();
                continue;
            }
            assert_ne!(
                run.code,
                0,
                "{case}: a hostile handover was opened:\n{}",
                run.all()
            );
            if !existing {
                eprintln!("{case}: exit {}: {}", run.code, run.stderr.trim());
            }
            let message = run.stderr.to_lowercase();
            assert!(
                message.starts_with("daybook: ")
                    && (message.contains("refused")
                        || message.contains("damaged")
                        || message.contains("incomplete")),
                "{case}: unclear message: {}",
                run.stderr
            );
            assert!(!run.stderr.contains("panicked"), "{case}: {}", run.stderr);
            let after = snapshot(&outside);
            assert_eq!(
                before, after,
                "{case} (existing={existing}): files were left behind"
            );
            if existing {
                assert_eq!(std::fs::read_dir(&target).unwrap().count(), 0);
                std::fs::remove_dir(&target).unwrap();
            } else {
                assert!(!target.exists(), "{case}: the new target folder was left");
            }
        }
        // `verify` says no as well.
        if case != "control" {
            let run = verify_cmd(diary.dir.path(), &sealed, &key);
            assert!(
                run.code == 4 || run.code == 1,
                "{case}: verify exit {}: {}",
                run.code,
                run.all()
            );
        }
    }
}

#[test]
fn a_flipped_byte_anywhere_is_caught() {
    require_tools!("age");
    let (diary, _, _) = diary_with_evidence();
    let (key, public) = daybook_keygen(diary.dir.path());
    let file = handover_to(&diary, "real.age", &public);
    let bytes = std::fs::read(&file).unwrap();
    let header_end = bytes
        .windows(4)
        .position(|w| w == b"\n---")
        .expect("age header")
        + 48;
    assert!(header_end < bytes.len());
    let mut rng = Rng::for_test("a_flipped_byte_anywhere_is_caught");
    let mut offsets = BTreeSet::new();
    while offsets.len() < 20 {
        offsets.insert(rng.below(header_end));
    }
    while offsets.len() < 45 {
        offsets.insert(header_end + rng.below(bytes.len() - header_end - 200));
    }
    while offsets.len() < 60 {
        offsets.insert(bytes.len() - 1 - rng.below(200));
    }
    offsets.insert(0);
    offsets.insert(bytes.len() - 1);

    let damaged = diary.tmp("damaged.age");
    for offset in offsets {
        let mut copy = bytes.clone();
        copy[offset] ^= 1 << rng.below(8);
        std::fs::write(&damaged, &copy).unwrap();
        let run = verify_cmd(diary.dir.path(), &damaged, &key);
        eprintln!(
            "offset {offset}: verify exit {}: {}",
            run.code,
            run.all().trim().lines().last().unwrap_or("")
        );
        assert!(
            run.code == 4 || run.code == 1,
            "offset {offset} of {}: verify exit {}\n{}",
            bytes.len(),
            run.code,
            run.all()
        );
        let into = diary.tmp("flip-target");
        let run = open_cmd(diary.dir.path(), &damaged, &into, &key);
        assert_ne!(
            run.code,
            0,
            "offset {offset}: opened a damaged file\n{}",
            run.all()
        );
        assert!(!into.exists(), "offset {offset}: a partial folder was left");
    }
    // The undamaged file still verifies (the loop above is not failing for another reason).
    verify_cmd(diary.dir.path(), &file, &key).expect(0);
}

#[test]
fn evidence_pack_holds_the_originals_with_manifest_and_sums() {
    require_tools!("sha256sum");
    let (diary, _, photos) = diary_with_evidence();
    let pack = diary.tmp("pack");
    let run = diary.run_os(&[&"evidence-pack", &pack]).expect(0);
    assert!(
        run.all().contains("NOT encrypted"),
        "the pack must say it is not encrypted: {}",
        run.all()
    );
    sh(&format!(
        "cd {} && sha256sum -c --strict SHA256SUMS",
        q(&pack)
    ));

    let csv = std::fs::read_to_string(pack.join("manifest.csv")).unwrap();
    // A byte-order mark, so spreadsheet programs read the UTF-8 correctly.
    let csv = csv.strip_prefix('\u{feff}').unwrap_or(&csv).to_string();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    for column in [
        "mark",
        "entry_number",
        "original_name",
        "media_type",
        "size_bytes",
        "sha256",
        "capture_time",
        "added_at",
    ] {
        assert!(
            header.contains(&column),
            "manifest.csv lacks {column}: {header:?}"
        );
    }
    let col = |name: &str| header.iter().position(|c| *c == name).unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 3, "{csv}");
    let exhibits = diary.exhibits();
    for (row, photo) in rows.iter().zip(&photos) {
        let name = photo.file_name().unwrap().to_str().unwrap();
        assert_eq!(row[col("original_name")], name);
        let packed = pack.join(row[col("file_name")]);
        assert_eq!(
            std::fs::read(&packed).unwrap(),
            std::fs::read(photo).unwrap(),
            "{} is not byte-exact",
            packed.display()
        );
        let size = std::fs::metadata(photo).unwrap().len();
        assert_eq!(row[col("size_bytes")], size.to_string());
        assert_eq!(row[col("sha256")], sha256_file(photo));
        assert_eq!(row[col("media_type")], "image/jpeg");
        let x = exhibits
            .iter()
            .find(|x| x["mark"] == row[col("mark")])
            .expect("mark in evidence list");
        assert_eq!(row[col("entry_number")], x["entry_number"].to_string());
        assert_eq!(
            row[col("capture_time")],
            x["capture_time"].as_str().unwrap_or("")
        );
        assert!(row[col("added_at")].starts_with("20"), "{row:?}");
    }
    assert_eq!(rows[0][col("mark")], "AB/1");
    assert_eq!(rows[2][col("entry_number")], "3");
    // Nothing else in the folder.
    assert_eq!(std::fs::read_dir(&pack).unwrap().count(), 5);
}

fn listed(vault: &Path, pass: &Path) -> Vec<(u64, String, String)> {
    let run = Run::of(
        daybook(vault)
            .arg("--passphrase-file")
            .arg(pass)
            .args(["list", "--json"]),
    )
    .expect(0);
    run.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["number"].as_u64().unwrap(),
                e["status"].as_str().unwrap().to_string(),
                e["description"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn verify_vault(vault: &Path, pass: &Path) -> Run {
    Run::of(
        daybook(vault)
            .arg("--passphrase-file")
            .arg(pass)
            .arg("verify"),
    )
}

#[test]
fn backup_while_writing_then_restore_keeps_everything() {
    let (diary, _, _) = diary_with_evidence();
    let vault = &diary.path;
    // A loop of `daybook add` processes, without a passphrase, while backing up.
    let writer = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "for i in $(seq 1 25); do {} --vault {} add --occurred '2026-11-0{} 10:00' --what \"written during the backup $i\" --behaviour following >/dev/null || exit 1; done",
            q(support::bin()),
            q(vault),
            5
        ))
        .env("DAYBOOK_INSECURE_SCRYPT_LOG_N", "10")
        .env("TZ", "Europe/London")
        .env_remove("DAYBOOK_VAULT")
        .spawn()
        .unwrap();
    let backups: Vec<PathBuf> = (0..3)
        .map(|i| diary.tmp(&format!("backup-{i}.daybook")))
        .collect();
    for b in &backups {
        let run = Run::of(daybook(vault).arg("backup").arg(b));
        assert_eq!(run.code, 0, "backup during writes failed: {}", run.all());
    }
    let writer = writer.wait_with_output().unwrap();
    assert!(writer.status.success(), "the writing loop failed");
    for b in &backups {
        assert!(
            !Path::new(&format!("{}-wal", b.display())).exists(),
            "backup left a -wal"
        );
        verify_vault(b, &diary.pass_file).expect(0);
    }
    let backup = backups.last().unwrap();
    let in_backup = listed(backup, &diary.pass_file);
    assert!(in_backup.len() >= 5, "{in_backup:?}");

    // More entries after the backup, then restore it.
    diary.add("2026-11-10 10:00", "after the backup one", &[]);
    diary.add("2026-11-11 10:00", "after the backup two", &[]);
    let before = diary.entries();
    assert_eq!(before.len(), 5 + 25 + 2);
    let run = diary.run_os(&[&"restore", backup]).expect(0);
    let kept = run
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("The diary it replaced is kept as "))
        .map(|p| PathBuf::from(p.trim()))
        .unwrap_or_else(|| panic!("no dated copy named:\n{}", run.stdout));
    assert_eq!(
        kept.parent(),
        vault.parent(),
        "the dated copy is not beside the diary"
    );
    assert!(
        kept.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("diary.daybook.before-restore-"),
        "{}",
        kept.display()
    );
    assert_eq!(
        diary.entries(),
        in_backup,
        "the diary does not equal the backup"
    );
    verify_vault(vault, &diary.pass_file).expect(0);
    // Nothing lost: the replaced diary opens, verifies and holds every entry.
    assert_eq!(listed(&kept, &diary.pass_file), before);
    verify_vault(&kept, &diary.pass_file).expect(0);
    assert!(!Path::new(&format!("{}.restoring", vault.display())).exists());

    // A second restore straight away (often within the same second) keeps its own
    // dated copy and does not overwrite the first.
    diary.add("2026-11-12 10:00", "after the first restore", &[]);
    let before_second = diary.entries();
    let run = diary.run_os(&[&"restore", backup]).expect(0);
    let kept2 = run
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("The diary it replaced is kept as "))
        .map(|p| PathBuf::from(p.trim()))
        .expect("second dated copy");
    assert_ne!(
        kept, kept2,
        "the second restore reused the first dated copy's name"
    );
    assert_eq!(
        listed(&kept, &diary.pass_file),
        before,
        "the first dated copy was overwritten"
    );
    assert_eq!(listed(&kept2, &diary.pass_file), before_second);
}

fn files_of(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn restore_with_the_wrong_passphrase_changes_nothing() {
    let (diary, _, _) = diary_with_evidence();
    let backup = diary.tmp("b.daybook");
    Run::of(daybook(&diary.path).arg("backup").arg(&backup)).expect(0);
    diary.add("2026-11-10 10:00", "after the backup", &[]);
    let wrong = diary.tmp("wrong.txt");
    std::fs::write(&wrong, "not my passphrase at all\n").unwrap();
    let files_before = files_of(diary.dir.path());
    let sums_before: BTreeMap<String, String> = files_before
        .iter()
        .filter(|n| n.starts_with("diary.daybook"))
        .map(|n| (n.clone(), sha256_file(&diary.tmp(n))))
        .collect();
    assert!(sums_before.contains_key("diary.daybook"));
    let run = Run::of(
        daybook(&diary.path)
            .arg("--passphrase-file")
            .arg(&wrong)
            .arg("restore")
            .arg(&backup),
    );
    assert_eq!(run.code, 3, "{}", run.all());
    let files_after = files_of(diary.dir.path());
    assert_eq!(
        files_before, files_after,
        "a dated copy or staging file was left"
    );
    let sums_after: BTreeMap<String, String> = sums_before
        .keys()
        .map(|n| (n.clone(), sha256_file(&diary.tmp(n))))
        .collect();
    assert_eq!(sums_before, sums_after, "the diary's bytes changed");
    assert_eq!(diary.entries().len(), 6);
    let _ = PASS;
}

#[test]
fn automatic_backups_keep_the_newest_few() {
    let diary = Diary::new();
    let dir = diary.tmp("backups");
    std::fs::create_dir(&dir).unwrap();
    diary
        .run_os(&[
            &"settings",
            &"set",
            &"--backup-dir",
            &dir,
            &"--backups-to-keep",
            &"2",
        ])
        .expect(0);
    for i in 0..5 {
        diary.add(
            &format!("2026-10-{:02} 10:00", i + 1),
            &format!("change number {i}"),
            &[],
        );
    }
    let newest = diary.entries();
    let backups: Vec<PathBuf> = {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        v.sort();
        v
    };
    assert!(!backups.is_empty(), "no automatic backup was made");
    assert!(backups.len() <= 2, "more than 2 backups kept: {backups:?}");
    for b in &backups {
        let name = b.file_name().unwrap().to_string_lossy();
        assert!(
            name.starts_with("daybook-backup-") && name.ends_with(".daybook"),
            "{name}"
        );
        verify_vault(b, &diary.pass_file).expect(0);
    }
    // The newest backup holds the latest change.
    assert_eq!(
        listed(backups.last().unwrap(), &diary.pass_file),
        newest,
        "the newest automatic backup lacks the latest change"
    );
}
