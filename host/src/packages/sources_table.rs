//! Edits `[plugins.sources]` in the user's workbench.toml as text, line by
//! line, so their comments and layout stay as they wrote them. Every edit
//! is proved by parsing the result: when the table is written in a form
//! these edits do not follow (inline, dotted keys), the edit is refused and
//! the user is told the line to add, never given a file that says
//! something else.

use std::path::Path;

use crate::config::Config;
use crate::error::{Error, Result};

const HEADER: &str = "[plugins.sources]";

fn is_header(line: &str) -> bool {
    let line = line.split('#').next().unwrap_or("").trim();
    line.starts_with('[')
}

fn is_our_header(line: &str) -> bool {
    let line = line.split('#').next().unwrap_or("").trim();
    line.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')).is_some_and(|inner| {
        let parts: Vec<&str> = inner.split('.').map(str::trim).collect();
        parts == ["plugins", "sources"]
    })
}

fn key_of(line: &str) -> Option<&str> {
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    let key = key.strip_prefix('"').and_then(|key| key.strip_suffix('"')).unwrap_or(key);
    (!key.is_empty() && !key.starts_with('#')).then_some(key)
}

/// `text` with `name = "source"` set under `[plugins.sources]`, or `None`
/// to remove `name`.
fn edit(text: &str, name: &str, source: Option<&str>) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let entry = source.map(|source| format!("{name} = {}", toml::Value::String(source.to_string())));
    let header = lines.iter().position(|line| is_our_header(line));
    let Some(header) = header else {
        if let Some(entry) = entry {
            if lines.last().is_some_and(|line| !line.trim().is_empty()) {
                lines.push(String::new());
            }
            lines.push(HEADER.to_string());
            lines.push(entry);
        }
        return lines.join("\n") + "\n";
    };
    let end = lines[header + 1..].iter().position(|line| is_header(line)).map_or(lines.len(), |at| header + 1 + at);
    let existing = (header + 1..end).find(|&at| key_of(&lines[at]) == Some(name));
    match (existing, entry) {
        (Some(at), Some(entry)) => lines[at] = entry,
        (Some(at), None) => {
            lines.remove(at);
        }
        (None, Some(entry)) => {
            let last_key = (header + 1..end).rev().find(|&at| key_of(&lines[at]).is_some()).unwrap_or(header);
            lines.insert(last_key + 1, entry);
        }
        (None, None) => {}
    }
    lines.join("\n") + "\n"
}

/// Sets `name` to `source` (or removes it) in the `[plugins.sources]` of
/// the config at `path`, as it is on disk now, checking that the result
/// says exactly that and nothing else changed.
pub fn write(path: &Path, name: &str, source: Option<&str>) -> Result<()> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(error) => {
            return Err(Error::input(format!("cannot read {}: {error}", path.display())).help("make it readable"));
        }
    };
    let mut wanted = Config::parse(&text, path)?.plugins.sources;
    match source {
        Some(source) => wanted.insert(name.to_string(), source.to_string()),
        None => wanted.remove(name),
    };
    let edited = edit(&text, name, source);
    let proved = Config::parse(&edited, path).is_ok_and(|config| config.plugins.sources == wanted);
    if !proved {
        let line = source.map_or_else(
            || format!("remove `{name}` from it"),
            |source| format!("add `{name} = {}` to it", toml::Value::String(source.to_string())),
        );
        return Err(Error::input(format!(
            "{}: [plugins.sources] is written in a form workbench does not edit (inline or dotted keys)",
            path.display()
        ))
        .help(format!("write it as a [plugins.sources] table and {line}")));
    }
    super::write_atomically(path, edited.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_table_is_appended_and_comments_stay() {
        let text = "# my config\n[lint]\nexclude = [\"x\"] # why\n";
        let edited = edit(text, "check", Some("oci://h:5000/a/check:1"));
        assert_eq!(
            edited,
            "# my config\n[lint]\nexclude = [\"x\"] # why\n\n[plugins.sources]\ncheck = \"oci://h:5000/a/check:1\"\n"
        );
    }

    #[test]
    fn entries_are_added_after_the_last_key_replaced_in_place_and_removed() {
        let text = "[plugins.sources]\n# ours\na = \"x.wasm\"\n\n[lint]\n";
        let added = edit(text, "b", Some("y.wasm"));
        assert_eq!(added, "[plugins.sources]\n# ours\na = \"x.wasm\"\nb = \"y.wasm\"\n\n[lint]\n");
        let replaced = edit(&added, "a", Some("z.wasm"));
        assert!(replaced.contains("a = \"z.wasm\"\nb = \"y.wasm\""), "{replaced}");
        let removed = edit(&replaced, "a", None);
        assert_eq!(removed, "[plugins.sources]\n# ours\nb = \"y.wasm\"\n\n[lint]\n");
    }

    #[test]
    fn the_users_file_keeps_its_permissions_and_a_new_one_is_readable() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("workbench.toml");
        write(&path, "a", Some("x.wasm")).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o644);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o664)).unwrap();
        write(&path, "a", Some("y.wasm")).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o664);
    }

    #[test]
    fn an_inline_table_is_not_edited_behind_the_users_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("workbench.toml");
        let text = "[plugins]\nsources = { a = \"x.wasm\" }\n";
        std::fs::write(&path, text).unwrap();
        let error = write(&path, "b", Some("y.wasm")).unwrap_err();
        assert!(error.help_text().unwrap().contains("b = \"y.wasm\""), "{:?}", error.help_text());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }

    #[test]
    fn an_entry_written_since_the_command_started_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("workbench.toml");
        write(&path, "a", Some("x.wasm")).unwrap();
        // Another `plugins add` wrote `b` after this one read the config.
        std::fs::write(&path, "[plugins.sources]\na = \"x.wasm\"\nb = \"y.wasm\"\n").unwrap();
        write(&path, "c", Some("z.wasm")).unwrap();
        let sources = Config::parse(&std::fs::read_to_string(&path).unwrap(), &path).unwrap().plugins.sources;
        assert_eq!(sources.keys().map(String::as_str).collect::<Vec<_>>(), ["a", "b", "c"]);
    }

    #[test]
    fn two_holders_of_a_project_take_turns() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("workbench.toml");
        let held = super::super::hold(&config).unwrap();
        let other = std::fs::File::open(dir.path()).unwrap();
        assert!(other.try_lock().is_err(), "a second holder must wait");
        drop(held);
        assert!(other.try_lock().is_ok());
    }
}
