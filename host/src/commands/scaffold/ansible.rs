//! The filters of jinja2-ansible-filters that copier loads into every
//! template (its answers file is `{{ _copier_answers|to_nice_yaml }}`, its
//! public templates date themselves with `'%Y'|strftime`): the ones that
//! need no Python, written to print what Ansible's print.

use base64::Engine as _;
use chrono::{DateTime, FixedOffset, TimeZone as _};
use minijinja::value::{Kwargs, Value as JinjaValue, ValueKind};
use minijinja::{Environment, Error, ErrorKind};
use serde_json::Value;

use super::jinja::{json_scalar, json_string, python_json, python_str};

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, message.into())
}

fn to_json_value(value: &JinjaValue) -> Result<Value, Error> {
    serde_json::to_value(value).map_err(|error| invalid(error.to_string()))
}

/// A pattern as Python's `re` reads it (lookarounds and backreferences
/// included, which templates' validators use): fancy-regex.
fn regex(pattern: &str, ignorecase: bool, multiline: bool) -> Result<fancy_regex::Regex, Error> {
    let flags = match (ignorecase, multiline) {
        (false, false) => "",
        (true, false) => "(?i)",
        (false, true) => "(?m)",
        (true, true) => "(?im)",
    };
    fancy_regex::Regex::new(&format!("{flags}{pattern}"))
        .map_err(|error| invalid(format!("regex `{pattern}`: {error}")))
}

#[expect(clippy::needless_pass_by_value, reason = "taken as map_err's function")]
fn matching(error: fancy_regex::Error) -> Error {
    invalid(format!("regex: {error}"))
}

/// Adds the filters; `now` is the run's clock (`strftime` without a time).
pub fn add_filters(env: &mut Environment<'static>, now: DateTime<FixedOffset>) {
    add_collection_filters(env);
    env.add_filter("to_nice_yaml", |value: JinjaValue, kwargs: Kwargs| -> Result<String, Error> {
        let indent: Option<usize> = kwargs.get("indent")?;
        kwargs.assert_all_used()?;
        Ok(super::pyyaml::dump(&to_json_value(&value)?, indent.unwrap_or(4)))
    });
    env.add_filter("to_nice_json", |value: JinjaValue, kwargs: Kwargs| -> Result<String, Error> {
        let indent: Option<usize> = kwargs.get("indent")?;
        kwargs.assert_all_used()?;
        let mut out = String::new();
        python_json(&value, indent.unwrap_or(4), 0, &mut out);
        Ok(out)
    });
    env.add_filter("to_json", |value: JinjaValue| {
        let mut out = String::new();
        compact_json(&value, &mut out);
        out
    });
    env.add_filter("from_json", |text: String| -> Result<JinjaValue, Error> {
        let value: Value = serde_json::from_str(&text).map_err(|error| invalid(format!("from_json: {error}")))?;
        Ok(JinjaValue::from_serialize(&value))
    });
    env.add_filter("from_yaml", |text: String| -> Result<JinjaValue, Error> {
        let value =
            crate::front_matter::yaml_document(&text).map_err(|error| invalid(format!("from_yaml: {error}")))?;
        Ok(JinjaValue::from_serialize(&value))
    });
    env.add_filter("bool", |value: JinjaValue| match value.as_str() {
        Some(text) => matches!(text.trim().to_ascii_lowercase().as_str(), "yes" | "on" | "1" | "true"),
        None => value.is_true(),
    });
    env.add_filter(
        "ternary",
        |value: JinjaValue, yes: JinjaValue, no: JinjaValue| if value.is_true() { yes } else { no },
    );
    env.add_filter("regex_replace", |value: String, pattern: String, replacement: Option<String>, kwargs: Kwargs| {
        let ignorecase: Option<bool> = kwargs.get("ignorecase")?;
        let multiline: Option<bool> = kwargs.get("multiline")?;
        kwargs.assert_all_used()?;
        let pattern = regex(&pattern, ignorecase.unwrap_or(false), multiline.unwrap_or(false))?;
        let replacement = replacement.unwrap_or_default();
        let expander = fancy_regex::Expander::python();
        let mut out = String::new();
        let mut last = 0;
        for captures in pattern.captures_iter(value.as_str()) {
            let captures = captures.map_err(matching)?;
            let whole = captures.get(0).expect("a match has group 0");
            out.push_str(&value[last..whole.start()]);
            expander.append_expansion(&mut out, &replacement, &captures);
            last = whole.end();
        }
        out.push_str(&value[last..]);
        Ok::<_, Error>(out)
    });
    env.add_filter("regex_search", |value: String, pattern: String, kwargs: Kwargs| {
        let ignorecase: Option<bool> = kwargs.get("ignorecase")?;
        let multiline: Option<bool> = kwargs.get("multiline")?;
        kwargs.assert_all_used()?;
        let pattern = regex(&pattern, ignorecase.unwrap_or(false), multiline.unwrap_or(false))?;
        // No match is Python's None, which tests false.
        let found = pattern.find(value.as_str()).map_err(matching)?;
        Ok::<_, Error>(found.map_or(JinjaValue::from(()), |found| JinjaValue::from(found.as_str())))
    });
    env.add_filter("regex_findall", |value: String, pattern: String| {
        let pattern = regex(&pattern, false, false)?;
        pattern
            .find_iter(&value)
            .map(|found| found.map(|found| found.as_str().to_string()).map_err(matching))
            .collect::<Result<Vec<_>, Error>>()
    });
    env.add_filter("regex_escape", |value: String| fancy_regex::escape(&value).into_owned());
    env.add_filter("quote", |value: String| shell_quote(&value));
    env.add_filter("b64encode", |value: String| base64::engine::general_purpose::STANDARD.encode(value));
    env.add_filter("b64decode", |value: String| -> Result<String, Error> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(value.trim())
            .map_err(|error| invalid(format!("b64decode: {error}")))?;
        String::from_utf8(bytes).map_err(|_| invalid("b64decode: not UTF-8 text"))
    });
    env.add_filter("basename", |value: String| value.rsplit('/').next().unwrap_or_default().to_string());
    env.add_filter("dirname", |value: String| match value.rfind('/') {
        Some(0) => "/".to_string(),
        Some(index) => value[..index].trim_end_matches('/').to_string(),
        None => String::new(),
    });
    env.add_filter("mandatory", |value: JinjaValue| {
        if value.is_undefined() { Err(invalid("Mandatory variable not defined.")) } else { Ok(value) }
    });
    env.add_filter("strftime", move |format: String, second: Option<f64>| -> Result<String, Error> {
        let when = match second {
            #[expect(clippy::cast_possible_truncation, reason = "seconds since 1970 fit an i64")]
            Some(second) => now
                .timezone()
                .timestamp_opt(second.floor() as i64, 0)
                .single()
                .ok_or_else(|| invalid(format!("strftime: {second} is no time")))?,
            None => now,
        };
        Ok(when.format(&format).to_string())
    });
}

/// The filters over lists and mappings.
fn add_collection_filters(env: &mut Environment<'static>) {
    env.add_filter("flatten", |value: JinjaValue| -> Result<Vec<JinjaValue>, Error> {
        let mut out = Vec::new();
        flatten(&value, &mut out)?;
        Ok(out)
    });
    env.add_filter(
        "combine",
        |value: JinjaValue, others: minijinja::value::Rest<JinjaValue>| -> Result<JinjaValue, Error> {
            // Later mappings win; keys keep the order they first came in, as in a Python dict.
            let mut merged = indexmap::IndexMap::new();
            for map in std::iter::once(&value).chain(others.iter()) {
                if map.kind() != ValueKind::Map {
                    return Err(invalid(format!("combine expects mappings, got {map}")));
                }
                for key in map.try_iter()? {
                    let item = map.get_item(&key)?;
                    merged.insert(python_str(&key), item);
                }
            }
            Ok(JinjaValue::from_iter(merged))
        },
    );
    env.add_filter("dict2items", |value: JinjaValue| -> Result<Vec<JinjaValue>, Error> {
        let Value::Object(map) = to_json_value(&value)? else { return Err(invalid("dict2items expects a mapping")) };
        Ok(map
            .into_iter()
            .map(|(key, value)| JinjaValue::from_serialize(serde_json::json!({"key": key, "value": value})))
            .collect())
    });
    env.add_filter("items2dict", |value: JinjaValue| -> Result<JinjaValue, Error> {
        let Value::Array(items) = to_json_value(&value)? else { return Err(invalid("items2dict expects a list")) };
        let mut map = serde_json::Map::new();
        for item in items {
            match (item.get("key").and_then(Value::as_str), item.get("value")) {
                (Some(key), Some(value)) => {
                    map.insert(key.to_string(), value.clone());
                }
                _ => return Err(invalid("items2dict expects items with `key` and `value`")),
            }
        }
        Ok(JinjaValue::from_serialize(&map))
    });
}

fn flatten(value: &JinjaValue, out: &mut Vec<JinjaValue>) -> Result<(), Error> {
    if value.kind() == ValueKind::Seq {
        for item in value.try_iter()? {
            flatten(&item, out)?;
        }
    } else {
        out.push(value.clone());
    }
    Ok(())
}

/// Python's `json.dumps` with its defaults: keys in order, `, ` and `: `.
fn compact_json(value: &JinjaValue, out: &mut String) {
    if json_scalar(value, out) {
        return;
    }
    if value.kind() == ValueKind::Map {
        out.push('{');
        for (index, key) in value.try_iter().into_iter().flatten().enumerate() {
            if index > 0 {
                out.push_str(", ");
            }
            json_string(&python_str(&key), out);
            out.push_str(": ");
            compact_json(&value.get_item(&key).unwrap_or_default(), out);
        }
        out.push('}');
    } else {
        out.push('[');
        for (index, item) in value.try_iter().into_iter().flatten().enumerate() {
            if index > 0 {
                out.push_str(", ");
            }
            compact_json(&item, out);
        }
        out.push(']');
    }
}

/// Python's `shlex.quote`, which Ansible's `quote` is.
fn shell_quote(text: &str) -> String {
    if text.is_empty() {
        return "''".into();
    }
    if text.chars().all(|c| c.is_ascii_alphanumeric() || "@%+=:,./-_".contains(c)) {
        return text.to_string();
    }
    format!("'{}'", text.replace('\'', "'\"'\"'"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn render(text: &str) -> String {
        let mut env = Environment::new();
        add_filters(&mut env, DateTime::parse_from_rfc3339("2026-03-04T05:06:07+01:00").unwrap());
        env.render_str(text, json!({"map": {"b": 1}, "nested": [1, [2, [3]]], "path": "/a/b/c.txt"})).unwrap()
    }

    #[test]
    fn ansible_filters_print_what_ansible_prints() {
        assert_eq!(render("{{ '%Y-%m-%d %H'|strftime }}"), "2026-03-04 05");
        assert_eq!(render("{{ \"it's here\"|quote }} {{ 'plain'|quote }}"), "'it'\"'\"'s here' plain");
        assert_eq!(render("{{ 'abc'|b64encode }} {{ 'YWJj'|b64decode }}"), "YWJj abc");
        assert_eq!(render("{{ path|basename }} {{ path|dirname }}"), "c.txt /a/b");
        assert_eq!(render("{{ nested|flatten }}"), "[1, 2, 3]");
        assert_eq!(render("{{ (map|combine({'a': 2}))|to_json }}"), r#"{"b": 1, "a": 2}"#);
        assert_eq!(
            render("{{ 'x-1'|regex_search('[0-9]') }} {{ 'Ab'|regex_replace('a', '_', ignorecase=true) }}"),
            "1 _b"
        );
        assert_eq!(render("{% if 'abc'|regex_search('z') %}yes{% else %}no{% endif %}"), "no");
        assert_eq!(render("{{ 'a-b'|regex_search('a(?=-)') }} {{ 'aa'|regex_replace('(a)\\\\1', 'x') }}"), "a x");
    }
}
