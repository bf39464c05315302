//! Putting the rendered files on disk without losing anything.
//!
//! The project is written into a staging folder beside the destination and
//! renamed into place in one step, so an interrupted run leaves either no
//! project or a whole one. An existing folder that is not empty is only
//! written into with `--force`, file by file (each an atomic rename), and
//! nothing in it is ever deleted.

use std::path::{Path, PathBuf};

use super::template::Tree;
use crate::error::{Error, Result};

/// What `--git` commits with.
pub struct GitInit<'a> {
    pub message: &'a str,
}

/// What happened, for the summary line.
#[derive(Debug, Default)]
pub struct Written {
    /// Files of a `--force` run that replaced existing ones.
    pub replaced: Vec<String>,
}

/// Refuses a destination the project may not be written to; called before
/// any question is asked, and again just before writing.
pub fn check_destination(dest: &Path, force: bool, git: bool) -> Result<()> {
    if destination_state(dest)? != State::Full {
        return Ok(());
    }
    if !force {
        return Err(Error::input(format!("{} already exists and is not empty", dest.display()))
            .help("pick a new folder, or pass --force to add the files to it (nothing there is deleted)"));
    }
    if git {
        return Err(Error::input(format!("--git makes a new repository, and {} already has files", dest.display()))
            .help("drop --git, or scaffold into a new folder"));
    }
    Ok(())
}

/// Writes `files` as a new project at `dest`.
pub fn write_project(
    dest: &Path,
    files: &Tree,
    folders: &[String],
    force: bool,
    git: Option<&GitInit<'_>>,
) -> Result<Written> {
    check_destination(dest, force, git.is_some())?;
    let state = destination_state(dest)?;
    let parent = dest.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|error| {
        Error::input(format!("cannot create {}: {error}", parent.display()))
            .help("check that the destination's parent folder is writable")
    })?;
    let staging = crate::leftovers::dir_in(parent, "scaffold").map_err(|error| {
        Error::input(format!("cannot write in {}: {error}", parent.display()))
            .help("check that the destination's parent folder is writable")
    })?;
    for (path, entry) in files {
        let target = staging.path().join(path);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(|error| write_error(path, &error))?;
        }
        std::fs::write(&target, &entry.contents).map_err(|error| write_error(path, &error))?;
        if entry.executable {
            make_executable(&target).map_err(|error| write_error(path, &error))?;
        }
    }
    if let Some(git) = git {
        init_repository(staging.path(), git.message)?;
    }
    let mut written = Written::default();
    if state == State::Full {
        written.replaced = move_into(staging.path(), dest, files)?;
        make_folders(dest, folders)?;
    } else {
        make_folders(staging.path(), folders)?;
        let staged = staging.keep();
        // rename(2) replaces an empty folder in one step.
        std::fs::rename(&staged, dest).map_err(|error| {
            let _ = std::fs::remove_dir_all(&staged);
            Error::input(format!("cannot create {}: {error}", dest.display()))
                .help("check that the destination folder is writable")
        })?;
    }
    Ok(written)
}

/// Folders a template makes with nothing written in them.
fn make_folders(root: &Path, folders: &[String]) -> Result<()> {
    for folder in folders {
        std::fs::create_dir_all(root.join(folder)).map_err(|error| write_error(folder, &error))?;
    }
    Ok(())
}

#[derive(Debug, PartialEq, Eq)]
enum State {
    Missing,
    Empty,
    Full,
}

fn destination_state(dest: &Path) -> Result<State> {
    match std::fs::symlink_metadata(dest) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(State::Missing),
        Err(error) => Err(Error::input(format!("cannot read {}: {error}", dest.display()))
            .help("check that the destination folder is readable")),
        Ok(meta) if !meta.is_dir() => {
            Err(Error::input(format!("{} exists and is not a folder", dest.display())).help("pick another destination"))
        }
        Ok(_) => {
            let mut entries = std::fs::read_dir(dest).map_err(|error| {
                Error::input(format!("cannot read {}: {error}", dest.display()))
                    .help("check that the destination folder is readable")
            })?;
            Ok(if entries.next().is_none() { State::Empty } else { State::Full })
        }
    }
}

/// `--force` into a folder with files: every clash is checked first (a file
/// where a folder must go, or the reverse), then each file is renamed in.
fn move_into(staging: &Path, dest: &Path, files: &Tree) -> Result<Vec<String>> {
    let mut replaced = Vec::new();
    for path in files.keys() {
        let target = dest.join(path);
        let mut ancestor = PathBuf::new();
        for part in Path::new(path).parent().into_iter().flat_map(Path::components) {
            ancestor.push(part);
            if dest.join(&ancestor).symlink_metadata().is_ok_and(|meta| !meta.is_dir()) {
                return Err(Error::input(format!(
                    "{} is a file, and the template puts {path} inside it",
                    dest.join(&ancestor).display()
                ))
                .help("move that file away first; nothing was written"));
            }
        }
        match target.symlink_metadata() {
            Ok(meta) if meta.is_dir() => {
                return Err(Error::input(format!(
                    "{} is a folder, and the template has a file there",
                    target.display()
                ))
                .help("move that folder away first; nothing was written"));
            }
            Ok(_) => replaced.push(path.clone()),
            Err(_) => {}
        }
    }
    for path in files.keys() {
        let target = dest.join(path);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(|error| write_error(path, &error))?;
        }
        std::fs::rename(staging.join(path), &target).map_err(|error| write_error(path, &error))?;
    }
    Ok(replaced)
}

/// Writes one file of an existing project atomically (for `--update`).
pub fn replace_file(dest: &Path, path: &str, contents: &[u8], executable: bool) -> Result<()> {
    let target = dest.join(path);
    let dir = target.parent().unwrap_or(dest);
    std::fs::create_dir_all(dir).map_err(|error| write_error(path, &error))?;
    let mut file = crate::leftovers::file_in(dir, "update").map_err(|error| write_error(path, &error))?;
    std::io::Write::write_all(&mut file, contents).map_err(|error| write_error(path, &error))?;
    if executable || is_executable(&target) {
        make_executable(file.path()).map_err(|error| write_error(path, &error))?;
    }
    file.persist(&target).map_err(|error| write_error(path, &error.error))?;
    Ok(())
}

fn write_error(path: &str, error: &std::io::Error) -> Error {
    Error::input(format!("cannot write {path}: {error}")).help("check the destination's permissions and free space")
}

#[cfg(unix)]
pub fn make_executable(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let mut permissions = std::fs::metadata(path)?.permissions();
    permissions.set_mode(permissions.mode() | 0o111);
    std::fs::set_permissions(path, permissions)
}

#[cfg(not(unix))]
pub fn make_executable(_: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(unix)]
pub fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).is_ok_and(|meta| meta.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
pub fn is_executable(_: &Path) -> bool {
    false
}

/// `git init`, add everything, one commit (git2). The author is git's
/// `user.name`/`user.email`, else `workbench`.
fn init_repository(dir: &Path, message: &str) -> Result<()> {
    let failed = |error: git2::Error| {
        Error::input(format!("--git: {}", error.message()))
            .help("check that git can write in the new folder, or scaffold without --git")
    };
    let repo = git2::Repository::init(dir).map_err(failed)?;
    let mut index = repo.index().map_err(failed)?;
    index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).map_err(failed)?;
    index.write().map_err(failed)?;
    let tree = repo.find_tree(index.write_tree().map_err(failed)?).map_err(failed)?;
    let signature =
        repo.signature().or_else(|_| git2::Signature::now("workbench", "workbench@localhost")).map_err(failed)?;
    repo.commit(Some("HEAD"), &signature, &signature, message, &tree, &[]).map_err(failed)?;
    Ok(())
}
