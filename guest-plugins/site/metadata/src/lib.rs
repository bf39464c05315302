//! `metadata`: data files into the site metadata, as @metalsmith/metadata
//! does: `{ authors = "data/authors.yaml", nav = "data/nav.json" }` puts
//! each file's parsed contents under its key. A directory (`data = "data"`)
//! becomes an object with one key per file (by name without extension;
//! subdirectories nest). JSON, YAML and TOML by extension; paths are
//! relative to the project root.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::de::{Deserialize, Deserializer, Error as _};
use workbench_plugin::serde_json::{self, Map, Number, Value};
use workbench_plugin::site_step::{Error, ProjectFile, Site, SiteStep, StepInfo, metadata_text, parse_metadata};
use yaml_rust2::{Yaml, YamlLoader};

/// The options: the metadata key each file or folder of data files lands
/// under, e.g. `nav = "data/nav.yaml"`.
#[derive(Debug, Default, JsonSchema)]
struct Sources(BTreeMap<String, String>);

impl<'de> Deserialize<'de> for Sources {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Sources, D::Error> {
        BTreeMap::deserialize(deserializer)
            .map(Sources)
            .map_err(|error| D::Error::custom(format!("{error}; give `key = \"path/to/file.yaml\"` pairs")))
    }
}

/// What the types cannot say about the options.
fn check(sources: &Sources) -> Result<(), Error> {
    for (key, path) in &sources.0 {
        if path.starts_with('/') || path.split('/').any(|part| part == "..") {
            return Err(site_kit::bad_options(format!("`{key}`: {path:?} must be a path inside the project")));
        }
    }
    Ok(())
}

struct Metadata;

impl SiteStep for Metadata {
    type Options = Sources;

    fn describe(sources: &Sources) -> Result<StepInfo, Error> {
        check(sources)?;
        let mut reads = Vec::new();
        for path in sources.0.values() {
            let path = path.trim_end_matches('/');
            reads.push(path.to_string());
            reads.push(format!("{path}/**"));
        }
        Ok(StepInfo { per_file: false, patterns: Some(Vec::new()), reads, copies: Vec::new() })
    }

    fn run(mut site: Site, sources: &Sources) -> Result<Site, Error> {
        check(sources)?;
        let mut metadata = parse_metadata(&site.metadata, "site")?;
        for (key, path) in &sources.0 {
            let path = path.trim_end_matches('/');
            let value = if let Some(file) = site.reads.iter().find(|file| file.path == path) {
                parse(file)?
            } else {
                let prefix = format!("{path}/");
                let mut tree = Map::new();
                let mut found = false;
                for file in site.reads.iter().filter(|file| file.path.starts_with(&prefix)) {
                    let Some(kind) = kind(&file.path) else { continue };
                    let _ = kind;
                    found = true;
                    let relative = &file.path[prefix.len()..];
                    insert_nested(&mut tree, relative, parse(file)?);
                }
                if !found {
                    return Err(Error::InvalidInput(format!(
                        "`{key}`: {path} does not exist, or holds no .json, .yaml, .yml or .toml file"
                    )));
                }
                Value::Object(tree)
            };
            metadata.insert(key.clone(), value);
        }
        site.metadata = metadata_text(metadata);
        Ok(site)
    }
}

fn kind(path: &str) -> Option<&'static str> {
    let extension = path.rsplit_once('.')?.1.to_ascii_lowercase();
    match extension.as_str() {
        "json" => Some("json"),
        "yaml" | "yml" => Some("yaml"),
        "toml" => Some("toml"),
        _ => None,
    }
}

/// `people/team.yaml` → `tree.people.team`.
fn insert_nested(tree: &mut Map<String, Value>, relative: &str, value: Value) {
    let mut parts: Vec<&str> = relative.split('/').collect();
    let name = parts.pop().unwrap_or(relative);
    let mut node = tree;
    for part in parts {
        let entry = node.entry(part.to_string()).or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        let Value::Object(next) = entry else { return };
        node = next;
    }
    node.insert(site_kit::basename(name).to_string(), value);
}

fn parse(file: &ProjectFile) -> Result<Value, Error> {
    let text = std::str::from_utf8(&file.contents)
        .map_err(|_| Error::InvalidInput(format!("{}: a data file must be UTF-8 text", file.path)))?;
    match kind(&file.path) {
        Some("json") => serde_json::from_str(text).map_err(|error| {
            Error::InvalidInput(format!("{}:{}:{}: {error}", file.path, error.line(), error.column()))
        }),
        Some("toml") => {
            let table: toml::Table = toml::from_str(text).map_err(|error| {
                let line = error.span().map_or(1, |span| text[..span.start.min(text.len())].matches('\n').count() + 1);
                Error::InvalidInput(format!("{}:{line}: {}", file.path, error.message()))
            })?;
            serde_json::to_value(table).map_err(|error| Error::InvalidInput(format!("{}: {error}", file.path)))
        }
        Some(_) => {
            let documents = YamlLoader::load_from_str(text).map_err(|error| {
                Error::InvalidInput(format!(
                    "{}:{}:{}: {}",
                    file.path,
                    error.marker().line(),
                    error.marker().col() + 1,
                    error.info()
                ))
            })?;
            Ok(documents.into_iter().next().map_or(Value::Null, yaml))
        }
        None => Err(Error::InvalidInput(format!("{}: not a .json, .yaml, .yml or .toml file", file.path))),
    }
}

fn yaml(value: Yaml) -> Value {
    match value {
        Yaml::String(text) => Value::String(text),
        Yaml::Integer(number) => Value::from(number),
        Yaml::Real(text) => {
            text.parse::<f64>().ok().and_then(Number::from_f64).map_or(Value::String(text), Value::Number)
        }
        Yaml::Boolean(flag) => Value::Bool(flag),
        Yaml::Array(items) => Value::Array(items.into_iter().map(yaml).collect()),
        Yaml::Hash(hash) => Value::Object(
            hash.into_iter()
                .map(|(key, value)| {
                    let key = match key {
                        Yaml::String(text) | Yaml::Real(text) => text,
                        Yaml::Integer(number) => number.to_string(),
                        Yaml::Boolean(flag) => flag.to_string(),
                        other => format!("{other:?}"),
                    };
                    (key, yaml(value))
                })
                .collect(),
        ),
        Yaml::Null | Yaml::BadValue | Yaml::Alias(_) => Value::Null,
    }
}

workbench_plugin::export_site_step!(Metadata);
