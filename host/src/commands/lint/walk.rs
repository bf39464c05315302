//! Which files `workbench lint` looks at: the paths given (default `.`),
//! minus what `.gitignore` and `[lint] exclude` leave out, limited to
//! `[lint] include` when that is set. Symlinks are not followed, so a link
//! loop cannot trap the walk.
//!
//! As in ruff, a path named on the command line is linted even when
//! `[lint] exclude` covers it (`workbench lint vendor/lib` means it);
//! exclusions still apply to what lies below a named directory.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use globset::GlobSet;

pub use crate::globs::glob_set;

use super::listing::{GitVars, Listing, Recorder};
use crate::error::Error;

/// A file to lint: where it is, and the `/`-separated path plugins and
/// reports use.
#[derive(Debug, Clone)]
pub struct Target {
    pub path: PathBuf,
    pub display: String,
}

/// The `[lint]` globs that narrow a walk, and how they were written (a
/// remembered listing is only reused for the same ones).
pub struct Filters {
    pub include: GlobSet,
    pub exclude: GlobSet,
    pub written: String,
}

/// Every file under `roots`, sorted by display path. With a `cache_dir`, a
/// folder's walk is remembered and reused while nothing it read changes.
pub fn walk(
    roots: &[PathBuf],
    cwd: &Path,
    filters: &Filters,
    cache_dir: Option<&Path>,
    git: &GitVars,
) -> Result<Vec<Target>, Error> {
    let Filters { include, exclude, .. } = filters;
    let mut targets = Vec::new();
    for root in roots {
        if !root.exists() {
            return Err(Error::input(format!("{}: no such file or directory", root.display()))
                .help("pass files or directories to lint, or nothing for the current directory"));
        }
        let named = display_path(root, root, cwd);
        let named_is_excluded =
            !named.is_empty() && (exclude.is_match(&named) || exclude.is_match(format!("{named}/-")));
        // A file named on the command line needs no walk (nor its threads:
        // `lint $(find . -name Makefile)` names a thousand).
        if root.is_file() {
            if include.is_empty() || include.is_match(&named) {
                targets.push(Target { path: root.clone(), display: named });
            }
            continue;
        }
        let listing = Listing::at(cache_dir, cwd, root, &filters.written, git);
        if let Some(listed) = listing.as_ref().and_then(Listing::load) {
            log::debug!("lint: the walk of {} is unchanged since the last run", root.display());
            targets.extend(listed);
            continue;
        }
        let recorder = listing.as_ref().map(|_| Recorder::new(root, git));
        // In parallel: on a big tree the walk (a directory read and
        // ignore-file probes per folder) is most of a warm lint.
        let found = std::sync::Mutex::new(Vec::new());
        ignore::WalkBuilder::new(root)
            .hidden(false)
            .require_git(false)
            .follow_links(false)
            .filter_entry(|entry| entry.file_name() != ".git")
            .build_parallel()
            .run(|| {
                let (found, recorder) = (&found, &recorder);
                Box::new(move |entry| {
                    let entry = match entry {
                        Ok(entry) => entry,
                        Err(error) => {
                            log::warn!("skipping: {error}");
                            recorder.as_ref().inspect(|recorder| recorder.distrust());
                            return ignore::WalkState::Continue;
                        }
                    };
                    if let Some(recorder) = recorder
                        && entry.file_type().is_some_and(|kind| kind.is_dir())
                    {
                        recorder.folder(entry.path(), entry.depth() == 0);
                    }
                    if !entry.file_type().is_some_and(|kind| kind.is_file()) {
                        return ignore::WalkState::Continue;
                    }
                    let path = entry.into_path();
                    let display = display_path(&path, root, cwd);
                    let excluded = !named_is_excluded && exclude.is_match(&display);
                    if !excluded && (include.is_empty() || include.is_match(&display)) {
                        found.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(Target { path, display });
                    }
                    ignore::WalkState::Continue
                })
            });
        let mut found = found.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Kept sorted, so that the sort below finds a remembered walk in order.
        found.sort_unstable_by(|a, b| a.display.cmp(&b.display));
        if let (Some(listing), Some(recorder)) = (listing, recorder) {
            listing.save(recorder, &found);
        }
        targets.extend(found);
    }
    // One root's files have distinct paths below it, so only several
    // roots can clash.
    if roots.len() > 1 {
        disambiguate(&mut targets, cwd);
    }
    targets.sort_by(|a, b| a.display.cmp(&b.display));
    targets.dedup_by(|a, b| a.display == b.display);
    Ok(targets)
}

/// Short names from outside the current directory can collide
/// (`lint /a/Makefile /b/Makefile` shows both as `Makefile`); colliding
/// files that are not the same file are shown by their whole path instead
/// (without its leading `/`: plugins see relative paths), so none is lost.
fn disambiguate(targets: &mut [Target], cwd: &Path) {
    let mut seen: HashMap<&str, &Path> = HashMap::new();
    let mut clashing: HashSet<String> = HashSet::new();
    for target in targets.iter() {
        match seen.get(target.display.as_str()) {
            Some(path) if !same_file(path, &target.path) => {
                clashing.insert(target.display.clone());
            }
            Some(_) => {}
            None => {
                seen.insert(&target.display, &target.path);
            }
        }
    }
    for target in targets.iter_mut().filter(|target| clashing.contains(&target.display)) {
        let absolute = cwd.join(&target.path);
        let absolute = absolute.canonicalize().unwrap_or(absolute);
        target.display = absolute.to_string_lossy().trim_start_matches('/').replace('\\', "/");
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b || a.canonicalize().ok().is_some_and(|a| b.canonicalize().ok().is_some_and(|b| a == b))
}

/// Relative to the current directory when under it; otherwise the named
/// root's last component followed by the path within it (`../other/x`
/// shows as `other/x`), since plugins never see `..`. `/`-separated, with
/// no leading `./`, and computed without touching the disk.
pub fn display_path(path: &Path, root: &Path, cwd: &Path) -> String {
    let climbs = |path: &Path| path.components().any(|part| part == Component::ParentDir);
    let outside;
    // The common case, a relative path that does not climb, is its own
    // relative path: no allocation but the result's (a warm lint of a big
    // tree makes one per file).
    let relative = if path.is_relative() && !climbs(path) {
        path
    } else {
        let absolute = if path.is_absolute() { path.to_path_buf() } else { cwd.join(path) };
        outside = match absolute.strip_prefix(cwd) {
            Ok(relative) if !climbs(relative) => relative.to_path_buf(),
            _ => {
                let within = path.strip_prefix(root).unwrap_or(path);
                let name = root.components().rev().find_map(|part| match part {
                    Component::Normal(name) => Some(name),
                    _ => None,
                });
                name.map_or_else(|| within.to_path_buf(), |name| Path::new(name).join(within))
            }
        };
        outside.as_path()
    };
    let mut text = String::with_capacity(relative.as_os_str().len());
    for part in relative.components() {
        if let Component::Normal(name) = part {
            if !text.is_empty() {
                text.push('/');
            }
            text.push_str(&name.to_string_lossy());
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths_never_climb() {
        let cwd = Path::new("/work/repo");
        assert_eq!(display_path(Path::new("./a/b.txt"), Path::new("."), cwd), "a/b.txt");
        assert_eq!(display_path(Path::new("../other/x.txt"), Path::new("../other"), cwd), "other/x.txt");
        assert_eq!(display_path(Path::new("/elsewhere/y/z.mk"), Path::new("/elsewhere/y"), cwd), "y/z.mk");
    }

    #[test]
    fn double_star_globs_match_at_the_top_too() {
        let set = glob_set(&["**/Makefile".into()], "test").unwrap();
        assert!(set.is_match("Makefile"));
        assert!(set.is_match("a/b/Makefile"));
        assert!(!set.is_match("Makefile.am"));
    }

    #[test]
    fn gitignored_and_excluded_files_are_left_out() {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in
            [(".gitignore", "target/\n"), ("a.txt", ""), ("target/x.txt", ""), ("skip/y.txt", ""), ("b/c.txt", "")]
        {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let exclude = glob_set(&["skip/**".into()], "test").unwrap();
        let filters = Filters { include: GlobSet::empty(), exclude, written: String::new() };
        let targets = walk(&[dir.path().to_path_buf()], dir.path(), &filters, None, &GitVars::default()).unwrap();
        let names: Vec<&str> = targets.iter().map(|t| t.display.as_str()).collect();
        assert_eq!(names, [".gitignore", "a.txt", "b/c.txt"]);
    }
}
