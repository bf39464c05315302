//! The Handlebars helpers every template may call: Khaos's own (`default`,
//! `date`, `is`, `isnt`, the `*case` family), `contains` for multi-choice
//! answers, `json` for a quoted string in JSON or TOML, Mustache-style
//! blocks over plain values (`{{#mit}}...{{/mit}}`, which Handlebars.js
//! allows and handlebars-rust does not without help), and the helpers that
//! template-helper plugins bring.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Datelike, FixedOffset};
use handlebars::{
    BlockContext, Context, Handlebars, Helper, HelperDef, HelperResult, JsonTruthy, Output, RenderContext, RenderError,
    RenderErrorReason, Renderable, ScopedJson, handlebars_helper,
};
use heck::{ToKebabCase, ToLowerCamelCase, ToShoutySnakeCase, ToSnakeCase, ToTitleCase, ToUpperCamelCase};
use serde_json::{Value, json};

use crate::plugins::Plugin;
use crate::wit_json as plugin_json;

/// Khaos's case helpers (from the `to-case` package), by the names Khaos
/// registered them under.
pub const CASE_HELPERS: [&str; 13] = [
    "camelcase",
    "capitalcase",
    "constantcase",
    "dotcase",
    "inversecase",
    "lowercase",
    "pascalcase",
    "sentencecase",
    "slugcase",
    "snakecase",
    "spacecase",
    "titlecase",
    "uppercase",
];

/// Registers the built-in helpers; `now` is the run's time, which the
/// automatic `date` value stands for.
pub fn register(registry: &mut Handlebars<'_>, now: DateTime<FixedOffset>) {
    handlebars_helper!(default_helper: |value: Json, fallback: Json| {
        if js_truthy(value) { value.clone() } else { fallback.clone() }
    });
    handlebars_helper!(is: |a: Json, b: Json| a == b);
    handlebars_helper!(isnt: |a: Json, b: Json| a != b);
    handlebars_helper!(contains: |list: Json, item: Json| match list {
        Value::Array(items) => items.contains(item),
        Value::String(text) => item.as_str().is_some_and(|item| text.contains(item)),
        _ => false,
    });
    // A quoted, escaped string: valid JSON, and a valid TOML basic string.
    handlebars_helper!(json_helper: |value: Json| value.to_string());
    registry.register_helper("json", Box::new(json_helper));
    registry.register_helper("default", Box::new(default_helper));
    registry.register_helper("is", Box::new(is));
    registry.register_helper("isnt", Box::new(isnt));
    registry.register_helper("contains", Box::new(contains));
    registry.register_helper("date", Box::new(DateHelper { now }));
    for name in CASE_HELPERS {
        registry.register_helper(name, Box::new(CaseHelper { name }));
    }
    registry.register_helper("blockHelperMissing", Box::new(Section));
}

/// JavaScript truthiness, which Khaos's `default` uses.
fn js_truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(flag) => *flag,
        Value::Number(number) => number.as_f64().is_some_and(|n| n != 0.0 && !n.is_nan()),
        Value::String(text) => !text.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

struct CaseHelper {
    name: &'static str,
}

impl HelperDef for CaseHelper {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        helper: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let text = match helper.param(0).map(handlebars::PathAndJson::value) {
            Some(Value::String(text)) => text.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        Ok(ScopedJson::Derived(json!(convert_case(self.name, &text))))
    }
}

/// `to-case`'s conversions: words split at spaces, punctuation and case
/// changes, then joined in the named style.
pub fn convert_case(name: &str, text: &str) -> String {
    let words: Vec<String> = text.to_snake_case().split('_').filter(|w| !w.is_empty()).map(str::to_string).collect();
    match name {
        "camelcase" => text.to_lower_camel_case(),
        "pascalcase" => text.to_upper_camel_case(),
        "constantcase" => text.to_shouty_snake_case(),
        "snakecase" => text.to_snake_case(),
        "slugcase" => text.to_kebab_case(),
        "titlecase" | "capitalcase" => text.to_title_case(),
        "dotcase" => words.join("."),
        "spacecase" => words.join(" "),
        "sentencecase" => {
            let joined = words.join(" ");
            let mut chars = joined.chars();
            chars.next().map_or(String::new(), |first| first.to_uppercase().chain(chars).collect())
        }
        "inversecase" => text
            .chars()
            .map(|c| if c.is_uppercase() { c.to_lowercase().collect::<String>() } else { c.to_uppercase().collect() })
            .collect(),
        "uppercase" => text.to_uppercase(),
        _ => text.to_lowercase(),
    }
}

/// Khaos's `{{date date "YYYY"}}`: moment.js format tokens over a date. The
/// automatic `date` value stands for the run's time; other values are parsed
/// as RFC 3339 or `YYYY-MM-DD`.
struct DateHelper {
    now: DateTime<FixedOffset>,
}

impl HelperDef for DateHelper {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        helper: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let when = match helper.param(0).and_then(|param| param.value().as_str()) {
            None => self.now,
            Some(text) if text == js_date_string(self.now) => self.now,
            Some(text) => parse_date(text).ok_or_else(|| {
                RenderError::from(RenderErrorReason::Other(format!("`date` cannot read {text:?} as a date")))
            })?,
        };
        let format = helper.param(1).and_then(|param| param.value().as_str()).unwrap_or("YYYY-MM-DD");
        Ok(ScopedJson::Derived(json!(moment_format(when, format))))
    }
}

fn parse_date(text: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(text).ok().or_else(|| {
        let day = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
        Some(day.and_hms_opt(0, 0, 0)?.and_utc().fixed_offset())
    })
}

/// How JavaScript prints a `Date` (`{{date}}` in a Khaos template).
pub fn js_date_string(when: DateTime<FixedOffset>) -> String {
    let zone = if when.offset().local_minus_utc() == 0 { " (Coordinated Universal Time)" } else { "" };
    format!("{}{zone}", when.format("%a %b %d %Y %H:%M:%S GMT%z"))
}

/// moment.js format tokens (the common ones); `[text]` is literal.
pub fn moment_format(when: DateTime<FixedOffset>, format: &str) -> String {
    const TOKENS: [&str; 22] = [
        "YYYY", "YY", "MMMM", "MMM", "MM", "Mo", "M", "DDDD", "Do", "DD", "D", "dddd", "ddd", "HH", "H", "hh", "h",
        "mm", "ss", "A", "a", "Z",
    ];
    let mut out = String::new();
    let mut rest = format;
    while !rest.is_empty() {
        if let Some(literal) = rest.strip_prefix('[')
            && let Some(end) = literal.find(']')
        {
            out.push_str(&literal[..end]);
            rest = &literal[end + 1..];
            continue;
        }
        let Some(token) = TOKENS.iter().find(|token| rest.starts_with(**token)) else {
            let c = rest.chars().next().expect("rest is not empty");
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        };
        let piece = match *token {
            "YYYY" => when.format("%Y").to_string(),
            "YY" => when.format("%y").to_string(),
            "MMMM" => when.format("%B").to_string(),
            "MMM" => when.format("%b").to_string(),
            "MM" => when.format("%m").to_string(),
            "Mo" => ordinal(when.month()),
            "M" => when.month().to_string(),
            "DDDD" => when.format("%j").to_string(),
            "Do" => ordinal(when.day()),
            "DD" => when.format("%d").to_string(),
            "D" => when.day().to_string(),
            "dddd" => when.format("%A").to_string(),
            "ddd" => when.format("%a").to_string(),
            "HH" => when.format("%H").to_string(),
            "H" => when.format("%-H").to_string(),
            "hh" => when.format("%I").to_string(),
            "h" => when.format("%-I").to_string(),
            "mm" => when.format("%M").to_string(),
            "ss" => when.format("%S").to_string(),
            "A" => when.format("%p").to_string(),
            "a" => when.format("%p").to_string().to_lowercase(),
            _ => when.format("%:z").to_string(),
        };
        out.push_str(&piece);
        rest = &rest[token.len()..];
    }
    out
}

fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// `{{#name}}...{{/name}}` over a value rather than a helper, as Mustache
/// and Handlebars.js read it: a list repeats the block per item, an object
/// becomes its context, any other truthy value shows it once; a falsy value
/// shows the `{{else}}` part.
struct Section;

impl HelperDef for Section {
    fn call<'reg: 'rc, 'rc>(
        &self,
        helper: &Helper<'rc>,
        registry: &'reg Handlebars<'reg>,
        context: &'rc Context,
        render: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let value = render.evaluate(context, helper.name())?.as_json().clone();
        let truthy = match &value {
            Value::Array(items) => !items.is_empty(),
            other => other.is_truthy(false),
        };
        if !truthy {
            if let Some(inverse) = helper.inverse() {
                inverse.render(registry, context, render, out)?;
            }
            return Ok(());
        }
        let Some(block) = helper.template() else { return Ok(()) };
        match value {
            Value::Array(items) => {
                for item in items {
                    let mut scope = BlockContext::new();
                    scope.set_base_value(item);
                    render.push_block(scope);
                    let result = block.render(registry, context, render, out);
                    render.pop_block();
                    result?;
                }
                Ok(())
            }
            Value::Object(_) => {
                let mut scope = BlockContext::new();
                scope.set_base_value(value);
                render.push_block(scope);
                let result = block.render(registry, context, render, out);
                render.pop_block();
                result
            }
            _ => block.render(registry, context, render, out),
        }
    }
}

/// A helper a template-helper plugin provides. Each distinct call crosses
/// into the plugin once; repeats (a name used in many files) are answered
/// from memory. A failed call fails the render with the plugin's message.
pub struct PluginHelper {
    pub plugin: Arc<Plugin>,
    pub name: String,
    memo: Arc<Mutex<HashMap<String, Result<Value, String>>>>,
    /// Raised on a failed call, so the command can exit as a plugin failure.
    failed: Arc<AtomicBool>,
}

impl PluginHelper {
    pub fn new(plugin: Arc<Plugin>, name: String, failed: Arc<AtomicBool>) -> PluginHelper {
        PluginHelper { plugin, name, memo: Arc::default(), failed }
    }
}

impl HelperDef for PluginHelper {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        helper: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let args: Vec<Value> = helper.params().iter().map(|param| param.value().clone()).collect();
        let key = serde_json::to_string(&args).unwrap_or_default();
        let mut memo = self.memo.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let answer = memo
            .entry(key)
            .or_insert_with(|| {
                let call = crate::plugins::bindings::template_helper::Call {
                    helper: self.name.clone(),
                    args: args.iter().map(plugin_json::to_value).collect(),
                };
                match self.plugin.call_helpers(&[call]) {
                    Ok(mut results) => match results.pop() {
                        Some(Ok(value)) => Ok(plugin_json::value(&value)),
                        Some(Err(failure)) => Err(failure.to_string()),
                        None => Err(format!("plugin `{}` gave no answer", self.plugin.name())),
                    },
                    Err(failure) => Err(failure.to_string()),
                }
            })
            .clone();
        answer.map(ScopedJson::Derived).map_err(|message| {
            self.failed.store(true, Ordering::Relaxed);
            RenderErrorReason::Other(message).into()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    #[test]
    fn moment_tokens_format_like_moment() {
        let when = at("2026-03-04T05:06:07Z");
        assert_eq!(moment_format(when, "YYYY"), "2026");
        assert_eq!(moment_format(when, "MMMM Do, YYYY [at] HH:mm"), "March 4th, 2026 at 05:06");
        assert_eq!(moment_format(when, "ddd D/M/YY h a"), "Wed 4/3/26 5 am");
    }

    #[test]
    fn javascript_date_strings_match_node_in_utc() {
        assert_eq!(
            js_date_string(at("2026-03-04T05:06:07Z")),
            "Wed Mar 04 2026 05:06:07 GMT+0000 (Coordinated Universal Time)"
        );
    }

    #[test]
    fn case_helpers_split_words_like_to_case() {
        assert_eq!(convert_case("camelcase", "my new plugin"), "myNewPlugin");
        assert_eq!(convert_case("pascalcase", "my-new_plugin"), "MyNewPlugin");
        assert_eq!(convert_case("constantcase", "myNewPlugin"), "MY_NEW_PLUGIN");
        assert_eq!(convert_case("slugcase", "My New Plugin"), "my-new-plugin");
        assert_eq!(convert_case("dotcase", "My New Plugin"), "my.new.plugin");
        assert_eq!(convert_case("sentencecase", "my_new_plugin"), "My new plugin");
        assert_eq!(convert_case("inversecase", "aB"), "Ab");
    }
}
