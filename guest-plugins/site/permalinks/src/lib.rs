//! `permalinks`: pretty URLs, as @metalsmith/permalinks makes them.
//! `posts/hello.html` with the default pattern `:dirname?/:basename` moves
//! to `posts/hello/index.html`, served as `/posts/hello/`. A pattern takes
//! `:key` from the front matter (slugified), `:key?` when the key may be
//! missing, and `:dirname`, `:basename`, `:date`. A page may set its own
//! `permalink: "some/where"`, or `permalink: false` to stay where it is.
//! Two pages at one URL are an error naming both.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use site_kit::Globs;
use workbench_plugin::serde_json::{Map, Value};
use workbench_plugin::site_step::{Error, Site, SiteStep, StepInfo, metadata_text};

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct Settings {
    pattern: String,
    /// Pages to move; others pass by.
    #[serde(rename = "match")]
    matches: Globs,
    /// strftime-like codes for `:date` (`%Y`, `%m`, `%d`).
    date: String,
    directory_index: String,
    /// `error` (the default) or `index`: append `-1`, `-2`, ...
    duplicates: String,
    /// Other patterns for pages whose front matter has given values,
    /// e.g. `{ match = { collection = "posts" }, pattern = "blog/:date/:title" }`.
    linksets: Vec<Linkset>,
}

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct Linkset {
    #[serde(rename = "match")]
    matches: Map<String, Value>,
    pattern: String,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            pattern: ":dirname?/:basename".into(),
            matches: Globs::of(&["**/*.html"]),
            date: "%Y/%m/%d".into(),
            directory_index: "index.html".into(),
            duplicates: "error".into(),
            linksets: Vec::new(),
        }
    }
}

struct Permalinks;

impl SiteStep for Permalinks {
    type Options = Settings;

    fn describe(settings: &Settings) -> Result<StepInfo, Error> {
        check(settings)?;
        // Each page's permalink depends on that page alone, so the host may
        // spread pages over cores; two pages at one URL in different
        // batches are then caught by the host, which names both sources.
        // Numbering duplicates needs every page at once.
        let per_file = settings.duplicates == "error";
        Ok(StepInfo { per_file, patterns: Some(settings.matches.to_vec()), reads: Vec::new(), copies: Vec::new() })
    }

    fn run(mut site: Site, settings: &Settings) -> Result<Site, Error> {
        check(settings)?;
        let mut taken: BTreeMap<String, String> = BTreeMap::new();
        for file in &mut site.files {
            let mut metadata = site_kit::metadata(file)?;
            let name = file.path.rsplit('/').next().unwrap_or(&file.path);
            let target = match metadata.get("permalink") {
                Some(Value::Bool(false)) => None,
                Some(Value::String(own)) => Some(own.trim_matches('/').to_string()),
                _ if name == settings.directory_index => None,
                _ => Some(expand(pattern_for(settings, &metadata), &file.path, &metadata, &settings.date)?),
            };
            let Some(mut link) = target else {
                metadata.insert("url".into(), Value::String(site_kit::url_for_path(&file.path)));
                file.metadata = metadata_text(metadata);
                continue;
            };
            let mut path = join(&link, &settings.directory_index);
            if let Some(other) = taken.get(&path) {
                if settings.duplicates != "index" {
                    return Err(Error::InvalidInput(format!(
                        "{} and {} both get the permalink /{link}; give one its own `permalink:` in its front matter",
                        other, file.path
                    )));
                }
                let base = link.clone();
                let mut n = 1;
                while taken.contains_key(&path) {
                    link = format!("{base}-{n}");
                    path = join(&link, &settings.directory_index);
                    n += 1;
                }
            }
            taken.insert(path.clone(), file.path.clone());
            metadata.insert("permalink".into(), Value::String(link.clone()));
            metadata
                .insert("url".into(), Value::String(if link.is_empty() { "/".into() } else { format!("/{link}/") }));
            file.metadata = metadata_text(metadata);
            file.path = path;
        }
        Ok(site)
    }
}

/// What the types cannot say about the options.
fn check(settings: &Settings) -> Result<(), Error> {
    if !matches!(settings.duplicates.as_str(), "error" | "index") {
        return Err(site_kit::bad_options(format!(
            "`duplicates` is `error` or `index`, not {:?}",
            settings.duplicates
        )));
    }
    Ok(())
}

fn pattern_for<'a>(settings: &'a Settings, metadata: &Map<String, Value>) -> &'a str {
    settings
        .linksets
        .iter()
        .find(|set| set.matches.iter().all(|(key, wanted)| matches_value(metadata.get(key), wanted)))
        .map_or(&settings.pattern, |set| &set.pattern)
}

/// `collection: [a, b]` matches a wanted `a`.
fn matches_value(value: Option<&Value>, wanted: &Value) -> bool {
    match value {
        Some(Value::Array(items)) => items.contains(wanted),
        Some(value) => value == wanted,
        None => false,
    }
}

fn join(link: &str, index: &str) -> String {
    if link.is_empty() { index.to_string() } else { format!("{link}/{index}") }
}

/// Fills a pattern in, segment by segment; an optional placeholder with no
/// value drops its segment.
fn expand(pattern: &str, path: &str, metadata: &Map<String, Value>, date_format: &str) -> Result<String, Error> {
    let mut segments = Vec::new();
    for segment in pattern.split('/') {
        let mut out = String::new();
        let mut rest = segment;
        while let Some(start) = rest.find(':') {
            out.push_str(&rest[..start]);
            let after = &rest[start + 1..];
            let end = after.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')).unwrap_or(after.len());
            let key = &after[..end];
            let optional = after[end..].starts_with('?');
            rest = &after[end + usize::from(optional)..];
            let value = match key {
                "dirname" => Some(site_kit::dirname(path).to_string()),
                "basename" => Some(site_kit::slugify_path(site_kit::basename(path))),
                "date" => metadata.get("date").and_then(Value::as_str).map(|date| format_date(date, date_format)),
                _ => metadata.get(key).and_then(|value| match value {
                    Value::String(text) => Some(site_kit::slugify(text)),
                    Value::Number(number) => Some(number.to_string()),
                    Value::Array(items) => items.first().and_then(Value::as_str).map(site_kit::slugify),
                    _ => None,
                }),
            };
            match value {
                Some(value) if !value.is_empty() => out.push_str(&value),
                _ if optional => {}
                _ => {
                    return Err(Error::InvalidInput(format!(
                        "{path}: the permalink pattern `{pattern}` needs `{key}`, which the front matter does not set; add it, or write `:{key}?` in the pattern"
                    )));
                }
            }
        }
        out.push_str(rest);
        if !out.is_empty() {
            segments.push(out);
        }
    }
    Ok(segments.join("/"))
}

fn format_date(date: &str, format: &str) -> String {
    let key = site_kit::date_key(date);
    let (y, m, d) = (key.get(0..4).unwrap_or(""), key.get(5..7).unwrap_or(""), key.get(8..10).unwrap_or(""));
    format.replace("%Y", y).replace("%m", m).replace("%d", d)
}

workbench_plugin::export_site_step!(Permalinks);

#[cfg(test)]
mod tests {
    use workbench_plugin::serde_json::json;

    use super::*;

    fn meta(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        }
    }

    #[test]
    fn default_pattern_keeps_the_directory() {
        assert_eq!(expand(":dirname?/:basename", "posts/Hello.html", &Map::new(), "").unwrap(), "posts/hello");
        assert_eq!(expand(":dirname?/:basename", "about.html", &Map::new(), "").unwrap(), "about");
    }

    #[test]
    fn keys_are_slugified_and_dates_formatted() {
        let metadata = meta(json!({ "title": "Hello, World", "date": "2024-5-1" }));
        assert_eq!(expand("blog/:date/:title", "x.html", &metadata, "%Y/%m").unwrap(), "blog/2024/05/hello-world");
    }

    #[test]
    fn a_missing_required_key_is_named() {
        let error = expand("blog/:title", "x.html", &Map::new(), "").unwrap_err();
        assert!(format!("{error:?}").contains("needs `title`"));
        assert_eq!(expand("blog/:title?/:basename", "x.html", &Map::new(), "").unwrap(), "blog/x");
    }
}
