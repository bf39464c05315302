//! git's attributes that change what a line means, as git reads them from
//! `.gitattributes` files: `conflict-marker-size`. git's own documentation
//! and tests hold seven-character markers as examples, with
//! `conflict-marker-size=32` set for those files so that git itself takes
//! them for text; a finding of `text/conflict-marker` (which looks for
//! seven) in such a file is not one.
//!
//! The files are read from the finding's folder up to the repository's
//! root (the folder with `.git`), or the filesystem's: a deeper file wins,
//! and in one file the last line that matches, as in git. Patterns are
//! gitignore's, which gitattributes shares (without `!`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ignore::gitignore::GitignoreBuilder;

/// The rule whose findings git's `conflict-marker-size` governs.
const CONFLICT_MARKER: &str = "text/conflict-marker";
/// The marker size git uses when no attribute sets one, and the one the rule finds.
const DEFAULT_SIZE: usize = 7;

/// A pattern and the size it sets (`None`: unset, git's default).
type SizeLine = (String, Option<usize>);

/// `.gitattributes` files, each read once.
#[derive(Default)]
pub struct Attributes {
    files: HashMap<PathBuf, Option<Vec<SizeLine>>>,
}

impl Attributes {
    /// Whether git reads the line `rule` found in `path` as something else.
    pub fn overrides(&mut self, rule: &str, path: &Path) -> bool {
        rule == CONFLICT_MARKER && self.conflict_marker_size(path).is_some_and(|size| size != DEFAULT_SIZE)
    }

    /// `conflict-marker-size` for `path`: `Some(n)` when set, `None` when
    /// unset or unspecified (git's default, 7).
    fn conflict_marker_size(&mut self, path: &Path) -> Option<usize> {
        let path = std::path::absolute(path).ok()?;
        for dir in path.ancestors().skip(1) {
            let relative = path.strip_prefix(dir).ok()?;
            if let Some(lines) = self.lines(dir) {
                for (pattern, size) in lines.iter().rev() {
                    let mut builder = GitignoreBuilder::new(dir);
                    if builder.add_line(None, pattern).is_err() {
                        continue;
                    }
                    let Ok(matcher) = builder.build() else { continue };
                    if matcher.matched_path_or_any_parents(relative, false).is_ignore() {
                        return *size;
                    }
                }
            }
            if dir.join(".git").exists() {
                break;
            }
        }
        None
    }

    /// The lines of `dir/.gitattributes` that set or unset `conflict-marker-size`.
    fn lines(&mut self, dir: &Path) -> Option<&Vec<SizeLine>> {
        self.files
            .entry(dir.to_path_buf())
            .or_insert_with(|| {
                let text = std::fs::read_to_string(dir.join(".gitattributes")).ok()?;
                Some(text.lines().filter_map(conflict_marker_line).collect())
            })
            .as_ref()
    }
}

/// `PATTERN ... conflict-marker-size=N ...` (or `-conflict-marker-size`, unset).
fn conflict_marker_line(line: &str) -> Option<SizeLine> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let mut words = line.split_whitespace();
    let pattern = words.next()?;
    words.find_map(|word| {
        if let Some(size) = word.strip_prefix("conflict-marker-size=") {
            Some((pattern.to_string(), size.parse().ok()))
        } else if word == "-conflict-marker-size" || word == "!conflict-marker-size" {
            Some((pattern.to_string(), None))
        } else {
            None
        }
    })
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
