//! The JSON shape of the WIT types: what `--format json` prints and what
//! spec files (`workbench plugins test`) are written in.
//!
//! Keys are the WIT field names, kebab-case as in `wit/`; enums are their
//! WIT case names (`"warning"`, `"consent-blocked"`); file contents are text
//! when they are UTF-8 and `{ "hex": "..." }` otherwise; metadata and
//! options, JSON text at the boundary, appear here as JSON values.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::plugins::bindings::{detector, lint_check, site_step, template_helper, types};

// --- WIT → JSON -------------------------------------------------------------

pub fn position(position: types::Position) -> Value {
    json!({ "line": position.line, "column": position.column })
}

pub fn span(span: types::Span) -> Value {
    json!({ "start": span.start, "end": span.end, "line": span.line, "column": span.column })
}

pub fn severity(severity: types::Severity) -> &'static str {
    match severity {
        types::Severity::Info => "info",
        types::Severity::Warning => "warning",
        types::Severity::Error => "error",
    }
}

pub fn contents(bytes: &[u8]) -> Value {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Value::String(text.to_string());
    }
    json!({ "hex": crate::hex::encode(bytes) })
}

/// Metadata travels as JSON text; show it as JSON, or as the raw text if a
/// plugin returned something that does not parse.
pub fn metadata(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

pub fn evidence(evidence: &detector::Evidence) -> Value {
    json!({
        "source": evidence.source.name(),
        "matched": evidence.matched,
        "position": evidence.position.map(position),
    })
}

pub fn detection(detection: &detector::Detection) -> Value {
    json!({
        "service": detection.service,
        "name": detection.name,
        "category": detection.category.name(),
        "confidence": detection.confidence,
        "version": detection.version,
        "settings": detection.settings.iter().map(|setting| json!({
            "key": setting.key,
            "value": setting.value,
            "evidence": evidence(&setting.evidence),
        })).collect::<Vec<_>>(),
        "evidence": detection.evidence.iter().map(evidence).collect::<Vec<_>>(),
        "consent-gated": detection.consent_gated,
    })
}

pub fn service_info(service: &detector::ServiceInfo) -> Value {
    json!({
        "service": service.service,
        "name": service.name,
        "category": service.category.name(),
        "settings": service.settings,
    })
}

pub fn diagnostic(diagnostic: &lint_check::Diagnostic) -> Value {
    json!({
        "rule": diagnostic.rule,
        "severity": severity(diagnostic.severity),
        "message": diagnostic.message,
        "path": diagnostic.path,
        "span": diagnostic.span.map(span),
        "help": diagnostic.help,
        "fix": diagnostic.fix.as_ref().map(|fix| json!({
            "description": fix.description,
            "edits": fix.edits.iter().map(|edit| json!({
                "start": edit.start,
                "end": edit.end,
                "replacement": edit.replacement,
            })).collect::<Vec<_>>(),
        })),
    })
}

pub fn rule_info(rule: &lint_check::RuleInfo) -> Value {
    json!({
        "id": rule.id,
        "default-severity": severity(rule.default_severity),
        "summary": rule.summary,
        "explanation": rule.explanation,
        "fixable": rule.fixable,
    })
}

pub fn checker_info(info: &lint_check::CheckerInfo) -> Value {
    json!({ "patterns": info.patterns, "rules": info.rules.iter().map(rule_info).collect::<Vec<_>>() })
}

pub fn step_info(info: &site_step::StepInfo) -> Value {
    json!({
        "per-file": info.per_file,
        "patterns": info.patterns,
        "reads": info.reads,
        "copies": info.copies.iter().map(|copy| json!({ "from": copy.from, "to": copy.to })).collect::<Vec<_>>(),
    })
}

pub fn site(site: &site_step::Site) -> Value {
    json!({
        "files": site.files.iter().map(|file| json!({
            "path": file.path,
            "contents": contents(&file.contents),
            "metadata": metadata(&file.metadata),
        })).collect::<Vec<_>>(),
        "metadata": metadata(&site.metadata),
    })
}

pub fn value(value: &template_helper::Value) -> Value {
    match value {
        template_helper::Value::Text(text) => json!(text),
        template_helper::Value::Integer(integer) => json!(integer),
        template_helper::Value::Number(number) => json!(number),
        template_helper::Value::Boolean(boolean) => json!(boolean),
        template_helper::Value::Json(text) => metadata(text),
    }
}

pub fn helper_info(helper: &template_helper::HelperInfo) -> Value {
    json!({ "name": helper.name, "description": helper.description })
}

// --- JSON → WIT (inputs written by people) --------------------------------

/// A value given as a template-helper argument: scalars map to their WIT
/// case; arrays and objects travel as `json`.
pub fn to_value(value: &Value) -> template_helper::Value {
    match value {
        Value::String(text) => template_helper::Value::Text(text.clone()),
        Value::Bool(boolean) => template_helper::Value::Boolean(*boolean),
        Value::Number(number) => match number.as_i64() {
            Some(integer) => template_helper::Value::Integer(integer),
            None => template_helper::Value::Number(number.as_f64().unwrap_or(f64::NAN)),
        },
        Value::Null | Value::Array(_) | Value::Object(_) => template_helper::Value::Json(value.to_string()),
    }
}

/// A file given in a spec: `contents` is text, or `contents-hex` bytes
/// (an image, say) written as hex.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FileInput {
    pub path: String,
    #[serde(default)]
    pub contents: String,
    #[serde(default, deserialize_with = "hex_bytes")]
    pub contents_hex: Option<Vec<u8>>,
    /// Front matter and earlier steps' keys (site steps only).
    #[serde(default)]
    pub metadata: Map<String, Value>,
    /// The source file a site file came from [default: its path].
    pub source: Option<String>,
}

fn hex_bytes<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<u8>>, D::Error> {
    let text = String::deserialize(deserializer)?;
    crate::hex::decode(&text).map(Some).map_err(serde::de::Error::custom)
}

impl FileInput {
    fn bytes(&self) -> Vec<u8> {
        self.contents_hex.clone().unwrap_or_else(|| self.contents.as_bytes().to_vec())
    }

    pub fn to_file(&self) -> types::File {
        types::File { path: self.path.clone(), contents: self.bytes() }
    }

    pub fn to_site_file(&self) -> site_step::SiteFile {
        site_step::SiteFile {
            path: self.path.clone(),
            source: self.source.clone().unwrap_or_else(|| self.path.clone()),
            contents: self.bytes(),
            metadata: Value::Object(self.metadata.clone()).to_string(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CallInput {
    pub helper: String,
    #[serde(default)]
    pub args: Vec<Value>,
}

impl CallInput {
    pub fn to_call(&self) -> template_helper::Call {
        template_helper::Call { helper: self.helper.clone(), args: self.args.iter().map(to_value).collect() }
    }
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PositionInput {
    pub line: u32,
    pub column: u32,
}

impl Default for PositionInput {
    fn default() -> PositionInput {
        PositionInput { line: 1, column: 1 }
    }
}

impl From<PositionInput> for types::Position {
    fn from(input: PositionInput) -> types::Position {
        types::Position { line: input.line, column: input.column }
    }
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScriptStateInput {
    #[default]
    Active,
    Commented,
    ConsentBlocked,
    Inert,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ScriptInput {
    pub src: Option<String>,
    pub text: String,
    pub attributes: Map<String, Value>,
    pub position: PositionInput,
    /// Where the inline text starts; defaults to `position`.
    pub text_position: Option<PositionInput>,
    pub state: ScriptStateInput,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct TaggedInput {
    pub name: String,
    pub content: String,
    pub rel: String,
    pub href: String,
    pub text: String,
    pub position: PositionInput,
}

/// A page given in a spec; every field but what the case is about may be
/// left out.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct PageInput {
    pub url: String,
    pub status: u16,
    pub headers: Map<String, Value>,
    pub cookies: Map<String, Value>,
    pub scripts: Vec<ScriptInput>,
    pub meta: Vec<TaggedInput>,
    pub links: Vec<TaggedInput>,
    pub noscripts: Vec<TaggedInput>,
    pub comments: Vec<TaggedInput>,
    pub body: String,
    /// A whole HTML document, parsed by the same extractor `workbench detect`
    /// uses; when given, the fields above other than `url`, `status`,
    /// `headers` and `cookies` must be left out.
    pub html: Option<String>,
}

impl Default for PageInput {
    fn default() -> PageInput {
        PageInput {
            url: "https://example.com/".into(),
            status: 200,
            headers: Map::new(),
            cookies: Map::new(),
            scripts: Vec::new(),
            meta: Vec::new(),
            links: Vec::new(),
            noscripts: Vec::new(),
            comments: Vec::new(),
            body: String::new(),
            html: None,
        }
    }
}

fn pairs(map: &Map<String, Value>) -> Vec<(String, String)> {
    map.iter()
        .map(|(key, value)| {
            let value = value.as_str().map_or_else(|| value.to_string(), str::to_string);
            (key.clone(), value)
        })
        .collect()
}

impl PageInput {
    pub fn to_page(&self) -> detector::Page {
        let located = |items: &[TaggedInput]| {
            items
                .iter()
                .map(|item| detector::LocatedText { text: item.text.clone(), position: item.position.into() })
                .collect()
        };
        detector::Page {
            url: self.url.clone(),
            status: self.status,
            headers: pairs(&self.headers),
            cookies: pairs(&self.cookies),
            scripts: self
                .scripts
                .iter()
                .map(|script| detector::Script {
                    src: script.src.clone(),
                    text: script.text.clone(),
                    attributes: pairs(&script.attributes),
                    position: script.position.into(),
                    text_position: script.text_position.unwrap_or(script.position).into(),
                    state: match script.state {
                        ScriptStateInput::Active => detector::ScriptState::Active,
                        ScriptStateInput::Commented => detector::ScriptState::Commented,
                        ScriptStateInput::ConsentBlocked => detector::ScriptState::ConsentBlocked,
                        ScriptStateInput::Inert => detector::ScriptState::Inert,
                    },
                })
                .collect(),
            meta: self
                .meta
                .iter()
                .map(|meta| detector::MetaTag {
                    name: meta.name.clone(),
                    content: meta.content.clone(),
                    position: meta.position.into(),
                })
                .collect(),
            links: self
                .links
                .iter()
                .map(|link| detector::Link {
                    rel: link.rel.clone(),
                    href: link.href.clone(),
                    position: link.position.into(),
                })
                .collect(),
            noscripts: located(&self.noscripts),
            comments: located(&self.comments),
            body: self.body.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_contents_are_hex() {
        assert_eq!(contents(b"hi"), json!("hi"));
        assert_eq!(contents(&[0xff, 0x00]), json!({ "hex": "ff00" }));
    }

    #[test]
    fn helper_arguments_keep_their_kind() {
        assert!(matches!(to_value(&json!(3)), template_helper::Value::Integer(3)));
        assert!(matches!(to_value(&json!(2.5)), template_helper::Value::Number(n) if (n - 2.5).abs() < 1e-9));
        assert!(matches!(to_value(&json!([1])), template_helper::Value::Json(text) if text == "[1]"));
    }
}

// --- JSON → WIT, for results read back from a cache ------------------------

fn u32_at(value: &Value, key: &str) -> Option<u32> {
    value.get(key)?.as_u64().and_then(|n| u32::try_from(n).ok())
}

fn severity_from(text: &str) -> Option<types::Severity> {
    match text {
        "info" => Some(types::Severity::Info),
        "warning" => Some(types::Severity::Warning),
        "error" => Some(types::Severity::Error),
        _ => None,
    }
}

/// The inverse of [`diagnostic`]; `None` for anything malformed, so a
/// damaged cache entry is recomputed rather than trusted.
pub fn diagnostic_from(value: &Value) -> Option<lint_check::Diagnostic> {
    let text = |key: &str| value.get(key)?.as_str().map(str::to_string);
    let span = match value.get("span")? {
        Value::Null => None,
        span => Some(types::Span {
            start: u32_at(span, "start")?,
            end: u32_at(span, "end")?,
            line: u32_at(span, "line")?,
            column: u32_at(span, "column")?,
        }),
    };
    let fix = match value.get("fix")? {
        Value::Null => None,
        fix => Some(lint_check::Fix {
            description: fix.get("description")?.as_str()?.to_string(),
            edits: fix
                .get("edits")?
                .as_array()?
                .iter()
                .map(|edit| {
                    Some(lint_check::Edit {
                        start: u32_at(edit, "start")?,
                        end: u32_at(edit, "end")?,
                        replacement: edit.get("replacement")?.as_str()?.to_string(),
                    })
                })
                .collect::<Option<Vec<_>>>()?,
        }),
    };
    Some(lint_check::Diagnostic {
        rule: text("rule")?,
        severity: severity_from(value.get("severity")?.as_str()?)?,
        message: text("message")?,
        path: text("path")?,
        span,
        help: text("help"),
        fix,
    })
}

#[cfg(test)]
mod round_trip {
    use super::*;

    #[test]
    fn diagnostics_survive_json() {
        let original = lint_check::Diagnostic {
            rule: "a/b".into(),
            severity: types::Severity::Warning,
            message: "m".into(),
            path: "p".into(),
            span: Some(types::Span { start: 1, end: 2, line: 3, column: 4 }),
            help: None,
            fix: Some(lint_check::Fix {
                description: "d".into(),
                edits: vec![lint_check::Edit { start: 1, end: 2, replacement: "x".into() }],
            }),
        };
        let back = diagnostic_from(&diagnostic(&original)).unwrap();
        assert_eq!(diagnostic(&back), diagnostic(&original));
        assert!(diagnostic_from(&json!({ "rule": "x" })).is_none());
    }
}
