//! Front matter: a YAML block between `---` lines or a TOML block between
//! `+++` lines at the very top of a text file, as in Jekyll, Hugo and
//! Metalsmith. The keys become the file's metadata; the rest is its contents.

use serde_json::{Map, Number, Value};
use yaml_rust2::{Yaml, YamlLoader};

use crate::line_column::line_column;

/// A bad block, located in the file (1-based line and column).
#[derive(Debug, PartialEq)]
pub struct FrontMatterError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Splits `text` into its front matter (an empty map when there is none)
/// and the byte offset where the contents start.
pub fn split(text: &str) -> Result<(Map<String, Value>, usize), FrontMatterError> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[bom..];
    let (fence, yaml) = if is_fence(rest, "---") {
        ("---", true)
    } else if is_fence(rest, "+++") {
        ("+++", false)
    } else {
        return Ok((Map::new(), 0));
    };
    let first_line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    let block_start = bom + first_line_end;
    let mut offset = block_start;
    let mut close = None;
    for line in text[block_start..].split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if bare.trim_end() == fence || (yaml && bare.trim_end() == "...") {
            close = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((block_end, contents_start)) = close else {
        return Err(FrontMatterError {
            line: 1,
            column: 1,
            message: format!(
                "the front matter opened with `{fence}` on line 1 is never closed; end it with a `{fence}` line"
            ),
        });
    };
    let block = &text[block_start..block_end];
    let map = if yaml { yaml_block(block)? } else { toml_block(block)? };
    Ok((map, contents_start))
}

fn is_fence(text: &str, fence: &str) -> bool {
    let line = text.split('\n').next().unwrap_or("");
    line.trim_end() == fence
}

fn yaml_block(block: &str) -> Result<Map<String, Value>, FrontMatterError> {
    let documents = YamlLoader::load_from_str(block).map_err(|error| FrontMatterError {
        // The block starts on line 2 of the file; the marker's line is 1-based.
        line: error.marker().line() + 1,
        column: error.marker().col() + 1,
        message: error.info().to_string(),
    })?;
    match documents.into_iter().next() {
        None | Some(Yaml::Null) => Ok(Map::new()),
        Some(Yaml::Hash(hash)) => {
            let mut map = Map::new();
            for (key, value) in hash {
                map.insert(yaml_key(&key), yaml_value(value));
            }
            Ok(map)
        }
        Some(_) => Err(FrontMatterError {
            line: 2,
            column: 1,
            message: "front matter must be a mapping of keys to values (`title: Hello`)".into(),
        }),
    }
}

/// A whole YAML document (a config or values file) as JSON; an error says
/// `line:column: what`.
pub fn yaml_document(text: &str) -> Result<Value, String> {
    let documents = YamlLoader::load_from_str(text)
        .map_err(|error| format!("{}:{}: {}", error.marker().line(), error.marker().col() + 1, error.info()))?;
    Ok(documents.into_iter().next().map_or(Value::Null, yaml_value))
}

/// A YAML document's top-level mapping with its keys in the file's order
/// (serde_json's maps sort them); `None` when the document is not a mapping.
pub fn yaml_ordered(text: &str) -> Result<Option<Vec<(String, Value)>>, String> {
    let documents = YamlLoader::load_from_str(text)
        .map_err(|error| format!("{}:{}: {}", error.marker().line(), error.marker().col() + 1, error.info()))?;
    Ok(match documents.into_iter().next() {
        Some(Yaml::Hash(hash)) => {
            Some(hash.into_iter().map(|(key, value)| (yaml_key(&key), yaml_value(value))).collect())
        }
        None => Some(Vec::new()),
        Some(_) => None,
    })
}

fn yaml_key(key: &Yaml) -> String {
    match key {
        Yaml::String(text) | Yaml::Real(text) => text.clone(),
        Yaml::Integer(number) => number.to_string(),
        Yaml::Boolean(flag) => flag.to_string(),
        Yaml::Null => "null".into(),
        other => format!("{other:?}"),
    }
}

/// YAML 1.2 core schema: dates stay strings, as in Metalsmith's js-yaml
/// only when quoted; steps that sort by date parse them.
fn yaml_value(value: Yaml) -> Value {
    match value {
        Yaml::String(text) => Value::String(text),
        Yaml::Integer(number) => Value::from(number),
        Yaml::Real(text) => {
            text.parse::<f64>().ok().and_then(Number::from_f64).map_or(Value::String(text), Value::Number)
        }
        Yaml::Boolean(flag) => Value::Bool(flag),
        Yaml::Array(items) => Value::Array(items.into_iter().map(yaml_value).collect()),
        Yaml::Hash(hash) => {
            Value::Object(hash.into_iter().map(|(key, value)| (yaml_key(&key), yaml_value(value))).collect())
        }
        Yaml::Null | Yaml::BadValue | Yaml::Alias(_) => Value::Null,
    }
}

fn toml_block(block: &str) -> Result<Map<String, Value>, FrontMatterError> {
    let table: toml::Table = toml::from_str(block).map_err(|error| {
        // The block starts on the line after the opening `+++`.
        let (line, column) = error.span().map_or((0, 1), |span| line_column(block, span.start));
        FrontMatterError { line: line + 1, column, message: error.message().to_string() }
    })?;
    Ok(table.into_iter().map(|(key, value)| (key, toml_value(value))).collect())
}

/// TOML dates become RFC 3339 strings, the form templates and steps read.
pub fn toml_value(value: toml::Value) -> Value {
    match value {
        toml::Value::String(text) => Value::String(text),
        toml::Value::Integer(number) => Value::from(number),
        toml::Value::Float(number) => Number::from_f64(number).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(flag) => Value::Bool(flag),
        toml::Value::Datetime(datetime) => Value::String(datetime.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_value).collect()),
        toml::Value::Table(table) => {
            Value::Object(table.into_iter().map(|(key, value)| (key, toml_value(value))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn yaml_block_becomes_metadata() {
        let text = "---\ntitle: Hello\ntags: [a, b]\ndraft: true\n---\n# Body\n";
        let (map, start) = split(text).unwrap();
        assert_eq!(Value::Object(map), json!({ "title": "Hello", "tags": ["a", "b"], "draft": true }));
        assert_eq!(&text[start..], "# Body\n");
    }

    #[test]
    fn toml_block_becomes_metadata_with_dates_as_text() {
        let text = "+++\ntitle = \"Hi\"\ndate = 2024-05-01\n+++\nbody";
        let (map, start) = split(text).unwrap();
        assert_eq!(Value::Object(map), json!({ "title": "Hi", "date": "2024-05-01" }));
        assert_eq!(&text[start..], "body");
    }

    #[test]
    fn no_block_means_no_metadata() {
        assert_eq!(split("# just text\n---\n").unwrap(), (Map::new(), 0));
        assert_eq!(split("----\nnot a fence\n").unwrap(), (Map::new(), 0));
    }

    #[test]
    fn crlf_and_bom_are_understood() {
        let text = "\u{feff}---\r\ntitle: Win\r\n---\r\nbody";
        let (map, start) = split(text).unwrap();
        assert_eq!(map["title"], "Win");
        assert_eq!(&text[start..], "body");
    }

    #[test]
    fn bad_yaml_is_located_in_the_file() {
        let error = split("---\ntitle: ok\ntags: [a, b\n---\n").unwrap_err();
        assert!(error.line >= 3, "{error:?}");
        assert!(!error.message.is_empty());
    }

    #[test]
    fn bad_toml_is_located_in_the_file() {
        let error = split("+++\ntitle = \"ok\"\ndate = = 3\n+++\n").unwrap_err();
        assert_eq!(error.line, 3, "{error:?}");
    }

    #[test]
    fn unclosed_block_says_how_to_close_it() {
        let error = split("---\ntitle: x\n").unwrap_err();
        assert!(error.message.contains("never closed"), "{error:?}");
    }

    #[test]
    fn a_list_is_not_front_matter() {
        assert!(split("---\n- a\n- b\n---\n").unwrap_err().message.contains("mapping"));
    }

    #[test]
    fn empty_block_is_empty_metadata() {
        let (map, start) = split("---\n---\nx").unwrap();
        assert!(map.is_empty());
        assert_eq!(start, 8);
    }
}
