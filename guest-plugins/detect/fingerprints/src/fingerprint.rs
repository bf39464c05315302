//! Reading Wappalyzer's fingerprint format into compiled matchers.
//!
//! A file is an object of technologies (`{"Name": {...}}`), or an object
//! with a `technologies` (or the older `apps`) key beside `categories`.
//! Patterns are JavaScript regexes matched case-insensitively, with tags
//! after `\;`: `version:\1` (a template over capture groups, with the
//! `\1?yes:no` ternary) and `confidence:50`. fancy-regex compiles the
//! lookaround and backreferences plain regex engines refuse; a pattern it
//! cannot compile is skipped and counted, never fatal.

use std::collections::BTreeMap;

use fancy_regex::{Regex, RegexBuilder};
use serde_json::{Map, Value};

/// Wappalyzer keys this plugin reads; the rest (`js`, `dom`, `dns`, `css`,
/// `robots`, `xhr`, `url`, `probe`...) need a browser or more requests.
const READ_KEYS: &[&str] =
    &["scriptSrc", "scripts", "html", "headers", "cookies", "meta", "implies", "excludes", "requires", "cats"];
const INFO_KEYS: &[&str] = &["description", "website", "icon", "cpe", "saas", "oss", "pricing", "requiresCategory"];
/// A pathological pattern gives up instead of eating the call's time limit.
const BACKTRACK_LIMIT: usize = 100_000;

pub struct Pattern {
    pub regex: Regex,
    pub version: Option<String>,
    pub confidence: u8,
}

#[derive(Default)]
pub struct Technology {
    pub name: String,
    pub category: String,
    pub script_src: Vec<Pattern>,
    pub scripts: Vec<Pattern>,
    pub html: Vec<Pattern>,
    /// Header or cookie or meta name (lowercase) → patterns for its value.
    pub headers: Vec<(String, Pattern)>,
    pub cookies: Vec<(String, Pattern)>,
    pub meta: Vec<(String, Pattern)>,
    /// Names with the confidence each implication carries.
    pub implies: Vec<(String, u8)>,
    pub excludes: Vec<String>,
    pub requires: Vec<String>,
}

/// Everything read from the files, and what could not be used.
#[derive(Default)]
pub struct Catalog {
    pub technologies: Vec<Technology>,
    pub skipped_patterns: usize,
    /// Unsupported key → how many technologies use it.
    pub skipped_keys: BTreeMap<String, usize>,
}

/// Reads each `(name, document)`; a message names the document.
pub fn load(documents: &[(String, Value)]) -> Result<Catalog, String> {
    let mut catalog = Catalog::default();
    for (label, document) in documents {
        let object = document.as_object().ok_or_else(|| format!("{label}: not a JSON object"))?;
        let technologies =
            object.get("technologies").or_else(|| object.get("apps")).and_then(Value::as_object).unwrap_or(object);
        let categories = categories(object.get("categories"));
        for (name, fingerprint) in technologies {
            let Some(fingerprint) = fingerprint.as_object() else {
                return Err(format!("{label}: `{name}` is not an object"));
            };
            let technology = technology(name, fingerprint, &categories, &mut catalog);
            catalog.technologies.push(technology);
        }
    }
    Ok(catalog)
}

fn categories(value: Option<&Value>) -> BTreeMap<String, String> {
    value
        .and_then(Value::as_object)
        .map(|categories| {
            categories
                .iter()
                .filter_map(|(id, category)| {
                    let name = category.get("name").and_then(Value::as_str).or_else(|| category.as_str())?;
                    Some((id.clone(), kebab(name)))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn technology(
    name: &str,
    fingerprint: &Map<String, Value>,
    categories: &BTreeMap<String, String>,
    catalog: &mut Catalog,
) -> Technology {
    for key in fingerprint.keys() {
        if !READ_KEYS.contains(&key.as_str()) && !INFO_KEYS.contains(&key.as_str()) {
            *catalog.skipped_keys.entry(key.clone()).or_default() += 1;
        }
    }
    let category = fingerprint
        .get("cats")
        .and_then(Value::as_array)
        .and_then(|cats| cats.first())
        .map(|id| id.to_string().trim_matches('"').to_string())
        .map_or_else(|| "other".to_string(), |id| categories.get(&id).cloned().unwrap_or_else(|| "other".to_string()));
    let mut skipped = 0;
    let mut list = |key: &str| -> Vec<Pattern> {
        strings(fingerprint.get(key))
            .into_iter()
            .filter_map(|text| {
                compile(&text).or_else(|| {
                    skipped += 1;
                    None
                })
            })
            .collect()
    };
    let script_src = list("scriptSrc");
    let scripts = list("scripts");
    let html = list("html");
    let mut named = |key: &str| -> Vec<(String, Pattern)> {
        let Some(map) = fingerprint.get(key).and_then(Value::as_object) else { return Vec::new() };
        map.iter()
            .flat_map(|(field, patterns)| {
                strings(Some(patterns)).into_iter().map(move |text| (field.to_ascii_lowercase(), text))
            })
            .filter_map(|(field, text)| {
                let pattern = compile(&text);
                skipped += usize::from(pattern.is_none());
                Some((field, pattern?))
            })
            .collect()
    };
    let headers = named("headers");
    let cookies = named("cookies");
    let meta = named("meta");
    catalog.skipped_patterns += skipped;
    let implies = strings(fingerprint.get("implies"))
        .into_iter()
        .map(|text| {
            let (name, tags) = split_tags(&text);
            (name.to_string(), tags.confidence.unwrap_or(100))
        })
        .collect();
    let names =
        |key: &str| strings(fingerprint.get(key)).into_iter().map(|text| split_tags(&text).0.to_string()).collect();
    Technology {
        name: name.to_string(),
        category,
        script_src,
        scripts,
        html,
        headers,
        cookies,
        meta,
        implies,
        excludes: names("excludes"),
        requires: names("requires"),
    }
}

/// A string or a list of strings.
fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(text)) => vec![text.clone()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

#[derive(Default)]
struct Tags<'a> {
    version: Option<&'a str>,
    confidence: Option<u8>,
}

fn split_tags(text: &str) -> (&str, Tags<'_>) {
    let mut parts = text.split("\\;");
    let head = parts.next().unwrap_or("");
    let mut tags = Tags::default();
    for part in parts {
        if let Some(version) = part.strip_prefix("version:") {
            tags.version = Some(version);
        } else if let Some(confidence) = part.strip_prefix("confidence:") {
            tags.confidence = confidence.trim().parse::<u8>().ok().map(|value| value.min(100));
        }
    }
    (head, tags)
}

fn compile(text: &str) -> Option<Pattern> {
    let (pattern, tags) = split_tags(text);
    // Wappalyzer writes `/` escaped as in JavaScript regex literals.
    let pattern = pattern.replace("\\/", "/");
    let regex = RegexBuilder::new(&pattern).case_insensitive(true).backtrack_limit(BACKTRACK_LIMIT).build().ok()?;
    Some(Pattern {
        regex,
        version: tags.version.map(str::to_string).filter(|version| !version.is_empty()),
        confidence: tags.confidence.unwrap_or(100),
    })
}

/// Fills a version template (`\1`, `\2`, `\1?a:b`) from capture groups.
pub fn version(template: &str, groups: &[Option<&str>]) -> Option<String> {
    let group = |index: usize| groups.get(index).copied().flatten().unwrap_or("");
    let filled = if let Some((condition, branches)) = template.split_once('?') {
        let (yes, no) = branches.split_once(':').unwrap_or((branches, ""));
        let index = condition.trim_start_matches('\\').parse::<usize>().unwrap_or(0);
        if group(index).is_empty() { no.to_string() } else { yes.to_string() }
    } else {
        template.to_string()
    };
    let mut out = String::new();
    let mut chars = filled.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(char::is_ascii_digit) {
            let digit = chars.next().and_then(|digit| digit.to_digit(10)).unwrap_or(0) as usize;
            out.push_str(group(digit));
        } else {
            out.push(c);
        }
    }
    let out = out.trim().to_string();
    (!out.is_empty()).then_some(out)
}

pub fn kebab(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(documents: &[Value]) -> Vec<(String, Value)> {
        documents.iter().map(|document| ("test".to_string(), document.clone())).collect()
    }

    #[test]
    fn tags_split_off_the_pattern() {
        let pattern = compile(r"jquery[.-]([\d.]+)\.js\;version:\1\;confidence:50").unwrap();
        assert_eq!(pattern.version.as_deref(), Some(r"\1"));
        assert_eq!(pattern.confidence, 50);
        assert!(pattern.regex.is_match("/JQuery-3.7.1.js").unwrap());
    }

    #[test]
    fn version_templates_fill_groups_and_ternaries() {
        assert_eq!(version(r"\1", &[None, Some("3.7")]).as_deref(), Some("3.7"));
        assert_eq!(version(r"\1?next:", &[None, Some("x")]).as_deref(), Some("next"));
        assert_eq!(version(r"\1?next:legacy", &[None, None]).as_deref(), Some("legacy"));
        assert_eq!(version(r"\1", &[None, None]), None);
    }

    #[test]
    fn lookaround_compiles_and_broken_patterns_are_counted() {
        let documents = [serde_json::json!({
            "Look": { "scriptSrc": ["app(?!-test)\\.js", "([unclosed"], "js": { "x": "" }, "cats": [1] },
        })];
        let catalog = load(&named(&documents)).unwrap();
        assert_eq!(catalog.technologies[0].script_src.len(), 1);
        assert_eq!(catalog.skipped_patterns, 1);
        assert_eq!(catalog.skipped_keys.get("js"), Some(&1));
    }

    #[test]
    fn categories_come_from_the_file() {
        let documents = [serde_json::json!({
            "categories": { "10": { "name": "Tag managers" } },
            "technologies": { "T": { "cats": [10], "html": "x" } },
        })];
        assert_eq!(load(&named(&documents)).unwrap().technologies[0].category, "tag-managers");
    }
}
