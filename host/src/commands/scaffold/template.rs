//! A template read into memory: its files and what its manifest says.
//!
//! Three formats. A **cookiecutter** template has a `cookiecutter.json`
//! (read in `cookiecutter.rs`). A **Khaos** template (Segment's scaffolder) is a folder with
//! a `template/` subfolder and an optional `khaos.json` (or `.yaml`) giving
//! `schema`, `order` and `template`; its questions are discovered from the
//! placeholders. A **native** template has a `template.toml` declaring typed
//! prompts, conditional files, globs and helper plugins (docs/scaffold.md).
//!
//! Templates are read whole into memory (they are small) from a directory or
//! from a git tree, so rendering never touches the disk and `--update` can
//! render an older commit of the same template beside the newer one.

use std::collections::BTreeMap;
use std::path::Path;

use globset::GlobSet;
use handlebars::template::{Parameter, Template as Parsed, TemplateElement};
use regex::Regex;
use serde::Deserialize;
use serde_json::Value;

use super::prompt::{Kind, Prompt};
use crate::error::{Error, Result};
use crate::globs;

/// One file of a template, by its `/`-separated path from the template root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub contents: Vec<u8>,
    pub executable: bool,
}

pub type Tree = BTreeMap<String, Entry>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Khaos,
    Native,
    Cookiecutter,
    Copier,
    CargoGenerate,
}

/// A script a template runs around rendering (cookiecutter's hooks), only
/// with `--trust`.
#[derive(Debug, Clone)]
pub struct Hook {
    /// When it runs: `pre_prompt`, `pre_gen_project`, `post_gen_project`.
    pub name: String,
    /// Its path in the template.
    pub path: String,
    pub contents: Vec<u8>,
}

/// A file whose presence depends on the answers.
#[derive(Debug)]
pub struct Condition {
    pub glob: GlobSet,
    pub pattern: String,
    pub when: String,
}

#[derive(Debug)]
pub struct Template {
    pub format: Format,
    pub description: Option<String>,
    pub prompts: Vec<Prompt>,
    /// The files to render, by path inside the files folder.
    pub files: Tree,
    /// Where the files sit inside the template (for messages).
    pub files_dir: String,
    /// Files copied without rendering.
    pub copy: Option<GlobSet>,
    pub conditions: Vec<Condition>,
    /// Template-helper components: (path in the template, bytes).
    pub helpers: Vec<(String, Vec<u8>)>,
    /// How a Jinja template is rendered; `None` for Handlebars.
    pub jinja: Option<super::jinja::Setup>,
    pub hooks: Vec<Hook>,
    /// The newline every rendered file is written with (cookiecutter's `_new_lines`).
    pub newline: Option<String>,
    /// A copier template's settings.
    pub copier: Option<super::copier::Settings>,
}

pub const NATIVE_MANIFEST: &str = "template.toml";
const KHAOS_MANIFESTS: [&str; 3] = ["khaos.json", "khaos.yaml", "khaos.yml"];

/// Whether a folder looks like a template of either format.
pub fn is_template_dir(dir: &Path) -> bool {
    dir.join(NATIVE_MANIFEST).is_file()
        || dir.join(super::cookiecutter::MANIFEST).is_file()
        || super::copier::MANIFESTS.iter().any(|name| dir.join(name).is_file())
        || dir.join(super::cargo_generate::MANIFEST).is_file()
        || KHAOS_MANIFESTS.iter().any(|name| dir.join(name).is_file())
        || dir.join("template").is_dir()
}

impl Template {
    /// `origin` names the template in messages.
    pub fn from_tree(mut tree: Tree, origin: &str) -> Result<Template> {
        if let Some(manifest) = tree.remove(NATIVE_MANIFEST) {
            return native(tree, &manifest.contents, origin);
        }
        if let Some(manifest) = tree.remove(super::cookiecutter::MANIFEST) {
            return super::cookiecutter::read(tree, &manifest.contents, origin);
        }
        let copier_manifests: Vec<&str> =
            super::copier::MANIFESTS.iter().copied().filter(|name| tree.contains_key(*name)).collect();
        if copier_manifests.len() > 1 {
            return Err(Error::input(format!("{origin} has both copier.yml and copier.yaml"))
                .help("keep one of them, as copier requires"));
        }
        if let Some(name) = copier_manifests.first() {
            let manifest = tree.remove(*name).expect("listed above");
            return super::copier::read(tree, name, &manifest.contents, origin);
        }
        if super::cargo_generate::recognizes(&tree) {
            return Ok(cargo_generate(tree));
        }
        let khaos_manifest = KHAOS_MANIFESTS.iter().find_map(|name| tree.remove(*name).map(|entry| (*name, entry)));
        let has_files = tree.keys().any(|path| path.starts_with("template/"));
        if khaos_manifest.is_none() && !has_files {
            if super::cargo_generate::looks_like(&tree) {
                return Ok(cargo_generate(tree));
            }
            return Err(Error::input(format!(
                "{origin} is not a template: it has no {NATIVE_MANIFEST}, cookiecutter.json, copier.yml, cargo-generate.toml, khaos.json or template/ folder"
            ))
            .help("see docs/scaffold.md for the template formats"));
        }
        khaos(tree, khaos_manifest, origin)
    }
}

/// A cargo-generate template keeps its whole tree: which folder is the
/// template, and its placeholders, are settled as it renders.
fn cargo_generate(tree: Tree) -> Template {
    Template { files: tree, ..Template::bare(Format::CargoGenerate) }
}

impl Template {
    /// A template of `format` with no files, questions or settings yet.
    fn bare(format: Format) -> Template {
        Template {
            format,
            description: None,
            prompts: Vec::new(),
            files: Tree::new(),
            files_dir: String::new(),
            copy: None,
            conditions: Vec::new(),
            helpers: Vec::new(),
            jinja: None,
            hooks: Vec::new(),
            newline: None,
            copier: None,
        }
    }
}

// --- native ---

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct NativeManifest {
    description: Option<String>,
    #[serde(default = "default_directory")]
    directory: String,
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    copy: Vec<String>,
    #[serde(default)]
    helpers: Vec<String>,
    #[serde(default, rename = "prompt")]
    prompts: Vec<NativePrompt>,
    #[serde(default)]
    files: Vec<NativeFiles>,
}

fn default_directory() -> String {
    "template".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct NativePrompt {
    name: String,
    #[serde(rename = "type", default = "default_type")]
    kind: String,
    #[serde(alias = "question")]
    label: Option<String>,
    help: Option<String>,
    default: Option<toml::Value>,
    required: Option<bool>,
    validate: Option<String>,
    when: Option<String>,
    #[serde(default)]
    choices: Vec<String>,
}

fn default_type() -> String {
    "string".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NativeFiles {
    glob: String,
    when: String,
}

fn native(tree: Tree, manifest: &[u8], origin: &str) -> Result<Template> {
    let where_ = format!("{origin}/{NATIVE_MANIFEST}");
    let text = std::str::from_utf8(manifest)
        .map_err(|_| Error::input(format!("{where_} is not UTF-8 text")).help("save the file as UTF-8"))?;
    let manifest: NativeManifest = toml::from_str(text).map_err(|error| {
        let line = error.span().map_or(String::new(), |span| format!(":{}", line_of(text, span.start)));
        Error::input(format!("{where_}{line}: {}", error.message().trim()))
            .help("fix the manifest; docs/scaffold.md lists its keys")
    })?;
    let mut prompts = Vec::new();
    for prompt in manifest.prompts {
        if prompts.iter().any(|known: &Prompt| known.name == prompt.name) {
            return Err(Error::input(format!("{where_}: prompt `{}` is declared twice", prompt.name))
                .help("give each prompt its own name"));
        }
        prompts.push(native_prompt(prompt, &where_)?);
    }
    let directory = manifest.directory.trim_matches('/').to_string();
    let prefix = format!("{directory}/");
    let include = (!manifest.include.is_empty()).then(|| glob_set(&manifest.include, &where_)).transpose()?;
    let exclude = glob_set(&manifest.exclude, &where_)?;
    let mut files = Tree::new();
    let mut helpers = Vec::new();
    for (path, entry) in tree {
        if manifest.helpers.iter().any(|helper| helper.trim_start_matches("./") == path) {
            helpers.push((path, entry.contents));
        } else if let Some(inside) = path.strip_prefix(&prefix)
            && include.as_ref().is_none_or(|include| include.is_match(inside))
            && !exclude.is_match(inside)
        {
            files.insert(inside.to_string(), entry);
        }
    }
    if let Some(missing) =
        manifest.helpers.iter().find(|helper| !helpers.iter().any(|(path, _)| path == helper.trim_start_matches("./")))
    {
        return Err(Error::input(format!("{where_}: helper `{missing}` is not in the template"))
            .help("add the helper's .wasm to the template, or remove it from `helpers`"));
    }
    let conditions = manifest
        .files
        .into_iter()
        .map(|files| {
            Ok(Condition {
                glob: glob_set(std::slice::from_ref(&files.glob), &where_)?,
                pattern: files.glob,
                when: files.when,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Template {
        description: manifest.description,
        prompts,
        files,
        files_dir: directory,
        copy: (!manifest.copy.is_empty()).then(|| glob_set(&manifest.copy, &where_)).transpose()?,
        conditions,
        helpers,
        ..Template::bare(Format::Native)
    })
}

fn native_prompt(prompt: NativePrompt, where_: &str) -> Result<Prompt> {
    let bad = |message: String| {
        Error::input(format!("{where_}: prompt `{}`: {message}", prompt.name))
            .help("fix that prompt in template.toml (docs/scaffold.md lists the keys)")
    };
    if !valid_name(&prompt.name) {
        return Err(bad("a name is letters, digits, `_` and `-`, starting with a letter".into()));
    }
    let kind = match prompt.kind.as_str() {
        "string" | "text" => Kind::String,
        "password" => Kind::Password,
        "bool" | "boolean" => Kind::Bool,
        "integer" => Kind::Integer,
        "number" => Kind::Number,
        "date" => Kind::Date,
        "choice" | "multi-choice" if prompt.choices.is_empty() => return Err(bad("give its `choices`".into())),
        "choice" => Kind::Choice(prompt.choices.clone()),
        "multi-choice" => Kind::MultiChoice(prompt.choices.clone()),
        other => {
            return Err(bad(format!(
                "unknown type `{other}`; use string, password, bool, integer, number, date, choice or multi-choice"
            )));
        }
    };
    let validate = prompt
        .validate
        .as_deref()
        .map(|pattern| Regex::new(&anchored(pattern)).map_err(|error| bad(format!("bad `validate` pattern: {error}"))))
        .transpose()?;
    let default = prompt.default.map(|value| serde_json::to_value(value).unwrap_or(Value::Null));
    Ok(Prompt {
        hidden: false,
        required: prompt.required.unwrap_or(default.is_none() && kind != Kind::Bool),
        name: prompt.name,
        kind,
        label: prompt.label,
        help: prompt.help,
        default,
        validate,
        when: prompt.when,
    })
}

/// A `validate` pattern must match the whole answer, as users expect of a
/// validation (`[a-z]+` should not accept `ab1`).
fn anchored(pattern: &str) -> String {
    format!("^(?:{pattern})$")
}

fn valid_name(name: &str) -> bool {
    name.chars().next().is_some_and(|first| first.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

// --- Khaos ---

#[derive(Debug, Default, Deserialize)]
struct KhaosManifest {
    template: Option<String>,
    #[serde(default)]
    schema: serde_json::Map<String, Value>,
    #[serde(default)]
    order: Vec<String>,
    description: Option<String>,
}

/// Filled in by Khaos itself, never asked.
pub const KHAOS_AUTOMATIC: [&str; 2] = ["date", "basename"];

fn khaos(tree: Tree, manifest: Option<(&str, Entry)>, origin: &str) -> Result<Template> {
    let manifest = match manifest {
        None => KhaosManifest::default(),
        Some((name, entry)) => {
            let where_ = format!("{origin}/{name}");
            let value = if super::render::has_extension(name, "json") {
                serde_json::from_slice(&entry.contents).map_err(|error| {
                    Error::input(format!("{where_}:{}: {error}", error.line()))
                        .help("fix khaos.json at that line: it must be JSON")
                })?
            } else {
                let text = std::str::from_utf8(&entry.contents)
                    .map_err(|_| Error::input(format!("{where_} is not UTF-8 text")).help("save the file as UTF-8"))?;
                crate::front_matter::yaml_document(text).map_err(|error| {
                    Error::input(format!("{where_}:{error}"))
                        .help("fix template.toml at that place (docs/scaffold.md lists the keys)")
                })?
            };
            serde_json::from_value(value).map_err(|error| {
                Error::input(format!("{where_}: {error}")).help("fix the template's manifest (docs/scaffold.md)")
            })?
        }
    };
    if tree.contains_key("index.js") {
        log::warn!(
            "{origin}/index.js is a Khaos JavaScript plugin and is not run; port it to a template-helper plugin (docs/scaffold.md)"
        );
    }
    let directory = manifest.template.clone().unwrap_or_else(|| "template".into()).trim_matches('/').to_string();
    let prefix = format!("{directory}/");
    let files: Tree = tree
        .into_iter()
        .filter_map(|(path, entry)| path.strip_prefix(&prefix).map(|inside| (inside.to_string(), entry)))
        .collect();
    let prompts = khaos_prompts(&files, &manifest, &format!("{origin}/{directory}"))?;
    Ok(Template {
        description: manifest.description,
        prompts,
        files,
        files_dir: directory,
        ..Template::bare(Format::Khaos)
    })
}

/// Khaos's `parse`: placeholders in paths and contents (not of `.hbs` files,
/// not of binary files) in discovery order; `{{x}}` and helper arguments ask
/// for text, `{{#x}}` asks yes/no (a later sighting sets the type, as Khaos's
/// `extend` does); then the schema's settings, then `order`.
///
/// Departures, both of Khaos bugs: placeholders inside blocks are found too
/// (Khaos looked only at the top level), and built-in helpers (`if`, `each`,
/// `default`...) are not mistaken for questions.
fn khaos_prompts(files: &Tree, manifest: &KhaosManifest, origin: &str) -> Result<Vec<Prompt>> {
    let mut found: Vec<(String, Kind)> = Vec::new();
    for (path, entry) in files {
        let closed = close_khaos_path_block(path);
        scan(&closed, &mut found).map_err(|error| template_error(origin, path, "its path", &error))?;
        if super::render::has_extension(path, "hbs") {
            continue;
        }
        if let Ok(text) = std::str::from_utf8(&entry.contents) {
            scan(text, &mut found).map_err(|error| template_error(origin, path, "", &error))?;
        }
    }
    found.retain(|(name, _)| !KHAOS_AUTOMATIC.contains(&name.as_str()));
    for name in manifest.schema.keys() {
        if !found.iter().any(|(known, _)| known == name) && !KHAOS_AUTOMATIC.contains(&name.as_str()) {
            found.push((name.clone(), Kind::String));
        }
    }
    let rank = |name: &str| manifest.order.iter().position(|known| known == name).unwrap_or(usize::MAX);
    found.sort_by_key(|(name, _)| rank(name));
    found
        .into_iter()
        .map(|(name, kind)| {
            let settings = manifest.schema.get(&name).cloned().unwrap_or(Value::Null);
            khaos_prompt(name, kind, &settings, origin)
        })
        .collect()
}

fn khaos_prompt(name: String, found: Kind, settings: &Value, origin: &str) -> Result<Prompt> {
    let text = |key: &str| settings.get(key).and_then(Value::as_str).map(str::to_string);
    let kind = match text("type").as_deref() {
        None => found,
        Some("string") => Kind::String,
        Some("password") => Kind::Password,
        Some("boolean" | "bool") => Kind::Bool,
        Some("number") => Kind::Number,
        Some("date") => Kind::Date,
        Some(other) => {
            return Err(Error::input(format!(
                "{origin}/khaos.json: `{name}` has unknown type `{other}`; Khaos knows string, number, boolean, password and date"
            )).help("use one of the types Khaos knows"));
        }
    };
    Ok(Prompt {
        kind,
        label: text("label"),
        hidden: false,
        help: text("hint").or_else(|| text("help")),
        default: settings.get("default").cloned(),
        required: settings.get("required").and_then(Value::as_bool).unwrap_or(false),
        validate: None,
        when: None,
        name,
    })
}

/// Khaos's read plugin: a file name can only open a block (`/` cannot be in
/// a name), so `{{#x}}package.json` is closed at its end. Only the first
/// opener is closed, as in Khaos.
pub fn close_khaos_path_block(path: &str) -> String {
    static OPENER: std::sync::LazyLock<Regex> =
        std::sync::LazyLock::new(|| Regex::new(r"\{\{[#^] *(\w+) *\}\}").expect("valid regex"));
    match OPENER.captures(path) {
        Some(captures) => format!("{path}{{{{/{}}}}}", &captures[1]),
        None => path.to_string(),
    }
}

/// Helpers every template may use; their names are never questions.
pub const BUILT_IN_HELPERS: [&str; 22] = [
    "if", "unless", "each", "with", "lookup", "log", "raw", "eq", "ne", "gt", "gte", "lt", "lte", "and", "or", "not",
    "len", "default", "is", "isnt", "json", "contains",
];

fn scan(text: &str, found: &mut Vec<(String, Kind)>) -> Result<(), handlebars::TemplateError> {
    let parsed = Parsed::compile(&super::render::inverted_sections(text))?;
    visit(&parsed, found);
    Ok(())
}

fn visit(template: &Parsed, found: &mut Vec<(String, Kind)>) {
    for element in &template.elements {
        let (TemplateElement::Expression(helper)
        | TemplateElement::HtmlExpression(helper)
        | TemplateElement::HelperBlock(helper)) = element
        else {
            continue;
        };
        let name = parameter_name(&helper.name);
        let is_helper = name.as_deref().is_some_and(is_known_helper);
        if helper.params.is_empty() && !is_helper {
            if let Some(name) = &name {
                note(found, name, if helper.block { Kind::Bool } else { Kind::String });
            }
        } else {
            let kind = if helper.block && matches!(name.as_deref(), Some("if" | "unless")) {
                Kind::Bool
            } else {
                Kind::String
            };
            for param in &helper.params {
                if let Some(param) = parameter_name(param) {
                    note(found, &param, kind.clone());
                }
            }
        }
        for inner in [&helper.template, &helper.inverse].into_iter().flatten() {
            visit(inner, found);
        }
    }
}

fn note(found: &mut Vec<(String, Kind)>, name: &str, kind: Kind) {
    let name = name.trim_start_matches("./");
    if name.is_empty() || name.starts_with('@') || name == "this" || name.contains(['.', '/', '[']) {
        return;
    }
    match found.iter_mut().find(|(known, _)| known == name) {
        Some(entry) => entry.1 = kind,
        None => found.push((name.to_string(), kind)),
    }
}

pub fn is_known_helper(name: &str) -> bool {
    BUILT_IN_HELPERS.contains(&name) || super::helpers::CASE_HELPERS.contains(&name) || name == "date"
}

fn parameter_name(parameter: &Parameter) -> Option<String> {
    match parameter {
        Parameter::Name(name) => Some(name.clone()),
        Parameter::Path(handlebars::Path::Relative((_, raw))) => Some(raw.clone()),
        _ => None,
    }
}

pub fn template_error(origin: &str, path: &str, what: &str, error: &handlebars::TemplateError) -> Error {
    let position = match error.pos() {
        Some((line, column)) if what.is_empty() => format!(":{line}:{column}"),
        _ => String::new(),
    };
    let what = if what.is_empty() { String::new() } else { format!(" ({what})") };
    Error::input(format!("{origin}/{path}{position}{what}: {}", error.reason()))
        .help("fix the placeholder; write `\\{{` for a literal `{{`")
}

fn glob_set(patterns: &[String], where_: &str) -> Result<GlobSet> {
    globs::glob_set(patterns, where_)
}

/// The 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
/// A tree of text files, for tests of the readers.
pub fn text_tree(files: &[(&str, &str)]) -> Tree {
    files
        .iter()
        .map(|(path, text)| ((*path).to_string(), Entry { contents: text.as_bytes().to_vec(), executable: false }))
        .collect()
}

/// A manifest setting that is a list of texts (absent or null: none).
pub fn text_list(value: Option<&Value>, key: &str, where_: &str) -> Result<Vec<String>> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str().map(str::to_string).ok_or_else(|| {
                    Error::input(format!("{where_}: `{key}` holds {item}, not a text"))
                        .help(format!("make `{key}` a list of texts"))
                })
            })
            .collect(),
        Some(other) => Err(Error::input(format!("{where_}: `{key}` is {other}, not a list"))
            .help(format!("make `{key}` a list of texts"))),
    }
}

/// Gitignore-style `patterns` of a template's setting (copier's `_exclude`,
/// `_skip_if_exists`; cargo-generate's `include`, `exclude`) as one matcher
/// rooted at `root`; `setting` and `file` name them in errors.
pub fn pattern_matcher<'a>(
    root: &Path,
    patterns: impl IntoIterator<Item = &'a str>,
    setting: &str,
    file: &str,
) -> Result<ignore::gitignore::Gitignore> {
    let mut builder = ignore::gitignore::GitignoreBuilder::new(root);
    for pattern in patterns {
        builder.add_line(None, pattern).map_err(|error| {
            Error::input(format!("`{setting}` pattern `{pattern}`: {error}")).help(format!("fix `{setting}` in {file}"))
        })?;
    }
    builder
        .build()
        .map_err(|error| Error::input(format!("`{setting}`: {error}")).help(format!("fix `{setting}` in {file}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> Tree {
        text_tree(files)
    }

    fn names(template: &Template) -> Vec<(&str, &Kind)> {
        template.prompts.iter().map(|prompt| (prompt.name.as_str(), &prompt.kind)).collect()
    }

    #[test]
    fn khaos_discovers_placeholders_in_paths_and_contents() {
        let template = Template::from_tree(
            tree(&[
                ("template/{{#node}}package.json", "{\"name\": \"{{basename}}\"}"),
                (
                    "template/Readme.md",
                    "# {{title}}\n{{#mit}}MIT {{date date 'YYYY'}}{{/mit}} {{default owner \"me\"}}",
                ),
                ("template/x.hbs", "{{not_a_question}}"),
            ]),
            "t",
        )
        .unwrap();
        assert_eq!(
            names(&template),
            [("title", &Kind::String), ("mit", &Kind::Bool), ("owner", &Kind::String), ("node", &Kind::Bool)]
        );
    }

    #[test]
    fn khaos_schema_and_order_shape_the_questions() {
        let template = Template::from_tree(
            tree(&[
                ("khaos.json", r#"{"order": ["b", "a"], "schema": {"a": {"type": "number", "label": "A?"}}}"#),
                ("template/f", "{{a}}{{b}}{{c}}"),
            ]),
            "t",
        )
        .unwrap();
        assert_eq!(names(&template), [("b", &Kind::String), ("a", &Kind::Number), ("c", &Kind::String)]);
        assert_eq!(template.prompts[1].label(), "A?");
    }

    #[test]
    fn native_manifest_errors_name_the_line() {
        let error =
            Template::from_tree(tree(&[("template.toml", "[[prompt]]\nname = \"x\"\ntype = \"colour\"\n")]), "t")
                .unwrap_err();
        assert!(error.message().contains("unknown type `colour`"), "{}", error.message());
        let error = Template::from_tree(tree(&[("template.toml", "description = 3\n")]), "t").unwrap_err();
        assert!(error.message().starts_with("t/template.toml:1:"), "{}", error.message());
    }

    #[test]
    fn a_folder_without_either_manifest_is_not_a_template() {
        let error = Template::from_tree(tree(&[("README.md", "hi")]), "t").unwrap_err();
        assert!(error.message().contains("is not a template"));
    }

    #[test]
    fn khaos_path_blocks_are_closed() {
        assert_eq!(close_khaos_path_block("lib/{{#styles}}index.css"), "lib/{{#styles}}index.css{{/styles}}");
        assert_eq!(close_khaos_path_block("{{name}}.js"), "{{name}}.js");
    }
}
