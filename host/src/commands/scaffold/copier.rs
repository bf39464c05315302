//! copier templates, read as copier 9 reads them.
//!
//! `copier.yml` (or `copier.yaml`) holds the questions in order and the
//! settings (`_`-prefixed keys). A question is `name: default` or a table:
//! `type` (str, int, float, bool, json, yaml, path; else the default's),
//! `default` (a Jinja template over the answers before it), `choices` (a
//! list, `[label, value]` pairs or a label-to-value table), `multiselect`,
//! `when` (false: a computed value, used but not recorded), `validator` (a
//! template that renders an error message, or nothing), `secret` (asked
//! but never recorded), `help`. Only files ending in `_templates_suffix`
//! (`.jinja`) are rendered, and the suffix is dropped; every path segment
//! is rendered and an empty one drops the file; `_exclude` (gitignore
//! patterns, rendered) is matched on the rendered path. The answers file is
//! whatever the template renders at `{{ _copier_conf.answers_file }}`,
//! from `_copier_answers`.
//!
//! `_tasks` are commands from the template's author, run only with
//! `--trust`; `_jinja_extensions` are Python code and refused.

use serde_json::{Map, Value, json};

use super::jinja::{Jinja, Options, Setup};
use super::prompt::{Kind, Prompt};
use super::render::Engine;
use super::template::{Format, Template, Tree, text_list};
use crate::error::{Error, Result};

pub const MANIFESTS: [&str; 2] = ["copier.yml", "copier.yaml"];

const DEFAULT_EXCLUDE: [&str; 8] =
    ["copier.yaml", "copier.yml", "~*", "*.py[co]", "__pycache__", ".git", ".DS_Store", ".svn"];

/// A question's type, which its answer is cast to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Str,
    Int,
    Float,
    Bool,
    Json,
    Yaml,
    Path,
}

/// What copier's settings say, for rendering and writing.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Only files ending in it are rendered; empty: every file is.
    pub suffix: String,
    pub exclude: Vec<String>,
    pub skip_if_exists: Vec<String>,
    /// A template, like every path.
    pub answers_file: String,
    pub types: Vec<(String, Type)>,
    pub validators: Vec<(String, String)>,
    pub secret: Vec<String>,
    pub tasks: Vec<Value>,
    pub message_before: Option<String>,
    pub message_after: Option<String>,
}

pub fn read(tree: Tree, name: &str, manifest: &[u8], origin: &str) -> Result<Template> {
    let where_ = format!("{origin}/{name}");
    let text = std::str::from_utf8(manifest)
        .map_err(|_| Error::input(format!("{where_} is not UTF-8 text")).help("save the file as UTF-8"))?;
    let entries = crate::front_matter::yaml_ordered(text)
        .map_err(|error| {
            Error::input(format!("{where_}:{error}")).help("fix copier.yml at that place: it must be YAML")
        })?
        .ok_or_else(|| {
            Error::input(format!("{where_} is not a mapping of questions and settings"))
                .help("write one `name: default` or `name: {type: ..., default: ...}` per question")
        })?;
    let setting = |key: &str| entries.iter().find(|(name, _)| name == key).map(|(_, value)| value);
    let text_setting = |key: &str| -> Result<Option<String>> {
        match setting(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(other) => Err(Error::input(format!("{where_}: `{key}` is {other}, not a text"))
                .help(format!("make `{key}` a text in copier.yml"))),
        }
    };
    let subdirectory = text_setting("_subdirectory")?.unwrap_or_default();
    if subdirectory.contains("{{") || subdirectory.contains("{%") {
        return Err(Error::input(format!(
            "{where_}: `_subdirectory` is a template (`{subdirectory}`); workbench reads a fixed one only"
        ))
        .help("name the folder with --subdir instead, or render this template with copier itself"));
    }
    if let Some(extensions) = setting("_jinja_extensions").and_then(Value::as_array).filter(|list| !list.is_empty()) {
        let names: Vec<String> = extensions.iter().map(|name| name.as_str().unwrap_or("?").to_string()).collect();
        return Err(Error::input(format!(
            "{where_}: `_jinja_extensions` names {}, Python code workbench cannot run: it renders Jinja without Python",
            names.join(", ")
        ))
        .help("render this template with `copier copy --trust`, or drop the extensions from the template"));
    }
    if setting("_external_data").is_some() {
        return Err(Error::input(format!("{where_}: `_external_data` is not supported by workbench yet"))
            .help("render this template with copier itself"));
    }
    let exclude = match setting("_exclude") {
        Some(value) => text_list(Some(value), "_exclude", &where_)?,
        None if subdirectory.trim_matches('/').is_empty() => DEFAULT_EXCLUDE.iter().map(ToString::to_string).collect(),
        None => Vec::new(),
    };
    let skip_if_exists = text_list(setting("_skip_if_exists"), "_skip_if_exists", &where_)?;
    let secret_questions = text_list(setting("_secret_questions"), "_secret_questions", &where_)?;
    let mut settings = Settings {
        suffix: text_setting("_templates_suffix")?.unwrap_or_else(|| ".jinja".into()),
        exclude,
        skip_if_exists,
        answers_file: text_setting("_answers_file")?.unwrap_or_else(|| ".copier-answers.yml".into()),
        types: Vec::new(),
        validators: Vec::new(),
        secret: secret_questions,
        tasks: setting("_tasks").and_then(Value::as_array).cloned().unwrap_or_default(),
        message_before: text_setting("_message_before_copy")?,
        message_after: text_setting("_message_after_copy")?,
    };
    let options = envops(setting("_envops"), &where_)?;
    let mut prompts = Vec::new();
    for (name, value) in &entries {
        if name.starts_with('_') {
            continue;
        }
        prompts.push(question(name, value, &mut settings, &where_)?);
    }
    let prefix = match subdirectory.trim_matches('/') {
        "" => String::new(),
        folder => format!("{folder}/"),
    };
    let files: Tree = tree
        .into_iter()
        .filter_map(|(path, entry)| path.strip_prefix(&prefix).map(|inside| (inside.to_string(), entry)))
        .collect();
    Ok(Template {
        format: Format::Copier,
        description: None,
        prompts,
        files,
        files_dir: subdirectory.trim_matches('/').to_string(),
        copy: None,
        conditions: Vec::new(),
        helpers: Vec::new(),
        jinja: Some(Setup {
            options,
            namespace: None,
            strict: false,
            globals: Vec::new(),
            includes: std::sync::Arc::new(std::collections::HashMap::new()),
        }),
        hooks: Vec::new(),
        newline: None,
        copier: Some(settings),
    })
}

fn question(name: &str, value: &Value, settings: &mut Settings, where_: &str) -> Result<Prompt> {
    let bad = |message: String| {
        Error::input(format!("{where_}: question `{name}`: {message}")).help("fix that question in copier.yml")
    };
    let details = match value {
        Value::Object(details) => details.clone(),
        other => Map::from_iter([("default".to_string(), other.clone())]),
    };
    let default = details.get("default").cloned();
    let kind_name = match details.get("type") {
        Some(Value::String(kind)) => kind.clone(),
        Some(other) => return Err(bad(format!("`type` is {other}, not a text"))),
        None => match &default {
            Some(Value::String(_)) => "str".into(),
            Some(Value::Bool(_)) => "bool".into(),
            Some(Value::Number(number)) if number.is_f64() => "float".into(),
            Some(Value::Number(_)) => "int".into(),
            _ => "yaml".into(),
        },
    };
    let kind_type = match kind_name.as_str() {
        "str" => Type::Str,
        "int" => Type::Int,
        "float" => Type::Float,
        "bool" => Type::Bool,
        "json" => Type::Json,
        "yaml" => Type::Yaml,
        "path" => Type::Path,
        other => {
            return Err(bad(format!(
                "unknown type `{other}`; copier knows str, int, float, bool, json, yaml and path"
            )));
        }
    };
    settings.types.push((name.to_string(), kind_type));
    let secret = details.get("secret").and_then(Value::as_bool).unwrap_or(false)
        || settings.secret.iter().any(|known| known == name);
    if secret && default.is_none() {
        return Err(bad("a secret question needs a default".into()));
    }
    if secret && !settings.secret.iter().any(|known| known == name) {
        settings.secret.push(name.to_string());
    }
    if let Some(Value::String(validator)) = details.get("validator") {
        settings.validators.push((name.to_string(), validator.clone()));
    }
    let multiselect = details.get("multiselect").and_then(Value::as_bool).unwrap_or(false);
    let choices = match details.get("choices") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .map(|item| match item {
                    Value::Array(pair) if pair.len() == 2 => python_text(&pair[1]),
                    other => python_text(other),
                })
                .collect::<Vec<_>>(),
        ),
        Some(Value::Object(labelled)) => Some(labelled.values().map(python_text).collect()),
        Some(other) => return Err(bad(format!("`choices` is {other}; give a list or a label-to-value table"))),
    };
    let kind = match (choices, kind_type) {
        (Some(choices), _) if multiselect => Kind::MultiChoice(choices),
        (Some(choices), _) => Kind::Choice(choices),
        (None, _) if secret => Kind::Password,
        (None, Type::Str | Type::Path) => Kind::String,
        (None, Type::Int) => Kind::Integer,
        (None, Type::Float) => Kind::Number,
        (None, Type::Bool) => Kind::Bool,
        (None, Type::Json | Type::Yaml) => Kind::Yaml,
    };
    let mut prompt = Prompt::new(name, kind);
    prompt.help = details.get("help").and_then(Value::as_str).map(str::to_string);
    prompt.required = default.is_none() && kind_type != Type::Bool;
    prompt.default = default.or_else(|| (kind_type == Type::Bool).then_some(Value::Bool(false)));
    match details.get("when") {
        None | Some(Value::Bool(true)) => {}
        Some(Value::Bool(false)) => prompt.hidden = true,
        Some(Value::String(when)) => prompt.when = Some(when.clone()),
        Some(other) => prompt.when = Some(python_text(other)),
    }
    Ok(prompt)
}

/// `str(value)` for a choice's value.
fn python_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => super::jinja::python_str(&minijinja::Value::from_serialize(other)),
    }
}

fn envops(value: Option<&Value>, where_: &str) -> Result<Options> {
    const DELIMITERS: [(&str, &str); 6] = [
        ("block_start_string", "{%"),
        ("block_end_string", "%}"),
        ("variable_start_string", "{{"),
        ("variable_end_string", "}}"),
        ("comment_start_string", "{#"),
        ("comment_end_string", "#}"),
    ];
    let mut options = Options::default();
    let Some(Value::Object(ops)) = value else { return Ok(options) };
    let mut delimiters = DELIMITERS.map(|(_, default)| default.to_string());
    for (key, value) in ops {
        match (key.as_str(), value) {
            ("trim_blocks", Value::Bool(flag)) => options.trim_blocks = *flag,
            ("lstrip_blocks", Value::Bool(flag)) => options.lstrip_blocks = *flag,
            ("keep_trailing_newline", Value::Bool(flag)) => options.drop_trailing_newline = !flag,
            ("autoescape", Value::Bool(false)) | ("undefined", Value::String(_)) => {}
            (name, Value::String(text)) if DELIMITERS.iter().any(|(known, _)| *known == name) => {
                let index = DELIMITERS.iter().position(|(known, _)| *known == name).expect("found above");
                delimiters[index].clone_from(text);
            }
            _ => {
                return Err(Error::input(format!(
                    "{where_}: `_envops.{key}: {value}` is a Jinja setting workbench does not support"
                ))
                .help("workbench takes the delimiters, trim_blocks, lstrip_blocks and keep_trailing_newline there"));
            }
        }
    }
    if delimiters.iter().zip(DELIMITERS).any(|(given, (_, default))| given != default) {
        super::jinja::syntax(&delimiters).map_err(|error| {
            Error::input(format!("{where_}: `_envops` delimiters: {error}")).help("give each delimiter a distinct text")
        })?;
        options.delimiters = Some(delimiters);
    }
    Ok(options)
}

/// The values copier puts beside the answers: `_copier_conf` (as far as
/// workbench knows them), `_folder_name` and the phase.
pub fn automatic(settings: &Settings, source: &str, dest: &std::path::Path) -> Map<String, Value> {
    let dest = std::path::absolute(dest).unwrap_or_else(|_| dest.to_path_buf());
    let folder = dest.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let mut values = Map::new();
    values.insert(
        "_copier_conf".into(),
        json!({
            "answers_file": settings.answers_file,
            "src_path": source,
            "dst_path": dest.display().to_string(),
            "vcs_ref": null,
            "vcs_ref_hash": null,
            "sep": "/",
            "os": "linux",
            "defaults": false,
            "quiet": false,
            "pretend": false,
        }),
    );
    values.insert("_folder_name".into(), json!(folder));
    values.insert("_copier_python".into(), json!("python3"));
    values.insert("_copier_phase".into(), json!("render"));
    values.insert("_copier_operation".into(), json!("copy"));
    values
}

fn type_of(settings: &Settings, name: &str) -> Type {
    settings.types.iter().find(|(known, _)| known == name).map_or(Type::Yaml, |(_, kind)| *kind)
}

/// A question's default as copier computes it: texts rendered over the
/// answers so far (lists item by item), then read as the question's type.
pub fn default(prompt: &Prompt, settings: &Settings, engine: &Jinja, context: &Value) -> Result<Option<Value>, String> {
    let Some(raw) = &prompt.default else { return Ok(None) };
    let name = format!("default of `{}`", prompt.name);
    let render = |text: &str| engine.render(&name, text, context).map_err(|failure| failure.reason);
    let rendered = match raw {
        Value::String(text) => Value::String(render(text)?),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| match item {
                    Value::String(text) => render(text).map(Value::String),
                    other => Ok(other.clone()),
                })
                .collect::<Result<_, _>>()?,
        ),
        other => other.clone(),
    };
    Ok(Some(match (type_of(settings, &prompt.name), rendered) {
        (Type::Yaml, Value::String(text)) => crate::front_matter::yaml_document(&text).unwrap_or(Value::String(text)),
        (Type::Json, Value::String(text)) => {
            serde_json::from_str(&text).map_err(|error| format!("`{text}` is not JSON: {error}"))?
        }
        (_, value) => value,
    }))
}

/// The answers file copier names by default, which `--update` reads.
pub const ANSWERS_FILE: &str = ".copier-answers.yml";

/// What a copier answers file records.
pub struct Answered {
    /// The template as it was named (`_src_path`).
    pub src_path: String,
    /// Its version, as `git describe --tags --always` named it (`_commit`).
    pub commit: Option<String>,
    /// The answers, without copier's own `_` keys.
    pub answers: Map<String, Value>,
}

/// A project's copier answers file: `.copier-answers.yml`, else the only
/// `.copier-answers*.yml` there is (a template's `_answers_file`).
pub fn find_answers(dest: &std::path::Path) -> Result<Option<std::path::PathBuf>> {
    let default = dest.join(ANSWERS_FILE);
    if default.is_file() {
        return Ok(Some(default));
    }
    let Ok(entries) = std::fs::read_dir(dest) else { return Ok(None) };
    let mut found: Vec<String> = entries
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| {
            name.starts_with(".copier-answers")
                && std::path::Path::new(name).extension().is_some_and(|ext| ext == "yml" || ext == "yaml")
        })
        .collect();
    found.sort();
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(dest.join(one))),
        several => Err(Error::input(format!(
            "{} holds {} copier answers files ({}), so which template to update from is unclear",
            dest.display(),
            several.len(),
            several.join(", ")
        ))
        .help("update one template's project at a time: move the other answers files aside, then run --update")),
    }
}

pub fn read_answers(path: &std::path::Path) -> Result<Answered> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|error| {
        Error::input(format!("cannot read {shown}: {error}")).help("--update reads the answers file copier wrote")
    })?;
    let Value::Object(mut answers) = crate::front_matter::yaml_document(&text).map_err(|error| {
        Error::input(format!("{shown}:{error}")).help("fix the answers file: it must be YAML, as copier wrote it")
    })?
    else {
        return Err(Error::input(format!("{shown} is not a mapping of answers"))
            .help("restore the answers file copier wrote (`_src_path`, `_commit` and one line per answer)"));
    };
    let Some(Value::String(src_path)) = answers.remove("_src_path") else {
        return Err(Error::input(format!("{shown} records no `_src_path`, so the template is unknown"))
            .help("add `_src_path: TEMPLATE` (the path or git URL the project was made from)"));
    };
    let commit = answers.remove("_commit").map(|value| python_text(&value));
    answers.retain(|name, _| !name.starts_with('_'));
    Ok(Answered { src_path, commit, answers })
}

/// After every question: answers cast to their types (a choice is asked as
/// text), validators run, and `_copier_answers` (what the answers file
/// records: no secrets, no computed values) added to the context.
pub fn finish(
    template: &Template,
    settings: &Settings,
    engine: &Engine,
    context: &mut Map<String, Value>,
    (source, commit): (&str, Option<&str>),
) -> Result<()> {
    for prompt in &template.prompts {
        let Some(value) = context.get_mut(&prompt.name) else { continue };
        if let (Kind::Choice(_) | Kind::MultiChoice(_), Value::String(text)) = (&prompt.kind, &*value) {
            *value = cast(type_of(settings, &prompt.name), text);
        }
    }
    for (name, validator) in &settings.validators {
        let Some(value) = context.get(name).cloned() else { continue };
        let mut scope = context.clone();
        scope.insert(name.clone(), value);
        let message = engine
            .render(&format!("validator of `{name}`"), validator, &Value::Object(scope))
            .map_err(|failure| failure.reason)
            .unwrap_or_else(|reason| reason);
        if !message.trim().is_empty() {
            return Err(Error::input(format!("Validation error for question '{name}': {}", message.trim()))
                .help("give another answer with --set or --values"));
        }
    }
    let mut recorded = Map::new();
    if let Some(commit) = commit {
        recorded.insert("_commit".into(), json!(commit));
    }
    recorded.insert("_src_path".into(), json!(source));
    let scope = Value::Object(context.clone());
    for prompt in &template.prompts {
        if prompt.hidden || settings.secret.contains(&prompt.name) {
            continue;
        }
        // A question `when` kept from being asked keeps its default but is
        // not recorded, as copier records only what it asked.
        if let Some(when) = &prompt.when {
            let asked = engine.render(&format!("`when` of `{}`", prompt.name), when, &scope).map_err(|failure| {
                Error::input(format!("the `when` of `{}`: {}", prompt.name, failure.reason))
                    .help("fix that question's `when` in copier.yml")
            })?;
            if !super::prompt::truthy(&asked) {
                continue;
            }
        }
        if let Some(value) = context.get(&prompt.name) {
            recorded.insert(prompt.name.clone(), value.clone());
        }
    }
    context.insert("_copier_answers".into(), Value::Object(recorded));
    Ok(())
}

fn cast(kind: Type, text: &str) -> Value {
    match kind {
        Type::Int => text.trim().parse::<i64>().map_or_else(|_| json!(text), |number| json!(number)),
        Type::Float => text.trim().parse::<f64>().map_or_else(|_| json!(text), |number| json!(number)),
        Type::Bool => {
            json!(matches!(text.trim().to_ascii_lowercase().as_str(), "y" | "yes" | "t" | "true" | "on" | "1"))
        }
        Type::Yaml => crate::front_matter::yaml_document(text).unwrap_or_else(|_| json!(text)),
        Type::Json => serde_json::from_str(text).unwrap_or_else(|_| json!(text)),
        Type::Str | Type::Path => json!(text),
    }
}

/// `_exclude`, rendered, as gitignore patterns over rendered paths.
pub fn exclusions(settings: &Settings, engine: &Engine, context: &Value) -> Result<ignore::gitignore::Gitignore> {
    let mut lines = Vec::new();
    for pattern in &settings.exclude {
        let rendered = engine.render("_exclude", pattern, context).map_err(|failure| {
            Error::input(format!("`_exclude` pattern `{pattern}`: {}", failure.reason))
                .help("fix `_exclude` in copier.yml")
        })?;
        lines.extend(rendered.lines().map(str::to_string));
    }
    super::template::pattern_matcher(
        std::path::Path::new("/"),
        lines.iter().map(String::as_str),
        "_exclude",
        "copier.yml",
    )
}

/// Whether a template file is rendered (it ends in the suffix) and the path
/// it renders from; `None` when a rendered sibling (`X.jinja` beside `X`)
/// takes its place.
pub fn source_path<'a>(template: &Template, settings: &Settings, path: &'a str) -> Option<(bool, &'a str)> {
    if settings.suffix.is_empty() {
        return Some((true, path));
    }
    match path.strip_suffix(settings.suffix.as_str()) {
        Some(stem) => Some((true, stem)),
        None if template.files.contains_key(&format!("{path}{}", settings.suffix)) => None,
        None => Some((false, path)),
    }
}

/// `_message_before_copy` and `_message_after_copy`, rendered over the
/// answers: what copier prints around writing the project.
pub fn messages(settings: &Settings, engine: &Engine, context: &Value) -> Result<[Option<String>; 2]> {
    let render = |name: &str, text: &Option<String>| {
        text.as_deref()
            .map(|text| {
                engine.render(name, text, context).map_err(|failure| {
                    Error::input(format!("`{name}`: {}", failure.reason)).help(format!("fix `{name}` in copier.yml"))
                })
            })
            .transpose()
    };
    Ok([
        render("_message_before_copy", &settings.message_before)?,
        render("_message_after_copy", &settings.message_after)?,
    ])
}

/// The tasks, rendered: each a shell command or an argument list.
pub fn tasks(settings: &Settings, engine: &Engine, context: &Value) -> Result<Vec<Vec<String>>> {
    let render = |text: &str| {
        engine.render("_tasks", text, context).map_err(|failure| {
            Error::input(format!("`_tasks` entry `{text}`: {}", failure.reason)).help("fix `_tasks` in copier.yml")
        })
    };
    let mut out = Vec::new();
    for task in &settings.tasks {
        let (command, when) = match task {
            Value::Object(table) => (table.get("command").cloned().unwrap_or(Value::Null), table.get("when").cloned()),
            other => (other.clone(), None),
        };
        if let Some(when) = when {
            let holds = match when {
                Value::Bool(flag) => flag,
                Value::String(text) => super::prompt::truthy(&render(&text)?),
                _ => true,
            };
            if !holds {
                continue;
            }
        }
        match command {
            Value::String(text) => out.push(vec!["sh".into(), "-c".into(), render(&text)?]),
            Value::Array(items) => {
                out.push(items.iter().map(|item| render(&python_text(item))).collect::<Result<_>>()?);
            }
            other => {
                return Err(Error::input(format!("`_tasks` entry {other} is no command"))
                    .help("a task is a text (run by the shell) or a list of arguments"));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(manifest: &str) -> Result<Template> {
        read(Tree::new(), "copier.yml", manifest.as_bytes(), "t")
    }

    #[test]
    fn choices_as_a_list_as_pairs_and_as_a_table_offer_their_values() {
        let template = template(
            "a:\n  choices: [x, 2]\n  default: x\nb:\n  choices: [[Label, v]]\n  default: v\nc:\n  choices: {Label: w}\n  default: w\n",
        )
        .unwrap();
        let kinds: Vec<_> = template.prompts.iter().map(|prompt| prompt.kind.describe()).collect();
        assert_eq!(kinds, ["one of x, 2", "one of v", "one of w"]);
    }

    #[test]
    fn a_question_without_a_default_must_be_answered_except_a_yes_no_one() {
        let template = template("name:\n  type: str\nflag:\n  type: bool\n").unwrap();
        assert!(template.prompts[0].required);
        assert!(!template.prompts[1].required);
        assert_eq!(template.prompts[1].default, Some(json!(false)));
    }

    #[test]
    fn answers_cast_to_their_question_types_as_copier_casts_them() {
        assert_eq!(cast(Type::Int, " 42"), json!(42));
        assert_eq!(cast(Type::Bool, "Yes"), json!(true));
        assert_eq!(cast(Type::Yaml, "[a, b]"), json!(["a", "b"]));
        assert_eq!(cast(Type::Json, "{\"a\": 1}"), json!({"a": 1}));
        assert_eq!(cast(Type::Str, "7"), json!("7"));
    }

    #[test]
    fn envops_delimiters_render_a_template_written_with_brackets() {
        let template = template(
            "_envops:\n  block_start_string: \"[%\"\n  block_end_string: \"%]\"\n  variable_start_string: \"[[\"\n  variable_end_string: \"]]\"\nname: x\n",
        )
        .unwrap();
        let setup = template.jinja.clone().unwrap();
        let jinja = Jinja::new(&setup, chrono::DateTime::parse_from_rfc3339("2026-03-04T05:06:07Z").unwrap());
        let rendered =
            jinja.render("t", "[% if name %][[ name ]][% endif %] {{ kept }}", &json!({"name": "y"})).unwrap();
        assert_eq!(rendered, "y {{ kept }}");
    }

    #[test]
    fn settings_copier_cannot_follow_without_python_are_refused() {
        for (manifest, named) in [
            ("_jinja_extensions: [jinja2_time.TimeExtension]\n", "jinja2_time.TimeExtension"),
            ("_subdirectory: \"{{ kind }}\"\n", "_subdirectory"),
            ("a:\n  type: text\n", "unknown type `text`"),
        ] {
            let Err(error) = template(manifest) else { panic!("{manifest}: read without complaint") };
            let error = error.to_string();
            assert!(error.contains(named), "{manifest}: {error}");
        }
    }
}
