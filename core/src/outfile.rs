//! Files Daybook writes outside the diary on purpose: the report, a handover file,
//! evidence pack files, a backup, a saved original, a key file. Two rules hold for
//! each of them.
//!
//! - It is never the diary itself, nor SQLite's files beside it (`-wal`, `-shm`,
//!   `-journal`), however the path is spelt: through a link, with `..`, or as a hard
//!   link to the same file. Writing a report over the diary would destroy it.
//! - It is readable by its owner only (mode 0600) from the moment it exists, so
//!   another account on a shared computer never sees it, not even half written.
//!
//! Writers that open the path themselves (the core's report, handover, backup and
//! saved original) write into a new private folder (mode 0700) beside the chosen
//! path, and the finished file is moved into place: [`write_private`]. This module
//! never opens the diary.

use std::fs::{self, File, OpenOptions};
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// Mode of every file Daybook writes outside the diary.
pub const PRIVATE_FILE_MODE: u32 = 0o600;
/// Mode of every folder Daybook makes for such files.
pub const PRIVATE_DIR_MODE: u32 = 0o700;

/// The diary's own file and the ones SQLite keeps beside it.
const VAULT_SUFFIXES: [&str; 4] = ["", "-wal", "-shm", "-journal"];

/// Prefix of the private folder a file is written in before it is moved into place.
const PARTIAL_PREFIX: &str = ".daybook-partial-";

/// What to do when the chosen path already holds a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Leave it and refuse (backups, saved originals).
    Refuse,
    /// Replace it (the person chose to, for example in a save dialog).
    Replace,
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// The absolute path without `.` and `..`, following links (even one whose target
/// does not exist yet) as far as they go.
fn resolve(path: &Path) -> PathBuf {
    let mut path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    // A bounded number of links, as the kernel does.
    for _ in 0..40 {
        if let Ok(real) = fs::canonicalize(&path) {
            return real;
        }
        match fs::read_link(&path) {
            Ok(target) => {
                let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
                path = base.join(target);
            }
            Err(_) => break,
        }
    }
    // The file is not there yet: resolve its folder, keep its name.
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => match fs::canonicalize(dir) {
            Ok(dir) => dir.join(name),
            Err(_) => normalise(&path),
        },
        _ => normalise(&path),
    }
}

/// Removes `.` and `..` without looking at the disk.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(unix)]
fn same_inode(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_inode(_a: &Path, _b: &Path) -> bool {
    false
}

fn is_the_diary(out: &Path) -> Error {
    Error::NotAllowed(format!(
        "{} is the diary itself (or one of its working files); please choose another \
         name or folder, so the diary is not written over",
        out.display()
    ))
}

/// Refuses `out` when it is the diary at `vault` or one of its `-wal`, `-shm` or
/// `-journal` files: compared after resolving links and `..`, and by inode, so a
/// hard link to the diary is refused too.
pub fn check_not_vault(out: &Path, vault: &Path) -> Result<()> {
    let resolved = resolve(out);
    for suffix in VAULT_SUFFIXES {
        let companion = with_suffix(vault, suffix);
        if resolved == resolve(&companion) || same_inode(out, &companion) {
            return Err(is_the_diary(out));
        }
    }
    Ok(())
}

/// Creates `out`, which must not exist yet, readable and writable by its owner only.
pub fn create_private(out: &Path) -> Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(PRIVATE_FILE_MODE);
    }
    options.open(out).map_err(|e| Error::file(out, e))
}

/// Creates the folder `dir` (not its parents), usable by its owner only.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(PRIVATE_DIR_MODE);
    }
    builder.create(dir)
}

/// Sets `path` to owner-only (best effort on systems without Unix modes).
pub fn restrict(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(PRIVATE_FILE_MODE))
            .map_err(|e| Error::file(path, e))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// The private folder a file is written in; removed with whatever is left in it.
struct Partial(PathBuf);

impl Drop for Partial {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Writes the file `out` through `write`, which is given a path inside a new private
/// folder beside `out`; the finished file is made owner-only and moved to `out`.
/// `out` is refused first if it is the diary at `vault` (see [`check_not_vault`]).
/// On any error nothing is left behind.
pub fn write_private<T>(
    out: &Path,
    vault: &Path,
    existing: Existing,
    write: impl FnOnce(&Path) -> Result<T>,
) -> Result<T> {
    check_not_vault(out, vault)?;
    let name = out
        .file_name()
        .ok_or_else(|| Error::file(out, "please name a file, not a folder"))?;
    match fs::symlink_metadata(out) {
        Ok(meta) if meta.is_dir() => {
            return Err(Error::file(out, "is a folder; please name a file"));
        }
        Ok(_) if existing == Existing::Refuse => {
            return Err(Error::file(out, "a file already exists there"));
        }
        _ => {}
    }
    let dir = match out.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => d.to_path_buf(),
        None => PathBuf::from("."),
    };
    let partial = Partial(dir.join(format!("{PARTIAL_PREFIX}{:016x}", rand::random::<u64>())));
    create_private_dir(&partial.0).map_err(|e| Error::file(out, e))?;
    let inside = partial.0.join(name);
    let result = write(&inside)?;
    restrict(&inside)?;
    match existing {
        Existing::Replace => fs::rename(&inside, out).map_err(|e| Error::file(out, e))?,
        Existing::Refuse => match fs::hard_link(&inside, out) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                return Err(Error::file(out, "a file already exists there"));
            }
            // File systems without hard links (a FAT USB stick): move it instead.
            Err(_) if fs::symlink_metadata(out).is_err() => {
                fs::rename(&inside, out).map_err(|e| Error::file(out, e))?
            }
            Err(e) => return Err(Error::file(out, e)),
        },
    }
    if let Ok(folder) = File::open(&dir) {
        let _ = folder.sync_all();
    }
    drop(partial);
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn diary(dir: &Path) -> PathBuf {
        let vault = dir.join("diary.daybook");
        for suffix in ["", "-wal", "-shm"] {
            fs::write(with_suffix(&vault, suffix), b"sealed").unwrap();
        }
        vault
    }

    #[test]
    fn the_diary_and_its_working_files_are_refused_however_spelt() {
        let dir = tempfile::tempdir().unwrap();
        let vault = diary(dir.path());
        let sub = dir.path().join("sub");
        fs::create_dir(&sub).unwrap();
        let spellings = [
            vault.clone(),
            with_suffix(&vault, "-wal"),
            with_suffix(&vault, "-shm"),
            with_suffix(&vault, "-journal"),
            sub.join("../diary.daybook"),
        ];
        for out in spellings {
            let err = check_not_vault(&out, &vault).unwrap_err();
            assert_eq!(err.kind(), "not_allowed", "{}", out.display());
            assert!(err.to_string().contains("diary itself"), "{err}");
        }
        #[cfg(unix)]
        {
            let link = dir.path().join("link.pdf");
            std::os::unix::fs::symlink(&vault, &link).unwrap();
            assert!(check_not_vault(&link, &vault).is_err(), "a symbolic link");
            let dangling = dir.path().join("dangling.pdf");
            std::os::unix::fs::symlink(with_suffix(&vault, "-journal"), &dangling).unwrap();
            assert!(
                check_not_vault(&dangling, &vault).is_err(),
                "a link to a file to come"
            );
            let hard = dir.path().join("hard.pdf");
            fs::hard_link(&vault, &hard).unwrap();
            assert!(check_not_vault(&hard, &vault).is_err(), "a hard link");
        }
        check_not_vault(&dir.path().join("report.pdf"), &vault).unwrap();
        check_not_vault(&dir.path().join("diary.daybook.pdf"), &vault).unwrap();
    }

    #[test]
    fn write_private_refuses_the_diary_and_leaves_it_alone() {
        let dir = tempfile::tempdir().unwrap();
        let vault = diary(dir.path());
        let err = write_private(&vault, &vault, Existing::Replace, |p| {
            fs::write(p, b"%PDF").map_err(Error::from)
        })
        .unwrap_err();
        assert_eq!(err.kind(), "not_allowed");
        assert_eq!(fs::read(&vault).unwrap(), b"sealed");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            3,
            "nothing left over"
        );
    }

    #[cfg(unix)]
    #[test]
    fn files_are_owner_only_and_an_existing_one_is_kept_or_replaced_as_asked() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let vault = diary(dir.path());
        let out = dir.path().join("report.pdf");
        write_private(&out, &vault, Existing::Refuse, |p| {
            fs::write(p, b"one").map_err(Error::from)
        })
        .unwrap();
        let mode = fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let err = write_private(&out, &vault, Existing::Refuse, |p| {
            fs::write(p, b"two").map_err(Error::from)
        })
        .unwrap_err();
        assert!(err.to_string().contains("already exists"), "{err}");
        assert_eq!(fs::read(&out).unwrap(), b"one");
        fs::set_permissions(&out, fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&out, &vault, Existing::Replace, |p| {
            fs::write(p, b"three").map_err(Error::from)
        })
        .unwrap();
        assert_eq!(fs::read(&out).unwrap(), b"three");
        let mode = fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let failed = write_private(&dir.path().join("x.pdf"), &vault, Existing::Refuse, |p| {
            fs::write(p, b"half")?;
            Err::<(), _>(Error::Cancelled)
        });
        assert!(failed.is_err());
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 4, "no partial file or folder left: {names:?}");

        let key = dir.path().join("key.txt");
        let mut file = create_private(&key).unwrap();
        file.write_all(b"AGE-SECRET-KEY-1").unwrap();
        let mode = fs::metadata(&key).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert!(create_private(&key).is_err(), "never overwrites");
    }
}
