//! git's attributes that change what a file or a line means, as git reads
//! them from `.gitattributes` files. `conflict-marker-size`: git's own
//! documentation and tests hold seven-character markers as examples, with
//! `conflict-marker-size=32` set for those files so that git itself takes
//! them for text; a finding of `text/conflict-marker` (which looks for
//! seven) in such a file is not one. `linguist-vendored` and
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
/// The attributes read; other lines and attributes are skipped.
const READ: [&str; 3] = ["conflict-marker-size", "linguist-vendored", "linguist-generated"];

/// An attribute as a line leaves it: set (`name`, `name=value`) or unset
/// (`-name`, `!name`: back to unspecified).
#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Set(Option<String>),
    Unset,
}

/// One line of a `.gitattributes`: its pattern and the attributes it touches.
struct AttributeLine {
    pattern: Gitignore,
    states: Vec<(&'static str, State)>,
}

/// `.gitattributes` files, each read once.
#[derive(Default)]
pub struct Attributes {
    files: HashMap<PathBuf, Option<Vec<AttributeLine>>>,
}

impl Attributes {
    /// Whether git reads the line `rule` found in `path` as something else.
    pub fn overrides(&mut self, rule: &str, path: &Path) -> bool {
        rule == CONFLICT_MARKER && self.conflict_marker_size(path).is_some_and(|size| size != DEFAULT_SIZE)
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
            State::Unset => None,
        }
    }

    /// The last state a matching line gives `name`, the deepest file first.
    fn state(&mut self, name: &str, path: &Path) -> Option<State> {
        let path = std::path::absolute(path).ok()?;
        for dir in path.ancestors().skip(1) {
            let relative = path.strip_prefix(dir).ok()?;
            if let Some(lines) = self.lines(dir) {
                let found = lines.iter().rev().find_map(|line| {
                    let state = line.states.iter().rev().find(|(attribute, _)| *attribute == name)?;
                    line.pattern.matched_path_or_any_parents(relative, false).is_ignore().then(|| state.1.clone())
                });
                if found.is_some() {
                    return found;
                }
            }
            if dir.join(".git").exists() {
                break;
            }
        }
        None
    }

    /// The lines of `dir/.gitattributes` that touch an attribute read here.
    fn lines(&mut self, dir: &Path) -> Option<&Vec<AttributeLine>> {
        self.files
            .entry(dir.to_path_buf())
            .or_insert_with(|| {
                let text = std::fs::read_to_string(dir.join(".gitattributes")).ok()?;
                Some(text.lines().filter_map(|line| attribute_line(dir, line)).collect())
            })
            .as_ref()
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
            let (name, state) = if let Some(name) = word.strip_prefix(['-', '!']) {
                (name, State::Unset)
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

    #[test]
    fn conflict_marker_size_is_read_as_git_reads_it() {
        let repo = tempfile::tempdir().unwrap();
        let root = repo.path();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("Documentation/sub")).unwrap();
        std::fs::create_dir_all(root.join("t")).unwrap();
        std::fs::write(
            root.join(".gitattributes"),
            "* whitespace=trail\n/Documentation/git-merge.adoc conflict-marker-size=32\n/t/t????-*.sh conflict-marker-size=32\n",
        )
        .unwrap();
        std::fs::write(root.join("Documentation/sub/.gitattributes"), "*.adoc conflict-marker-size=7\n").unwrap();
        let mut attributes = Attributes::default();
        assert!(attributes.overrides(CONFLICT_MARKER, &root.join("Documentation/git-merge.adoc")));
        assert!(attributes.overrides(CONFLICT_MARKER, &root.join("t/t6403-merge-file.sh")));
        assert!(!attributes.overrides(CONFLICT_MARKER, &root.join("t/helper.sh")));
        assert!(!attributes.overrides(CONFLICT_MARKER, &root.join("Documentation/sub/x.adoc")));
        assert!(!attributes.overrides("text/trailing-whitespace", &root.join("Documentation/git-merge.adoc")));
    }
}
