//! cargo-generate templates (`cargo-generate.toml`, Liquid, Rhai hooks),
//! rendered as cargo-generate 0.23 renders them.
//!
//! cargo-generate works on a copy of the template: hooks and the `rhai`
//! filter change files there, and files are rendered and renamed in place
//! before the copy becomes the project. workbench keeps that order on a
//! private copy in the temporary folder (so a hook sees what it would see
//! under cargo-generate) and then reads the result back, so the project is
//! still written at once by `write::write_project`.
//!
//! The order: `.liquid` suffixes dropped; the `init` hooks; `project-name`
//! (`--set project-name=`, else DEST's folder name) made kebab-case and
//! `crate_name` snake_case; the placeholders asked, and `[conditional]`
//! sections merged while they add placeholders; the `pre` hooks; the
//! `ignore` list and `.genignore` removed; every file rendered (or, under
//! `exclude`, only renamed), deepest first; the `post` hooks; hook and
//! filter scripts removed.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike as _, FixedOffset};
use indexmap::IndexMap;
use liquid::model::{KString, Value as LiquidValue, ValueView as _};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::answers::{Ask, Given, Terminal};
use super::liquid_engine::{self, FilterScripts};
use super::prompt::{Kind, Prompt};
use super::rhai_hooks::{self, Reach, Values};
use super::template::{Entry, Tree};
use crate::context::Context;
use crate::error::{Error, Result};

pub const MANIFEST: &str = "cargo-generate.toml";
const IGNORE_FILE: &str = ".genignore";
const LIQUID_SUFFIX: &str = ".liquid";
/// The cargo-generate whose output workbench matches (for `cargo_generate_version`).
const EMULATED: &str = "0.23.14";
/// Values a placeholder may not take, as cargo-generate refuses them.
const RESERVED: [&str; 7] =
    ["authors", "os-arch", "project-name", "crate_name", "crate_type", "within_cargo_project", "is_init"];

/// Whether a template's files are a cargo-generate template: a
/// `cargo-generate.toml` anywhere, or a Rust project at the root whose
/// files carry Liquid (a `.liquid` file, or `{{project-name}}`-style
/// placeholders in `Cargo.toml`).
pub fn recognizes(tree: &Tree) -> bool {
    tree.keys().any(|path| path == MANIFEST || path.ends_with(&format!("/{MANIFEST}")))
}

/// The weaker signs, tried after every other format's manifest.
pub fn looks_like(tree: &Tree) -> bool {
    tree.contains_key("Cargo.toml.liquid")
        || tree.keys().any(|path| path.ends_with(LIQUID_SUFFIX))
        || tree.get("Cargo.toml").is_some_and(|entry| {
            let text = String::from_utf8_lossy(&entry.contents);
            text.contains("{{") && (text.contains("project-name") || text.contains("crate_name"))
        })
}

#[derive(Debug, Default, Deserialize)]
struct Config {
    template: Option<TemplateConfig>,
    placeholders: Option<IndexMap<String, toml::Value>>,
    hooks: Option<HooksConfig>,
    conditional: Option<IndexMap<String, ConditionalConfig>>,
}

#[derive(Debug, Default, Deserialize)]
struct TemplateConfig {
    sub_templates: Option<Vec<String>>,
    cargo_generate_version: Option<String>,
    include: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
    init: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
struct HooksConfig {
    init: Option<Vec<String>>,
    pre: Option<Vec<String>>,
    post: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
struct ConditionalConfig {
    include: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
    placeholders: Option<IndexMap<String, toml::Value>>,
}

impl Config {
    fn hooks(&self, pick: fn(&HooksConfig) -> &Option<Vec<String>>) -> Vec<String> {
        self.hooks.as_ref().and_then(|hooks| pick(hooks).clone()).unwrap_or_default()
    }

    fn hook_files(&self) -> Vec<String> {
        [self.hooks(|h| &h.init), self.hooks(|h| &h.pre), self.hooks(|h| &h.post)].concat()
    }
}

/// One run: where, when, and what the user allowed.
pub struct Run<'a> {
    pub context: &'a Context,
    pub dest: &'a Path,
    pub now: DateTime<FixedOffset>,
    /// `--trust`: `system::command` in hooks runs.
    pub trust: bool,
    /// A terminal to ask on.
    pub ask: bool,
}

/// The project, in memory.
pub struct Generated {
    /// The placeholders' values and `project-name`: what `--update` answers again with.
    pub answers: Map<String, Value>,
    pub files: Tree,
    /// Folders with nothing in them, made as cargo-generate makes them.
    pub folders: Vec<String>,
}

/// Renders `tree` (the whole template) into a project.
pub fn generate(tree: &Tree, run: &Run<'_>, given: &Given, origin: &str) -> Result<Generated> {
    let stage = tempfile::Builder::new().prefix("workbench-cargo-generate-").tempdir().map_err(|error| {
        Error::input(format!("cannot make a working folder: {error}")).help("check that TMPDIR is writable")
    })?;
    let base = stage.path().canonicalize().unwrap_or_else(|_| stage.path().to_path_buf());
    stage_tree(tree, &base)?;
    let chosen = template_dir(tree, "", run, given)?;
    let dir = if chosen.is_empty() { base.clone() } else { base.join(&chosen) };
    let config_path = config_path(tree, &chosen);
    let mut config = match &config_path {
        Some(path) => read_config(&tree[path].contents, &format!("{origin}/{path}"))?,
        None => Config::default(),
    };
    let origin = if chosen.is_empty() { origin.to_string() } else { format!("{origin}/{chosen}") };
    let init = config.template.as_ref().and_then(|template| template.init).unwrap_or(false);

    let values: Values = std::sync::Arc::new(std::sync::Mutex::new(liquid::Object::new()));
    {
        let mut object = rhai_hooks::lock(&values);
        // DEST's folder name is cargo-generate's `--name` unless one is given.
        let name = provided(given, "project-name").map_or_else(
            || run.dest.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default(),
            |(_, name)| name,
        );
        object.insert("project-name".into(), LiquidValue::scalar(name));
        let crate_type = provided(given, "crate_type").map_or_else(|| "bin".to_string(), |(_, kind)| kind);
        if crate_type != "bin" && crate_type != "lib" {
            return Err(Error::input(format!("crate_type={crate_type}: cargo-generate makes a `bin` or a `lib`"))
                .help("--set crate_type=lib, or leave it out for bin"));
        }
        object.insert("crate_type".into(), LiquidValue::scalar(crate_type));
        let (author, username) = authors(run.context);
        object.insert("authors".into(), LiquidValue::scalar(author));
        object.insert("username".into(), LiquidValue::scalar(username));
        object.insert(
            "os-arch".into(),
            LiquidValue::scalar(format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH)),
        );
        object.insert("is_init".into(), LiquidValue::scalar(init));
    }
    let today = run.now.naive_utc().date();
    let dest = std::path::absolute(run.dest).unwrap_or_else(|_| run.dest.to_path_buf());
    let mut reach = Reach {
        values: values.clone(),
        working: dir.clone(),
        destination: dest.parent().map(Path::to_path_buf).unwrap_or_default(),
        trust: run.trust,
        ask: run.ask && !given.defaults,
        today: (i64::from(today.year()), i64::from(today.month()), i64::from(today.day())),
    };
    rhai_hooks::run_hooks(&reach, &config.hooks(|h| &h.init), "init", &origin)?;

    // An init hook may have changed it.
    let raw_name =
        rhai_hooks::lock(&values).get("project-name").map(|value| value.to_kstr().to_string()).unwrap_or_default();
    {
        let mut object = rhai_hooks::lock(&values);
        object.insert("project-name".into(), LiquidValue::scalar(project_name(&raw_name)));
        object.insert("crate_name".into(), LiquidValue::scalar(heck::ToSnakeCase::to_snake_case(raw_name.as_str())));
        let within = dest.ancestors().any(|folder| folder.join("Cargo.toml").exists());
        object.insert("within_cargo_project".into(), LiquidValue::scalar(within));
    }
    let config_name = config_path.as_deref().unwrap_or(MANIFEST);
    let mut answers = Map::new();
    answers.insert("project-name".into(), Value::String(raw_name));
    if let Some((_, kind)) = provided(given, "crate_type") {
        answers.insert("crate_type".into(), Value::String(kind));
    }
    fill_placeholders(&mut config, &values, given, run, &mut answers, config_name)?;
    add_given(&values, given, &mut answers)?;

    reach.destination = dest;
    rhai_hooks::run_hooks(&reach, &config.hooks(|h| &h.pre), "pre", &origin)?;
    let template = config.template.take().unwrap_or_default();
    remove_ignored(&dir, template.ignore.as_deref().unwrap_or_default())?;
    let hook_files = config.hook_files();
    let scripts = FilterScripts::default();
    let parser = liquid_engine::parser(&reach, &scripts);
    render_in_place(&dir, &template, &hook_files, (&parser, &values), &origin)?;
    rhai_hooks::run_hooks(&reach, &config.hooks(|h| &h.post), "post", &origin)?;
    let filter_scripts = scripts.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
    for path in hook_files.iter().map(|hook| dir.join(hook)).chain(filter_scripts) {
        remove(&path).map_err(|error| io_error(&path, &error))?;
    }
    let (files, folders) = read_back(&dir)?;
    Ok(Generated { answers, files, folders })
}

/// The template's files in the working copy; `NAME.liquid` becomes NAME
/// (and wins over a NAME beside it), as cargo-generate copies a template.
fn stage_tree(tree: &Tree, base: &Path) -> Result<()> {
    for (path, entry) in tree {
        let target = match path.strip_suffix(LIQUID_SUFFIX) {
            Some(stripped) => stripped.to_string(),
            None if tree.contains_key(&format!("{path}{LIQUID_SUFFIX}")) => continue,
            None => path.clone(),
        };
        let file = base.join(&target);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).map_err(|error| io_error(parent, &error))?;
        }
        std::fs::write(&file, &entry.contents).map_err(|error| io_error(&file, &error))?;
        if entry.executable {
            super::write::make_executable(&file).map_err(|error| io_error(&file, &error))?;
        }
    }
    Ok(())
}

fn io_error(path: &Path, error: &std::io::Error) -> Error {
    Error::input(format!("{}: {error}", path.display())).help("check the temporary folder (TMPDIR) and its free space")
}

/// The folder the template is in: where its one `cargo-generate.toml` is,
/// or the sub-template the user picks (`sub_templates`, or several
/// configurations), as cargo-generate locates it.
fn template_dir(tree: &Tree, start: &str, run: &Run<'_>, given: &Given) -> Result<String> {
    let prefix = if start.is_empty() { String::new() } else { format!("{start}/") };
    let mut found: Vec<String> = tree
        .keys()
        .filter_map(|path| path.strip_prefix(&prefix)?.strip_suffix(MANIFEST))
        .filter(|folder| folder.is_empty() || folder.ends_with('/'))
        .map(|folder| folder.trim_end_matches('/').to_string())
        .collect();
    found.sort();
    // No deeper than a folder that has one.
    let outer: Vec<String> = found
        .iter()
        .filter(|folder| !found.iter().any(|other| other != *folder && is_below(folder, other)))
        .cloned()
        .collect();
    let join = |folder: &str| match (start.is_empty(), folder.is_empty()) {
        (true, _) => folder.to_string(),
        (false, true) => start.to_string(),
        (false, false) => format!("{start}/{folder}"),
    };
    match outer.as_slice() {
        [] => Ok(start.to_string()),
        [one] => {
            let dir = join(one);
            let config = read_config(&tree[&manifest_in(&dir)].contents, &manifest_in(&dir))?;
            match config.template.and_then(|template| template.sub_templates) {
                Some(subs) if !subs.is_empty() => {
                    let pick = choose(&subs, "Which sub-template should be expanded?", run, given)?;
                    template_dir(tree, &join_path(&dir, &pick), run, given)
                }
                _ => Ok(dir),
            }
        }
        several => {
            let pick = choose(several, "Which template should be expanded?", run, given)?;
            template_dir(tree, &join(&pick), run, given)
        }
    }
}

fn is_below(folder: &str, other: &str) -> bool {
    other.is_empty() || folder.starts_with(&format!("{other}/"))
}

fn join_path(dir: &str, name: &str) -> String {
    if dir.is_empty() { name.to_string() } else { format!("{dir}/{name}") }
}

fn manifest_in(dir: &str) -> String {
    join_path(dir, MANIFEST)
}

/// A sub-template: asked on a terminal, else the first with `--defaults`
/// (cargo-generate's `--silent`).
fn choose(options: &[String], question: &str, run: &Run<'_>, given: &Given) -> Result<String> {
    if run.ask && !given.defaults {
        let mut prompt = Prompt::new("template", Kind::Choice(options.to_vec()));
        prompt.label = Some(question.to_string());
        let answer = Terminal.ask(&prompt, options.first().map(|first| Value::String(first.clone())).as_ref())?;
        return Ok(answer.as_str().unwrap_or_default().to_string());
    }
    if given.defaults {
        return Ok(options[0].clone());
    }
    Err(Error::input(format!("the template holds several templates: {}", options.join(", ")))
        .help("name one with --subdir, or take the first with --defaults"))
}

/// The configuration that applies to `dir`: its own, else the nearest above it.
fn config_path(tree: &Tree, dir: &str) -> Option<String> {
    let mut dir = dir.to_string();
    loop {
        let path = manifest_in(&dir);
        if tree.contains_key(&path) {
            return Some(path);
        }
        if dir.is_empty() {
            return None;
        }
        dir = dir.rsplit_once('/').map_or_else(String::new, |(parent, _)| parent.to_string());
    }
}

fn read_config(bytes: &[u8], path: &str) -> Result<Config> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Error::input(format!("{path} is not UTF-8")).help("save cargo-generate.toml as UTF-8"))?;
    let config: Config = toml::from_str(text).map_err(|error| {
        let line = error.span().map(|span| text[..span.start].lines().count().max(1));
        let at = line.map(|line| format!(":{line}")).unwrap_or_default();
        Error::input(format!("{path}{at}: {}", error.message()))
            .help("fix cargo-generate.toml (see cargo-generate's book)")
    })?;
    if let Some(wanted) = config.template.as_ref().and_then(|template| template.cargo_generate_version.as_deref()) {
        let requirement = semver::VersionReq::parse(wanted).map_err(|error| {
            Error::input(format!("{path}: cargo_generate_version `{wanted}`: {error}"))
                .help("write a version requirement such as \">=0.23\"")
        })?;
        if !requirement.matches(&semver::Version::parse(EMULATED).expect("a version")) {
            return Err(Error::input(format!(
                "{path}: the template needs cargo-generate {wanted}; workbench renders as cargo-generate {EMULATED}"
            ))
            .help("use a version of the template made for cargo-generate 0.23"));
        }
    }
    Ok(config)
}

/// cargo-generate's project name: kept when it is snake_case, else kebab-case.
fn project_name(raw: &str) -> String {
    let snake = heck::ToSnakeCase::to_snake_case(raw);
    if snake == raw { snake } else { heck::ToKebabCase::to_kebab_case(raw) }
}

/// `user.name <user.email>` as cargo (and cargo-generate) find them.
fn authors(context: &Context) -> (String, String) {
    let first = |names: &[&str]| names.iter().find_map(|name| context.var(name));
    let config = git2::Repository::discover(context.cwd())
        .and_then(|repo| repo.config())
        .or_else(|_| git2::Config::open_default())
        .ok();
    let from_git = |key: &str| config.as_ref().and_then(|config| config.get_string(key).ok());
    let name = first(&["CARGO_NAME", "GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"])
        .or_else(|| from_git("user.name"))
        .or_else(|| first(&["USER", "USERNAME", "NAME"]))
        .unwrap_or_default()
        .trim()
        .to_string();
    let email = first(&["CARGO_EMAIL", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"])
        .or_else(|| from_git("user.email"))
        .or_else(|| first(&["EMAIL"]));
    let author = match email {
        Some(email) => {
            let email = email.trim();
            let email = email.strip_prefix('<').and_then(|rest| rest.strip_suffix('>')).unwrap_or(email);
            format!("{name} <{email}>")
        }
        None => name.clone(),
    };
    (author, name)
}

/// A value given for `name` (`--set`, `--values`, an earlier answer), as cargo-generate's text.
fn provided(given: &Given, name: &str) -> Option<(String, String)> {
    if let Some((_, text)) = given.set.iter().rev().find(|(key, _)| key == name) {
        return Some((format!("--set {name}"), text.clone()));
    }
    let from = |map: &Map<String, Value>| map.get(name).and_then(as_text);
    if let Some((file, text)) = given.values.as_ref().and_then(|(file, map)| Some((file, from(map)?))) {
        return Some((format!("{file}: `{name}`"), text));
    }
    from(&given.previous).map(|text| (format!("{}: `{name}`", super::ANSWERS_FILE), text))
}

/// A value as cargo-generate reads one from a values file: lists joined with commas.
fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Bool(_) | Value::Number(_) => Some(value.to_string()),
        Value::Array(items) => Some(items.iter().filter_map(as_text).collect::<Vec<_>>().join(",")),
        Value::Null | Value::Object(_) => None,
    }
}

/// A placeholder of `cargo-generate.toml`.
struct Slot {
    name: String,
    prompt: String,
    kind: SlotKind,
    default: Option<String>,
    regex: Option<regex::Regex>,
}

enum SlotKind {
    Bool,
    Text,
    Choices(Vec<String>),
    Array(Vec<String>),
}

fn slot(name: &str, spec: &toml::Value, file: &str) -> Result<Slot> {
    let wrong = |what: String| {
        Error::input(format!("{file}: placeholder `{name}`: {what}"))
            .help("fix the placeholder in cargo-generate.toml (see cargo-generate's book, \"Placeholders\")")
    };
    if RESERVED.contains(&name) {
        return Err(wrong(format!("`{name}` is set by cargo-generate itself and cannot be a placeholder")));
    }
    let table = spec.as_table().ok_or_else(|| wrong("should be a table".into()))?;
    let text = |key: &str| match table.get(key) {
        None => Ok(None),
        Some(toml::Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(wrong(format!("`{key}` should be a string"))),
    };
    let kind_name = text("type")?.unwrap_or_else(|| "string".into());
    if !["string", "text", "editor", "bool", "array"].contains(&kind_name.as_str()) {
        return Err(wrong(format!("type `{kind_name}`: the types are bool, string, text, editor and array")));
    }
    let prompt = text("prompt")?.ok_or_else(|| wrong("it has no `prompt`".into()))?;
    let regex = match (kind_name.as_str(), text("regex")?) {
        ("bool", Some(_)) => return Err(wrong("a bool takes no `regex`".into())),
        ("array", Some(_)) => return Err(wrong("an array takes no `regex`".into())),
        (_, Some(pattern)) => {
            Some(regex::Regex::new(&pattern).map_err(|error| wrong(format!("`regex` is not valid: {error}")))?)
        }
        (_, None) => None,
    };
    let choices = match table.get("choices") {
        None => None,
        Some(toml::Value::Array(items)) if matches!(kind_name.as_str(), "string" | "array") => Some(
            items
                .iter()
                .map(|item| item.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| wrong("`choices` should be a list of strings".into()))?,
        ),
        Some(_) if matches!(kind_name.as_str(), "string" | "array") => {
            return Err(wrong("`choices` should be a list of strings".into()));
        }
        Some(_) => return Err(wrong(format!("a {kind_name} takes no `choices`"))),
    };
    if kind_name == "string" && choices.as_ref().is_some_and(Vec::is_empty) {
        return Err(wrong("`choices` is empty".into()));
    }
    let matches = |value: &str, field: &str| match &regex {
        Some(regex) if !regex.is_match(value) => Err(wrong(format!("its `{field}` does not match its `regex`"))),
        _ => Ok(()),
    };
    if let Some(choices) = choices.as_ref().filter(|_| kind_name == "string") {
        for choice in choices {
            matches(choice, "choices")?;
        }
    }
    let default = match (table.get("default"), kind_name.as_str()) {
        (None, _) => None,
        (Some(toml::Value::Boolean(flag)), "bool") => Some(flag.to_string()),
        (Some(toml::Value::String(text)), "string" | "text" | "editor") => {
            if let Some(choices) = &choices
                && !choices.contains(text)
            {
                return Err(wrong(format!("default `{text}` is not one of its choices {choices:?}")));
            }
            matches(text, "default")?;
            Some(text.clone())
        }
        (Some(toml::Value::Array(items)), "array") if choices.is_some() => {
            let items: Vec<String> = items.iter().map(|item| item.as_str().unwrap_or_default().to_string()).collect();
            let choices = choices.as_deref().unwrap_or_default();
            if !items.iter().all(|item| choices.contains(item)) {
                return Err(wrong(format!("default `{}` is not among its choices {choices:?}", items.join(","))));
            }
            Some(items.join(","))
        }
        (Some(_), kind) => return Err(wrong(format!("`default` should be a {kind}"))),
    };
    let kind = match (kind_name.as_str(), choices) {
        ("bool", _) => SlotKind::Bool,
        ("array", choices) => SlotKind::Array(choices.unwrap_or_default()),
        ("string", Some(choices)) => SlotKind::Choices(choices),
        _ => SlotKind::Text,
    };
    Ok(Slot { name: name.to_string(), prompt, kind, default, regex })
}

impl Slot {
    /// A text answer (given, typed, or the default) made the value, with
    /// cargo-generate's checks.
    fn value(&self, text: &str, source: &str) -> Result<LiquidValue> {
        let refuse = |shown: &str, help: String| {
            Error::input(format!("{source}: \"{shown}\" is not a valid value for {}", self.name)).help(help)
        };
        match &self.kind {
            SlotKind::Bool => text
                .to_lowercase()
                .parse::<bool>()
                .map(LiquidValue::scalar)
                .map_err(|_| refuse(text, format!("`{}` takes true or false", self.name))),
            SlotKind::Text => match &self.regex {
                Some(regex) if !regex.is_match(text) => {
                    Err(refuse(text, format!("`{}` must match {}", self.name, regex.as_str())))
                }
                _ => Ok(LiquidValue::scalar(text.to_string())),
            },
            SlotKind::Choices(choices) if !choices.iter().any(|choice| choice == text) => {
                Err(refuse(text, format!("`{}` is one of {}", self.name, choices.join(", "))))
            }
            SlotKind::Choices(_) => Ok(LiquidValue::scalar(text.to_string())),
            SlotKind::Array(choices) => {
                let items: Vec<&str> = text.split(',').filter(|item| !item.is_empty()).collect();
                let bad: Vec<&str> = items.iter().copied().filter(|item| !choices.iter().any(|c| c == item)).collect();
                if !bad.is_empty() {
                    return Err(refuse(&bad.join(","), format!("`{}` takes any of {}", self.name, choices.join(", "))));
                }
                Ok(LiquidValue::Array(items.into_iter().map(|item| LiquidValue::scalar(item.to_string())).collect()))
            }
        }
    }

    /// Asks on the terminal; the answer comes back as cargo-generate's text.
    fn ask(&self) -> Result<String> {
        let kind = match &self.kind {
            SlotKind::Bool => Kind::Bool,
            SlotKind::Text => Kind::String,
            SlotKind::Choices(choices) => Kind::Choice(choices.clone()),
            SlotKind::Array(choices) => Kind::MultiChoice(choices.clone()),
        };
        let mut prompt = Prompt::new(self.name.clone(), kind);
        prompt.label = Some(self.prompt.clone());
        prompt.validate.clone_from(&self.regex);
        let default = self.default.as_ref().map(|text| match &self.kind {
            SlotKind::Bool => Value::Bool(text == "true"),
            SlotKind::Array(_) => Value::Array(text.split(',').map(|item| Value::String(item.into())).collect()),
            _ => Value::String(text.clone()),
        });
        Ok(as_text(&Terminal.ask(&prompt, default.as_ref())?).unwrap_or_default())
    }
}

/// Fills every placeholder not yet set, then merges the `[conditional]`
/// sections that hold, again while they add placeholders.
fn fill_placeholders(
    config: &mut Config,
    values: &Values,
    given: &Given,
    run: &Run<'_>,
    answers: &mut Map<String, Value>,
    file: &str,
) -> Result<()> {
    let mut conditionals = config.conditional.take().unwrap_or_default();
    loop {
        let mut missing = Vec::new();
        for (name, spec) in config.placeholders.iter().flatten() {
            if rhai_hooks::lock(values).contains_key(name.as_str()) {
                continue;
            }
            let slot = slot(name, spec, file)?;
            let (source, text) = match provided(given, name) {
                Some(given) => given,
                None if run.ask && !given.defaults => ("your answer".to_string(), slot.ask()?),
                None if given.defaults => match &slot.default {
                    Some(default) => (format!("{file}: the default of `{name}`"), default.clone()),
                    None => {
                        return Err(Error::input(format!("{file}: placeholder `{name}` has no default"))
                            .help(format!("answer it with --set {name}=VALUE")));
                    }
                },
                None => {
                    missing.push(format!("{name}: {}", slot.prompt));
                    continue;
                }
            };
            let value = slot.value(&text, &source)?;
            answers.insert(name.clone(), to_json(&value));
            rhai_hooks::lock(values).insert(KString::from_string(name.clone()), value);
        }
        if !missing.is_empty() {
            return Err(super::answers::not_answered("placeholder", &missing));
        }
        let mut added = false;
        for (expression, section) in &mut conditionals {
            if !rhai_hooks::condition(values, expression) {
                continue;
            }
            let template = config.template.get_or_insert_with(TemplateConfig::default);
            for (from, to) in [
                (&mut section.include, &mut template.include),
                (&mut section.exclude, &mut template.exclude),
                (&mut section.ignore, &mut template.ignore),
            ] {
                if let Some(mut extra) = from.take() {
                    to.get_or_insert_with(Vec::new).append(&mut extra);
                }
            }
            if let Some(extra) = section.placeholders.take() {
                config.placeholders.get_or_insert_with(IndexMap::new).extend(extra);
                added = true;
            }
        }
        if !added {
            return Ok(());
        }
    }
}

/// Values given for names no placeholder asks: cargo-generate renders with them too.
fn add_given(values: &Values, given: &Given, answers: &mut Map<String, Value>) -> Result<()> {
    let mut names: Vec<&String> = given.set.iter().map(|(key, _)| key).collect();
    names.extend(given.values.iter().flat_map(|(_, map)| map.keys()));
    names.extend(given.previous.keys());
    for name in names {
        if rhai_hooks::lock(values).contains_key(name.as_str()) {
            continue;
        }
        let value = if let Some((_, text)) = given.set.iter().rev().find(|(key, _)| key == name) {
            Value::String(text.clone())
        } else {
            let from_file = given.values.as_ref().and_then(|(_, map)| map.get(name));
            from_file.or_else(|| given.previous.get(name)).cloned().unwrap_or(Value::Null)
        };
        let liquid = match &value {
            Value::String(text) => LiquidValue::scalar(text.clone()),
            Value::Bool(flag) => LiquidValue::scalar(*flag),
            _ => {
                return Err(Error::input(format!(
                    "`{name}`: a value no placeholder asks for must be a text or a bool"
                ))
                .help("give it as a text or true/false, as cargo-generate requires"));
            }
        };
        answers.insert(name.clone(), value);
        rhai_hooks::lock(values).insert(KString::from_string(name.clone()), liquid);
    }
    Ok(())
}

fn to_json(value: &LiquidValue) -> Value {
    match value {
        LiquidValue::Array(items) => Value::Array(items.iter().map(to_json).collect()),
        other => match other.as_scalar().and_then(|scalar| scalar.to_bool()) {
            Some(flag) => Value::Bool(flag),
            None => Value::String(other.to_kstr().to_string()),
        },
    }
}

/// The `ignore` list, `.genignore`'s patterns and cargo-generate's own files, removed.
fn remove_ignored(dir: &Path, ignore: &[String]) -> Result<()> {
    let mut doomed: Vec<PathBuf> = [IGNORE_FILE, MANIFEST, ".cargo-ok"].iter().map(|name| dir.join(name)).collect();
    if dir.join(IGNORE_FILE).exists() {
        let walk = |custom: bool| {
            let mut builder = ignore::WalkBuilder::new(dir);
            builder.standard_filters(false);
            if custom {
                builder.add_custom_ignore_filename(IGNORE_FILE);
            }
            builder.build().filter_map(std::result::Result::ok).map(ignore::DirEntry::into_path)
        };
        let kept: std::collections::HashSet<PathBuf> = walk(true).collect();
        doomed.extend(walk(false).filter(|path| !kept.contains(path)));
    }
    doomed.extend(ignore.iter().map(|name| dir.join(name)));
    for path in doomed {
        remove(&path).map_err(|error| io_error(&path, &error))?;
    }
    Ok(())
}

fn remove(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(_) => Ok(()),
    }
}

enum Treatment {
    Render,
    /// Under `exclude` (or outside `include`): renamed, not rendered.
    Copy,
    /// A hook script: left alone.
    Leave,
}

struct Matcher {
    include: Option<ignore::gitignore::Gitignore>,
    exclude: Option<ignore::gitignore::Gitignore>,
    hooks: Vec<String>,
}

impl Matcher {
    fn new(dir: &Path, template: &TemplateConfig, hooks: &[String], origin: &str) -> Result<Matcher> {
        let file = format!("{origin}/{MANIFEST}");
        let build = |patterns: &Option<Vec<String>>, setting: &str| {
            patterns
                .as_ref()
                .map(|patterns| {
                    super::template::pattern_matcher(dir, patterns.iter().map(String::as_str), setting, &file)
                })
                .transpose()
        };
        let include = build(&template.include, "include")?;
        if include.is_some() && template.exclude.is_some() {
            log::warn!(
                "{origin}/{MANIFEST} has both `include` and `exclude`: only `include` counts, as in cargo-generate"
            );
        }
        let exclude = if include.is_some() { None } else { build(&template.exclude, "exclude")? };
        Ok(Matcher { include, exclude, hooks: hooks.to_vec() })
    }

    fn treat(&self, relative: &Path) -> Treatment {
        if self.hooks.iter().any(|hook| relative.to_str() == Some(hook.as_str())) {
            return Treatment::Leave;
        }
        let render = match (&self.include, &self.exclude) {
            (Some(include), _) => include.matched_path_or_any_parents(relative, false).is_ignore(),
            (None, Some(exclude)) => !exclude.matched_path_or_any_parents(relative, false).is_ignore(),
            (None, None) => true,
        };
        if render { Treatment::Render } else { Treatment::Copy }
    }
}

/// Every file rendered and every name renamed in the working copy,
/// deepest first and by name, as cargo-generate walks it.
fn render_in_place(
    dir: &Path,
    template: &TemplateConfig,
    hooks: &[String],
    (parser, values): (&liquid::Parser, &Values),
    origin: &str,
) -> Result<()> {
    let matcher = Matcher::new(dir, template, hooks, origin)?;
    let entries: Vec<walkdir::DirEntry> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .contents_first(true)
        .into_iter()
        .filter_map(std::result::Result::ok)
        .filter(|entry| entry.path() != dir && !entry.path().components().any(|part| part.as_os_str() == ".git"))
        .collect();
    let mut failed = Vec::new();
    for entry in entries {
        let path = entry.path();
        let relative = path.strip_prefix(dir).expect("walked below dir");
        let renamed = |what: &str| {
            liquid_engine::rename(parser, values, relative).map(|name| dir.join(name)).map_err(|error| {
                Error::input(format!("{origin}/{}: cannot render its {what}: {error}", relative.display()))
                    .help("fix the Liquid in that name")
            })
        };
        match matcher.treat(relative) {
            Treatment::Render if entry.file_type().is_file() => {
                let rendered = std::fs::read_to_string(path)
                    .map_err(|error| error.to_string())
                    .and_then(|text| liquid_engine::render(parser, values, &text).map_err(|error| error.to_string()));
                let text = match rendered {
                    Ok(text) => text,
                    Err(error) => {
                        failed.push(format!("{}{}", relative.display(), brief(&error)));
                        continue;
                    }
                };
                let target = renamed("name")?;
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent).map_err(|error| io_error(parent, &error))?;
                }
                std::fs::write(&target, text).map_err(|error| io_error(&target, &error))?;
                if target != path {
                    std::fs::remove_file(path).map_err(|error| io_error(path, &error))?;
                }
            }
            Treatment::Render => {
                let target = renamed("folder name")?;
                if target != path {
                    std::fs::remove_dir_all(path).map_err(|error| io_error(path, &error))?;
                }
            }
            Treatment::Copy => {
                let target = renamed("name")?;
                if target != path {
                    if let Some(parent) = target.parent() {
                        std::fs::create_dir_all(parent).map_err(|error| io_error(parent, &error))?;
                    }
                    std::fs::copy(path, &target).map_err(|error| io_error(&target, &error))?;
                    std::fs::remove_file(path).map_err(|error| io_error(path, &error))?;
                }
            }
            Treatment::Leave => {}
        }
    }
    if failed.is_empty() {
        return Ok(());
    }
    Err(Error::input(format!(
        "{origin}: substitution failed in {} file{} (invalid Liquid, or not UTF-8 text):\n  {}",
        failed.len(),
        if failed.len() == 1 { "" } else { "s" },
        failed.join("\n  ")
    ))
    .help("list files that are not templates under `exclude` in cargo-generate.toml, as cargo-generate asks"))
}

/// A liquid error as `:LINE:COLUMN: what was expected`, or `: why`.
fn brief(error: &str) -> String {
    let at = error.split_once("--> ").and_then(|(_, rest)| rest.split_whitespace().next());
    let first = error.lines().next().unwrap_or_default();
    let reason = error
        .lines()
        .map(str::trim)
        .find_map(|line| line.strip_prefix("= "))
        .unwrap_or_else(|| first.strip_prefix("liquid: ").unwrap_or(first));
    match at {
        Some(at) => format!(":{at}: {reason}"),
        None => format!(": {reason}"),
    }
}

/// The working copy as files in memory, `.liquid` suffixes dropped again as
/// cargo-generate's last copy drops them.
fn read_back(dir: &Path) -> Result<(Tree, Vec<String>)> {
    let mut files = Tree::new();
    let mut folders = Vec::new();
    let walker =
        walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().filter_entry(|entry| entry.file_name() != ".git");
    for entry in walker {
        let entry = entry.map_err(|error| {
            Error::input(format!("cannot read the rendered template: {error}"))
                .help("check the temporary folder (TMPDIR)")
        })?;
        let relative = entry.path().strip_prefix(dir).expect("walked below dir");
        let Some(name) = relative.to_str().map(|name| name.replace('\\', "/")) else { continue };
        if name.is_empty() {
            continue;
        }
        if entry.file_type().is_dir() {
            folders.push(name);
            continue;
        }
        if entry.file_type().is_symlink() {
            log::warn!("{name}: a link, skipped as cargo-generate skips links");
            continue;
        }
        let key = match name.strip_suffix(LIQUID_SUFFIX) {
            Some(stripped) => stripped.to_string(),
            None if entry
                .path()
                .with_file_name(format!("{}{LIQUID_SUFFIX}", entry.file_name().to_string_lossy()))
                .exists() =>
            {
                continue;
            }
            None => name,
        };
        let contents = std::fs::read(entry.path()).map_err(|error| io_error(entry.path(), &error))?;
        files.insert(key, Entry { contents, executable: super::write::is_executable(entry.path()) });
    }
    folders.retain(|folder| !files.keys().any(|file| file.starts_with(&format!("{folder}/"))));
    Ok((files, folders))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_names_become_kebab_case_unless_snake_case() {
        assert_eq!(project_name("my_tool"), "my_tool");
        assert_eq!(project_name("MyTool"), "my-tool");
        assert_eq!(project_name("my tool"), "my-tool");
    }

    #[test]
    fn placeholders_are_checked_as_cargo_generate_checks_them() {
        let spec = |text: &str| text.parse::<toml::Table>().map(toml::Value::Table).unwrap();
        let file = "cargo-generate.toml";
        assert!(slot("crate_name", &spec("prompt = \"x\""), file).is_err());
        assert!(slot("x", &spec("type = \"bool\"\nprompt = \"x\"\nregex = \"a\""), file).is_err());
        assert!(slot("x", &spec("prompt = \"x\"\nchoices = [\"a\"]\ndefault = \"b\""), file).is_err());
        assert!(slot("x", &spec("type = \"number\"\nprompt = \"x\""), file).is_err());
        let choice = slot("x", &spec("prompt = \"x\"\nchoices = [\"a\", \"b\"]\ndefault = \"b\""), file).unwrap();
        assert!(choice.value("c", "--set x").is_err());
        let flag = slot("x", &spec("type = \"bool\"\nprompt = \"x\""), file).unwrap();
        assert_eq!(to_json(&flag.value("TRUE", "--set x").unwrap()), Value::Bool(true));
        let list = slot("x", &spec("type = \"array\"\nprompt = \"x\"\nchoices = [\"a\", \"b\"]"), file).unwrap();
        assert_eq!(to_json(&list.value("b,,a", "--set x").unwrap()), serde_json::json!(["b", "a"]));
    }
}
