//! What changed in a git working tree since a revision: committed since
//! it, staged, modified, deleted, or untracked and not ignored. Read with
//! git2, so no `git` binary is needed. `lint --changed` lints the changed
//! files; `make --changed` selects the projects they fall in.

use std::path::{Path, PathBuf};

use crate::error::Error;

/// Every path a change since `base` touched, absolute under the working
/// tree: both sides of a rename, and deleted files too.
pub fn changed_paths(cwd: &Path, base: &str) -> Result<Vec<PathBuf>, Error> {
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
        .ok_or_else(|| {
            Error::input("--changed needs a working tree; this repository is bare")
                .help("run in a clone with a working tree")
        })?
        .to_path_buf();
    // Canonical, so the paths compare with canonical project directories.
    let workdir = workdir.canonicalize().unwrap_or(workdir);
    let tree = repo.revparse_single(base).and_then(|object| object.peel_to_tree()).map_err(|error| {
        Error::input(format!("--changed {base}: not a revision of this repository: {}", error.message()))
            .help("name a branch, tag or commit, e.g. `--changed main` or `--changed HEAD~3`")
    })?;
    let mut options = git2::DiffOptions::new();
    options.include_untracked(true).recurse_untracked_dirs(true);
    let diff = repo.diff_tree_to_workdir_with_index(Some(&tree), Some(&mut options)).map_err(|error| {
        Error::input(format!("--changed {base}: cannot compare with the working tree: {}", error.message()))
            .help("check that the repository is readable, or leave out --changed")
    })?;
    let mut paths: Vec<PathBuf> = diff
        .deltas()
        .flat_map(|delta| [delta.old_file().path(), delta.new_file().path()])
        .flatten()
        .map(|path| workdir.join(path))
        .collect();
    paths.sort();
    paths.dedup();
    Ok(paths)
}

/// The changed files that still exist, canonical: what `lint --changed`
/// lints.
pub fn changed_files(cwd: &Path, base: &str) -> Result<std::collections::HashSet<PathBuf>, Error> {
    Ok(changed_paths(cwd, base)?
        .into_iter()
        .filter(|path| path.is_file())
        .filter_map(|path| path.canonicalize().ok())
        .collect())
}
