//! Shared helpers for `report.rs` and `handover.rs`: running the real `daybook`
//! binary on diaries in temporary folders, outside tools (poppler, age, tar), and a
//! pseudo-terminal driver for Debian's `age`, which reads passphrases only from a
//! terminal.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use sha2::{Digest, Sha256};

// The binary, the passphrase and the clean command come from the CLI tests' own
// helpers, so both suites run `daybook` the same way.
#[path = "../common/mod.rs"]
mod common;

pub use common::{bin, PASS};

/// A command for the binary with a clean, predictable environment.
pub fn daybook(vault: &Path) -> Command {
    common::command(vault)
}

/// A command for the binary that needs no diary (keygen, verify FILE, handover open).
pub fn daybook_bare(home: &Path) -> Command {
    let mut cmd = Command::new(bin());
    cmd.env_remove("DAYBOOK_VAULT")
        .env("DAYBOOK_TEST_FAILURE_DELAY_MS", "0")
        .env("TZ", "Europe/London")
        .env("HOME", home)
        .stdin(Stdio::null());
    cmd
}

/// What a run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn of(cmd: &mut Command) -> Run {
        let out = cmd
            .output()
            .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
        Run::from_output(out)
    }

    pub fn from_output(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Panics with everything printed unless the exit code is `code`.
    #[track_caller]
    pub fn expect(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", self.stdout))
    }

    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// Whether an outside program can be run.
pub fn have(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool} >/dev/null 2>&1"))
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Returns from the test (after saying why) unless every tool is installed.
#[macro_export]
macro_rules! require_tools {
    ($($tool:expr),+ $(,)?) => {
        for tool in [$($tool),+] {
            if !$crate::support::have(tool) {
                eprintln!("SKIPPED: `{tool}` is not installed");
                return;
            }
        }
    };
}

/// Runs an outside program, panicking unless it succeeds; returns stdout bytes.
#[track_caller]
pub fn tool(program: &str, args: &[&dyn AsRef<std::ffi::OsStr>]) -> Vec<u8> {
    let mut cmd = Command::new(program);
    for a in args {
        cmd.arg(a.as_ref());
    }
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {:?} failed ({}):\n{}\n{}",
        args.iter()
            .map(|a| a.as_ref().to_owned())
            .collect::<Vec<_>>(),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Runs a shell command line, panicking unless it succeeds; returns stdout as text.
#[track_caller]
pub fn sh(script: &str) -> String {
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!("set -o pipefail; {script}"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "`{script}` failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Quotes for `sh`.
pub fn q(p: impl AsRef<std::ffi::OsStr>) -> String {
    let s = p.as_ref().to_string_lossy();
    format!("'{}'", s.replace('\'', r"'\''"))
}

pub fn sha256_bytes(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub fn sha256_file(path: &Path) -> String {
    sha256_bytes(&std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// A diary made with `daybook init` in its own temporary folder.
pub struct Diary {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    pub pass_file: PathBuf,
}

impl Diary {
    pub fn new() -> Diary {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("diary.daybook");
        let pass_file = dir.path().join("pass.txt");
        std::fs::write(&pass_file, format!("{PASS}\n")).unwrap();
        let diary = Diary {
            dir,
            path,
            pass_file,
        };
        diary.run(&["init", "--initials", "AB"]).expect(0);
        diary
    }

    /// A path inside the diary's temporary folder.
    pub fn tmp(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `daybook --passphrase-file … ARGS`, unlocked.
    pub fn cmd(&self) -> Command {
        let mut cmd = daybook(&self.path);
        cmd.arg("--passphrase-file").arg(&self.pass_file);
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::of(self.cmd().args(args))
    }

    pub fn run_os(&self, args: &[&dyn AsRef<std::ffi::OsStr>]) -> Run {
        let mut cmd = self.cmd();
        for a in args {
            cmd.arg(a.as_ref());
        }
        Run::of(&mut cmd)
    }

    /// Adds an entry; returns its number.
    #[track_caller]
    pub fn add(&self, occurred: &str, what: &str, extra: &[&str]) -> u64 {
        let mut args = vec!["add", "--occurred", occurred, "--what", what];
        if !extra.contains(&"--behaviour") {
            args.extend(["--behaviour", "following"]);
        }
        args.extend(extra);
        let run = self.run(&args).expect(0);
        run.stdout
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("add printed {:?}", run.stdout))
    }

    /// Attaches files to an entry; returns the exhibit marks printed.
    #[track_caller]
    pub fn attach(&self, number: u64, files: &[PathBuf]) -> Vec<String> {
        let mut cmd = self.cmd();
        cmd.args(["attach", &number.to_string(), "--how", "photo I took"]);
        cmd.args(files);
        let run = Run::of(&mut cmd).expect(0);
        run.stdout
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .filter(|m| m.starts_with("AB/"))
            .map(str::to_string)
            .collect()
    }

    /// `evidence list --json`.
    pub fn exhibits(&self) -> Vec<serde_json::Value> {
        self.run(&["evidence", "list", "--json"])
            .expect(0)
            .json()
            .as_array()
            .unwrap()
            .clone()
    }

    /// `list --json`, as (number, status, description).
    pub fn entries(&self) -> Vec<(u64, String, String)> {
        self.run(&["list", "--json"])
            .expect(0)
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["number"].as_u64().unwrap(),
                    e["status"].as_str().unwrap_or("").to_string(),
                    e["description"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    }
}

/// The folder of real test photos, found by walking up from the crate.
pub fn photos_dir() -> Option<PathBuf> {
    let mut dir = Some(Path::new(env!("CARGO_MANIFEST_DIR")));
    while let Some(d) = dir {
        let candidate = d.join("shared/fixtures/photos");
        if candidate.is_dir() {
            return Some(candidate);
        }
        dir = d.parent();
    }
    None
}

/// `n` JPEG photos: real ones from the fixtures when there, otherwise made up here
/// (in `scratch`). The real photos are only read, never copied into the project.
pub fn photos(n: usize, scratch: &Path) -> Vec<PathBuf> {
    if let Some(dir) = photos_dir() {
        let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| e.eq_ignore_ascii_case("jpg"))
            })
            .collect();
        found.sort();
        if found.len() >= n {
            found.truncate(n);
            return found;
        }
    }
    (0..n)
        .map(|i| {
            let path = scratch.join(format!("made-up-photo-{i}.jpg"));
            let img = image::RgbImage::from_fn(160, 120, |x, y| {
                image::Rgb([(x * 3 + i as u32 * 40) as u8, (y * 2) as u8, (x ^ y) as u8])
            });
            img.save(&path).unwrap();
            path
        })
        .collect()
}

/// Removes whitespace and the direction marks poppler puts around right-to-left text,
/// so text wrapped across lines (or hashes split by the layout) can be searched.
pub fn squash(text: &str) -> String {
    text.chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}' | '\u{00AD}'
                )
        })
        .collect()
}

/// `pdftotext` (layout off, reading order) of the whole PDF.
pub fn pdftotext(pdf: &Path) -> String {
    String::from_utf8(tool("pdftotext", &[&"-enc", &"UTF-8", &pdf, &"-"])).unwrap()
}

/// The `pdfinfo` fields.
pub fn pdfinfo(pdf: &Path) -> BTreeMap<String, String> {
    String::from_utf8(tool("pdfinfo", &[&"-enc", &"UTF-8", &pdf]))
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// Every file and folder under `dir`, with each file's SHA-256 (symlinks as `->`).
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, String>) {
        let Ok(read) = std::fs::read_dir(dir) else {
            return;
        };
        for e in read.filter_map(|e| e.ok()) {
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap().to_path_buf();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.file_type().is_symlink() {
                out.insert(rel, format!("-> {:?}", std::fs::read_link(&p).ok()));
            } else if meta.is_dir() {
                out.insert(rel.clone(), "dir".into());
                walk(root, &p, out);
            } else if meta.is_file() {
                out.insert(rel, sha256_file(&p));
            } else {
                out.insert(rel, format!("special {:?}", meta.file_type()));
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

const PTY_SCRIPT: &str = r#"
import os, pty, sys, time, select
pw = sys.stdin.readline().rstrip("\n")
argv = sys.argv[1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
out = b""
sent = 0
deadline = time.time() + 300
while True:
    if time.time() > deadline:
        os.kill(pid, 9)
        break
    r, _, _ = select.select([fd], [], [], 0.5)
    if fd in r:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    # age asks once to decrypt, twice when encrypting with a passphrase
    if out.lower().count(b"passphrase") > sent:
        time.sleep(0.1)
        sent += 1
        try:
            os.write(fd, pw.encode() + b"\r")
        except OSError:
            pass
_, status = os.waitpid(pid, 0)
sys.stderr.write(out.decode("utf-8", "replace"))
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"#;

/// Runs `argv` (e.g. `age -d -o OUT FILE`) on a pseudo-terminal, typing `passphrase`
/// whenever it asks for one. Returns the exit code and everything it showed.
pub fn on_terminal(argv: &[&dyn AsRef<std::ffi::OsStr>], passphrase: &str) -> (i32, String) {
    let mut cmd = Command::new("python3");
    cmd.arg("-c").arg(PTY_SCRIPT);
    for a in argv {
        cmd.arg(a.as_ref());
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{passphrase}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Decrypts an age file made with a passphrase using Debian's `age` on a terminal.
pub fn age_decrypt_with_passphrase(file: &Path, passphrase: &str, out: &Path) -> (i32, String) {
    on_terminal(&[&"age", &"-d", &"-o", &out, &file], passphrase)
}
