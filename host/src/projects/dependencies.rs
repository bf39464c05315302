//! The dependencies a project's own files already state: path
//! dependencies in Cargo.toml, `file:`/`link:` paths and the names of
//! other projects' packages in package.json, `replace` to a local path in
//! go.mod, and `make -C` in its Makefile. Read once per run.
//!
//! A manifest that does not parse (a template's `package.json` full of
//! `{{placeholders}}`, a half-edited file) is warned about with its line
//! and read as stating nothing: one broken file must not stop every
//! project, and the warning says which dependencies may be missing.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::makefile::Makefile;
use crate::error::Error;
use crate::line_column::line_column;

/// Where a dependency was stated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    Declared,
    Cargo,
    Npm,
    Go,
    Make,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Origin::Declared => "workbench.toml",
            Origin::Cargo => "Cargo.toml",
            Origin::Npm => "package.json",
            Origin::Go => "go.mod",
            Origin::Make => "Makefile",
        })
    }
}

/// What a dependency names: a directory, or an npm package, which counts
/// only when it is one of the projects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    Path(PathBuf),
    Package(String),
}

/// The project's own account of itself, read from its files.
#[derive(Debug, Default)]
pub struct Manifests {
    pub references: Vec<(Reference, Origin)>,
    /// Its package.json `name`, which `workspace:` dependencies use.
    pub npm_name: Option<String>,
}

pub fn read(dir: &Path, makefile: &Makefile) -> Result<Manifests, Error> {
    let mut manifests = Manifests::default();
    if let Some(text) = read_optional(&dir.join("Cargo.toml"))?
        && let Err(error) = cargo(dir, &text, &mut manifests.references)
    {
        warn(&error);
    }
    if let Some(text) = read_optional(&dir.join("package.json"))? {
        manifests.npm_name = npm(dir, &text, &mut manifests.references).unwrap_or_else(|error| {
            warn(&error);
            None
        });
    }
    if let Some(text) = read_optional(&dir.join("go.mod"))? {
        go(dir, &text, &mut manifests.references);
    }
    for sub in &makefile.sub_makes {
        manifests.references.push((Reference::Path(dir.join(sub)), Origin::Make));
    }
    Ok(manifests)
}

fn warn(error: &Error) {
    log::warn!("{}; its dependencies are not counted ({})", error.message(), error.help_text().unwrap_or_default());
}

fn read_optional(path: &Path) -> Result<Option<String>, Error> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(Error::input(format!("cannot read {}: {error}", path.display()))
            .help("make the file readable, or leave its directory out with [projects] exclude")),
    }
}

const CARGO_TABLES: [&str; 3] = ["dependencies", "dev-dependencies", "build-dependencies"];

fn cargo(dir: &Path, text: &str, found: &mut Vec<(Reference, Origin)>) -> Result<(), Error> {
    let path = dir.join("Cargo.toml");
    let manifest: toml::Table = toml::from_str(text).map_err(|error| {
        let (line, column) = error.span().map_or((1, 1), |span| line_column(text, span.start));
        Error::input(format!("{}:{line}:{column}: {}", path.display(), error.message()))
            .help("fix it, or leave its directory out with [projects] exclude")
    })?;
    let mut holders: Vec<&toml::Table> = vec![&manifest];
    holders.extend(manifest.get("workspace").and_then(toml::Value::as_table));
    let targets = manifest.get("target").and_then(toml::Value::as_table);
    holders.extend(targets.into_iter().flat_map(toml::Table::values).filter_map(toml::Value::as_table));
    let tables = holders
        .into_iter()
        .flat_map(|holder| CARGO_TABLES.iter().filter_map(|name| holder.get(*name).and_then(toml::Value::as_table)));
    for table in tables {
        for dependency in table.values() {
            if let Some(relative) = dependency.get("path").and_then(toml::Value::as_str) {
                found.push((Reference::Path(dir.join(relative)), Origin::Cargo));
            }
        }
    }
    Ok(())
}

const NPM_TABLES: [&str; 4] = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"];

fn npm(dir: &Path, text: &str, found: &mut Vec<(Reference, Origin)>) -> Result<Option<String>, Error> {
    let manifest: Value = serde_json::from_str(text).map_err(|error| {
        Error::input(format!(
            "{}:{}:{}: not valid JSON: {error}",
            dir.join("package.json").display(),
            error.line(),
            error.column()
        ))
        .help("fix it, or leave its directory out with [projects] exclude")
    })?;
    for table in NPM_TABLES.iter().filter_map(|name| manifest.get(*name).and_then(Value::as_object)) {
        for (name, spec) in table {
            let Some(spec) = spec.as_str() else { continue };
            if let Some(relative) = ["file:", "link:", "portal:"].iter().find_map(|scheme| spec.strip_prefix(scheme)) {
                found.push((Reference::Path(dir.join(relative)), Origin::Npm));
            } else {
                // `workspace:*` (pnpm, yarn) or a plain range (npm
                // workspaces): it counts when a project has that name.
                found.push((Reference::Package(name.clone()), Origin::Npm));
            }
        }
    }
    Ok(manifest.get("name").and_then(Value::as_str).map(str::to_string))
}

/// `replace a => ../b` and `replace ( a v1 => ./c )`: only local targets.
fn go(dir: &Path, text: &str, found: &mut Vec<(Reference, Origin)>) {
    let mut in_block = false;
    for line in text.lines() {
        let line = line.split("//").next().unwrap_or("").trim();
        let directive = if in_block {
            if line == ")" {
                in_block = false;
                continue;
            }
            line
        } else if let Some(rest) = line.strip_prefix("replace") {
            let rest = rest.trim();
            if rest == "(" {
                in_block = true;
                continue;
            }
            rest
        } else {
            continue;
        };
        let Some((_, target)) = directive.split_once("=>") else { continue };
        let target = target.split_whitespace().next().unwrap_or("");
        if target.starts_with("./") || target.starts_with("../") || target.starts_with('/') {
            found.push((Reference::Path(dir.join(target)), Origin::Go));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(found: &[(Reference, Origin)]) -> Vec<String> {
        found
            .iter()
            .map(|(reference, origin)| match reference {
                Reference::Path(path) => format!("{origin} {}", path.display()),
                Reference::Package(name) => format!("{origin} package {name}"),
            })
            .collect()
    }

    #[test]
    fn cargo_path_dependencies_in_every_table() {
        let mut found = Vec::new();
        let text = "[dependencies]\na = { path = \"../a\" }\nserde = \"1\"\n[dev-dependencies]\nb = { path = \"../b\", version = \"1\" }\n[target.'cfg(unix)'.dependencies]\nc = { path = \"../c\" }\n";
        cargo(Path::new("p"), text, &mut found).unwrap();
        assert_eq!(paths(&found), ["Cargo.toml p/../a", "Cargo.toml p/../b", "Cargo.toml p/../c"]);
    }

    #[test]
    fn a_broken_cargo_manifest_is_named_with_its_line() {
        let error = cargo(Path::new("p"), "[dependencies]\na = {\n", &mut Vec::new()).unwrap_err();
        assert!(error.message().starts_with("p/Cargo.toml:2:"), "{}", error.message());
    }

    #[test]
    fn npm_local_and_workspace_dependencies() {
        let mut found = Vec::new();
        let text = r#"{"name": "web", "dependencies": {"ui": "workspace:*", "left-pad": "^1"}, "devDependencies": {"lib": "file:../lib"}}"#;
        let name = npm(Path::new("p"), text, &mut found).unwrap();
        assert_eq!(name.as_deref(), Some("web"));
        assert_eq!(
            paths(&found),
            ["package.json package left-pad", "package.json package ui", "package.json p/../lib"]
        );
    }

    #[test]
    fn go_replaces_to_local_paths() {
        let mut found = Vec::new();
        let text = "module x\nreplace example.com/a => ../a\nreplace (\n\texample.com/b v1.0.0 => ./b // local\n\texample.com/c => example.com/d v1.2.0\n)\n";
        go(Path::new("p"), text, &mut found);
        assert_eq!(paths(&found), ["go.mod p/../a", "go.mod p/./b"]);
    }
}
