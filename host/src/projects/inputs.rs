//! What a project's make target can read, as one digest: the files below
//! its directory (as git would see them: `.gitignore`d files, `.git` and
//! `node_modules` left out), those of projects nested in it, the digests
//! of the projects it depends on, and the files under the root that lie
//! in no project (a shared `common.mk`, workbench.toml) unless
//! `[projects] ignore-changes` covers them, the same rule `--changed`
//! follows. `workbench make`'s cache keys on it.
//!
//! A file counts by its path, its kind (a symlink by where it points) and
//! executable bit, and its contents, so a rename, a `chmod +x` or a new
//! untracked file changes the digest as an edit does.

use std::collections::{HashMap, HashSet};
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::GlobSet;
use sha2::{Digest as _, Sha256};

use super::Workspace;

pub type Digest = [u8; 32];

pub struct Inputs<'a> {
    workspace: &'a Workspace,
    /// Files outside every project whose change does not count.
    ignore_changes: GlobSet,
    /// Paths relative to a project that are the target's outputs, not its
    /// inputs.
    outputs: GlobSet,
    /// Each project's own files, hashed once until it runs again.
    own: HashMap<usize, Digest>,
    global: Option<Digest>,
    /// For each project, the projects nested directly in it.
    nested: Vec<Vec<usize>>,
    /// Every project's directory, where another project's walk stops.
    dirs: Arc<HashSet<PathBuf>>,
}

impl<'a> Inputs<'a> {
    pub fn new(workspace: &'a Workspace, ignore_changes: GlobSet, outputs: GlobSet) -> Inputs<'a> {
        let mut nested = vec![Vec::new(); workspace.projects.len()];
        for (index, project) in workspace.projects.iter().enumerate() {
            if let Some(outer) = project.dir.parent().and_then(|parent| workspace.owner(parent)) {
                nested[outer].push(index);
            }
        }
        let dirs = Arc::new(workspace.projects.iter().map(|project| project.dir.clone()).collect());
        Inputs { workspace, ignore_changes, outputs, own: HashMap::new(), global: None, nested, dirs }
    }

    /// The files under the root that lie in no project, read once.
    pub fn global(&mut self) -> std::io::Result<Digest> {
        if let Some(digest) = self.global {
            return Ok(digest);
        }
        let root = &self.workspace.root;
        let files = self.walk(root, |relative| self.ignore_changes.is_match(relative))?;
        let digest = hash_files(root, &files)?;
        self.global = Some(digest);
        Ok(digest)
    }

    /// The project's digest: its own files, its nested projects' and its
    /// dependencies' digests.
    pub fn project(&mut self, index: usize) -> std::io::Result<Digest> {
        let mut memo = HashMap::new();
        self.full(index, &mut memo)
    }

    /// Forgets what the project's files hashed to: its target ran and may
    /// have changed them.
    pub fn forget(&mut self, index: usize) {
        self.own.remove(&index);
    }

    fn full(&mut self, index: usize, memo: &mut HashMap<usize, Digest>) -> std::io::Result<Digest> {
        if let Some(digest) = memo.get(&index) {
            return Ok(*digest);
        }
        let mut hasher = Sha256::new();
        hasher.update(self.own(index)?);
        for nested in self.nested[index].clone() {
            hasher.update(b"nested\0");
            hasher.update(self.full(nested, memo)?);
        }
        let dependencies: Vec<usize> =
            self.workspace.projects[index].dependencies.iter().map(|(dependency, _)| *dependency).collect();
        for dependency in dependencies {
            hasher.update(b"needs\0");
            hasher.update(self.full(dependency, memo)?);
        }
        let digest: Digest = hasher.finalize().into();
        memo.insert(index, digest);
        Ok(digest)
    }

    fn own(&mut self, index: usize) -> std::io::Result<Digest> {
        if let Some(digest) = self.own.get(&index) {
            return Ok(*digest);
        }
        let dir = &self.workspace.projects[index].dir;
        let files = self.walk(dir, |relative| self.outputs.is_match(relative))?;
        let digest = hash_files(&self.workspace.root, &files)?;
        self.own.insert(index, digest);
        Ok(digest)
    }

    /// The files below `dir`, sorted, outside every project nested in it,
    /// minus those `skip` says (given the path relative to `dir`).
    fn walk(&self, dir: &Path, skip: impl Fn(&Path) -> bool) -> std::io::Result<Vec<PathBuf>> {
        let (dirs, top) = (Arc::clone(&self.dirs), dir.to_path_buf());
        let nested = move |entry: &ignore::DirEntry| {
            entry.file_type().is_some_and(|kind| kind.is_dir()) && entry.path() != top && dirs.contains(entry.path())
        };
        let walk = ignore::WalkBuilder::new(dir)
            .hidden(false)
            .require_git(false)
            .follow_links(false)
            .filter_entry(move |entry| {
                let name = entry.file_name();
                name != ".git" && name != "node_modules" && !nested(entry)
            })
            .build();
        let mut files = Vec::new();
        for entry in walk {
            let entry = entry.map_err(std::io::Error::other)?;
            if entry.file_type().is_some_and(|kind| kind.is_dir()) {
                continue;
            }
            let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            if !skip(relative) {
                files.push(entry.into_path());
            }
        }
        files.sort();
        Ok(files)
    }
}

/// One digest over the files' paths (relative to `root`), kinds, modes and
/// contents.
fn hash_files(root: &Path, files: &[PathBuf]) -> std::io::Result<Digest> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 64 * 1024];
    for path in files {
        let relative = path.strip_prefix(root).unwrap_or(path);
        hasher.update(relative.to_string_lossy().replace('\\', "/").as_bytes());
        let metadata = std::fs::symlink_metadata(path)?;
        if metadata.file_type().is_symlink() {
            hasher.update(b"\0link\0");
            hasher.update(std::fs::read_link(path)?.to_string_lossy().as_bytes());
        } else {
            hasher.update(if executable(&metadata) { b"\0exec\0" } else { b"\0file\0" });
            let mut file_hasher = Sha256::new();
            let mut file = std::fs::File::open(path)?;
            loop {
                let read = file.read(&mut buffer)?;
                if read == 0 {
                    break;
                }
                file_hasher.update(&buffer[..read]);
            }
            hasher.update(file_hasher.finalize());
        }
        hasher.update(b"\n");
    }
    Ok(hasher.finalize().into())
}

#[cfg(unix)]
fn executable(metadata: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    metadata.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn executable(_: &std::fs::Metadata) -> bool {
    false
}

/// The digest of a target's outputs: every file below `dir` matching the
/// globs, ignored by git or not (outputs usually are). Only the folders
/// the globs can reach are walked, so `dist/**` never walks the rest.
pub fn outputs_digest(root: &Path, dir: &Path, globs: &GlobSet, patterns: &[String]) -> std::io::Result<Digest> {
    let mut starts: Vec<PathBuf> = patterns.iter().map(|pattern| dir.join(literal_prefix(pattern))).collect();
    starts.sort();
    starts.dedup_by(|later, earlier| later.starts_with(earlier));
    let mut files = Vec::new();
    for start in starts {
        let walk = walkdir::WalkDir::new(&start).follow_links(false).into_iter();
        for entry in walk.filter_entry(|entry| entry.file_name() != ".git") {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) if error.io_error().is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound) => continue,
                Err(error) => return Err(std::io::Error::other(error)),
            };
            if entry.file_type().is_dir() {
                continue;
            }
            let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            if globs.is_match(relative) {
                files.push(entry.into_path());
            }
        }
    }
    files.sort();
    hash_files(root, &files)
}

/// The leading folders of a glob that hold no pattern: `dist/js/*.js` →
/// `dist/js`, `**/*.o` → ``, `out.txt` → `out.txt`.
fn literal_prefix(pattern: &str) -> PathBuf {
    let parts: Vec<&str> = pattern.split('/').collect();
    let literal: Vec<&str> =
        parts.iter().take_while(|part| !part.contains(['*', '?', '[', '{', '\\'])).copied().collect();
    if literal.len() == parts.len() {
        // No pattern at all: the one file (or folder) it names.
        return PathBuf::from(pattern);
    }
    PathBuf::from(literal.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_globs_literal_folders_are_where_its_walk_starts() {
        assert_eq!(literal_prefix("dist/js/*.js"), Path::new("dist/js"));
        assert_eq!(literal_prefix("dist/**"), Path::new("dist"));
        assert_eq!(literal_prefix("**/*.o"), Path::new(""));
        assert_eq!(literal_prefix("out.txt"), Path::new("out.txt"));
        assert_eq!(literal_prefix("a/{b,c}/x"), Path::new("a"));
    }
}
