//! `collections`: named, sorted lists of pages in the site metadata, as
//! @metalsmith/collections keeps them. A page joins a collection by glob
//! (`posts = { pattern = "posts/**/*.html" }`, or just `posts = "posts/**"`)
//! or by its front matter (`collection: posts`, or a list). A pattern
//! matches a page's path or the source file it came from, so `posts/*.md`
//! still takes the posts after `markdown` and `permalinks` moved them (run
//! collections after those, since entries are copies). Each collection
//! is `collections.NAME` in the site metadata: entries of the pages'
//! metadata with `path` and `url` (no contents, so later steps stay light),
//! and each page gets `previous` and `next` (`refer = false` turns that off).

use std::collections::BTreeMap;

use globset::{Glob, GlobSet, GlobSetBuilder};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use site_kit::Globs;
use workbench_plugin::serde_json::{Map, Value};
use workbench_plugin::site_step::{Error, Site, SiteStep, StepInfo, metadata_text, parse_metadata};

/// The options: a collection per name.
type Settings = BTreeMap<String, Definition>;

/// A collection is its pattern alone, or a table.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
enum Definition {
    Pattern(String),
    Full(Collection),
}

/// By hand, so that a wrong value says what a collection may be, and a
/// wrong key inside the table is named (serde's untagged enums say only
/// that nothing matched).
impl<'de> Deserialize<'de> for Definition {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Definition, D::Error> {
        struct DefinitionVisitor;

        impl<'de> serde::de::Visitor<'de> for DefinitionVisitor {
            type Value = Definition;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a glob such as \"posts/*.md\", or a table of pattern, sort-by, reverse, limit, refer, metadata",
                )
            }

            fn visit_str<E: serde::de::Error>(self, pattern: &str) -> Result<Definition, E> {
                Ok(Definition::Pattern(pattern.to_string()))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Definition, A::Error> {
                Collection::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Definition::Full)
            }
        }

        deserializer.deserialize_any(DefinitionVisitor)
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct Collection {
    pattern: Globs,
    /// A front-matter key; pages sort by it (default `path`).
    sort_by: String,
    reverse: bool,
    limit: Option<usize>,
    /// Set `previous` and `next` on the collection's pages.
    refer: bool,
    /// Extra keys for `collections.NAME_metadata` (a title, a description).
    metadata: Map<String, Value>,
}

impl Default for Collection {
    fn default() -> Collection {
        Collection {
            pattern: Globs::default(),
            sort_by: "path".into(),
            reverse: false,
            limit: None,
            refer: true,
            metadata: Map::new(),
        }
    }
}

fn collections(definitions: &Settings) -> Result<BTreeMap<String, (Collection, GlobSet)>, Error> {
    let mut out = BTreeMap::new();
    for (name, definition) in definitions.clone() {
        let collection = match definition {
            Definition::Pattern(pattern) => Collection { pattern: Globs(vec![pattern]), ..Collection::default() },
            Definition::Full(collection) => collection,
        };
        let mut builder = GlobSetBuilder::new();
        for pattern in collection.pattern.iter() {
            let glob = Glob::new(pattern).map_err(|error| {
                site_kit::bad_options(format!("collection `{name}`: bad pattern {pattern:?}: {error}"))
            })?;
            builder.add(glob);
        }
        let set = builder.build().map_err(|error| site_kit::bad_options(format!("collection `{name}`: {error}")))?;
        out.insert(name, (collection, set));
    }
    Ok(out)
}

struct Collections;

impl SiteStep for Collections {
    type Options = Settings;

    fn describe(settings: &Settings) -> Result<StepInfo, Error> {
        collections(settings)?;
        Ok(StepInfo { per_file: false, patterns: None, reads: Vec::new(), copies: Vec::new() })
    }

    fn run(mut site: Site, settings: &Settings) -> Result<Site, Error> {
        let defined = collections(settings)?;
        let mut metadata: Vec<Map<String, Value>> =
            site.files.iter().map(site_kit::metadata).collect::<Result<_, _>>()?;
        // Members by collection name: indices into `site.files`.
        let mut members: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (index, file) in site.files.iter().enumerate() {
            for name in front_matter_collections(&metadata[index]) {
                members.entry(name).or_default().push(index);
            }
            for (name, (_, set)) in &defined {
                let matched = set.is_match(&file.path) || (!file.source.is_empty() && set.is_match(&file.source));
                if matched && !members.get(name).is_some_and(|list| list.contains(&index)) {
                    members.entry(name.clone()).or_default().push(index);
                }
            }
        }
        let default = Collection::default();
        let mut site_metadata = parse_metadata(&site.metadata, "site")?;
        let mut all = match site_metadata.remove("collections") {
            Some(Value::Object(existing)) => existing,
            _ => Map::new(),
        };
        for (name, mut indices) in members {
            let collection = defined.get(&name).map_or(&default, |(collection, _)| collection);
            indices.sort_by(|&a, &b| {
                let key = |i: usize| {
                    if collection.sort_by == "path" {
                        (1, 0.0, site.files[i].path.clone())
                    } else {
                        site_kit::sort_key(metadata[i].get(&collection.sort_by))
                    }
                };
                key(a)
                    .partial_cmp(&key(b))
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then_with(|| site.files[a].path.cmp(&site.files[b].path))
            });
            if collection.reverse {
                indices.reverse();
            }
            if let Some(limit) = collection.limit {
                indices.truncate(limit);
            }
            let entries: Vec<Value> =
                indices.iter().map(|&i| site_kit::entry(&site.files[i].path, &metadata[i])).collect();
            if collection.refer {
                for (position, &i) in indices.iter().enumerate() {
                    let link = |j: usize| {
                        let entry = &entries[j];
                        let mut link = Map::new();
                        for key in ["title", "url", "path", "date"] {
                            if let Some(value) = entry.get(key) {
                                link.insert(key.into(), value.clone());
                            }
                        }
                        Value::Object(link)
                    };
                    if position > 0 {
                        metadata[i].insert("previous".into(), link(position - 1));
                    }
                    if position + 1 < indices.len() {
                        metadata[i].insert("next".into(), link(position + 1));
                    }
                }
            }
            for &i in &indices {
                let joined = metadata[i].entry("collection").or_insert_with(|| Value::Array(Vec::new()));
                match joined {
                    Value::Array(list) if !list.contains(&Value::String(name.clone())) => {
                        list.push(Value::String(name.clone()));
                    }
                    Value::String(single) if *single != name => {
                        *joined = Value::Array(vec![Value::String(single.clone()), Value::String(name.clone())]);
                    }
                    _ => {}
                }
            }
            if !collection.metadata.is_empty() {
                site_metadata.insert(format!("{name}_metadata"), Value::Object(collection.metadata.clone()));
            }
            all.insert(name, Value::Array(entries));
        }
        site_metadata.insert("collections".into(), Value::Object(all));
        site.metadata = metadata_text(site_metadata);
        for (file, metadata) in site.files.iter_mut().zip(metadata) {
            file.metadata = metadata_text(metadata);
        }
        Ok(site)
    }
}

fn front_matter_collections(metadata: &Map<String, Value>) -> Vec<String> {
    match metadata.get("collection") {
        Some(Value::String(name)) => vec![name.clone()],
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).map(String::from).collect(),
        _ => Vec::new(),
    }
}

workbench_plugin::export_site_step!(Collections);
