//! cookiecutter templates, read as cookiecutter 2 reads them.
//!
//! `cookiecutter.json` is the questions, in its order: a text is a text
//! question whose default is a Jinja template over the answers before it, a
//! list is a choice (its first item the default), `true`/`false` a yes/no,
//! an object a dictionary question (asked after all the others, as
//! cookiecutter does). `_`-prefixed keys are settings, never asked; `__`
//! ones are rendered like defaults and never asked. The project is the one
//! top folder whose name holds `cookiecutter` and `{{`: its contents are
//! rendered into the destination (cookiecutter puts them in a folder of
//! that rendered name; workbench's destination is that folder).
//!
//! Hooks (`hooks/pre_prompt`, `pre_gen_project`, `post_gen_project`, `.py`
//! or any executable) are code from the template's author, run only with
//! `--trust`; a Jinja extension that is Python code cannot run at all, and
//! a template that needs one is refused.

use std::collections::HashMap;
use std::sync::Arc;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use indexmap::IndexMap;
use serde_json::{Map, Value, json};

use super::jinja::{Jinja, Options, Setup};
use super::prompt::{Kind, Prompt};
use super::template::{Format, Hook, Template, Tree, text_list};
use crate::error::{Error, Result};

pub const MANIFEST: &str = "cookiecutter.json";

/// The extensions cookiecutter loads itself, and the Jinja2 ones minijinja
/// covers; anything else is Python code.
const KNOWN_EXTENSIONS: [&str; 9] = [
    "cookiecutter.extensions.JsonifyExtension",
    "cookiecutter.extensions.RandomStringExtension",
    "cookiecutter.extensions.SlugifyExtension",
    "cookiecutter.extensions.TimeExtension",
    "cookiecutter.extensions.UUIDExtension",
    "jinja2_time.TimeExtension",
    "jinja2.ext.do",
    "jinja2.ext.loopcontrols",
    "jinja2.ext.debug",
];

const HOOKS: [&str; 3] = ["pre_prompt", "pre_gen_project", "post_gen_project"];

/// Whether a folder's top-level name is cookiecutter's project folder.
pub fn is_project_dir(name: &str) -> bool {
    name.contains("cookiecutter") && name.contains("{{") && name.contains("}}")
}

pub fn read(mut tree: Tree, manifest: &[u8], origin: &str) -> Result<Template> {
    let where_ = format!("{origin}/{MANIFEST}");
    let raw: IndexMap<String, Value> = serde_json::from_slice(manifest).map_err(|error| {
        Error::input(format!("{where_}:{}:{}: {error}", error.line(), error.column()))
            .help("fix cookiecutter.json at that line: it must be one JSON object")
    })?;
    if let Some(Value::Object(nested)) = raw.get("templates") {
        let names: Vec<&str> = nested.keys().map(String::as_str).collect();
        return Err(Error::input(format!(
            "{where_} lists nested templates ({}); workbench does not offer cookiecutter's choice of nested template yet",
            names.join(", ")
        ))
        .help("name the one you want with --subdir, the folder its `path` gives"));
    }
    let project = project_folder(&tree, origin)?;
    let extensions = text_list(raw.get("_extensions"), "_extensions", &where_)?;
    if let Some(extension) = extensions.iter().find(|name| !KNOWN_EXTENSIONS.contains(&name.as_str())) {
        return Err(Error::input(format!(
            "{where_}: `_extensions` names `{extension}`, a Python Jinja extension; workbench renders Jinja without Python, so it cannot run it"
        ))
        .help("render this template with cookiecutter itself, or drop the extension from the template"));
    }
    let options = options(raw.get("_jinja2_env_vars"), &where_)?;
    let copy = copy_globs(&text_list(raw.get("_copy_without_render"), "_copy_without_render", &where_)?, &where_)?;
    let newline = match raw.get("_new_lines") {
        None | Some(Value::Null) => None,
        Some(Value::String(newline)) if matches!(newline.as_str(), "\n" | "\r\n" | "\r") => Some(newline.clone()),
        Some(other) => {
            return Err(Error::input(format!("{where_}: `_new_lines` is {other}; it takes \"\\n\" or \"\\r\\n\""))
                .help("fix `_new_lines` in cookiecutter.json"));
        }
    };
    let labels = match raw.get("__prompts__") {
        Some(Value::Object(labels)) => labels.clone(),
        _ => Map::new(),
    };
    let mut prompts = Vec::new();
    let mut dictionaries = Vec::new();
    for (name, value) in &raw {
        if name == "__prompts__" {
            continue;
        }
        let prompt = prompt(name, value, &labels);
        if matches!(prompt.kind, Kind::Dict) && !prompt.hidden {
            dictionaries.push(prompt);
        } else {
            prompts.push(prompt);
        }
    }
    // cookiecutter asks the dictionaries last, so their values can use every other answer.
    prompts.extend(dictionaries);
    let hooks = take_hooks(&mut tree);
    let prefix = format!("{project}/");
    let mut files = Tree::new();
    let mut includes = HashMap::new();
    for (path, entry) in tree {
        if let Some(inside) = path.strip_prefix(&prefix) {
            if let Ok(text) = std::str::from_utf8(&entry.contents) {
                includes.insert(inside.to_string(), text.to_string());
            }
            files.insert(inside.to_string(), entry);
        } else if let Some(shared) = path.strip_prefix("templates/") {
            // `{% extends %}` and `{% include %}` look in the project, then in `templates/`.
            if let Ok(text) = std::str::from_utf8(&entry.contents) {
                includes.entry(shared.to_string()).or_insert_with(|| text.to_string());
            }
        }
    }
    let original: Map<String, Value> = raw
        .iter()
        .filter(|(name, _)| !name.starts_with('_'))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    Ok(Template {
        format: Format::Cookiecutter,
        description: None,
        prompts,
        files,
        files_dir: project,
        copy,
        conditions: Vec::new(),
        helpers: Vec::new(),
        jinja: Some(Setup {
            options,
            namespace: Some("cookiecutter"),
            strict: true,
            globals: vec![("_cookiecutter".into(), Value::Object(original))],
            includes: Arc::new(includes),
        }),
        hooks,
        newline,
        copier: None,
    })
}

/// The one top folder whose name holds `cookiecutter` and `{{`.
fn project_folder(tree: &Tree, origin: &str) -> Result<String> {
    let mut projects: Vec<String> = tree
        .keys()
        .filter_map(|path| path.split_once('/').map(|(top, _)| top))
        .filter(|top| is_project_dir(top))
        .map(str::to_string)
        .collect();
    projects.dedup();
    match projects.as_slice() {
        [project] => Ok(project.clone()),
        [] => Err(Error::input(format!(
                "{origin} has {MANIFEST} but no project folder (a top folder named like `{{{{cookiecutter.project_slug}}}}`)"
            ))
        .help("cookiecutter renders the one top folder whose name holds `cookiecutter` and `{{`")),
        more => Err(Error::input(format!(
                "{origin} has {} project folders ({}); cookiecutter would take whichever the file system lists first",
                more.len(),
                more.join(", ")
            ))
        .help("keep one top folder whose name holds `cookiecutter` and `{{`, or point --subdir at one template")),
    }
}

fn prompt(name: &str, value: &Value, labels: &Map<String, Value>) -> Prompt {
    let kind = match value {
        _ if name.starts_with('_') && !name.starts_with("__") => Kind::Any,
        Value::Bool(_) => Kind::Bool,
        Value::Array(choices) => Kind::Choice(choices.iter().map(python_str).collect()),
        Value::Object(_) => Kind::Dict,
        _ if name.starts_with("__") => Kind::Any,
        _ => Kind::String,
    };
    let label = match labels.get(name) {
        Some(Value::String(label)) => Some(label.clone()),
        // A choice's labels are `{"__prompt__": question, choice: label}`.
        Some(Value::Object(choice_labels)) => {
            choice_labels.get("__prompt__").and_then(Value::as_str).map(str::to_string)
        }
        _ => None,
    };
    let mut prompt = Prompt::new(name, kind);
    prompt.label = label;
    prompt.default = Some(value.clone());
    prompt.hidden = name.starts_with('_');
    prompt
}

/// `str(value)` for a JSON value in a choice list.
fn python_str(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => super::jinja::python_str(&minijinja::Value::from_serialize(other)),
    }
}

/// A question's default as cookiecutter computes it (`render_variable`):
/// texts rendered over the answers so far, lists and objects item by item,
/// other values as their Python text; settings (`_x`) as they are.
pub fn default(prompt: &Prompt, engine: &Jinja, context: &Value) -> Result<Option<Value>, super::jinja::Failure> {
    let Some(raw) = &prompt.default else { return Ok(None) };
    if prompt.name.starts_with('_') && !prompt.name.starts_with("__") {
        return Ok(Some(raw.clone()));
    }
    let name = format!("default of `{}`", prompt.name);
    if let (Kind::Choice(_), Value::Array(choices)) = (&prompt.kind, raw) {
        // The first choice is the default; only it is rendered here.
        return choices.first().map(|first| render_variable(engine, &name, first, context)).transpose();
    }
    render_variable(engine, &name, raw, context).map(Some)
}

fn render_variable(engine: &Jinja, name: &str, raw: &Value, context: &Value) -> Result<Value, super::jinja::Failure> {
    Ok(match raw {
        Value::Null | Value::Bool(_) => raw.clone(),
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, value) in map {
                let key = engine.render(name, key, context)?;
                out.insert(key, render_variable(engine, name, value, context)?);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items.iter().map(|item| render_variable(engine, name, item, context)).collect::<Result<_, _>>()?,
        ),
        Value::String(text) => json!(engine.render(name, text, context)?),
        Value::Number(_) => json!(engine.render(name, &python_str(raw), context)?),
    })
}

/// `_cookiecutter`: the manifest's questions with the answers given up
/// front applied as cookiecutter applies its extra context
/// (`apply_overwrites_to_context`): a given choice moves to the front of its
/// list, a yes/no becomes a boolean, a dictionary is merged, anything else
/// is replaced. Nothing in it is rendered.
pub fn original(setup: &Setup, template: &Template, given: &super::answers::Given) -> Setup {
    let mut setup = setup.clone();
    for (name, value) in &mut setup.globals {
        if name != "_cookiecutter" {
            continue;
        }
        let Value::Object(map) = value else { continue };
        for (key, current) in map.iter_mut() {
            let overwrite = given
                .set
                .iter()
                .rev()
                .find(|(set, _)| set == key)
                .map(|(_, text)| json!(text))
                .or_else(|| given.values.as_ref().and_then(|(_, values)| values.get(key).cloned()))
                .or_else(|| given.previous.get(key).cloned());
            let Some(overwrite) = overwrite else { continue };
            let prompt = template.prompts.iter().find(|prompt| &prompt.name == key);
            match (current, &overwrite) {
                (Value::Array(choices), _) => {
                    if let Some(at) = choices.iter().position(|choice| choice == &overwrite) {
                        let chosen = choices.remove(at);
                        choices.insert(0, chosen);
                    }
                }
                (Value::Object(inner), Value::Object(given)) => {
                    inner.extend(given.iter().map(|(key, value)| (key.clone(), value.clone())));
                }
                (current @ Value::Bool(_), Value::String(text)) => {
                    if let Some(Ok(flag)) = prompt.map(|prompt| prompt.parse(text)) {
                        *current = flag;
                    }
                }
                (current, _) => *current = overwrite,
            }
        }
    }
    setup
}

fn options(value: Option<&Value>, where_: &str) -> Result<Options> {
    let mut options = Options::default();
    let Some(Value::Object(vars)) = value else { return Ok(options) };
    for (key, value) in vars {
        let Some(flag) = value.as_bool() else {
            return Err(Error::input(format!("{where_}: `_jinja2_env_vars.{key}` is {value}, not true or false"))
                .help("workbench takes trim_blocks, lstrip_blocks and keep_trailing_newline there"));
        };
        match key.as_str() {
            "trim_blocks" => options.trim_blocks = flag,
            "lstrip_blocks" => options.lstrip_blocks = flag,
            "keep_trailing_newline" => options.drop_trailing_newline = !flag,
            other => {
                return Err(Error::input(format!(
                    "{where_}: `_jinja2_env_vars.{other}` is a Jinja setting workbench does not support"
                ))
                .help("workbench takes trim_blocks, lstrip_blocks and keep_trailing_newline there"));
            }
        }
    }
    Ok(options)
}

/// `_copy_without_render` is matched as Python's `fnmatch`: `*` crosses `/`.
fn copy_globs(patterns: &[String], where_: &str) -> Result<Option<GlobSet>> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob =
            GlobBuilder::new(pattern).literal_separator(false).backslash_escape(false).build().map_err(|error| {
                Error::input(format!("{where_}: `_copy_without_render` pattern {pattern:?}: {error}"))
                    .help("the patterns are fnmatch globs: `*`, `?` and `[...]`")
            })?;
        builder.add(glob);
    }
    builder.build().map(Some).map_err(|error| Error::input(format!("{where_}: {error}")).help("fix the patterns there"))
}

/// cookiecutter's `valid_hook`: `hooks/NAME.EXT` for a known NAME, no backup files.
fn take_hooks(tree: &mut Tree) -> Vec<Hook> {
    let paths: Vec<String> = tree
        .keys()
        .filter(|path| {
            path.strip_prefix("hooks/").is_some_and(|file| {
                !file.contains('/')
                    && !file.ends_with('~')
                    && HOOKS.contains(&file.split_once('.').map_or(file, |(stem, _)| stem))
            })
        })
        .cloned()
        .collect();
    let mut hooks: Vec<Hook> = paths
        .into_iter()
        .filter_map(|path| {
            let entry = tree.remove(&path)?;
            let file = &path["hooks/".len()..];
            let name = file.split_once('.').map_or(file, |(stem, _)| stem).to_string();
            Some(Hook { name, path, contents: entry.contents })
        })
        .collect();
    hooks.sort_by_key(|hook| HOOKS.iter().position(|known| *known == hook.name));
    hooks
}

/// Where a file of the project goes, and whether it is rendered: a file
/// under a folder `_copy_without_render` matches is copied with its name as
/// is below that folder, as cookiecutter's `copytree` does.
pub fn copied_below(template: &Template, path: &str) -> Option<usize> {
    let copy = template.copy.as_ref()?;
    path.match_indices('/').map(|(index, _)| index).find(|&end| copy.is_match(&path[..end]))
}

/// The newline cookiecutter writes a file with: `_new_lines`, else the one
/// Python's text reader saw in the file's first chunk (of 8 KiB; with
/// several kinds, its `newlines` tuple lists `\r`, `\n`, `\r\n` in that
/// order and cookiecutter takes the first), after Jinja made every newline
/// `\n`.
pub fn newline_of(template: &Template, source: &str) -> &'static str {
    if let Some(newline) = template.newline.as_deref() {
        return match newline {
            "\r\n" => "\r\n",
            "\r" => "\r",
            _ => "\n",
        };
    }
    let bytes = &source.as_bytes()[..source.len().min(8192)];
    let (mut cr, mut lf, mut crlf) = (false, false, false);
    let mut index = 0;
    while index < bytes.len() {
        match (bytes[index], bytes.get(index + 1)) {
            (b'\r', Some(b'\n')) => {
                crlf = true;
                index += 1;
            }
            (b'\r', _) => cr = true,
            (b'\n', _) => lf = true,
            _ => {}
        }
        index += 1;
    }
    if cr {
        "\r"
    } else if lf || !crlf {
        "\n"
    } else {
        "\r\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::scaffold::template::text_tree as tree;

    #[test]
    fn questions_keep_the_manifest_order_with_dictionaries_last() {
        let manifest = r#"{"z_name": "x", "licence": ["MIT", "BSD"], "meta": {"a": 1}, "use_ci": true,
            "_copy_without_render": ["*.html"], "__slug": "{{ cookiecutter.z_name }}"}"#;
        let template = read(
            tree(&[
                ("{{cookiecutter.z_name}}/a.txt", "x"),
                ("hooks/post_gen_project.py", "print(1)"),
                ("hooks/x.py~", ""),
            ]),
            manifest.as_bytes(),
            "t",
        )
        .unwrap();
        let names: Vec<(&str, bool)> = template.prompts.iter().map(|p| (p.name.as_str(), p.hidden)).collect();
        assert_eq!(
            names,
            [
                ("z_name", false),
                ("licence", false),
                ("use_ci", false),
                ("_copy_without_render", true),
                ("__slug", true),
                ("meta", false)
            ]
        );
        assert_eq!(template.files.keys().collect::<Vec<_>>(), ["a.txt"]);
        assert_eq!(
            template.hooks.iter().map(|hook| hook.path.as_str()).collect::<Vec<_>>(),
            ["hooks/post_gen_project.py"]
        );
    }

    #[test]
    fn a_python_extension_is_refused_by_name() {
        let error = read(
            tree(&[("{{cookiecutter.n}}/a", "")]),
            br#"{"n": "x", "_extensions": ["local_extensions.Shout"]}"#,
            "t",
        )
        .unwrap_err();
        assert!(error.message().contains("`local_extensions.Shout`"), "{}", error.message());
    }

    #[test]
    fn copy_without_render_folders_keep_their_contents_as_they_are() {
        let template =
            read(tree(&[("{{cookiecutter.n}}/a", "")]), br#"{"n": "x", "_copy_without_render": ["static"]}"#, "t")
                .unwrap();
        assert_eq!(copied_below(&template, "static/{{x}}/f.js"), Some(6));
        assert_eq!(copied_below(&template, "src/static"), None);
    }

    #[test]
    fn newlines_follow_the_first_line() {
        let template = read(tree(&[("{{cookiecutter.n}}/a", "")]), br#"{"n": "x"}"#, "t").unwrap();
        assert_eq!(newline_of(&template, "a\r\nb\r\n"), "\r\n");
        // Python's `newlines` after a mixed first chunk is ('\n', '\r\n').
        assert_eq!(newline_of(&template, "a\r\nb\n"), "\n");
        assert_eq!(newline_of(&template, "a\r\nb\rc"), "\r");
        assert_eq!(newline_of(&template, "no newline"), "\n");
    }
}
