//! Bare clones of remote repositories in the cache folder, fetched with
//! git2 and shared by what reads from git: templates (`scaffold`) and
//! plugins (`plugins add git+…`). Only objects are fetched; nothing is
//! checked out and no hook of the repository runs.

use std::path::{Path, PathBuf};

use git2::{Oid, Repository};

/// The folder under `root` that holds the clone of `url`.
pub fn folder(root: &Path, url: &str) -> PathBuf {
    root.join(format!("{:016x}", xxhash_rust::xxh3::xxh3_64(url.as_bytes())))
}

/// Opens the bare clone in `dir`, making an empty one the first time.
pub fn open(dir: &Path) -> Result<Repository, String> {
    Repository::open_bare(dir)
        .or_else(|_| {
            std::fs::create_dir_all(dir)?;
            Repository::init_bare(dir).map_err(std::io::Error::other)
        })
        .map_err(|error| error.to_string())
}

/// Fetches every branch and tag of `url`; `progress` hears (received, total) objects.
pub fn fetch(repo: &Repository, url: &str, mut progress: impl FnMut(u64, u64)) -> Result<(), git2::Error> {
    let mut callbacks = git2::RemoteCallbacks::new();
    callbacks.transfer_progress(|stats| {
        progress(stats.received_objects() as u64, stats.total_objects() as u64);
        true
    });
    let mut options = git2::FetchOptions::new();
    options.remote_callbacks(callbacks);
    let mut remote = repo.remote_anonymous(url)?;
    remote.fetch(
        &["+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*", "+HEAD:refs/remotes/origin/HEAD"],
        Some(&mut options),
        None,
    )
}

/// The commit a branch, tag or commit id names in a fetched clone; with
/// none, the remote's default branch.
pub fn resolve_ref(repo: &Repository, reference: Option<&str>) -> Result<Oid, String> {
    let Some(reference) = reference else {
        return repo
            .refname_to_id("refs/remotes/origin/HEAD")
            .or_else(|_| repo.refname_to_id("refs/remotes/origin/main"))
            .or_else(|_| repo.refname_to_id("refs/remotes/origin/master"))
            .map_err(|_| "the repository has no default branch (is the URL right?)".to_string());
    };
    for name in [format!("refs/remotes/origin/{reference}"), format!("refs/tags/{reference}")] {
        if let Ok(object) = repo.revparse_single(&name)
            && let Ok(commit) = object.peel_to_commit()
        {
            return Ok(commit.id());
        }
    }
    repo.revparse_single(reference)
        .and_then(|object| object.peel_to_commit())
        .map(|commit| commit.id())
        .map_err(|_| format!("no branch, tag or commit `{reference}`"))
}

/// Whether the clone already holds this commit (then no fetch is needed).
pub fn has_commit(repo: &Repository, commit: &str) -> bool {
    Oid::from_str(commit).is_ok_and(|id| repo.find_commit(id).is_ok())
}
