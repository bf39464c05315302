//! Hidden temporary files and folders that workbench writes beside a
//! user's files before renaming them into place, and the sweeping up of
//! those a killed run left behind.
//!
//! Each is named `.workbench-KIND-PID-RANDOM`: the process id says whose
//! it is, so a later run removes only those whose writer is gone, never
//! one that a workbench running beside it is still writing. (If the id has
//! since been reused by another process, the leftover waits for a later
//! run.) Names without that shape are never touched. A workbench in another
//! PID namespace writing into the same folder (a container sharing it) is
//! not seen as running: its temporary file can be swept and its run then
//! fails to rename, never a user's file lost.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// A temporary file in `dir`, for a later rename over a user's file.
pub fn file_in(dir: &Path, kind: &str) -> std::io::Result<tempfile::NamedTempFile> {
    sweep_once(dir, kind);
    tempfile::Builder::new().prefix(&prefix(kind, std::process::id())).tempfile_in(dir)
}

/// Replaces (or creates) `path` with `contents` in one rename from a
/// temporary file beside it, so a reader sees the old bytes or the new.
/// An existing file keeps its permissions; a new one gets 0644, as an
/// editor makes it (the temporary file's own 0600 is nobody's choice).
pub fn replace(path: &Path, contents: &[u8], kind: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::PermissionsExt as _;
    let dir = path.parent().filter(|dir| !dir.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let permissions = match std::fs::metadata(path) {
        Ok(metadata) => metadata.permissions(),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => std::fs::Permissions::from_mode(0o644),
        Err(error) => return Err(error),
    };
    let mut file = file_in(dir, kind)?;
    file.write_all(contents)?;
    file.as_file().sync_data()?;
    file.as_file().set_permissions(permissions)?;
    file.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// A temporary folder in `dir`, for a later rename into place.
pub fn dir_in(dir: &Path, kind: &str) -> std::io::Result<tempfile::TempDir> {
    sweep_once(dir, kind);
    tempfile::Builder::new().prefix(&prefix(kind, std::process::id())).tempdir_in(dir)
}

fn prefix(kind: &str, pid: u32) -> String {
    format!(".workbench-{kind}-{pid}-")
}

/// Sweeps `dir` for `kind` at most once a run: `lint --fix` writes many
/// files into one folder.
fn sweep_once(dir: &Path, kind: &str) {
    static SWEPT: Mutex<Option<HashSet<(PathBuf, String)>>> = Mutex::new(None);
    let mut swept = SWEPT.lock().unwrap_or_else(PoisonError::into_inner);
    if swept.get_or_insert_default().insert((dir.to_path_buf(), kind.to_string())) {
        sweep(dir, kind);
    }
}

/// Removes the `kind` leftovers in `dir` whose writer is no longer running.
/// Best effort: what cannot be read or removed stays, silently, since the
/// run at hand does not depend on it.
pub fn sweep(dir: &Path, kind: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let start = format!(".workbench-{kind}-");
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|name| writer(name, &start)) else { continue };
        if running(pid) {
            continue;
        }
        let path = entry.path();
        // Not followed: a leftover is a plain file or folder of our own.
        let _ = match entry.file_type() {
            Ok(kind) if kind.is_dir() => std::fs::remove_dir_all(&path),
            Ok(_) => std::fs::remove_file(&path),
            Err(_) => continue,
        };
    }
}

/// The process id in a leftover's name, when the name has the shape.
fn writer(name: &str, start: &str) -> Option<i32> {
    let (pid, random) = name.strip_prefix(start)?.split_once('-')?;
    (!random.is_empty() && pid.bytes().all(|byte| byte.is_ascii_digit())).then(|| pid.parse().ok())?
}

/// Whether a process with this id exists (one of another user counts).
fn running(pid: i32) -> bool {
    let Some(pid) = rustix::process::Pid::from_raw(pid) else { return false };
    !matches!(rustix::process::test_kill_process(pid), Err(rustix::io::Errno::SRCH))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_leftovers_of_gone_processes_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join(".workbench-fix-2147483646-abc");
        let mine = dir.path().join(format!(".workbench-fix-{}-abc", std::process::id()));
        let other_kind = dir.path().join(".workbench-scaffold-2147483646-abc");
        let users =
            [".workbench-fix-notes", ".workbench-fix-12-", ".tmpabc", "notes.txt"].map(|name| dir.path().join(name));
        for path in [&gone, &mine, &other_kind].into_iter().chain(&users) {
            std::fs::write(path, "x").unwrap();
        }
        let gone_dir = dir.path().join(".workbench-fix-2147483645-xyz");
        std::fs::create_dir_all(gone_dir.join("inner")).unwrap();

        sweep(dir.path(), "fix");

        assert!(!gone.exists() && !gone_dir.exists());
        assert!(mine.exists(), "a running writer's file stays");
        assert!(other_kind.exists(), "another kind is not this sweep's");
        assert!(users.iter().all(|path| path.exists()), "names without the shape are the user's");
    }

    #[test]
    fn a_new_file_carries_this_process_id() {
        let dir = tempfile::tempdir().unwrap();
        let file = file_in(dir.path(), "fix").unwrap();
        let name = file.path().file_name().unwrap().to_str().unwrap().to_string();
        assert_eq!(writer(&name, ".workbench-fix-"), i32::try_from(std::process::id()).ok());
    }
}
