//! Applying fixes: all of a fix's edits or none, never two fixes that
//! touch the same bytes, written atomically (a temporary file renamed over
//! the original, permissions kept).

use std::path::Path;

use crate::plugins::bindings::lint_check::{Edit, Fix};

/// The file with every non-overlapping fix applied, and how many applied.
pub fn apply(bytes: &[u8], fixes: &[&Fix]) -> (Vec<u8>, usize) {
    let mut accepted: Vec<&Edit> = Vec::new();
    let mut applied = 0;
    for fix in fixes {
        let valid = !fix.edits.is_empty()
            && fix.edits.iter().all(|edit| edit.start <= edit.end && edit.end as usize <= bytes.len());
        let overlaps = fix.edits.iter().any(|edit| {
            accepted.iter().any(|other| {
                edit.start < other.end && other.start < edit.end
                    || (edit.start == edit.end && edit.start == other.start)
                    || (other.start == other.end && other.start == edit.start)
            })
        });
        let self_overlaps = fix
            .edits
            .iter()
            .enumerate()
            .any(|(i, a)| fix.edits.iter().skip(i + 1).any(|b| a.start < b.end && b.start < a.end));
        if valid && !overlaps && !self_overlaps {
            accepted.extend(&fix.edits);
            applied += 1;
        }
    }
    accepted.sort_by_key(|edit| (edit.start, edit.end));
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0usize;
    for edit in accepted {
        out.extend_from_slice(&bytes[at..edit.start as usize]);
        out.extend_from_slice(edit.replacement.as_bytes());
        at = edit.end as usize;
    }
    out.extend_from_slice(&bytes[at..]);
    (out, applied)
}

/// Replaces `path` with `contents` atomically, keeping its permissions.
pub fn write_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    crate::leftovers::replace(path, contents, "fix")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(edits: &[(u32, u32, &str)]) -> Fix {
        Fix {
            description: String::new(),
            edits: edits.iter().map(|&(start, end, text)| Edit { start, end, replacement: text.into() }).collect(),
        }
    }

    #[test]
    fn fixes_apply_together() {
        let (a, b) = (fix(&[(1, 3, "")]), fix(&[(6, 6, "\n")]));
        assert_eq!(apply(b"a  b c", &[&a, &b]), (b"ab c\n".to_vec(), 2));
    }

    #[test]
    fn overlapping_fixes_are_left_for_the_next_pass() {
        let (a, b) = (fix(&[(0, 2, "x")]), fix(&[(1, 3, "y")]));
        assert_eq!(apply(b"abcd", &[&a, &b]), (b"xcd".to_vec(), 1));
    }

    #[test]
    fn out_of_bounds_fixes_are_ignored() {
        let bad = fix(&[(2, 99, "")]);
        assert_eq!(apply(b"abc", &[&bad]), (b"abc".to_vec(), 0));
    }

    #[test]
    fn writes_keep_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.sh");
        std::fs::write(&path, "old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
            write_atomically(&path, b"new").unwrap();
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o755);
        }
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
    }
}
