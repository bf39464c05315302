//! What the core site steps share. Conventions every step follows (and
//! docs/site.md documents):
//!
//! - a file's `url` metadata is its address on the site, from the root,
//!   ending in `/` for a directory index (`/posts/hello/`); steps that move
//!   files set it, and [`url_of`] derives it when no step has;
//! - dates are compared as text after [`date_key`], so `2024-05-01` and
//!   `2024-05-01T10:00:00Z` sort as a person expects;
//! - lists of pages in site metadata (collections, taxonomy terms,
//!   pagination) hold [`entry`] objects: the page's metadata plus `path` and
//!   `url`, never its contents, so whole-set steps stay small.

mod globs;
#[cfg(feature = "handlebars")]
mod handlebars;
#[cfg(feature = "templates")]
pub mod templates;

pub use globs::Globs;

use workbench_plugin::serde_json::{Map, Value};
use workbench_plugin::site_step::{Error, SiteFile, parse_metadata};

/// The file's metadata, or an error naming the file.
pub fn metadata(file: &SiteFile) -> Result<Map<String, Value>, Error> {
    parse_metadata(&file.metadata, &file.path)
}

/// The page's address: its `url` metadata, else its path with a final
/// `index.html` dropped.
pub fn url_of(path: &str, metadata: &Map<String, Value>) -> String {
    if let Some(Value::String(url)) = metadata.get("url") {
        return url.clone();
    }
    url_for_path(path)
}

/// `posts/hello/index.html` → `/posts/hello/`; `about.html` → `/about.html`.
pub fn url_for_path(path: &str) -> String {
    if path == "index.html" {
        return "/".into();
    }
    match path.strip_suffix("/index.html") {
        Some(dir) => format!("/{dir}/"),
        None => format!("/{path}"),
    }
}

/// A page as lists in site metadata hold it: metadata, `path` and `url`.
pub fn entry(path: &str, metadata: &Map<String, Value>) -> Value {
    let mut entry = metadata.clone();
    entry.insert("url".into(), Value::String(url_of(path, metadata)));
    entry.insert("path".into(), Value::String(path.to_string()));
    Value::Object(entry)
}

/// Lowercase words joined by `-`: letters and digits kept (any script),
/// everything else a separator. `"Hello, World!"` → `hello-world`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.extend(c.to_lowercase());
        } else if c != '\'' && c != '’' {
            dash = true;
        }
    }
    slug
}

/// A sort key for metadata values: numbers before text, text by a
/// date-friendly normal form, missing values last.
pub fn sort_key(value: Option<&Value>) -> (u8, f64, String) {
    match value {
        Some(Value::Number(number)) => (0, number.as_f64().unwrap_or(0.0), String::new()),
        Some(Value::String(text)) => (1, 0.0, date_key(text)),
        Some(Value::Bool(flag)) => (1, 0.0, flag.to_string()),
        Some(Value::Null) | None => (2, 0.0, String::new()),
        Some(other) => (1, 0.0, other.to_string()),
    }
}

/// `2024-5-1` → `2024-05-01`; a space between date and time becomes `T`.
/// Anything that is not a date comes back as is.
pub fn date_key(text: &str) -> String {
    let text = text.trim();
    let (date, rest) = text.split_at(text.find([' ', 'T']).unwrap_or(text.len()));
    let parts: Vec<&str> = date.split('-').collect();
    if parts.len() == 3 && parts.iter().all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit())) {
        let rest = rest.strip_prefix(' ').map_or_else(|| rest.to_string(), |time| format!("T{time}"));
        format!("{:0>4}-{:0>2}-{:0>2}{rest}", parts[0], parts[1], parts[2])
    } else {
        text.to_string()
    }
}

/// The file name without its last extension: `posts/hello.html` → `hello`.
pub fn basename(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').map_or(name, |(stem, _)| if stem.is_empty() { name } else { stem })
}

/// The directory part: `posts/hello.html` → `posts`; `a.html` → ``.
pub fn dirname(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// True when a metadata flag is set the way people write it in front
/// matter: `true`, `"true"`, `"yes"`.
pub fn truthy(value: Option<&Value>) -> bool {
    match value {
        Some(Value::Bool(flag)) => *flag,
        Some(Value::String(text)) => matches!(text.trim().to_ascii_lowercase().as_str(), "true" | "yes" | "on"),
        Some(Value::Number(number)) => number.as_f64().is_some_and(|n| n != 0.0),
        _ => false,
    }
}

/// Options errors in one shape: `invalid options: <plugin>: <message>`.
pub fn bad_options(message: impl std::fmt::Display) -> Error {
    Error::InvalidOptions(message.to_string())
}

/// A heading's anchor as GitHub makes it: the text trimmed and lowercased,
/// spaces to `-`, punctuation other than `-` and `_` dropped
/// (`"What's new?"` → `whats-new`).
pub fn anchor(text: &str) -> String {
    text.trim()
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c.to_lowercase().collect::<String>())
            } else if c == ' ' {
                Some("-".into())
            } else {
                None
            }
        })
        .collect()
}

/// A file name as a URL segment: lowercase, spaces and punctuation as `-`,
/// but dots and existing dashes kept (`Release 1.2` → `release-1.2`).
pub fn slugify_path(name: &str) -> String {
    name.split('.').map(slugify).collect::<Vec<_>>().join(".")
}

/// Text for XML and HTML: `&`, `<`, `>`, `"` and `'` escaped.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

/// `https://example.com/` + `/a/` → `https://example.com/a/`.
pub fn absolute(base: &str, url: &str) -> String {
    if url.contains("://") {
        return url.to_string();
    }
    format!("{}/{}", base.trim_end_matches('/'), url.trim_start_matches('/'))
}

/// The pages of `collections.NAME` in the site metadata.
pub fn collection<'a>(
    site: &'a workbench_plugin::serde_json::Map<String, Value>,
    name: &str,
) -> Option<&'a Vec<Value>> {
    site.get("collections")?.get(name)?.as_array()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_drop_index_html() {
        assert_eq!(url_for_path("index.html"), "/");
        assert_eq!(url_for_path("posts/a/index.html"), "/posts/a/");
        assert_eq!(url_for_path("about.html"), "/about.html");
    }

    #[test]
    fn slugs_are_lowercase_words() {
        assert_eq!(slugify("Hello, World!"), "hello-world");
        assert_eq!(slugify("  Rust's 2024 edition "), "rusts-2024-edition");
        assert_eq!(slugify("Über café"), "über-café");
    }

    #[test]
    fn dates_sort_as_people_expect() {
        assert_eq!(date_key("2024-5-1"), "2024-05-01");
        assert_eq!(date_key("2024-05-01 10:00"), "2024-05-01T10:00");
        assert!(date_key("2024-5-1") < date_key("2024-05-01T10:00:00Z"));
        assert_eq!(date_key("soon"), "soon");
    }

    #[test]
    fn names_and_dirs() {
        assert_eq!(basename("posts/hello.world.html"), "hello.world");
        assert_eq!(basename(".htaccess"), ".htaccess");
        assert_eq!(dirname("posts/a/b.md"), "posts/a");
        assert_eq!(dirname("b.md"), "");
    }
}
