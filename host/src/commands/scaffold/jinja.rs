//! Jinja2 as cookiecutter runs it, on minijinja.
//!
//! minijinja parses the same language; what differs is what Python does
//! around it, and every difference that changes bytes is closed here:
//! values print as Python prints them (`True`, `None`, `['a', 'b']`),
//! undefined values are errors (cookiecutter's `StrictUndefined`), nothing
//! is HTML-escaped, a file's last newline is kept, Python's string and dict
//! methods work (`.lower()`, `.replace()`, `.items()`, through
//! minijinja-contrib's `pycompat`), and cookiecutter's built-in extensions
//! exist: `jsonify`, `slugify`, `random_ascii_string`, `uuid4` and the
//! `{% now %}` tag.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, LazyLock, Mutex};

use chrono::{DateTime, FixedOffset, Local, Utc};
use minijinja::value::{Kwargs, Value as JinjaValue, ValueKind};
use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior};
use regex::Regex;
use serde_json::{Map, Value};

/// Whitespace settings a template may choose (cookiecutter's
/// `_jinja2_env_vars`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    pub trim_blocks: bool,
    pub lstrip_blocks: bool,
    /// cookiecutter turns it on; a template may turn it off.
    pub drop_trailing_newline: bool,
    /// Block, variable and comment delimiters other than Jinja's (copier's
    /// `_envops`), checked by [`syntax`] when read.
    pub delimiters: Option<[String; 6]>,
}

/// A template's own delimiters, as minijinja takes them: block start and
/// end, variable start and end, comment start and end.
pub fn syntax(delimiters: &[String; 6]) -> Result<minijinja::syntax::SyntaxConfig, minijinja::Error> {
    let [block_start, block_end, variable_start, variable_end, comment_start, comment_end] = delimiters.clone();
    minijinja::syntax::SyntaxConfig::builder()
        .block_delimiters(block_start, block_end)
        .variable_delimiters(variable_start, variable_end)
        .comment_delimiters(comment_start, comment_end)
        .build()
}

/// How a template sees its answers: cookiecutter's are under
/// `cookiecutter.`, beside the raw manifest as `_cookiecutter`; copier's
/// are at the top.
#[derive(Debug, Clone)]
pub struct Setup {
    pub options: Options,
    pub namespace: Option<&'static str>,
    /// An undefined value is an error (cookiecutter), or prints as nothing
    /// (copier's default `jinja2.Undefined`).
    pub strict: bool,
    pub globals: Vec<(String, Value)>,
    /// Files `{% include %}` and `{% extends %}` can name, by name.
    pub includes: Arc<HashMap<String, String>>,
}

/// A failed render, with the line when Jinja knows it.
#[derive(Debug)]
pub struct Failure {
    pub reason: String,
    pub line: Option<usize>,
}

pub struct Jinja {
    env: Environment<'static>,
    namespace: Option<&'static str>,
    /// What templates wrote into their answers with `cookiecutter.update({...})`.
    updates: Arc<Mutex<Map<String, Value>>>,
    /// How a block, a variable and a comment start: text without them is
    /// copied as it is.
    starts: [String; 3],
}

impl std::fmt::Debug for Jinja {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("Jinja").field("namespace", &self.namespace).finish_non_exhaustive()
    }
}

impl Jinja {
    pub fn new(setup: &Setup, now: DateTime<FixedOffset>) -> Jinja {
        let mut env = Environment::new();
        env.set_undefined_behavior(if setup.strict { UndefinedBehavior::Strict } else { UndefinedBehavior::Lenient });
        env.set_keep_trailing_newline(!setup.options.drop_trailing_newline);
        env.set_trim_blocks(setup.options.trim_blocks);
        env.set_lstrip_blocks(setup.options.lstrip_blocks);
        if let Some(delimiters) = &setup.options.delimiters {
            env.set_syntax(syntax(delimiters).expect("delimiters are checked when the template is read"));
        }
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.set_formatter(|out, _, value| {
            out.write_str(&python_str(value)).map_err(|_| minijinja::Error::new(ErrorKind::WriteFailure, "write"))
        });
        let updates = Arc::new(Mutex::new(Map::new()));
        let namespace = setup.namespace;
        let recorded = updates.clone();
        env.set_unknown_method_callback(move |state, value, method, args| {
            // cookiecutter-django's hooks trim answers with
            // `{{ cookiecutter.update({...}) }}`: a Python dict changed in
            // place, which later renders see. minijinja's values do not
            // change, so the update is recorded for the caller to apply.
            if method == "update"
                && let [ValueKind::Map] = args.iter().map(JinjaValue::kind).collect::<Vec<_>>().as_slice()
                && let Some(namespace) = namespace
                && state.lookup(namespace).is_some_and(|answers| &answers == value)
            {
                let given: Value = serde_json::to_value(&args[0])
                    .map_err(|error| minijinja::Error::new(ErrorKind::InvalidOperation, error.to_string()))?;
                if let (Value::Object(given), Ok(mut recorded)) = (given, recorded.lock()) {
                    recorded.extend(given);
                }
                return Ok(JinjaValue::from(()));
            }
            minijinja_contrib::pycompat::unknown_method_callback(state, value, method, args)
        });
        minijinja_contrib::add_to_environment(&mut env);
        let includes = setup.includes.clone();
        env.set_loader(move |name| Ok(includes.get(name).map(|text| normalize_newlines(text))));
        env.add_filter("string", |value: JinjaValue| python_str(&value));
        env.add_filter("jsonify", |value: JinjaValue, indent: Option<usize>| {
            let mut out = String::new();
            python_json(&value, indent.unwrap_or(4), 0, &mut out);
            out
        });
        env.add_filter("slugify", slugify_filter);
        if namespace.is_none() {
            super::ansible::add_filters(&mut env, now);
        }
        env.add_function("random_ascii_string", random_ascii_string);
        env.add_function("uuid4", uuid4);
        env.add_function(NOW_FUNCTION, move |timezone: String, format: Option<String>, shift: Option<String>| {
            now_tag(now, &timezone, format.as_deref(), shift.as_deref())
        });
        for (name, value) in &setup.globals {
            env.add_global(name.clone(), JinjaValue::from_serialize(value));
        }
        let starts = match &setup.options.delimiters {
            Some([block, _, variable, _, comment, _]) => [block.clone(), variable.clone(), comment.clone()],
            None => ["{%".into(), "{{".into(), "{#".into()],
        };
        Jinja { env, namespace: setup.namespace, updates, starts }
    }

    /// The answers templates changed with `cookiecutter.update(...)` so far.
    pub fn take_updates(&self) -> Map<String, Value> {
        self.updates.lock().map(|mut updates| std::mem::take(&mut *updates)).unwrap_or_default()
    }

    /// Renders `text` with `context` (the answers so far) under the
    /// template's namespace; `name` is where the text came from.
    pub fn render(&self, name: &str, text: &str, context: &Value) -> Result<String, Failure> {
        if !self.starts.iter().any(|start| text.contains(start.as_str())) {
            return Ok(text.to_string());
        }
        let normalized = normalize_newlines(text);
        let source = now_tags(&normalized);
        let rendered = match self.namespace {
            Some(namespace) => {
                let mut scope = HashMap::new();
                scope.insert(namespace, JinjaValue::from_serialize(context));
                self.env.render_named_str(name, &source, scope)
            }
            None => self.env.render_named_str(name, &source, context),
        };
        rendered.map_err(|error| failure(&error))
    }
}

/// Jinja2 reads `\r\n` and `\r` as `\n` (its lexer's `newline_sequence`).
fn normalize_newlines(text: &str) -> String {
    if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n") } else { text.to_string() }
}

fn failure(error: &minijinja::Error) -> Failure {
    let mut reason = match error.kind() {
        ErrorKind::UndefinedError => "a value it uses is undefined".to_string(),
        kind => kind.to_string(),
    };
    if let Some(detail) = error.detail() {
        let _ = write!(reason, ": {detail}");
    }
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        let _ = write!(reason, ": {inner}");
        source = inner.source();
    }
    Failure { reason, line: error.line() }
}

// --- Python's printing ---

/// `str(value)` in Python.
pub fn python_str(value: &JinjaValue) -> String {
    match value.kind() {
        ValueKind::Undefined => String::new(),
        ValueKind::String => value.as_str().unwrap_or_default().to_string(),
        _ => python_repr(value),
    }
}

/// `repr(value)` in Python.
fn python_repr(value: &JinjaValue) -> String {
    match value.kind() {
        ValueKind::Undefined => String::new(),
        ValueKind::None => "None".into(),
        ValueKind::Bool => if value.is_true() { "True" } else { "False" }.into(),
        ValueKind::Number => python_number(value),
        ValueKind::String => python_quote(value.as_str().unwrap_or_default()),
        ValueKind::Seq | ValueKind::Iterable => {
            let items: Vec<String> = value.try_iter().into_iter().flatten().map(|item| python_repr(&item)).collect();
            format!("[{}]", items.join(", "))
        }
        ValueKind::Map => {
            let items: Vec<String> = value
                .try_iter()
                .into_iter()
                .flatten()
                .map(|key| {
                    let item = value.get_item(&key).unwrap_or_default();
                    format!("{}: {}", python_repr(&key), python_repr(&item))
                })
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        _ => value.to_string(),
    }
}

pub(super) fn python_number(value: &JinjaValue) -> String {
    if value.is_integer() {
        return value.to_string();
    }
    match f64::try_from(value.clone()) {
        Ok(number) if number.is_nan() => "nan".into(),
        Ok(number) if number.is_infinite() => if number > 0.0 { "inf" } else { "-inf" }.into(),
        Ok(number) if number.fract() == 0.0 && number.abs() < 1e16 => format!("{number:.1}"),
        Ok(number) if number != 0.0 && (number.abs() >= 1e16 || number.abs() < 1e-4) => {
            // Python writes `1e+16` and `1e-05`; Rust writes `1e16` and `1e-5`.
            let text = format!("{number:e}");
            let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
            let (sign, digits) = exponent.strip_prefix('-').map_or(("+", exponent), |digits| ("-", digits));
            format!("{mantissa}e{sign}{digits:0>2}")
        }
        Ok(number) => number.to_string(),
        Err(_) => value.to_string(),
    }
}

/// Python's string `repr`: single quotes unless the text has one and no
/// double quote.
fn python_quote(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// A scalar as Python's `json` writes it; false for a list or mapping,
/// which each writer lays out its own way.
pub(super) fn json_scalar(value: &JinjaValue, out: &mut String) -> bool {
    match value.kind() {
        ValueKind::None | ValueKind::Undefined => out.push_str("null"),
        ValueKind::Bool => out.push_str(if value.is_true() { "true" } else { "false" }),
        ValueKind::Number => out.push_str(&python_number(value)),
        ValueKind::String => json_string(value.as_str().unwrap_or_default(), out),
        _ => return false,
    }
    true
}

/// `json.dumps(value, sort_keys=True, indent=indent)`, as cookiecutter's
/// `jsonify` calls it: ASCII only, `": "` between key and value.
pub(super) fn python_json(value: &JinjaValue, indent: usize, level: usize, out: &mut String) {
    let newline = |out: &mut String, level: usize| {
        out.push('\n');
        out.push_str(&" ".repeat(indent * level));
    };
    if json_scalar(value, out) {
        return;
    }
    if value.kind() == ValueKind::Map {
        let mut keys: Vec<JinjaValue> = value.try_iter().into_iter().flatten().collect();
        keys.sort_by_key(python_str);
        if keys.is_empty() {
            out.push_str("{}");
            return;
        }
        out.push('{');
        for (index, key) in keys.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            newline(out, level + 1);
            json_string(&python_str(key), out);
            out.push_str(": ");
            python_json(&value.get_item(key).unwrap_or_default(), indent, level + 1, out);
        }
        newline(out, level);
        out.push('}');
    } else {
        let items: Vec<JinjaValue> = value.try_iter().into_iter().flatten().collect();
        if items.is_empty() {
            out.push_str("[]");
            return;
        }
        out.push('[');
        for (index, item) in items.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            newline(out, level + 1);
            python_json(item, indent, level + 1, out);
        }
        newline(out, level);
        out.push(']');
    }
}

pub(super) fn json_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

// --- cookiecutter's extensions ---

/// python-slugify's `slugify` with its defaults: transliterated to ASCII,
/// lower-cased, every run of other characters one separator.
#[allow(clippy::needless_pass_by_value, reason = "minijinja hands filters their keyword arguments by value")]
fn slugify_filter(value: &str, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    static NUMBER_COMMA: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\d),(\d)").expect("valid regex"));
    static OTHER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[^-a-zA-Z0-9]+").expect("valid regex"));
    static DASHES: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"-{2,}").expect("valid regex"));
    let separator: Option<String> = kwargs.get("separator")?;
    let lowercase: Option<bool> = kwargs.get("lowercase")?;
    let max_length: Option<usize> = kwargs.get("max_length")?;
    let word_boundary: Option<bool> = kwargs.get("word_boundary")?;
    kwargs.assert_all_used()?;
    let mut text = value.replace('\'', "-");
    text = deunicode::deunicode(&text);
    if lowercase.unwrap_or(true) {
        text = text.to_lowercase();
    }
    text = text.replace('\'', "");
    // python-slugify drops a comma between digits (`1,000` -> `1000`).
    while NUMBER_COMMA.is_match(&text) {
        text = NUMBER_COMMA.replace_all(&text, "$1$2").into_owned();
    }
    text = OTHER.replace_all(&text, "-").into_owned();
    text = DASHES.replace_all(&text, "-").trim_matches('-').to_string();
    if let Some(max) = max_length.filter(|max| *max > 0) {
        text = truncate_slug(&text, max, word_boundary.unwrap_or(false));
    }
    Ok(match separator {
        Some(separator) if separator != "-" => text.replace('-', &separator),
        _ => text,
    })
}

/// python-slugify's `smart_truncate` with the `-` separator.
fn truncate_slug(text: &str, max: usize, word_boundary: bool) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    if !word_boundary {
        return text[..max].trim_matches('-').to_string();
    }
    let mut out = String::new();
    for word in text.split('-').filter(|word| !word.is_empty()) {
        let next = if out.is_empty() { word.len() } else { out.len() + 1 + word.len() };
        if next > max {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(word);
    }
    if out.is_empty() { text[..max].to_string() } else { out }
}

fn random_ascii_string(length: usize, punctuation: Option<bool>) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const PUNCTUATION: &[u8] = b"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    let mut corpus = LETTERS.to_vec();
    if punctuation.unwrap_or(false) {
        corpus.extend_from_slice(PUNCTUATION);
    }
    (0..length).map(|_| char::from(corpus[rand::random_range(0..corpus.len())])).collect()
}

fn uuid4() -> String {
    let mut bytes: [u8; 16] = rand::random();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = bytes.iter().fold(String::with_capacity(32), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    });
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

const NOW_FUNCTION: &str = "__workbench_now";

/// `{% now 'utc' %}`, `{% now 'local', '%Y' %}` and `{% now 'utc' + 'days=1' %}`
/// become calls of a function: minijinja has no custom tags, and the tag
/// only ever prints a value.
fn now_tags(text: &str) -> std::borrow::Cow<'_, str> {
    static TAG: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"\{%(-?)\s*now\s+((?:'[^']*'|"[^"]*"|[^%'"])*?)\s*(-?)%\}"#).expect("valid regex")
    });
    if !text.contains("now") {
        return text.into();
    }
    TAG.replace_all(text, |captures: &regex::Captures<'_>| {
        let arguments = split_top_level(&captures[2], ',');
        let (zone, shift) = match split_top_level(arguments[0], '+').as_slice() {
            [zone, shift] => ((*zone).to_string(), Some(format!("'+' ~ {shift}"))),
            _ => match split_top_level(arguments[0], '-').as_slice() {
                [zone, shift] => ((*zone).to_string(), Some(format!("'-' ~ {shift}"))),
                _ => (arguments[0].to_string(), None),
            },
        };
        let format = arguments.get(1).map_or("none".to_string(), |format| (*format).to_string());
        let shift = shift.unwrap_or_else(|| "none".into());
        format!("{{{{{} {NOW_FUNCTION}({zone}, {format}, {shift}) {}}}}}", &captures[1], &captures[3])
    })
}

/// Splits at `separator` outside quotes.
fn split_top_level(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut quote = None;
    let mut start = 0;
    for (index, c) in text.char_indices() {
        match quote {
            Some(open) if c == open => quote = None,
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == separator => {
                parts.push(text[start..index].trim());
                start = index + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts
}

/// The tag's value: the run's time (`SOURCE_DATE_EPOCH` when set) in UTC
/// or the local zone, shifted by `days=1, hours=-2`-style offsets, printed
/// with a strftime format (`%Y-%m-%d` unless given).
fn now_tag(
    now: DateTime<FixedOffset>,
    timezone: &str,
    format: Option<&str>,
    shift: Option<&str>,
) -> Result<String, minijinja::Error> {
    let bad = |message: String| minijinja::Error::new(ErrorKind::InvalidOperation, message);
    let mut time = match timezone.to_ascii_lowercase().as_str() {
        "utc" => now.with_timezone(&Utc).fixed_offset(),
        "local" => now.with_timezone(&Local).fixed_offset(),
        other => {
            return Err(bad(format!(
                "`{{% now '{other}' %}}`: workbench knows the zones 'utc' and 'local' (cookiecutter also takes IANA names)"
            )));
        }
    };
    if let Some(shift) = shift {
        let (sign, list) = shift.split_at(1);
        let sign = if sign == "-" { -1.0 } else { 1.0 };
        for part in list.split(',') {
            let (unit, amount) =
                part.split_once('=').ok_or_else(|| bad(format!("`{part}` is not a shift like `days=1`")))?;
            let amount: f64 =
                amount.trim().parse().map_err(|_| bad(format!("`{part}`: `{}` is not a number", amount.trim())))?;
            let seconds = match unit.trim() {
                "weeks" => 604_800.0,
                "days" => 86_400.0,
                "hours" => 3_600.0,
                "minutes" => 60.0,
                "seconds" => 1.0,
                other => return Err(bad(format!("`{other}`: shift by weeks, days, hours, minutes or seconds"))),
            };
            #[allow(clippy::cast_possible_truncation, reason = "a shift of a calendar is far inside i64 seconds")]
            let delta = chrono::TimeDelta::seconds((sign * amount * seconds).round() as i64);
            time += delta;
        }
    }
    let format = format.unwrap_or("%Y-%m-%d");
    let items: Vec<chrono::format::Item<'_>> = chrono::format::StrftimeItems::new(format).collect();
    if items.contains(&chrono::format::Item::Error) {
        return Err(bad(format!("`{format}` is not a strftime format")));
    }
    Ok(time.format_with_items(items.into_iter()).to_string())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn jinja() -> Jinja {
        let setup = Setup {
            options: Options::default(),
            namespace: Some("cookiecutter"),
            strict: true,
            globals: Vec::new(),
            includes: Arc::new(HashMap::from([("part.txt".to_string(), "[{{ cookiecutter.name }}]\r\n".to_string())])),
        };
        Jinja::new(&setup, DateTime::parse_from_rfc3339("2026-03-04T05:06:07Z").unwrap())
    }

    fn render(text: &str, context: &Value) -> String {
        jinja().render("t", text, context).unwrap()
    }

    #[test]
    fn values_print_as_python_prints_them() {
        let context = json!({"yes": true, "none": null, "list": ["a", "it's"], "map": {"k": 1.0}, "n": 3});
        assert_eq!(
            render(
                "{{ cookiecutter.yes }} {{ cookiecutter.none }} {{ cookiecutter.list }} {{ cookiecutter.map }} {{ cookiecutter.n }}",
                &context
            ),
            "True None ['a', \"it's\"] {'k': 1.0} 3"
        );
        assert_eq!(render("{{ cookiecutter.yes|string }}", &context), "True");
    }

    #[test]
    fn python_string_methods_and_the_last_newline_work() {
        let context = json!({"name": "My Tool"});
        assert_eq!(
            render("{{ cookiecutter.name.lower().replace(' ', '_') }}\n", &context),
            "my_tool\n",
            "keep_trailing_newline"
        );
        assert_eq!(render("<{{ cookiecutter.name }}>\r\nx", &context), "<My Tool>\nx");
    }

    #[test]
    fn undefined_values_are_errors_and_nothing_is_escaped() {
        let error = jinja().render("t", "{{ cookiecutter.missing }}", &json!({})).unwrap_err();
        assert!(error.reason.contains("undefined"), "{}", error.reason);
        assert_eq!(render("{{ cookiecutter.x }}", &json!({"x": "<a & b>"})), "<a & b>");
    }

    #[test]
    fn cookiecutter_extensions() {
        let context = json!({"name": "Ünïcode Naïve, 1,000 Café's"});
        assert_eq!(render("{{ cookiecutter.name|slugify }}", &context), "unicode-naive-1000-cafe-s");
        assert_eq!(render("{{ cookiecutter.name|slugify(separator='_') }}", &context), "unicode_naive_1000_cafe_s");
        assert_eq!(
            render("{{ {'b': [1, 'é'], 'a': none}|jsonify }}", &json!({})),
            "{\n    \"a\": null,\n    \"b\": [\n        1,\n        \"\\u00e9\"\n    ]\n}"
        );
        assert_eq!(
            render("{% now 'utc' %}|{% now 'utc', '%Y/%m' %}|{% now 'utc' + 'days=1', '%d' %}", &json!({})),
            "2026-03-04|2026/03|05"
        );
        assert_eq!(render("{{ random_ascii_string(12)|length }}", &json!({})), "12");
        assert_eq!(render("{{ uuid4()[14] }}", &json!({})), "4");
        assert_eq!(render("{% include 'part.txt' %}", &json!({"name": "x"})), "[x]\n");
    }

    #[test]
    fn updates_to_the_answers_are_recorded_for_later_renders() {
        let jinja = jinja();
        let context = json!({"email": " a@b.c "});
        let out =
            jinja.render("hook", "{{ cookiecutter.update({'email': cookiecutter.email|trim}) }}", &context).unwrap();
        assert_eq!(out, "None");
        assert_eq!(Value::Object(jinja.take_updates()), json!({"email": "a@b.c"}));
        assert!(
            jinja.render("t", "{{ {'a': 1}.update({'b': 2}) }}", &context).is_err(),
            "only the answers record updates"
        );
    }
}
