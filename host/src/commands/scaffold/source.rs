//! Where a template comes from, and reading it into memory: a name from the
//! template folders (`[scaffold] templates`, else the repository's
//! `templates/`), an alias (`[scaffold.aliases]`), a path, or a git URL with
//! an optional `#ref` (cloned with git2 into the cache; Khaos's `owner/repo`
//! means GitHub).
//!
//! Every template records the commit it was read at when there is one (a git
//! URL, or a folder inside a clean git work tree), so `--update` can rebuild
//! the old render for its three-way merge.

use std::path::{Path, PathBuf};

use git2::{ObjectType, Repository};
use serde::{Deserialize, Serialize};
use walkdir::WalkDir;

use super::template::{Entry, Tree, is_template_dir};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::git_cache;
use crate::progress::Progress;

/// What `.workbench-answers.toml` records to find the template again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Origin {
    /// A folder (absolute) or a git URL.
    pub source: String,
    /// The branch, tag or commit asked for (`URL#ref`).
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "ref")]
    pub reference: Option<String>,
    /// The folder inside the repository that holds the template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subdir: Option<String>,
    /// The commit the files were read at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

/// A template's files, read.
pub struct Loaded {
    pub origin: Origin,
    /// How to name it in messages.
    pub label: String,
    pub tree: Tree,
    /// The root of the git work tree holding a local template.
    pub repo_root: Option<PathBuf>,
    /// The commit as `git describe --tags --always` names it, when the
    /// template is a repository's root: copier's `_commit`.
    pub described: Option<String>,
}

/// A template the user can name.
pub struct Listed {
    pub name: String,
    pub at: At,
}

/// Where a named template is.
pub enum At {
    Dir(PathBuf),
    /// Embedded in the binary (`templates/` of the workbench repository).
    Builtin,
}

impl Listed {
    /// Its files, read.
    pub fn tree(&self) -> Result<Tree> {
        match &self.at {
            At::Dir(path) => read_dir_tree(path),
            At::Builtin => Ok(builtin::tree(&self.name).expect("listed builtins exist")),
        }
    }

    /// Where it is, in words.
    pub fn place(&self) -> String {
        match &self.at {
            At::Dir(path) => path.display().to_string(),
            At::Builtin => format!("{BUILTIN}{}", self.name),
        }
    }
}

/// How an answers file names a template embedded in the binary.
pub const BUILTIN: &str = "builtin:";

/// The templates embedded by `host/build.rs`.
pub mod builtin {
    use super::super::template::{Entry, Tree};

    include!(concat!(env!("OUT_DIR"), "/templates.rs"));

    pub fn names() -> impl Iterator<Item = &'static str> {
        TEMPLATES.iter().map(|(name, _)| *name)
    }

    pub fn tree(name: &str) -> Option<Tree> {
        let (_, files) = TEMPLATES.iter().find(|(known, _)| *known == name)?;
        Some(
            files
                .iter()
                .map(|(path, bytes, executable)| {
                    ((*path).to_string(), Entry { contents: bytes.to_vec(), executable: *executable })
                })
                .collect(),
        )
    }

    /// What an answers file records as the commit of a built-in template:
    /// the workbench that carried it.
    pub fn version() -> String {
        concat!("workbench-", env!("CARGO_PKG_VERSION")).to_string()
    }
}

/// The folders that hold named templates.
pub fn template_dirs(config: &Config, cwd: &Path) -> Vec<PathBuf> {
    let base = config.path.as_deref().and_then(Path::parent).unwrap_or(cwd);
    if !config.scaffold.templates.is_empty() {
        return config.scaffold.templates.iter().map(|dir| base.join(dir)).collect();
    }
    let root = Repository::discover(cwd).ok().and_then(|repo| repo.workdir().map(Path::to_path_buf));
    vec![root.unwrap_or_else(|| base.to_path_buf()).join("templates")]
}

/// Every named template, sorted by name (the first folder wins a clash).
pub fn list(config: &Config, cwd: &Path) -> Vec<Listed> {
    let mut found: Vec<Listed> = Vec::new();
    for dir in template_dirs(config, cwd) {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.starts_with('.') && is_template_dir(&path) && !found.iter().any(|known| known.name == name) {
                found.push(Listed { name, at: At::Dir(path) });
            }
        }
    }
    // A repository's own templates win by name over the built-in ones.
    for name in builtin::names() {
        if !found.iter().any(|known| known.name == name) {
            found.push(Listed { name: name.to_string(), at: At::Builtin });
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    found
}

/// A built-in template, as read.
pub fn load_builtin(name: &str, subdir: Option<&str>) -> Result<Loaded> {
    let tree = builtin::tree(name).expect("called for built-in names");
    let tree = match subdir.map(|dir| dir.trim_matches('/')).filter(|dir| !dir.is_empty()) {
        None => tree,
        Some(dir) => {
            let prefix = format!("{dir}/");
            let inner: Tree = tree
                .into_iter()
                .filter_map(|(path, entry)| path.strip_prefix(&prefix).map(|rest| (rest.to_string(), entry)))
                .collect();
            if inner.is_empty() {
                return Err(Error::input(format!("template {name} has no folder `{dir}`"))
                    .help("check --subdir and the template's layout"));
            }
            inner
        }
    };
    let origin = Origin {
        source: format!("{BUILTIN}{name}"),
        reference: None,
        subdir: subdir.map(str::to_string),
        commit: Some(builtin::version()),
    };
    Ok(Loaded { origin, label: name.to_string(), tree, repo_root: None, described: None })
}

/// Reads the template the user named.
pub fn load(
    spec: &str,
    subdir: Option<&str>,
    config: &Config,
    cwd: &Path,
    cache: Option<&Path>,
    progress: &Progress,
) -> Result<Loaded> {
    // An alias names a template once; it is not looked up again, so aliases
    // that name each other cannot loop.
    let spec = config.scaffold.aliases.get(spec).map_or(spec, String::as_str);
    if let Some((url, reference)) = git_url(spec) {
        let origin = Origin {
            source: url,
            reference,
            subdir: subdir.map(|dir| dir.trim_matches('/').to_string()).filter(|dir| !dir.is_empty()),
            commit: None,
        };
        return load_git(origin, None, cache, progress);
    }
    let path = if looks_like_path(spec) {
        cwd.join(spec)
    } else {
        match list(config, cwd).into_iter().find(|listed| listed.name == spec) {
            Some(Listed { at: At::Dir(path), .. }) => path,
            Some(Listed { at: At::Builtin, name }) => return load_builtin(&name, subdir),
            None if cwd.join(spec).is_dir() => cwd.join(spec),
            None => {
                let known: Vec<String> = list(config, cwd).into_iter().map(|listed| listed.name).collect();
                let known = if known.is_empty() { "none".to_string() } else { known.join(", ") };
                return Err(Error::input(format!("no template named `{spec}` (known: {known})"))
                    .help("give a path (./dir), a git URL (https://...#ref), or see `workbench scaffold --list`"));
            }
        }
    };
    let path = match subdir {
        Some(dir) => path.join(dir),
        None => path,
    };
    load_dir(&path, spec)
}

fn looks_like_path(spec: &str) -> bool {
    spec.starts_with('.') || spec.starts_with('/') || spec.starts_with('~')
}

/// `https://...`, `ssh://...`, `git@host:...`, `file://...`, `*.git`, or
/// Khaos's `owner/repo` (GitHub); `#ref` picks a branch, tag or commit.
fn git_url(spec: &str) -> Option<(String, Option<String>)> {
    let (url, reference) = match spec.rsplit_once('#') {
        Some((url, reference)) if !reference.is_empty() => (url, Some(reference.to_string())),
        _ => (spec, None),
    };
    let is_url = ["https://", "http://", "ssh://", "git://", "file://", "git@"].iter().any(|p| url.starts_with(p))
        || (super::render::has_extension(url, "git") && !Path::new(url).is_dir());
    if is_url {
        return Some((url.to_string(), reference));
    }
    let mut parts = url.split('/');
    let is_github = matches!((parts.next(), parts.next(), parts.next()), (Some(owner), Some(repo), None)
        if !owner.is_empty() && !repo.is_empty() && !owner.starts_with('.') && !Path::new(url).exists());
    is_github.then(|| (format!("https://github.com/{url}.git"), reference))
}

/// A template folder on disk.
pub fn load_dir(path: &Path, label: &str) -> Result<Loaded> {
    let root = path.canonicalize().map_err(|error| {
        Error::input(format!("cannot read template {}: {error}", path.display()))
            .help("check the path, or see `workbench scaffold --list`")
    })?;
    if !root.is_dir() {
        return Err(Error::input(format!("template {} is not a folder", path.display()))
            .help("a template is a folder with template.toml, khaos.json or template/"));
    }
    let tree = read_dir_tree(&root)?;
    let (commit, subdir, repo_root) = local_commit(&root);
    let described = match (&commit, &subdir, &repo_root) {
        (Some(commit), None, Some(workdir)) => Repository::open(workdir).ok().and_then(|repo| describe(&repo, commit)),
        _ => None,
    };
    let origin = Origin { source: root.display().to_string(), reference: None, subdir, commit };
    Ok(Loaded { origin, label: label.to_string(), tree, repo_root, described })
}

/// Every file under the template folder `root`, read.
pub fn read_dir_tree(root: &Path) -> Result<Tree> {
    // Links are checked against the real folder.
    let root = &root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut tree = Tree::new();
    let walker = WalkDir::new(root).follow_links(false).into_iter().filter_entry(|entry| entry.file_name() != ".git");
    for entry in walker {
        let entry = entry.map_err(|error| {
            Error::input(format!("cannot read template {}: {error}", root.display()))
                .help("check the template path and that you may read it")
        })?;
        let relative = entry.path().strip_prefix(root).expect("walk stays under root");
        let Some(name) = relative.to_str().map(|name| name.replace('\\', "/")) else {
            return Err(Error::input(format!("template file {} has a name that is not UTF-8", entry.path().display()))
                .help("rename the file in the template"));
        };
        let file_type = entry.file_type();
        let path = if file_type.is_symlink() {
            // A link is followed only when it points inside the template.
            let target = entry.path().canonicalize().ok().filter(|target| target.starts_with(root));
            match target {
                Some(target) if target.is_file() => target,
                Some(_) => {
                    return Err(Error::input(format!(
                        "template link {} points to a folder; links may only point to files",
                        entry.path().display()
                    ))
                    .help("replace the link with the folder's files, or point it at a file"));
                }
                None => {
                    return Err(Error::input(format!(
                        "template link {} points outside the template",
                        entry.path().display()
                    ))
                    .help("a template may not reach files outside its folder; copy the file in"));
                }
            }
        } else if file_type.is_file() {
            entry.path().to_path_buf()
        } else {
            continue;
        };
        let contents = std::fs::read(&path).map_err(|error| {
            Error::input(format!("cannot read template file {}: {error}", path.display()))
                .help("check that the file is readable, or remove it from the template")
        })?;
        tree.insert(name, Entry { contents, executable: super::write::is_executable(&path) });
    }
    Ok(tree)
}

/// The commit of a template folder inside a git work tree, when the folder
/// has no uncommitted changes (otherwise that commit is not what was read).
fn local_commit(root: &Path) -> (Option<String>, Option<String>, Option<PathBuf>) {
    let Ok(repo) = Repository::discover(root) else { return (None, None, None) };
    let Some(workdir) = repo.workdir().and_then(|dir| dir.canonicalize().ok()) else { return (None, None, None) };
    let subdir = root.strip_prefix(&workdir).ok().map(|dir| dir.to_string_lossy().replace('\\', "/"));
    let head = repo.head().ok().and_then(|head| head.peel_to_commit().ok()).map(|commit| commit.id().to_string());
    let mut options = git2::StatusOptions::new();
    options.include_untracked(true).recurse_untracked_dirs(true);
    if let Some(subdir) = subdir.as_deref().filter(|dir| !dir.is_empty()) {
        options.pathspec(subdir);
    }
    let clean = repo.statuses(Some(&mut options)).is_ok_and(|statuses| statuses.is_empty());
    if !clean && head.is_some() {
        log::warn!(
            "template {} has uncommitted changes; commit them so `scaffold --update` can rebuild this version later",
            root.display()
        );
    }
    (head.filter(|_| clean), subdir.filter(|dir| !dir.is_empty()), Some(workdir))
}

// --- git ---

fn cache_repo(url: &str, cache: Option<&Path>) -> Result<Repository> {
    let root = cache
        .ok_or_else(|| Error::input("no cache folder for git templates").help("set WORKBENCH_CACHE_DIR"))?
        .join("templates");
    let dir = git_cache::folder(&root, url);
    git_cache::open(&dir).map_err(|error| {
        Error::input(format!("cannot open the template cache {}: {error}", dir.display()))
            .help("check that the cache folder is writable, or set WORKBENCH_CACHE_DIR")
    })
}

/// Fetches `origin.source` into the cache (a fetch failure falls back to
/// what the cache holds) and reads the tree at `commit`, else at the ref.
/// `progress` counts the objects received.
pub fn load_git(mut origin: Origin, commit: Option<&str>, cache: Option<&Path>, progress: &Progress) -> Result<Loaded> {
    let repo = cache_repo(&origin.source, cache)?;
    if !commit.is_some_and(|commit| git_cache::has_commit(&repo, commit)) {
        let fetched = git_cache::fetch(&repo, &origin.source, |received, total| {
            progress.set_length(total);
            progress.set_position(received);
        });
        progress.finish();
        if let Err(error) = fetched {
            log::warn!("cannot fetch {}: {}; using the cached copy", origin.source, error.message());
        }
    }
    let id = match commit {
        Some(commit) => find_commit(&repo, commit)?,
        None => git_cache::resolve_ref(&repo, origin.reference.as_deref()).map_err(|message| {
            Error::input(format!("template {}: {message}", origin.source))
                .help("check the URL and the #ref (a branch, tag or commit)")
        })?,
    };
    let commit = repo.find_commit(id).map_err(|error| {
        Error::input(format!("template {}: commit {id} is not there: {}", origin.source, error.message())).help(
            "the commit is gone from the repository (rewritten history?); scaffold again from the current template",
        )
    })?;
    let tree = commit.tree().map_err(|error| {
        Error::input(error.message().to_string())
            .help("the template repository is damaged; clear it from the cache folder (templates/) and run again")
    })?;
    let tree = subtree(&repo, &tree, origin.subdir.as_deref()).map_err(|message| {
        Error::input(format!("template {}: {message}", origin.source))
            .help("check --subdir and the repository's layout")
    })?;
    origin.commit = Some(id.to_string());
    let label = match &origin.reference {
        Some(reference) => format!("{}#{reference}", origin.source),
        None => origin.source.clone(),
    };
    let described = if origin.subdir.is_none() { describe(&repo, &id.to_string()) } else { None };
    Ok(Loaded { origin, label, tree, repo_root: None, described })
}

/// A local template at an older commit of the repository that holds it.
pub fn load_local_at(origin: &Origin, commit: &str) -> Result<Tree> {
    let repo = Repository::discover(&origin.source).map_err(|error| {
        Error::input(format!("template {} is no longer in a git repository: {}", origin.source, error.message()))
            .help("--update of a local template needs the git repository it was made from")
    })?;
    let id = find_commit(&repo, commit)?;
    let tree = repo.find_commit(id).and_then(|commit| commit.tree()).map_err(|error| {
        Error::input(format!("template {}: commit {commit}: {}", origin.source, error.message()))
            .help("the commit is gone from the repository; scaffold again from the current template")
    })?;
    subtree(&repo, &tree, origin.subdir.as_deref()).map_err(|message| {
        Error::input(format!("template {}: {message}", origin.source))
            .help("check --subdir and the repository's layout")
    })
}

/// The commit an answers file names: an id, or what `git describe` printed
/// (copier records `v1.2-3-gabc1234`).
fn find_commit(repo: &Repository, commit: &str) -> Result<git2::Oid> {
    git2::Oid::from_str(commit)
        .ok()
        .filter(|_| commit.len() == 40)
        .or_else(|| {
            repo.revparse_single(commit).and_then(|object| object.peel_to_commit()).map(|found| found.id()).ok()
        })
        .ok_or_else(|| {
            Error::input(format!("`{commit}` names no commit of the template's repository"))
                .help("the answers file names the commit it was made from; restore it, or scaffold again")
        })
}

/// `git describe --tags --always`, as copier records a template's version.
fn describe(repo: &Repository, commit: &str) -> Option<String> {
    let object = repo.revparse_single(commit).ok()?;
    let mut options = git2::DescribeOptions::new();
    options.describe_tags().show_commit_oid_as_fallback(true);
    let described = object.describe(&options).ok()?;
    let mut format = git2::DescribeFormatOptions::new();
    format.abbreviated_size(7);
    described.format(Some(&format)).ok()
}

fn subtree(repo: &Repository, tree: &git2::Tree<'_>, subdir: Option<&str>) -> Result<Tree, String> {
    let root = match subdir.filter(|dir| !dir.is_empty()) {
        None => tree.clone(),
        Some(dir) => tree
            .get_path(Path::new(dir))
            .and_then(|entry| entry.to_object(repo))
            .and_then(|object| object.peel_to_tree())
            .map_err(|_| format!("no folder `{dir}` at that commit"))?,
    };
    let mut out = Tree::new();
    let mut links = Vec::new();
    let mut failure = None;
    root.walk(git2::TreeWalkMode::PreOrder, |parent, entry| {
        if entry.kind() != Some(ObjectType::Blob) {
            return git2::TreeWalkResult::Ok;
        }
        let path = format!("{parent}{}", entry.name().unwrap_or_default());
        match repo.find_blob(entry.id()) {
            Ok(blob) if entry.filemode() == 0o120_000 => links.push((path, blob.content().to_vec())),
            Ok(blob) => {
                out.insert(
                    path,
                    Entry { contents: blob.content().to_vec(), executable: entry.filemode() == 0o100_755 },
                );
            }
            Err(error) => {
                failure = Some(format!("cannot read {path}: {}", error.message()));
                return git2::TreeWalkResult::Abort;
            }
        }
        git2::TreeWalkResult::Ok
    })
    .map_err(|error| failure.clone().unwrap_or_else(|| error.message().to_string()))?;
    // A link is resolved only to a file inside the template.
    for (path, target) in links {
        let target = String::from_utf8_lossy(&target).into_owned();
        let parent = path.rsplit_once('/').map_or("", |(parent, _)| parent);
        let joined = if parent.is_empty() { target.clone() } else { format!("{parent}/{target}") };
        let resolved = super::render::safe_relative_path(&joined).ok().filter(|_| !target.starts_with('/'));
        match resolved.and_then(|resolved| out.get(&resolved).cloned()) {
            Some(entry) => {
                out.insert(path, entry);
            }
            None => return Err(format!("link {path} -> {target} points outside the template or to no file")),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_urls_and_refs_are_recognised() {
        assert_eq!(
            git_url("https://example.com/t.git#v1"),
            Some(("https://example.com/t.git".into(), Some("v1".into())))
        );
        assert_eq!(git_url("file:///tmp/t"), Some(("file:///tmp/t".into(), None)));
        assert_eq!(git_url("segmentio/khaos-node"), Some(("https://github.com/segmentio/khaos-node.git".into(), None)));
        assert_eq!(git_url("plugin-rust"), None);
        assert_eq!(git_url("./local/dir"), None);
    }
}
