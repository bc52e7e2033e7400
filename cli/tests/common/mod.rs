//! Running the real `daybook` binary against diaries in temporary folders.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

#[path = "../../../core/tests/rows/mod.rs"]
mod rows;
pub use rows::rows_but_failures;

pub const PASS: &str = "correct horse battery staple";

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_daybook")
}

/// A command for the binary with a clean, predictable environment.
pub fn command(vault: &Path) -> Command {
    let mut cmd = Command::new(bin());
    cmd.arg("--vault")
        .arg(vault)
        .env_remove("DAYBOOK_VAULT")
        .env("DAYBOOK_INSECURE_SCRYPT_LOG_N", "10")
        // Debug builds: no real wait after a wrong passphrase (the core's
        // wrong_passphrase test checks the real one).
        .env("DAYBOOK_TEST_FAILURE_DELAY_MS", "0")
        .env("TZ", "Europe/London")
        .env("HOME", vault.parent().unwrap_or(Path::new("/nonexistent")))
        .stdin(Stdio::null());
    cmd
}

/// What a run printed and how it ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from_output(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Panics with everything printed unless the exit code is `code`.
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
}

/// A diary made with `daybook init` in its own temporary folder.
pub struct Diary {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    pub pass_file: PathBuf,
    pub code: String,
}

impl Diary {
    pub fn new() -> Diary {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("diary.daybook");
        let pass_file = dir.path().join("pass.txt");
        std::fs::write(&pass_file, format!("{PASS}\n")).unwrap();
        let run = Run::from_output(
            command(&path)
                .arg("--passphrase-file")
                .arg(&pass_file)
                .args(["init", "--initials", "AB"])
                .output()
                .unwrap(),
        )
        .expect(0);
        let code = run
            .stdout
            .lines()
            .map(str::trim)
            .find(|l| l.len() == 35 && l.matches('-').count() == 5)
            .unwrap_or_else(|| panic!("no recovery code in:\n{}", run.stdout))
            .to_string();
        Diary {
            dir,
            path,
            pass_file,
            code,
        }
    }

    /// Writes `text` to a file in the diary's folder and returns its path.
    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    /// Runs `daybook <args>` with the passphrase file.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(&self.pass_file, args)
    }

    pub fn run_with(&self, pass_file: &Path, args: &[&str]) -> Run {
        Run::from_output(
            command(&self.path)
                .arg("--passphrase-file")
                .arg(pass_file)
                .args(args)
                .output()
                .unwrap(),
        )
    }

    /// Runs `daybook <args>` with no passphrase at all.
    pub fn run_locked(&self, args: &[&str]) -> Run {
        Run::from_output(command(&self.path).args(args).output().unwrap())
    }

    /// Adds an entry with flags (unlocked) and returns its number.
    pub fn add(&self, args: &[&str]) -> u64 {
        let mut all = vec!["add"];
        all.extend_from_slice(args);
        let run = self.run(&all).expect(0);
        run.stdout
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("add did not print a number: {:?}", run.stdout))
    }

    pub fn list(&self, args: &[&str]) -> Vec<serde_json::Value> {
        let mut all = vec!["list", "--json"];
        all.extend_from_slice(args);
        match self.run(&all).expect(0).json() {
            serde_json::Value::Array(a) => a,
            other => panic!("list --json is not an array: {other}"),
        }
    }

    pub fn numbers(&self, args: &[&str]) -> Vec<u64> {
        self.list(args)
            .iter()
            .map(|e| e["number"].as_u64().unwrap())
            .collect()
    }

    pub fn info(&self) -> serde_json::Value {
        self.run(&["info", "--json"]).expect(0).json()
    }

    /// The WAL checkpointed into the main file, then the file's bytes.
    pub fn settled_bytes(&self) -> Vec<u8> {
        let conn = rusqlite::Connection::open(&self.path).unwrap();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        drop(conn);
        std::fs::read(&self.path).unwrap()
    }

    /// Every row of every table, as text, except the count of recent wrong
    /// passphrases (`meta.failed_unlocks`, which a wrong passphrase does change).
    pub fn rows_but_failures(&self) -> String {
        rows_but_failures(&self.path)
    }

    /// The stored count of recent wrong passphrases (0 when there is none).
    pub fn stored_failures(&self) -> u64 {
        let conn = rusqlite::Connection::open(&self.path).unwrap();
        conn.query_row(
            "SELECT CAST(value AS TEXT) FROM meta WHERE name = 'failed_unlocks'",
            [],
            |r| r.get::<_, String>(0),
        )
        .map(|v| v.split_whitespace().next().unwrap().parse().unwrap())
        .unwrap_or(0)
    }
}
