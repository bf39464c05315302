//! `--changed [BASE]`: only the files that differ from a git revision
//! (default `HEAD`): committed since it, staged, modified, or untracked and
//! not ignored. Read with git2, so no `git` binary is needed.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// Absolute paths of the changed files that still exist.
pub fn changed_files(cwd: &Path, base: &str) -> Result<HashSet<PathBuf>, Error> {
    let repo = git2::Repository::discover(cwd).map_err(|error| {
        Error::input(format!(
            "--changed needs a git repository, and {} is not in one: {}",
            cwd.display(),
            error.message()
        ))
        .help("run it inside a git checkout, or drop --changed")
    })?;
    let workdir = repo
        .workdir()
        .ok_or_else(|| Error::input("--changed needs a working tree; this repository is bare"))?
        .to_path_buf();
    let tree = repo.revparse_single(base).and_then(|object| object.peel_to_tree()).map_err(|error| {
        Error::input(format!("--changed {base}: not a revision of this repository: {}", error.message()))
            .help("name a branch, tag or commit, e.g. `--changed main` or `--changed HEAD~3`")
    })?;
    let mut options = git2::DiffOptions::new();
    options.include_untracked(true).recurse_untracked_dirs(true);
    let diff = repo.diff_tree_to_workdir_with_index(Some(&tree), Some(&mut options)).map_err(|error| {
        Error::input(format!("--changed {base}: cannot compare with the working tree: {}", error.message()))
    })?;
    let files = diff
        .deltas()
        .filter(|delta| delta.status() != git2::Delta::Deleted)
        .filter_map(|delta| delta.new_file().path().map(|path| workdir.join(path)))
        .filter(|path| path.is_file())
        .filter_map(|path| path.canonicalize().ok())
        .collect();
    Ok(files)
}
