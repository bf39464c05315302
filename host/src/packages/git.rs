//! `git+URL#REF:PATH` sources: a component committed to a repository (a
//! release branch, a tag), read from a bare clone in the cache at the
//! commit the ref names. Pinned by that commit and the file's digest.

use std::path::Path;

use super::store::{Store, Stored};
use crate::git_cache;

/// Where clones and components go, and the size cap.
pub struct Places<'a> {
    pub cache_home: &'a Path,
    pub store: &'a Store,
    pub cap: u64,
}

/// Fetches `url`, resolves `reference` (or uses `commit`, when pinned) and
/// stores the file at `path`. Returns the commit with what was stored.
pub fn fetch(
    url: &str,
    reference: Option<&str>,
    commit: Option<&str>,
    path: &str,
    places: &Places<'_>,
    expected: Option<&str>,
) -> Result<(String, Stored), String> {
    let Places { cache_home, store, cap } = *places;
    let dir = git_cache::folder(&cache_home.join("git"), url);
    let repo = git_cache::open(&dir).map_err(|error| format!("cannot open its clone in {}: {error}", dir.display()))?;
    if !commit.is_some_and(|commit| git_cache::has_commit(&repo, commit)) {
        git_cache::fetch(&repo, url, |_, _| {}).map_err(|error| format!("cannot fetch it: {}", error.message()))?;
    }
    let id = match commit {
        Some(commit) => git2::Oid::from_str(commit).map_err(|_| format!("`{commit}` is not a commit id"))?,
        None => git_cache::resolve_ref(&repo, reference)?,
    };
    let tree = repo
        .find_commit(id)
        .and_then(|commit| commit.tree())
        .map_err(|error| format!("commit {id} is not there: {}", error.message()))?;
    let entry = tree.get_path(Path::new(path)).map_err(|_| format!("there is no `{path}` at commit {id}"))?;
    if entry.kind() != Some(git2::ObjectType::Blob) || entry.filemode() == 0o120_000 {
        return Err(format!("`{path}` at commit {id} is not a file (a folder or a symbolic link)"));
    }
    let blob = repo.find_blob(entry.id()).map_err(|error| error.message().to_string())?;
    if blob.size() as u64 > cap {
        return Err(format!("`{path}`: {}", super::store::over_cap(blob.size() as u64, cap)));
    }
    let stored = store.put(blob.content(), expected)?;
    Ok((id.to_string(), stored))
}
