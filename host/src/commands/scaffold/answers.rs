//! Filling in every question, from (in order) `--set`, `--values`, the
//! answers of an earlier run (`--update`), the terminal, and defaults.
//!
//! Every value, whatever its source, goes through `Prompt::parse`/`accept`,
//! so a value in a file is checked exactly like a typed one. Without a
//! terminal nothing is asked: every question must be answered by a flag, a
//! file or (with `--defaults`) a default, and the error lists every one that
//! was not.

use std::path::Path;

use serde_json::{Map, Value};

use super::prompt::{Kind, Prompt, truthy};
use super::render::Engine;
use super::template::{Format, Template};
use crate::error::{Error, Result};

/// The answers given up front.
#[derive(Debug, Default)]
pub struct Given {
    /// `--set KEY=VALUE`, in order.
    pub set: Vec<(String, String)>,
    /// `--values FILE`, with the file's name for messages.
    pub values: Option<(String, Map<String, Value>)>,
    /// From `.workbench-answers.toml` when updating.
    pub previous: Map<String, Value>,
    /// `--defaults`: take every default without asking.
    pub defaults: bool,
}

/// Asks one question on a terminal.
pub trait Ask {
    fn ask(&mut self, prompt: &Prompt, default: Option<&Value>) -> Result<Value>;
}

/// Every question answered.
pub struct Collected {
    /// What the answers file records: the questions asked.
    pub answers: Map<String, Value>,
    /// What the files render with: the automatic values, the answers and the
    /// values the template computes.
    pub context: Map<String, Value>,
}

/// Answers every question of `template`; `context` holds the automatic
/// values (and grows with each answer, so later defaults can use them).
pub fn collect(
    template: &Template,
    engine: &Engine,
    mut context: Map<String, Value>,
    given: &Given,
    mut ask: Option<&mut dyn Ask>,
) -> Result<Collected> {
    for (key, _) in &given.set {
        if !template.prompts.iter().any(|prompt| &prompt.name == key) {
            let known: Vec<&str> = template.prompts.iter().map(|prompt| prompt.name.as_str()).collect();
            return Err(Error::input(format!("--set {key}: the template asks no `{key}`"))
                .help(format!("it asks: {}", if known.is_empty() { "nothing".into() } else { known.join(", ") })));
        }
    }
    if let Some((file, values)) = &given.values {
        for key in values.keys() {
            if !template.prompts.iter().any(|prompt| &prompt.name == key) {
                log::warn!("{file}: the template asks no `{key}`; ignored");
            }
        }
    }
    let mut answers = Map::new();
    let mut missing: Vec<&Prompt> = Vec::new();
    for prompt in &template.prompts {
        let current = Value::Object(context.clone());
        let mut hidden = prompt.hidden;
        if let Some(when) = &prompt.when {
            let rendered =
                engine.render(&format!("`when` of `{}`", prompt.name), when, &current).map_err(|failure| {
                    Error::input(format!("prompt `{}`: `when`: {}", prompt.name, failure.reason))
                        .help("fix the `when` expression of that prompt in the template")
                })?;
            if !truthy(&rendered) {
                // copier still computes a skipped question's default for the
                // files to use; it just does not record it.
                if template.format != Format::Copier {
                    continue;
                }
                hidden = true;
            }
        }
        let value = if let Some((_, text)) = given.set.iter().rev().find(|(key, _)| key == &prompt.name) {
            Some(prompt.parse(text).map_err(|message| {
                Error::input(format!("--set {}={text}: {message}", prompt.name)).help(expects(prompt))
            })?)
        } else if let Some((file, value)) =
            given.values.as_ref().and_then(|(file, values)| values.get(&prompt.name).map(|value| (file, value)))
        {
            Some(prompt.accept(value).map_err(|message| {
                Error::input(format!("{file}: `{}`: {message}", prompt.name)).help(expects(prompt))
            })?)
        } else if let Some(value) = given.previous.get(&prompt.name) {
            Some(prompt.accept(value).map_err(|message| {
                Error::input(format!("{}: `{}`: {message}", super::ANSWERS_FILE, prompt.name)).help(expects(prompt))
            })?)
        } else {
            let default = default_value(template, prompt, engine, &current)?;
            match ask.as_deref_mut() {
                _ if hidden => default,
                Some(ask) if !given.defaults => Some(ask.ask(prompt, default.as_ref())?),
                _ if given.defaults => default.or_else(|| prompt.empty_value()),
                _ => None,
            }
        };
        match value {
            Some(value) => {
                context.insert(prompt.name.clone(), value.clone());
                if !hidden {
                    answers.insert(prompt.name.clone(), value);
                }
            }
            None if hidden => {}
            None => missing.push(prompt),
        }
    }
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().map(|prompt| describe_missing(prompt)).collect();
        return Err(not_answered("question", &list));
    }
    Ok(Collected { answers, context })
}

/// The questions (or a format's own word for them) nobody answered, when
/// there is no terminal to ask on.
pub fn not_answered(noun: &str, list: &[String]) -> Error {
    Error::input(format!(
        "{} {noun}{} not answered (there is no terminal to ask on):\n  {}",
        list.len(),
        if list.len() == 1 { " was" } else { "s were" },
        list.join("\n  ")
    ))
    .help("answer with --set KEY=VALUE or --values FILE, or take the defaults with --defaults")
}

fn describe_missing(prompt: &Prompt) -> String {
    let mut line = format!("{} ({})", prompt.name, prompt.kind.describe());
    if prompt.default.is_some() {
        line.push_str(", has a default");
    }
    if let Some(help) = prompt.help.as_deref().or(prompt.label.as_deref()) {
        line.push_str(": ");
        line.push_str(help);
    }
    line
}

fn expects(prompt: &Prompt) -> String {
    let mut text = format!("`{}` wants {}", prompt.name, prompt.kind.describe());
    if let Some(pattern) = &prompt.validate {
        text.push_str(" matching ");
        text.push_str(pattern.as_str());
    }
    text
}

/// A prompt's default, checked; a text default of a native template is a
/// template over the answers so far (`{{name}}-cli`, `{{git.user.name}}`).
pub fn default_value(template: &Template, prompt: &Prompt, engine: &Engine, context: &Value) -> Result<Option<Value>> {
    let Some(default) = &prompt.default else { return Ok(None) };
    let bad = |message: String| {
        Error::input(format!("the default of `{}` is not valid: {message}", prompt.name))
            .help("this is a bug in the template; answer with --set to get past it")
    };
    let unrenderable = |reason: String| {
        Error::input(format!("the default of `{}`: {reason}", prompt.name))
            .help("fix the `default` of that prompt in the template, or give the answer with --set")
    };
    let value = match (template.format, default, engine) {
        (Format::Copier, _, Engine::Jinja(jinja)) => {
            let settings = template.copier.as_ref().expect("a copier template has its settings");
            match super::copier::default(prompt, settings, jinja, context).map_err(unrenderable)? {
                Some(value) => prompt.accept(&value).map_err(bad)?,
                None => return Ok(None),
            }
        }
        (Format::Cookiecutter, _, Engine::Jinja(jinja)) => {
            match super::cookiecutter::default(prompt, jinja, context)
                .map_err(|failure| unrenderable(failure.reason))?
            {
                Some(value) => prompt.accept(&value).map_err(bad)?,
                None => return Ok(None),
            }
        }
        (Format::Native, Value::String(text), _) => {
            let rendered = engine
                .render(&format!("default of `{}`", prompt.name), text, context)
                .map_err(|failure| unrenderable(failure.reason))?;
            if rendered.is_empty() && prompt.required {
                // A default built from values that are not there (no git
                // identity, say) is no default.
                return Ok(None);
            }
            prompt.parse(&rendered).map_err(bad)?
        }
        (_, Value::String(text), _) if matches!(prompt.kind, Kind::MultiChoice(_)) => {
            prompt.parse(text).map_err(bad)?
        }
        _ => prompt.accept(default).map_err(bad)?,
    };
    Ok(Some(value))
}

/// Reads `--values FILE`: TOML, JSON or YAML by extension (TOML otherwise).
pub fn read_values(path: &Path) -> Result<Map<String, Value>> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|error| Error::input(format!("cannot read {name}: {error}")).help("check the --values path"))?;
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let value = match extension.as_str() {
        "json" => serde_json::from_str(&text).map_err(|error| {
            Error::input(format!("{name}:{}:{}: {error}", error.line(), error.column()))
                .help("fix the file at that line, or answer with --set KEY=VALUE instead")
        })?,
        "yaml" | "yml" => crate::front_matter::yaml_document(&text).map_err(|error| {
            Error::input(format!("{name}:{error}")).help("fix the file, or answer with --set KEY=VALUE instead")
        })?,
        _ => {
            let table: toml::Table = toml::from_str(&text).map_err(|error| {
                let line = error.span().map_or(0, |span| super::template::line_of(&text, span.start));
                Error::input(format!("{name}:{line}: {}", error.message()))
                    .help("fix the file at that line, or answer with --set KEY=VALUE instead")
            })?;
            // An answers file from an earlier run is a values file too.
            let table = match table.get("answers") {
                Some(toml::Value::Table(answers)) if table.contains_key("template") => answers.clone(),
                _ => table,
            };
            crate::front_matter::toml_value(toml::Value::Table(table))
        }
    };
    match value {
        // A cookiecutter replay file: the answers are under `cookiecutter`,
        // beside the settings (`_` keys) it recorded.
        Value::Object(mut map)
            if map.contains_key("_cookiecutter") && map.get("cookiecutter").is_some_and(Value::is_object) =>
        {
            let Some(Value::Object(answers)) = map.remove("cookiecutter") else { unreachable!("checked above") };
            Ok(answers.into_iter().filter(|(key, _)| !key.starts_with('_')).collect())
        }
        Value::Object(map) => Ok(map),
        _ => Err(Error::input(format!("{name} must hold a table of answers (`name = \"x\"`)"))
            .help("write one `name = value` per answer at the top level")),
    }
}

/// Questions on a terminal, with dialoguer: defaults shown, answers checked
/// as they are typed.
pub struct Terminal;

impl Ask for Terminal {
    fn ask(&mut self, prompt: &Prompt, default: Option<&Value>) -> Result<Value> {
        use dialoguer::{Confirm, Input, MultiSelect, Password, Select};
        let theme = dialoguer::theme::ColorfulTheme::default();
        let label = match &prompt.help {
            Some(help) => format!("{} ({help})", prompt.label()),
            None => prompt.label().to_string(),
        };
        let failed = |error: dialoguer::Error| {
            Error::input(format!("cannot ask `{}`: {error}", prompt.name))
                .help("answer with --set NAME=VALUE, or take the defaults with --defaults")
        };
        let value = match &prompt.kind {
            Kind::Bool => {
                let mut confirm = Confirm::with_theme(&theme).with_prompt(label);
                confirm = confirm.default(default.and_then(Value::as_bool).unwrap_or(false));
                Value::Bool(confirm.interact().map_err(failed)?)
            }
            Kind::Choice(choices) => {
                let start = default.and_then(Value::as_str).and_then(|d| choices.iter().position(|c| c == d));
                let picked = Select::with_theme(&theme)
                    .with_prompt(label)
                    .items(choices)
                    .default(start.unwrap_or(0))
                    .interact()
                    .map_err(failed)?;
                Value::String(choices[picked].clone())
            }
            Kind::MultiChoice(choices) => {
                let chosen: Vec<bool> = choices
                    .iter()
                    .map(|choice| {
                        default.and_then(Value::as_array).is_some_and(|items| items.iter().any(|i| i == choice))
                    })
                    .collect();
                let picked = MultiSelect::with_theme(&theme)
                    .with_prompt(label)
                    .items(choices)
                    .defaults(&chosen)
                    .interact()
                    .map_err(failed)?;
                Value::Array(picked.into_iter().map(|index| Value::String(choices[index].clone())).collect())
            }
            Kind::Password => {
                let text = Password::with_theme(&theme)
                    .with_prompt(label)
                    .allow_empty_password(!prompt.required)
                    .interact()
                    .map_err(failed)?;
                prompt.parse(&text).map_err(|message| {
                    Error::input(format!("`{}`: {message}", prompt.name))
                        .help("give an answer of the kind the question asks, or pass it with --set NAME=VALUE")
                })?
            }
            _ => {
                let mut input = Input::<String>::with_theme(&theme).with_prompt(label).allow_empty(!prompt.required);
                if let Some(default) = default {
                    input = input.default(match default {
                        Value::String(text) => text.clone(),
                        other => other.to_string(),
                    });
                }
                let text = input
                    .validate_with(|text: &String| prompt.parse(text).map(|_| ()))
                    .interact_text()
                    .map_err(failed)?;
                prompt.parse(&text).map_err(|message| {
                    Error::input(format!("`{}`: {message}", prompt.name))
                        .help("give an answer of the kind the question asks, or pass it with --set NAME=VALUE")
                })?
            }
        };
        Ok(value)
    }
}
