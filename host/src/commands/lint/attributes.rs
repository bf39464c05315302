//! git's attributes that change what a file or a line means, as git reads
//! them from `.gitattributes` files. `conflict-marker-size`: git's own
//! documentation and tests hold seven-character markers as examples, with
//! `conflict-marker-size=32` set for those files so that git itself takes
//! them for text; a finding of `text/conflict-marker` (which looks for
//! seven) in such a file is not one. `whitespace`: what `git diff --check`
//! counts as a whitespace error in the file (`-whitespace` on expected
//! outputs whose trailing spaces are the point, `whitespace=-trail`), which
//! decides `text/trailing-whitespace` and `text/final-newline` there.
//! `linguist-vendored` and
//! `linguist-generated`, as GitHub reads them: files that are not the
//! repository's own (see `foreign`).
//!
//! The files are read from the finding's folder up to the repository's
//! root (the folder with `.git`), or the filesystem's: a deeper file wins,
//! and in one file the last line that matches, as in git. Patterns are
//! gitignore's, which gitattributes shares (without `!`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// The rule whose findings git's `conflict-marker-size` governs.
const CONFLICT_MARKER: &str = "text/conflict-marker";
/// The marker size git uses when no attribute sets one, and the one the rule finds.
const DEFAULT_SIZE: usize = 7;
const TRAILING_WHITESPACE: &str = "text/trailing-whitespace";
const FINAL_NEWLINE: &str = "text/final-newline";
/// The attributes read; other lines and attributes are skipped.
const READ: [&str; 4] = ["conflict-marker-size", "whitespace", "linguist-vendored", "linguist-generated"];

/// An attribute as a line leaves it: set (`name`, `name=value`), unset
/// (`-name`) or back to unspecified (`!name`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Set(Option<String>),
    Unset,
    Unspecified,
}

/// git's whitespace error classes (`core.whitespace`, ws.c) in git's
/// order, which decides what an abbreviation names: `trail` is
/// `trailing-space`, that is `blank-at-eol` and `blank-at-eof`.
const WHITESPACE_CLASSES: [&str; 8] = [
    "trailing-space",
    "space-before-tab",
    "indent-with-non-tab",
    "cr-at-eol",
    "blank-at-eol",
    "blank-at-eof",
    "tab-in-indent",
    "incomplete-line",
];

/// The class a name in a `whitespace` list names: itself or the first
/// class it abbreviates, in git's order.
fn whitespace_class(name: &str) -> Option<&'static str> {
    WHITESPACE_CLASSES.iter().copied().find(|known| !name.is_empty() && known.starts_with(name))
}

/// Whether a `whitespace` value (a list, as `core.whitespace`) leaves the
/// class `class` checked, starting from git's defaults.
fn whitespace_checks(value: &str, class: &str) -> bool {
    let mut checked = matches!(class, "blank-at-eol" | "blank-at-eof" | "space-before-tab");
    for item in value.split(',').map(str::trim) {
        let (name, on) = item.strip_prefix('-').map_or((item, true), |name| (name, false));
        if name.is_empty() || name.contains('=') {
            continue;
        }
        let Some(named) = whitespace_class(name) else { continue };
        let covers = named == class || (named == "trailing-space" && class.starts_with("blank-at-"));
        if covers {
            checked = on;
        }
    }
    checked
}

/// One line of a `.gitattributes`: its pattern and the attributes it touches.
struct AttributeLine {
    pattern: Gitignore,
    states: Vec<(&'static str, State)>,
}

/// `.gitattributes` files, each read once, and which folders are a
/// repository's root: a run asks about many files of the same folders.
#[derive(Default)]
pub struct Attributes {
    folders: HashMap<PathBuf, Folder>,
}

struct Folder {
    /// The lines of its `.gitattributes` that touch an attribute read here.
    lines: Vec<AttributeLine>,
    /// It holds `.git`: no file above it counts.
    root: bool,
}

impl Attributes {
    /// Whether git reads the line `rule` found in `path` as something else.
    pub fn overrides(&mut self, rule: &str, path: &Path) -> bool {
        match rule {
            CONFLICT_MARKER => self.conflict_marker_size(path).is_some_and(|size| size != DEFAULT_SIZE),
            TRAILING_WHITESPACE => !self.whitespace_checks(path, "blank-at-eol"),
            FINAL_NEWLINE => self.whitespace_off(path),
            _ => false,
        }
    }

    /// Whether git checks whitespace class `class` in `path`: all of them
    /// under `whitespace`, none under `-whitespace`, a list's as git reads it.
    fn whitespace_checks(&mut self, path: &Path, class: &str) -> bool {
        match self.state("whitespace", path) {
            Some(State::Set(Some(value))) => whitespace_checks(&value, class),
            Some(State::Unset) => false,
            Some(State::Set(None) | State::Unspecified) | None => true,
        }
    }

    /// A missing final newline, which git checks only on request, is still
    /// this repository's concern unless whitespace is off for the file
    /// (`-whitespace`) or the list turns `incomplete-line` off.
    fn whitespace_off(&mut self, path: &Path) -> bool {
        match self.state("whitespace", path) {
            Some(State::Unset) => true,
            Some(State::Set(Some(value))) => value
                .split(',')
                .any(|item| item.trim().strip_prefix('-').and_then(whitespace_class) == Some("incomplete-line")),
            _ => false,
        }
    }

    /// Whether a boolean attribute is set for `path` (`name`, `name=true`).
    pub fn is_set(&mut self, name: &str, path: &Path) -> bool {
        matches!(self.state(name, path), Some(State::Set(value)) if value.as_deref().is_none_or(|value| value == "true"))
    }

    /// `conflict-marker-size` for `path`: `Some(n)` when set, `None` when
    /// unset or unspecified (git's default, 7).
    fn conflict_marker_size(&mut self, path: &Path) -> Option<usize> {
        match self.state("conflict-marker-size", path)? {
            State::Set(value) => value?.parse().ok(),
            State::Unset | State::Unspecified => None,
        }
    }

    /// The last state a matching line gives `name`, the deepest file first.
    fn state(&mut self, name: &str, path: &Path) -> Option<State> {
        let path = std::path::absolute(path).ok()?;
        for dir in path.ancestors().skip(1) {
            let relative = path.strip_prefix(dir).ok()?;
            let folder = self.folder(dir);
            let found = folder.lines.iter().rev().find_map(|line| {
                let state = line.states.iter().rev().find(|(attribute, _)| *attribute == name)?;
                line.pattern.matched_path_or_any_parents(relative, false).is_ignore().then(|| state.1.clone())
            });
            if found.is_some() {
                return found;
            }
            if folder.root {
                break;
            }
        }
        None
    }

    fn folder(&mut self, dir: &Path) -> &Folder {
        if !self.folders.contains_key(dir) {
            let lines = std::fs::read_to_string(dir.join(".gitattributes"))
                .map(|text| text.lines().filter_map(|line| attribute_line(dir, line)).collect())
                .unwrap_or_default();
            self.folders.insert(dir.to_path_buf(), Folder { lines, root: dir.join(".git").exists() });
        }
        &self.folders[dir]
    }
}

/// `PATTERN attr attr=value -attr ...`, keeping the attributes in [`READ`].
fn attribute_line(dir: &Path, line: &str) -> Option<AttributeLine> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let mut words = line.split_whitespace();
    let pattern = words.next()?;
    let states: Vec<(&'static str, State)> = words
        .filter_map(|word| {
            let (name, state) = if let Some(name) = word.strip_prefix('-') {
                (name, State::Unset)
            } else if let Some(name) = word.strip_prefix('!') {
                (name, State::Unspecified)
            } else if let Some((name, value)) = word.split_once('=') {
                (name, State::Set(Some(value.to_string())))
            } else {
                (word, State::Set(None))
            };
            READ.iter().find(|read| **read == name).map(|read| (*read, state))
        })
        .collect();
    if states.is_empty() {
        return None;
    }
    let mut builder = GitignoreBuilder::new(dir);
    builder.add_line(None, pattern).ok()?;
    Some(AttributeLine { pattern: builder.build().ok()?, states })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A repository holding these `.gitattributes` files (path, text).
    fn repository(files: &[(&str, &str)]) -> tempfile::TempDir {
        let repo = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(repo.path().join(".git")).unwrap();
        for (path, text) in files {
            let path = repo.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        repo
    }

    #[test]
    fn conflict_marker_size_is_read_as_git_reads_it() {
        let repo = repository(&[
            (
                ".gitattributes",
                "* whitespace=trail\n/Documentation/git-merge.adoc conflict-marker-size=32\n/t/t????-*.sh conflict-marker-size=32\n",
            ),
            ("Documentation/sub/.gitattributes", "*.adoc conflict-marker-size=7\n"),
        ]);
        let root = repo.path();
        let mut attributes = Attributes::default();
        assert!(attributes.overrides(CONFLICT_MARKER, &root.join("Documentation/git-merge.adoc")));
        assert!(attributes.overrides(CONFLICT_MARKER, &root.join("t/t6403-merge-file.sh")));
        assert!(!attributes.overrides(CONFLICT_MARKER, &root.join("t/helper.sh")));
        assert!(!attributes.overrides(CONFLICT_MARKER, &root.join("Documentation/sub/x.adoc")));
        assert!(!attributes.overrides("text/trailing-whitespace", &root.join("Documentation/git-merge.adoc")));
    }

    #[test]
    fn whitespace_is_read_as_git_diff_check_reads_it() {
        let repo = repository(&[
            (
                ".gitattributes",
                "* whitespace=trail,space\n*.patch whitespace=-trail\n*.eof whitespace=-blank-at-eof\n*.diff whitespace=-incomplete\n",
            ),
            ("t/.gitattributes", "t[0-9][0-9][0-9][0-9]/* -whitespace\n/t4013/kept !whitespace\n"),
        ]);
        let root = repo.path();
        let mut attributes = Attributes::default();
        let trailing =
            |attributes: &mut Attributes, path: &str| attributes.overrides(TRAILING_WHITESPACE, &root.join(path));
        let newline = |attributes: &mut Attributes, path: &str| attributes.overrides(FINAL_NEWLINE, &root.join(path));
        // Checked: by the repository's list, and back to git's default after `!`.
        assert!(!trailing(&mut attributes, "main.c"));
        assert!(!trailing(&mut attributes, "t/t4013/kept"));
        assert!(!trailing(&mut attributes, "a.eof"));
        // Not checked: `-trail` is `-trailing-space`; `-whitespace` turns every class off.
        assert!(trailing(&mut attributes, "fix.patch"));
        assert!(trailing(&mut attributes, "t/t4013/diff.log"));
        assert!(!newline(&mut attributes, "fix.patch"));
        assert!(newline(&mut attributes, "t/t4013/diff.log"));
        assert!(newline(&mut attributes, "x.diff"));
        assert!(!trailing(&mut attributes, "x.diff"));
    }
}
