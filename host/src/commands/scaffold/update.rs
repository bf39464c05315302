//! `workbench scaffold --update DEST`: bring a generated project up to its
//! template's newer version without losing the user's edits.
//!
//! The template is rendered twice with the recorded answers: at the commit
//! recorded in `.workbench-answers.toml` (what the project started from) and
//! at the template's current version. Per file, with git2's three-way file
//! merge (old render = ancestor, the user's file = ours, new render =
//! theirs):
//!
//! | user's file | template | result |
//! |---|---|---|
//! | unchanged | changed | the new render |
//! | changed | unchanged | the user's file |
//! | changed | changed | merged; conflict markers where both changed the same lines |
//! | deleted | any | stays deleted (reported) |
//! | unchanged | removed | removed |
//! | changed | removed | kept (reported) |
//! | absent | added | added; if the user has a file there, merged with an empty ancestor |

use std::path::Path;

use serde_json::{Map, Value};

use super::template::{Entry, Tree};
use crate::error::{Error, Result};

/// The outcome for one path.
#[derive(Debug, PartialEq, Eq)]
pub enum Change {
    /// Written with the template's new version (no user edit to keep).
    Updated,
    Added,
    /// Both sides changed it; merged cleanly.
    Merged,
    /// Both sides changed the same lines: markers written.
    Conflict,
    Removed,
    /// The template removed it but the user had edited it: kept.
    KeptEdited,
    /// The user deleted it and the template changed it: left deleted.
    KeptDeleted,
    /// A binary file both sides changed: the user's copy kept.
    KeptBinary,
}

/// A planned write: (path, new contents or `None` to delete, what it is).
pub struct Planned {
    pub path: String,
    pub contents: Option<Entry>,
    pub change: Change,
}

/// Decides every file; writes nothing.
pub fn plan(old: &Tree, new: &Tree, dest: &Path) -> Result<Vec<Planned>> {
    let mut planned = Vec::new();
    let paths: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for path in paths {
        let user = read_user(dest, path)?;
        let old = old.get(path);
        let new = new.get(path);
        let decision = match (old, new, user) {
            (Some(old), Some(new), _) if old.contents == new.contents => None,
            (Some(_), Some(_), None) => Some((None, Change::KeptDeleted)),
            (Some(old), Some(new), Some(user)) if user == old.contents => Some((Some(new.clone()), Change::Updated)),
            (Some(_), Some(new), Some(user)) if user == new.contents => None,
            (Some(old), Some(new), Some(user)) => Some(merge(path, &old.contents, &user, new)?),
            (Some(old), None, Some(user)) if user == old.contents => Some((None, Change::Removed)),
            (Some(_), None, Some(_)) => Some((None, Change::KeptEdited)),
            (Some(_), None, None) | (None, None, _) => None,
            (None, Some(new), None) => Some((Some(new.clone()), Change::Added)),
            (None, Some(new), Some(user)) if user == new.contents => None,
            (None, Some(new), Some(user)) => Some(merge(path, b"", &user, new)?),
        };
        if let Some((contents, change)) = decision {
            planned.push(Planned { path: path.clone(), contents, change });
        }
    }
    Ok(planned)
}

fn read_user(dest: &Path, path: &str) -> Result<Option<Vec<u8>>> {
    match std::fs::read(dest.join(path)) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(Error::input(format!("cannot read {}: {error}", dest.join(path).display()))
            .help("check that the project's files are readable")),
    }
}

fn merge(path: &str, ancestor: &[u8], user: &[u8], new: &Entry) -> Result<(Option<Entry>, Change)> {
    let binary = |bytes: &[u8]| bytes.contains(&0) || std::str::from_utf8(bytes).is_err();
    if binary(ancestor) || binary(user) || binary(&new.contents) {
        return Ok((None, Change::KeptBinary));
    }
    // git2's merge_file does not initialise libgit2 itself; this call does.
    let _ = git2::Oid::from_str("0");
    let input = |bytes| {
        let mut input = git2::MergeFileInput::new();
        input.content(bytes).path(path);
        input
    };
    let mut options = git2::MergeFileOptions::new();
    options.ancestor_label("template (old)").our_label("yours").their_label("template (new)");
    let merged = git2::merge_file(&input(ancestor), &input(user), &input(&new.contents), Some(&mut options)).map_err(
        |error| {
            Error::input(format!("cannot merge {path}: {}", error.message()))
                .help("resolve the file by hand, then run --update again")
        },
    )?;
    let change = if merged.is_automergeable() { Change::Merged } else { Change::Conflict };
    Ok((Some(Entry { contents: merged.content().to_vec(), executable: new.executable }), change))
}

/// Applies the plan, each file atomically.
pub fn apply(dest: &Path, planned: &[Planned]) -> Result<()> {
    for item in planned {
        match (&item.contents, &item.change) {
            (Some(entry), _) => super::write::replace_file(dest, &item.path, &entry.contents, entry.executable)?,
            (None, Change::Removed) => std::fs::remove_file(dest.join(&item.path)).map_err(|error| {
                Error::input(format!("cannot remove {}: {error}", item.path))
                    .help("remove the file by hand, then run --update again")
            })?,
            (None, _) => {}
        }
    }
    Ok(())
}

/// The old answers, minus keys the user since dropped from the template.
pub fn previous_answers(answers: &toml::Table) -> Map<String, Value> {
    match crate::front_matter::toml_value(toml::Value::Table(answers.clone())) {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(text: &str) -> Entry {
        Entry { contents: text.as_bytes().to_vec(), executable: false }
    }

    fn tree(files: &[(&str, &str)]) -> Tree {
        files.iter().map(|(path, text)| ((*path).to_string(), entry(text))).collect()
    }

    #[test]
    fn each_case_of_the_table() {
        let dest = tempfile::tempdir().unwrap();
        let write = |path: &str, text: &str| std::fs::write(dest.path().join(path), text).unwrap();
        write("untouched", "a\n");
        write("edited", "one user\ntwo\nthree\nfour\nfive\n");
        write("both", "x user\ny\nz\n");
        write("gone-clean", "g\n");
        write("gone-edited", "g user\n");
        let old = tree(&[
            ("untouched", "a\n"),
            ("edited", "one\ntwo\nthree\nfour\nfive\n"),
            ("both", "x\ny\nz\n"),
            ("deleted", "d\n"),
            ("gone-clean", "g\n"),
            ("gone-edited", "g\n"),
        ]);
        let new = tree(&[
            ("untouched", "a new\n"),
            ("edited", "one\ntwo\nthree\nfour\nfive new\n"),
            ("both", "x new\ny\nz\n"),
            ("deleted", "d new\n"),
            ("added", "n\n"),
        ]);
        let planned = plan(&old, &new, dest.path()).unwrap();
        let change = |path: &str| planned.iter().find(|item| item.path == path).map(|item| &item.change);
        assert_eq!(change("untouched"), Some(&Change::Updated));
        assert_eq!(change("edited"), Some(&Change::Merged));
        assert_eq!(change("both"), Some(&Change::Conflict));
        assert_eq!(change("deleted"), Some(&Change::KeptDeleted));
        assert_eq!(change("gone-clean"), Some(&Change::Removed));
        assert_eq!(change("gone-edited"), Some(&Change::KeptEdited));
        assert_eq!(change("added"), Some(&Change::Added));
        apply(dest.path(), &planned).unwrap();
        let read = |path: &str| std::fs::read_to_string(dest.path().join(path)).unwrap();
        assert_eq!(read("edited"), "one user\ntwo\nthree\nfour\nfive new\n");
        assert!(
            read("both").contains("<<<<<<< yours\nx user\n=======\nx new\n>>>>>>> template (new)\n"),
            "{}",
            read("both")
        );
        assert!(!dest.path().join("gone-clean").exists());
        assert_eq!(read("gone-edited"), "g user\n");
        assert!(!dest.path().join("deleted").exists());
    }
}
