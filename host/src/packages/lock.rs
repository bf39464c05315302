//! `workbench.lock`: what each of `[plugins.sources]` resolved to, byte for
//! byte. Written whole by `plugins add|remove|update` (sorted by name, one
//! table per plugin, so two branches that add different plugins merge
//! cleanly), read by every command that loads plugins, committed by users.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::spec::Spec;
use crate::error::{Error, Result};
use crate::line_column::line_column;

pub const FILE_NAME: &str = "workbench.lock";
const FORMAT: u32 = 1;

const HEADER: &str = "\
# workbench.lock: the exact plugins [plugins.sources] in workbench.toml resolved to.
# Written by `workbench plugins add|remove|update`. Commit it; do not edit it by hand.
";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    pub version: u32,
    #[serde(default, rename = "plugin")]
    pub plugins: Vec<Locked>,
    #[serde(default, rename = "template", skip_serializing_if = "Vec::is_empty")]
    pub templates: Vec<LockedTemplate>,
}

/// One `[scaffold.sources]` template as resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedTemplate {
    pub name: String,
    pub source: String,
    /// The git commit, the archive's URL, or `oci://REPOSITORY@MANIFEST`.
    pub resolved: String,
    /// `sha256:HEX` of an archive; git sources are pinned by their commit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

impl LockedTemplate {
    pub fn sha256(&self) -> Option<&str> {
        self.digest.as_deref().and_then(|digest| digest.strip_prefix("sha256:"))
    }
}

/// One plugin as resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Locked {
    pub name: String,
    /// The source as workbench.toml writes it.
    pub source: String,
    /// Where exactly it came from: the OCI manifest digest, the git
    /// commit, the URL; for a path, the path.
    pub resolved: String,
    /// `sha256:HEX` of the component's bytes; absent for paths, which are
    /// the user's own files and change with every build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    pub roles: Vec<String>,
    pub wit: String,
}

impl Locked {
    /// The hex part of the digest.
    pub fn sha256(&self) -> Option<&str> {
        self.digest.as_deref().and_then(|digest| digest.strip_prefix("sha256:"))
    }
}

impl Lock {
    pub fn path_beside(config: &Path) -> PathBuf {
        config.parent().unwrap_or(Path::new(".")).join(FILE_NAME)
    }

    /// The lock at `path`; an empty one when there is none.
    pub fn read(path: &Path) -> Result<Lock> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Lock::empty()),
            Err(error) => {
                return Err(Error::input(format!("cannot read {}: {error}", path.display()))
                    .help("make it readable, or delete it and run `workbench plugins update`"));
            }
        };
        Lock::parse(&text, path)
    }

    pub fn empty() -> Lock {
        Lock { version: FORMAT, plugins: Vec::new(), templates: Vec::new() }
    }

    /// Puts a template in, replacing one of the same name.
    pub fn insert_template(&mut self, template: LockedTemplate) {
        self.templates.retain(|old| old.name != template.name);
        self.templates.push(template);
        self.templates.sort_by(|a, b| a.name.cmp(&b.name));
    }

    pub fn parse(text: &str, path: &Path) -> Result<Lock> {
        let broken = |line: usize, column: usize, message: &str| {
            Error::input(format!("{}:{line}:{column}: {message}", path.display())).help(format!(
                "{FILE_NAME} is written by workbench: restore it from version control, or delete it and run `workbench plugins update`"
            ))
        };
        let lock: Lock = toml::from_str(text).map_err(|error| {
            let (line, column) = error.span().map_or((1, 1), |span| line_column(text, span.start));
            broken(line, column, error.message().trim_end())
        })?;
        let line_of = |needle: &str| text.find(needle).map_or(1, |at| line_column(text, at).0);
        if lock.version != FORMAT {
            return Err(broken(
                line_of("version"),
                1,
                &format!("lock format {} is not one this workbench reads (it reads {FORMAT})", lock.version),
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for plugin in &lock.plugins {
            let at = line_of(&format!("name = {:?}", plugin.name));
            if !seen.insert(&plugin.name) {
                return Err(broken(at, 1, &format!("plugin `{}` is pinned twice", plugin.name)));
            }
            let spec = Spec::parse(&plugin.source).map_err(|problem| broken(at, 1, &problem))?;
            match (&plugin.digest, spec.is_fetched()) {
                (None, true) => {
                    return Err(broken(at, 1, &format!("plugin `{}` is fetched but has no digest", plugin.name)));
                }
                (Some(_), _) if plugin.sha256().is_none_or(|hex| !is_sha256(hex)) => {
                    return Err(broken(at, 1, &format!("plugin `{}`: the digest is not sha256:<64 hex>", plugin.name)));
                }
                _ => {}
            }
        }
        Ok(lock)
    }

    pub fn get(&self, name: &str) -> Option<&Locked> {
        self.plugins.iter().find(|plugin| plugin.name == name)
    }

    /// Puts `plugin` in, replacing one of the same name.
    pub fn insert(&mut self, plugin: Locked) {
        self.plugins.retain(|old| old.name != plugin.name);
        self.plugins.push(plugin);
        self.plugins.sort_by(|a, b| a.name.cmp(&b.name));
    }

    pub fn remove(&mut self, name: &str) -> Option<Locked> {
        let index = self.plugins.iter().position(|plugin| plugin.name == name)?;
        Some(self.plugins.remove(index))
    }

    pub fn to_text(&self) -> String {
        let mut sorted = self.clone();
        sorted.plugins.sort_by(|a, b| a.name.cmp(&b.name));
        sorted.templates.sort_by(|a, b| a.name.cmp(&b.name));
        let body = toml::to_string(&sorted).expect("a lock is plain TOML");
        format!("{HEADER}\n{body}")
    }

    /// Writes the lock in one rename, so a reader sees the old or the new.
    pub fn write(&self, path: &Path) -> Result<()> {
        super::write_atomically(path, self.to_text().as_bytes())
    }
}

pub fn is_sha256(hex: &str) -> bool {
    hex.len() == 64 && hex.bytes().all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    fn locked(name: &str) -> Locked {
        Locked {
            name: name.into(),
            source: format!("oci://127.0.0.1:5000/team/{name}:1.0.0"),
            resolved: format!("oci://127.0.0.1:5000/team/{name}@sha256:{SHA}"),
            digest: Some(format!("sha256:{SHA}")),
            size: Some(1234),
            roles: vec!["lint-check".into()],
            wit: "0.2.0".into(),
        }
    }

    #[test]
    fn written_sorted_and_read_back_unchanged() {
        let mut lock = Lock::empty();
        lock.insert(locked("zeta"));
        lock.insert(locked("alpha"));
        let text = lock.to_text();
        assert!(text.find("alpha").unwrap() < text.find("zeta").unwrap(), "{text}");
        assert_eq!(Lock::parse(&text, Path::new(FILE_NAME)).unwrap(), lock);
        // The same lock always writes the same bytes.
        assert_eq!(Lock::parse(&text, Path::new(FILE_NAME)).unwrap().to_text(), text);
    }

    #[test]
    fn hand_edited_nonsense_is_named_with_file_and_line() {
        let mut text = Lock { version: 1, plugins: vec![locked("a")], templates: Vec::new() }.to_text();
        text = text.replace(&format!("digest = \"sha256:{SHA}\""), "digest = \"md5:abc\"");
        let error = Lock::parse(&text, Path::new("repo/workbench.lock")).unwrap_err();
        assert!(error.message().starts_with("repo/workbench.lock:"), "{}", error.message());
        assert!(error.message().contains("sha256:<64 hex>"), "{}", error.message());
        let error = Lock::parse("version = 1\n[[plugin]]\nname = 3\n", Path::new("workbench.lock")).unwrap_err();
        assert!(error.message().starts_with("workbench.lock:3:"), "{}", error.message());
        let error = Lock::parse("version = 9\n", Path::new("workbench.lock")).unwrap_err();
        assert!(error.message().contains("format 9"), "{}", error.message());
    }

    #[test]
    fn a_plugin_pinned_twice_is_refused() {
        let text = Lock { version: 1, plugins: vec![locked("a"), locked("a")], templates: Vec::new() }.to_text();
        assert!(Lock::parse(&text, Path::new(FILE_NAME)).unwrap_err().message().contains("twice"));
    }
}
