//! A template's questions: their types, and how an answer given as text
//! (typed, `--set`) or as a value (`--values` file, answers file) becomes a
//! checked value. Every source of answers goes through the same checks.

use chrono::NaiveDate;
use regex::Regex;
use serde_json::{Value, json};

/// What kind of answer a prompt wants.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    String,
    /// Like `String`, but never echoed.
    Password,
    Bool,
    Integer,
    Number,
    /// `YYYY-MM-DD`.
    Date,
    Choice(Vec<String>),
    MultiChoice(Vec<String>),
    /// A JSON object (cookiecutter's dictionary variables).
    Dict,
    /// Any value as it is (a template's settings, never asked).
    Any,
    /// A value written in YAML (and so JSON): copier's `yaml` and `json` types.
    Yaml,
}

impl Kind {
    pub fn describe(&self) -> String {
        match self {
            Kind::String => "text".into(),
            Kind::Password => "password".into(),
            Kind::Bool => "yes/no".into(),
            Kind::Integer => "integer".into(),
            Kind::Number => "number".into(),
            Kind::Date => "date (YYYY-MM-DD)".into(),
            Kind::Choice(choices) => format!("one of {}", choices.join(", ")),
            Kind::MultiChoice(choices) => format!("any of {} (comma-separated)", choices.join(", ")),
            Kind::Dict => "a JSON object".into(),
            Kind::Any => "any value".into(),
            Kind::Yaml => "a YAML value".into(),
        }
    }
}

/// One question.
#[derive(Debug, Clone)]
pub struct Prompt {
    pub name: String,
    pub kind: Kind,
    /// The question shown (defaults to the name).
    pub label: Option<String>,
    pub help: Option<String>,
    /// A literal value; a string default is a template over earlier answers.
    pub default: Option<Value>,
    /// Without a default, an answer must be given (an empty text is no answer).
    pub required: bool,
    pub validate: Option<Regex>,
    /// A template: the question is asked only when it renders truthy.
    pub when: Option<String>,
    /// Never asked nor recorded: its default (or `--set`) is a value the
    /// template computes, such as cookiecutter's `_` and `__` keys.
    pub hidden: bool,
}

impl Prompt {
    pub fn new(name: impl Into<String>, kind: Kind) -> Prompt {
        Prompt {
            name: name.into(),
            kind,
            label: None,
            help: None,
            default: None,
            required: false,
            validate: None,
            when: None,
            hidden: false,
        }
    }

    pub fn label(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }

    /// The value a prompt takes when it is not required, has no default
    /// and the user accepts defaults: what an empty answer means in Khaos.
    pub fn empty_value(&self) -> Option<Value> {
        if self.required {
            return None;
        }
        match &self.kind {
            Kind::String | Kind::Password | Kind::Date => Some(json!("")),
            Kind::Bool => Some(json!(false)),
            Kind::MultiChoice(_) => Some(json!([])),
            Kind::Integer | Kind::Number | Kind::Choice(_) | Kind::Dict | Kind::Any | Kind::Yaml => None,
        }
    }

    /// An answer typed or given with `--set`.
    pub fn parse(&self, text: &str) -> Result<Value, String> {
        let value = match &self.kind {
            Kind::String | Kind::Password => json!(text),
            Kind::Bool => json!(parse_bool(text)?),
            Kind::Integer => {
                json!(text.trim().parse::<i64>().map_err(|_| format!("`{text}` is not an integer"))?)
            }
            Kind::Number => {
                let number: f64 = text.trim().parse().map_err(|_| format!("`{text}` is not a number"))?;
                if !number.is_finite() {
                    return Err(format!("`{text}` is not a finite number"));
                }
                json!(number)
            }
            Kind::Date => {
                NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                    .map_err(|_| format!("`{text}` is not a date like 2024-01-31"))?;
                json!(text.trim())
            }
            Kind::Choice(choices) => {
                let text = text.trim();
                if !choices.iter().any(|choice| choice == text) {
                    return Err(format!("`{text}` is not one of {}", choices.join(", ")));
                }
                json!(text)
            }
            Kind::Dict => {
                let value: Value =
                    serde_json::from_str(text).map_err(|error| format!("`{text}` is not JSON: {error}"))?;
                return self.accept(&value);
            }
            // A setting given on the command line: JSON when it reads as JSON, else the text.
            Kind::Any => return Ok(serde_json::from_str(text).unwrap_or_else(|_| json!(text))),
            Kind::Yaml => {
                return crate::front_matter::yaml_document(text)
                    .map_err(|error| format!("`{text}` is not YAML: {error}"));
            }
            Kind::MultiChoice(_) => {
                let picked: Vec<Value> =
                    text.split(',').map(str::trim).filter(|item| !item.is_empty()).map(|item| json!(item)).collect();
                return self.accept(&Value::Array(picked));
            }
        };
        self.check(value)
    }

    /// An answer given as a value (values file, answers file, default).
    pub fn accept(&self, value: &Value) -> Result<Value, String> {
        match (&self.kind, value) {
            // Copier reads text given for a YAML question as YAML, wherever it came from.
            (Kind::Yaml, Value::String(text)) => self.parse(text),
            (Kind::Any | Kind::Yaml, _) | (Kind::Dict, Value::Object(_)) => Ok(value.clone()),
            (_, Value::String(text)) if !matches!(self.kind, Kind::MultiChoice(_) | Kind::Dict) => self.parse(text),
            (Kind::Bool, Value::Bool(_)) | (Kind::Number, Value::Number(_)) => self.check(value.clone()),
            (Kind::Integer, Value::Number(number)) if number.is_i64() => self.check(value.clone()),
            (Kind::MultiChoice(choices), Value::Array(items)) => {
                for item in items {
                    match item.as_str() {
                        Some(item) if choices.iter().any(|choice| choice == item) => {}
                        _ => return Err(format!("{item} is not one of {}", choices.join(", "))),
                    }
                }
                Ok(value.clone())
            }
            (Kind::MultiChoice(_), Value::String(text)) => self.parse(text),
            _ => Err(format!("{value} is not a {}", self.kind.describe())),
        }
    }

    fn check(&self, value: Value) -> Result<Value, String> {
        if let (Some(pattern), Some(text)) = (&self.validate, value.as_str())
            && !pattern.is_match(text)
        {
            return Err(format!("`{text}` does not match the pattern `{pattern}`"));
        }
        if self.required && value.as_str() == Some("") {
            return Err("an answer is required".into());
        }
        Ok(value)
    }
}

fn parse_bool(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "t" | "yes" | "y" | "1" | "on" => Ok(true),
        "false" | "f" | "no" | "n" | "0" | "off" | "" => Ok(false),
        _ => Err(format!("`{text}` is not yes or no")),
    }
}

/// Whether a rendered `when` condition holds: anything but empty, `false`,
/// `0`, `no` (after trimming).
pub fn truthy(rendered: &str) -> bool {
    !matches!(rendered.trim().to_ascii_lowercase().as_str(), "" | "false" | "0" | "no")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompt(kind: Kind) -> Prompt {
        Prompt::new("x", kind)
    }

    #[test]
    fn text_answers_become_typed_values() {
        assert_eq!(prompt(Kind::Bool).parse("Yes"), Ok(json!(true)));
        assert_eq!(prompt(Kind::Integer).parse(" 42 "), Ok(json!(42)));
        assert!(prompt(Kind::Integer).parse("4.2").is_err());
        assert!(prompt(Kind::Number).parse("NaN").is_err());
        assert_eq!(prompt(Kind::Date).parse("2024-02-29"), Ok(json!("2024-02-29")));
        assert!(prompt(Kind::Date).parse("2023-02-29").is_err());
        let multi = prompt(Kind::MultiChoice(vec!["a".into(), "b".into()]));
        assert_eq!(multi.parse("a, b"), Ok(json!(["a", "b"])));
        assert!(multi.parse("a,c").is_err());
    }

    #[test]
    fn values_from_files_are_checked_like_typed_ones() {
        let mut name = prompt(Kind::String);
        name.validate = Some(Regex::new("^[a-z]+$").unwrap());
        assert!(name.accept(&json!("Bad Name")).is_err());
        assert!(name.accept(&json!(3)).is_err());
        assert_eq!(prompt(Kind::Bool).accept(&json!("no")), Ok(json!(false)));
        let choice = prompt(Kind::Choice(vec!["mit".into()]));
        assert!(choice.accept(&json!("gpl")).is_err());
    }

    #[test]
    fn required_text_refuses_empty() {
        let mut name = prompt(Kind::String);
        name.required = true;
        assert!(name.parse("").is_err());
        assert_eq!(name.empty_value(), None);
    }
}
