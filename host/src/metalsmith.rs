//! Metalsmith projects as they are: a `metalsmith.json` (the Metalsmith
//! CLI's declarative config: `source`, `destination`, `clean`, `metadata`,
//! `plugins` with their options) translated into the equivalent
//! workbench.toml. `workbench build` uses the translation when a project
//! has no workbench.toml; `workbench init --from metalsmith.json` writes it.
//!
//! Each plugin workbench knows maps to its bundled step, option by option
//! (camelCase to kebab-case, renamed where the names differ); an option
//! with no equivalent is dropped with a warning. A plugin it does not know
//! is refused, all of them in one message, since a build without one of
//! its steps would be silently wrong.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Map, Value};

use crate::config::Config;
use crate::error::Error;

pub const FILE_NAME: &str = "metalsmith.json";

/// The workbench.toml text for a metalsmith.json, and what did not carry over.
#[derive(Debug)]
pub struct Translation {
    pub toml: String,
    /// One line per option dropped, naming the plugin and the option.
    pub warnings: Vec<String>,
}

/// The project's config, from its metalsmith.json.
pub fn config(path: &Path) -> Result<(Config, Vec<String>), Error> {
    let translation = translate_file(path)?;
    let mut config = Config::parse(&translation.toml, path).map_err(|error| {
        Error::input(format!("{}: the translation is not a valid workbench.toml: {}", path.display(), error.message()))
            .help("report this with the metalsmith.json; meanwhile `workbench init --from metalsmith.json` and edit the result")
    })?;
    config.path = Some(path.to_path_buf());
    Ok((config, translation.warnings))
}

pub fn translate_file(path: &Path) -> Result<Translation, Error> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        Error::input(format!("cannot read {}: {error}", path.display())).help("check the path and its permissions")
    })?;
    translate(&text, path)
}

/// A plugin's name, the step it became and that step's options.
type TranslatedStep = (String, &'static str, toml::Table);

/// A bundled step and how a Metalsmith plugin's options become its own.
struct Mapping {
    step: &'static str,
    /// Metalsmith option → step option; options not named here are
    /// converted camelCase → kebab-case when the step has that option.
    renamed: &'static [(&'static str, &'static str)],
    /// The step's options (after renaming) that carry over as they are.
    known: &'static [&'static str],
    shape: Shape,
}

/// How the options object is laid out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `{ option: value }`.
    Flat,
    /// `{ NAME: { option: value } | "pattern" }`, as collections takes.
    PerCollection,
    /// `{ "collections.NAME": { option: value } }`, as metalsmith-pagination takes.
    PerPaginatedCollection,
    /// `{ key: "path" }`, passed through.
    Passthrough,
    /// A plugin whose work workbench does without a step.
    Nothing(&'static str),
}

fn mapping(plugin: &str) -> Option<Mapping> {
    let name = plugin.trim_start_matches("@metalsmith/").trim_start_matches("metalsmith-");
    let flat = |step, renamed, known| Some(Mapping { step, renamed, known, shape: Shape::Flat });
    match name {
        "drafts" => flat("drafts", &[], &["default", "include"]),
        "markdown" | "markdown-remarkable" | "markdownit" => flat(
            "markdown",
            &[("smartypants", "smart-punctuation"), ("gfm", "tables")],
            &["keys", "tables", "footnotes", "strikethrough", "tasklists", "smart-punctuation"],
        ),
        "layouts" => flat("layouts", &[], &["directory", "default", "pattern"]),
        "in-place" => flat("in-place", &[], &["pattern", "extensions", "directory"]),
        "excerpts" => flat("excerpts", &[], &["marker", "pattern", "key"]),
        "permalinks" => flat(
            "permalinks",
            &[("duplicatesFail", "duplicates"), ("indexFile", "directory-index")],
            &["pattern", "date", "linksets", "match", "duplicates", "directory-index"],
        ),
        "collections" => {
            Some(Mapping { step: "collections", renamed: &[], known: COLLECTION, shape: Shape::PerCollection })
        }
        "pagination" => Some(Mapping {
            step: "pagination",
            renamed: &[("pageMetadata", "page-metadata"), ("noPageOne", "no-page-one")],
            known: &["per-page", "layout", "first", "path", "page-metadata", "no-page-when-empty"],
            shape: Shape::PerPaginatedCollection,
        }),
        "metadata" => Some(Mapping { step: "metadata", renamed: &[], known: &[], shape: Shape::Passthrough }),
        "sass" => flat("sass", &[("loadPaths", "load-paths")], &["style", "load-paths", "entries", "pattern"]),
        "table-of-contents" => flat("table-of-contents", &[], &["levels", "pattern", "key"]),
        "sitemap" => flat("sitemap", &[], &["hostname", "output", "pattern", "changefreq", "priority"]),
        "rss" | "feed" => flat(
            "feed",
            &[("destination", "rss"), ("siteUrl", "site-url"), ("site_url", "site-url")],
            &["collection", "limit", "rss", "title", "description", "site-url", "author"],
        ),
        "static" | "assets" | "static-files" => {
            flat("static", &[("src", "source"), ("dest", "destination")], &["source", "destination"])
        }
        "prism" | "code-highlight" | "highlight" | "highlightjs" => flat("highlight", &[], &[]),
        "html-minifier" | "html-minify" | "minify-html" => flat(
            "minify",
            &[("minifyCSS", "css"), ("minifyJS", "js"), ("removeComments", "keep-comments")],
            &["css", "js", "keep-comments", "pattern", "keep-closing-tags"],
        ),
        "discover-partials" => Some(Mapping {
            step: "",
            renamed: &[],
            known: &[],
            shape: Shape::Nothing(
                "layouts finds Handlebars partials itself: every template under its directory is one",
            ),
        }),
        _ => None,
    }
}

/// html-minifier options for what the `minify` step always does.
const MINIFY_ALWAYS: &[&str] = &[
    "collapseWhitespace",
    "collapseBooleanAttributes",
    "removeAttributeQuotes",
    "removeEmptyAttributes",
    "removeOptionalTags",
    "removeRedundantAttributes",
    "useShortDoctype",
];

const COLLECTION: &[&str] = &["pattern", "sort-by", "reverse", "limit", "refer", "metadata"];

fn translate(text: &str, path: &Path) -> Result<Translation, Error> {
    let shown = path.strip_prefix(".").unwrap_or(path).display();
    let document: Value = serde_json::from_str(text).map_err(|error| {
        Error::input(format!("{shown}:{}:{}: {error}", error.line(), error.column()))
            .help("fix the JSON; Metalsmith's CLI reads the same file")
    })?;
    let Value::Object(document) = document else {
        return Err(Error::input(format!("{shown}:1:1: metalsmith.json must be a JSON object"))
            .help("see https://metalsmith.io for its keys: source, destination, metadata, plugins"));
    };
    let mut warnings = Vec::new();
    // What changed on the way that loses nothing: comments in the file.
    let mut notes: Vec<String> = Vec::new();
    let mut out = String::new();
    let _ = writeln!(out, "# Translated from {FILE_NAME} by workbench: every plugin below is a bundled step.");
    let _ = writeln!(out, "[site]");
    for (key, default) in [("source", "src"), ("destination", "build")] {
        let value = document.get(key).and_then(Value::as_str).unwrap_or(default);
        let value = value.strip_prefix("./").unwrap_or(value);
        let _ = writeln!(out, "{key} = {}", inline(&toml::Value::String(value.to_string())));
    }
    if let Some(Value::Bool(clean)) = document.get("clean") {
        let _ = writeln!(out, "clean = {clean}");
    }
    for key in document.keys() {
        if !matches!(
            key.as_str(),
            "source" | "destination" | "clean" | "metadata" | "plugins" | "frontmatter" | "$schema"
        ) {
            warnings.push(format!("`{key}` has no workbench equivalent and is ignored"));
        }
    }
    if let Some(Value::Object(metadata)) = document.get("metadata") {
        let table = json_table(metadata, "metadata", &mut warnings);
        let _ = writeln!(out, "metadata = {}", inline(&toml::Value::Table(table)));
    }

    let plugins = plugin_list(document.get("plugins"), text, path)?;
    let mut unknown = Vec::new();
    let mut steps: Vec<TranslatedStep> = Vec::new();
    for (name, options) in &plugins {
        if *options == Value::Bool(false) {
            warnings.push(format!("`{name}` is turned off (false) and left out"));
            continue;
        }
        let Some(mapping) = mapping(name) else {
            unknown.push(format!("{name} (line {})", line_of(text, name)));
            continue;
        };
        let options = match options {
            Value::Object(options) => options.clone(),
            _ => Map::new(),
        };
        let table = match mapping.shape {
            Shape::Nothing(why) => {
                notes.push(format!("`{name}` needs no step: {why}."));
                continue;
            }
            Shape::Flat => flat_options(name, &options, &mapping, &mut warnings),
            Shape::Passthrough => json_table(&options, name, &mut warnings),
            Shape::PerCollection => per_collection(name, &options, &mut warnings),
            Shape::PerPaginatedCollection => per_paginated_collection(name, &options, &mapping, &mut warnings),
        };
        steps.push((name.clone(), mapping.step, table));
    }
    if let Some(moved) = collections_after_urls(&mut steps) {
        notes.push(format!(
            "`{moved}` runs after `markdown` and `permalinks` here: collection entries are copies made when the \
             step runs, so they are made once pages have their final URLs. Patterns such as `posts/*.md` still \
             match, by the file a page came from."
        ));
    }
    for note in &notes {
        for line in wrap(note, 76) {
            let _ = writeln!(out, "# {line}");
        }
    }
    if !unknown.is_empty() {
        return Err(Error::input(format!(
            "{shown}: no bundled step does what {}: {}",
            if unknown.len() == 1 { "this plugin does" } else { "these plugins do" },
            unknown.join(", ")
        ))
        .help(
            "write a step plugin for each (docs/plugins.md, `workbench scaffold plugin-rust NAME --set role=site-step`) \
             and name it in a workbench.toml, or drop it from metalsmith.json",
        ));
    }
    for (name, step, table) in &steps {
        let _ = writeln!(out, "\n# {name}");
        let _ = writeln!(out, "[[site.steps]]");
        let _ = writeln!(out, "plugin = \"{step}\"");
        if !table.is_empty() {
            let _ = writeln!(out, "options = {}", inline(&toml::Value::Table(table.clone())));
        }
    }
    // Each warning names the file, as every message does.
    let warnings = warnings.into_iter().map(|warning| format!("{shown}: {warning}")).collect();
    Ok(Translation { toml: out, warnings })
}

/// In Metalsmith a collection holds the pages themselves, so it sees the
/// URLs `permalinks` gives them later; here entries are copies. Moves
/// `collections` (and `pagination`, which lists them) to just after the
/// last of `markdown` and `permalinks`, keeping their order; returns the
/// plugin moved, if it was.
fn collections_after_urls(steps: &mut Vec<TranslatedStep>) -> Option<String> {
    let last_url_step = steps.iter().rposition(|(_, step, _)| matches!(*step, "markdown" | "permalinks"))?;
    let first = steps.iter().position(|(_, step, _)| *step == "collections")?;
    if first > last_url_step {
        return None;
    }
    let moved_name = steps[first].0.clone();
    let rest = steps.split_off(last_url_step + 1);
    let (moved, kept): (Vec<_>, Vec<_>) =
        std::mem::take(steps).into_iter().partition(|(_, step, _)| matches!(*step, "collections" | "pagination"));
    *steps = kept;
    steps.extend(moved);
    steps.extend(rest);
    Some(moved_name)
}

/// `plugins` as Metalsmith's CLI takes it: an object, or a list of
/// one-key objects, in order.
fn plugin_list(plugins: Option<&Value>, text: &str, path: &Path) -> Result<Vec<(String, Value)>, Error> {
    match plugins {
        None => Ok(Vec::new()),
        Some(Value::Object(map)) => {
            // JSON objects are read into sorted maps; Metalsmith runs them
            // in the order written, so order them by where each name is.
            let from = text.find("\"plugins\"").unwrap_or(0);
            let at = |name: &str| text[from..].find(&format!("\"{name}\"")).unwrap_or(usize::MAX);
            let mut list: Vec<(String, Value)> =
                map.iter().map(|(name, options)| (name.clone(), options.clone())).collect();
            list.sort_by_key(|(name, _)| at(name));
            Ok(list)
        }
        Some(Value::Array(list)) => {
            let mut out = Vec::new();
            for entry in list {
                let Value::Object(map) = entry else {
                    return Err(Error::input(format!(
                        "{}:{}: each entry of `plugins` must be an object such as {{ \"@metalsmith/markdown\": {{}} }}",
                        path.display(),
                        line_of(text, "plugins")
                    ))
                    .help("write each plugin as { \"NAME\": OPTIONS }"));
                };
                out.extend(map.iter().map(|(name, options)| (name.clone(), options.clone())));
            }
            Ok(out)
        }
        Some(_) => Err(Error::input(format!(
            "{}:{}: `plugins` must be an object or a list",
            path.display(),
            line_of(text, "plugins")
        ))
        .help("write `\"plugins\": [{ \"@metalsmith/markdown\": {} }]`")),
    }
}

fn flat_options(
    plugin: &str,
    options: &Map<String, Value>,
    mapping: &Mapping,
    warnings: &mut Vec<String>,
) -> toml::Table {
    let mut table = toml::Table::new();
    for (key, value) in options {
        if mapping.step == "minify" && MINIFY_ALWAYS.contains(&key.as_str()) {
            continue;
        }
        let renamed = mapping.renamed.iter().find(|(from, _)| from == key).map(|(_, to)| (*to).to_string());
        let name = renamed.unwrap_or_else(|| kebab(key));
        let empty = matches!(value, Value::Object(map) if map.is_empty());
        if !mapping.known.contains(&name.as_str()) {
            if empty {
                continue;
            }
            warnings.push(format!(
                "`{plugin}` option `{key}` has no equivalent in the `{}` step and is ignored",
                mapping.step
            ));
            continue;
        }
        let value = match (name.as_str(), value) {
            // metalsmith-permalinks' `duplicatesFail: true` is the step's default.
            ("duplicates", Value::Bool(fail)) => Value::String(if *fail { "error" } else { "index" }.into()),
            // html-minifier removes what the step keeps.
            ("keep-comments", Value::Bool(remove)) if key == "removeComments" => Value::Bool(!remove),
            _ => value.clone(),
        };
        if let Some(value) = toml_value(&value, &format!("{plugin}.{key}"), warnings) {
            table.insert(name, value);
        }
    }
    table
}

fn per_collection(plugin: &str, options: &Map<String, Value>, warnings: &mut Vec<String>) -> toml::Table {
    let mut table = toml::Table::new();
    for (collection, definition) in options {
        let definition = match definition {
            Value::String(pattern) => {
                let mut map = Map::new();
                map.insert("pattern".into(), Value::String(pattern.clone()));
                map
            }
            Value::Object(map) => map.clone(),
            _ => {
                warnings
                    .push(format!("`{plugin}` collection `{collection}` is neither a pattern nor an object; ignored"));
                continue;
            }
        };
        let mapping = Mapping { step: "collections", renamed: &[], known: COLLECTION, shape: Shape::Flat };
        let options = flat_options(&format!("{plugin}.{collection}"), &definition, &mapping, warnings);
        table.insert(collection.clone(), toml::Value::Table(options));
    }
    table
}

fn per_paginated_collection(
    plugin: &str,
    options: &Map<String, Value>,
    mapping: &Mapping,
    warnings: &mut Vec<String>,
) -> toml::Table {
    let mut table = toml::Table::new();
    for (key, definition) in options {
        let collection = key.strip_prefix("collections.").unwrap_or(key);
        let Value::Object(definition) = definition else {
            warnings.push(format!("`{plugin}` entry `{key}` is not an object; ignored"));
            continue;
        };
        let options = flat_options(&format!("{plugin}.{key}"), definition, mapping, warnings);
        table.insert(collection.to_string(), toml::Value::Table(options));
    }
    table
}

fn json_table(map: &Map<String, Value>, what: &str, warnings: &mut Vec<String>) -> toml::Table {
    map.iter()
        .filter_map(|(key, value)| {
            toml_value(value, &format!("{what}.{key}"), warnings).map(|value| (key.clone(), value))
        })
        .collect()
}

/// TOML has no null: a null is dropped, with a warning.
fn toml_value(value: &Value, what: &str, warnings: &mut Vec<String>) -> Option<toml::Value> {
    Some(match value {
        Value::Null => {
            warnings.push(format!("`{what}` is null, which TOML cannot hold; left out"));
            return None;
        }
        Value::Bool(flag) => toml::Value::Boolean(*flag),
        Value::Number(number) => match number.as_i64() {
            Some(integer) => toml::Value::Integer(integer),
            None => toml::Value::Float(number.as_f64().unwrap_or_default()),
        },
        Value::String(text) => toml::Value::String(text.clone()),
        Value::Array(items) => toml::Value::Array(
            items
                .iter()
                .enumerate()
                .filter_map(|(at, item)| toml_value(item, &format!("{what}[{at}]"), warnings))
                .collect(),
        ),
        Value::Object(map) => toml::Value::Table(json_table(map, what, warnings)),
    })
}

/// A value on one line: inline tables and arrays.
fn inline(value: &toml::Value) -> String {
    match value {
        toml::Value::Table(table) => {
            let entries: Vec<String> =
                table.iter().map(|(key, value)| format!("{} = {}", key_text(key), inline(value))).collect();
            if entries.is_empty() { "{}".into() } else { format!("{{ {} }}", entries.join(", ")) }
        }
        toml::Value::Array(items) => format!("[{}]", items.iter().map(inline).collect::<Vec<_>>().join(", ")),
        other => other.to_string(),
    }
}

fn key_text(key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        key.to_string()
    } else {
        toml::Value::String(key.to_string()).to_string()
    }
}

/// Words of `text` in lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("one line at least");
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

/// `sortBy` → `sort-by`.
fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else if c == '_' {
            out.push('-');
        } else {
            out.push(c);
        }
    }
    out
}

/// The line where `"name"` first appears, for messages.
fn line_of(text: &str, name: &str) -> usize {
    let quoted = format!("\"{name}\"");
    text.find(&quoted).map_or(1, |at| crate::line_column::line_column(text, at).0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn translated(json: &str) -> Translation {
        translate(json, Path::new("metalsmith.json")).unwrap()
    }

    #[test]
    fn known_plugins_become_steps_with_their_options_renamed() {
        let translation = translated(
            r#"{
  "source": "./content",
  "metadata": { "site": { "title": "Hi" }, "gone": null },
  "plugins": [
    { "@metalsmith/drafts": true },
    { "@metalsmith/collections": { "posts": { "pattern": "posts/*.md", "sortBy": "date", "reverse": true }, "pages": "*.md" } },
    { "@metalsmith/markdown": { "smartypants": true, "headerIds": false } },
    { "@metalsmith/permalinks": { "pattern": ":title", "relative": false } },
    { "metalsmith-pagination": { "collections.posts": { "perPage": 5, "layout": "list.hbs" } } },
    { "@metalsmith/layouts": { "default": "page.hbs", "engineOptions": { "cache": false } } },
    { "metalsmith-discover-partials": { "directory": "layouts/partials" } }
  ]
}"#,
        );
        let config = Config::parse(&translation.toml, Path::new("metalsmith.json")).unwrap();
        let steps: Vec<&str> = config.site.steps.iter().map(crate::config::StepConfig::plugin).collect();
        assert_eq!(steps, ["drafts", "markdown", "permalinks", "collections", "pagination", "layouts"]);
        assert_eq!(config.site.source.as_deref(), Some(Path::new("content")));
        assert_eq!(config.site.metadata["site"]["title"].as_str(), Some("Hi"));
        let options = |at: usize| config.site.steps[at].options().unwrap().clone();
        assert_eq!(options(3)["posts"]["sort-by"].as_str(), Some("date"));
        assert_eq!(options(3)["pages"]["pattern"].as_str(), Some("*.md"));
        assert_eq!(options(1)["smart-punctuation"].as_bool(), Some(true));
        assert_eq!(options(4)["posts"]["per-page"].as_integer(), Some(5));
        assert!(translation.toml.contains("# `metalsmith-discover-partials` needs no step"), "{}", translation.toml);
        assert!(translation.toml.contains("# `@metalsmith/collections` runs after"), "{}", translation.toml);
        let warnings = translation.warnings.join("\n");
        for dropped in ["`metadata.gone` is null", "option `headerIds`", "option `relative`", "option `engineOptions`"]
        {
            assert!(warnings.contains(dropped), "{dropped} in {warnings}");
        }
    }

    #[test]
    fn html_minifier_options_carry_over_inverted_where_they_mean_the_opposite() {
        let translation = translated(
            r#"{ "plugins": [{ "metalsmith-html-minifier": { "removeComments": false, "collapseWhitespace": true, "minifyJS": true } }] }"#,
        );
        assert!(
            translation.toml.contains("plugin = \"minify\"\noptions = { js = true, keep-comments = true }"),
            "{}",
            translation.toml
        );
        assert!(translation.warnings.is_empty(), "{:?}", translation.warnings);
    }

    #[test]
    fn unknown_plugins_are_refused_together_with_their_lines() {
        let json = "{\n  \"plugins\": {\n    \"@metalsmith/markdown\": {},\n    \"metalsmith-babel\": {},\n    \"./lib/mine.js\": true\n  }\n}";
        let error = translate(json, Path::new("metalsmith.json")).unwrap_err();
        assert_eq!(
            error.message(),
            "metalsmith.json: no bundled step does what these plugins do: metalsmith-babel (line 4), ./lib/mine.js (line 5)"
        );
        assert!(error.help_text().unwrap().contains("write a step plugin"));
    }

    #[test]
    fn bad_json_names_its_line() {
        let error = translate("{\n  \"source\": \n}", Path::new("m/metalsmith.json")).unwrap_err();
        assert!(error.message().starts_with("m/metalsmith.json:3:1:"), "{}", error.message());
    }
}
