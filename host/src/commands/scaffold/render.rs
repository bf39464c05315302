//! Answers + template -> the files of the new project, in memory.
//!
//! Paths and contents are templates of the format's engine: Jinja for
//! cookiecutter (`jinja.rs`), else Handlebars, as below. A file is copied as is when
//! it is not UTF-8 text or holds a NUL byte (images, archives: a Makefile
//! that starts with `NAME :=` is text), when it matches the template's
//! `copy` globs, or, in Khaos templates, when it is a top-level `.hbs` file. A literal
//! `{{` is written `\{{` (so GitHub Actions' `${{ x }}` is `$\{{ x }}`), or a
//! whole passage is wrapped in `{{{{raw}}}}...{{{{/raw}}}}`.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset};
use handlebars::{Handlebars, RenderError};
use regex::Regex;
use serde_json::Value;

use super::helpers;
use super::jinja::Jinja;
use super::prompt::truthy;
use super::template::{Entry, Format, Template, Tree, close_khaos_path_block};
use crate::error::{Error, Result};

/// What renders a template's texts: its defaults, conditions, paths and files.
pub enum Engine {
    Handlebars(Handlebars<'static>),
    Jinja(Jinja),
}

/// A render that failed, with where when the engine knows it.
#[derive(Debug)]
pub struct Failure {
    pub reason: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// How to write a literal `{{` in this engine's templates.
    pub literal: &'static str,
}

impl Engine {
    /// Renders one text; `name` is where it came from, for error positions.
    pub fn render(&self, name: &str, text: &str, context: &Value) -> Result<String, Failure> {
        match self {
            Engine::Handlebars(registry) => render_text(registry, name, text, context).map_err(|error| Failure {
                reason: error.reason().to_string(),
                line: error.line_no,
                column: error.column_no,
                literal: "write `\\{{` for a literal `{{`",
            }),
            Engine::Jinja(jinja) => jinja.render(name, text, context).map_err(|failure| Failure {
                reason: failure.reason,
                line: failure.line,
                column: None,
                literal: "write `{{ '{{' }}` or `{% raw %}...{% endraw %}` for a literal `{{`",
            }),
        }
    }
}

/// A Handlebars registry set up for one template format.
pub fn engine(format: Format, now: DateTime<FixedOffset>) -> Handlebars<'static> {
    let mut registry = Handlebars::new();
    match format {
        // Byte-for-byte what Khaos wrote: Handlebars.js 2 escapes `{{x}}`
        // for HTML (a Khaos habit kept for compatibility)...
        Format::Khaos => registry.register_escape_fn(handlebars_js2_escape),
        // ...while a code scaffolder should write what it was given.
        Format::Native | Format::Cookiecutter | Format::Copier | Format::CargoGenerate => {
            registry.register_escape_fn(handlebars::no_escape);
        }
    }
    helpers::register(&mut registry, now);
    registry
}

/// Handlebars.js 2.0's `escapeExpression` (handlebars-rust also escapes `=`).
fn handlebars_js2_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            '`' => out.push_str("&#x60;"),
            other => out.push(other),
        }
    }
    out
}

/// Renders one text; `name` is where it came from, for error positions.
pub fn render_text(registry: &Handlebars<'_>, name: &str, text: &str, context: &Value) -> Result<String, RenderError> {
    if !text.contains("{{") {
        return Ok(text.to_string());
    }
    let text = inverted_sections(text);
    registry.render_template_with_context(&text, &handlebars::Context::wraps(context)?).map_err(|mut error| {
        error.template_name.get_or_insert_with(|| name.to_string());
        error
    })
}

/// Handlebars.js reads `{{^x}}...{{/x}}` as "unless x"; handlebars-rust does
/// not parse it, so it is rewritten to `{{#unless x}}...{{/unless}}`.
pub fn inverted_sections(text: &str) -> std::borrow::Cow<'_, str> {
    static TAG: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(\\?)\{\{(~?)\s*([#^/])\s*([^\s}~]+)([^}]*?)(~?)\}\}").expect("valid regex"));
    if !text.contains("{{^") {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut stack: Vec<bool> = Vec::new();
    let mut last = 0;
    for captures in TAG.captures_iter(text) {
        let whole = captures.get(0).expect("match");
        if !captures[1].is_empty() {
            continue;
        }
        let (open_tilde, sigil, name, rest, close_tilde) =
            (&captures[2], &captures[3], &captures[4], &captures[5], &captures[6]);
        let replacement = match sigil {
            "^" if rest.trim().is_empty() => {
                stack.push(true);
                Some(format!("{{{{{open_tilde}#unless {name}{close_tilde}}}}}"))
            }
            "#" | "^" => {
                stack.push(false);
                None
            }
            _ => match stack.pop() {
                Some(true) => Some(format!("{{{{{open_tilde}/unless{close_tilde}}}}}")),
                _ => None,
            },
        };
        if let Some(replacement) = replacement {
            out.push_str(&text[last..whole.start()]);
            out.push_str(&replacement);
            last = whole.end();
        }
    }
    out.push_str(&text[last..]);
    out.into()
}

/// Whether a file's bytes are rendered or copied untouched.
fn is_text(contents: &[u8]) -> bool {
    !contents.contains(&0) && std::str::from_utf8(contents).is_ok()
}

/// The new project's files, by `/`-separated path.
pub fn render_tree(template: &Template, engine: &Engine, context: &Value, origin: &str) -> Result<Tree> {
    if template.format == Format::Cookiecutter {
        // cookiecutter renders the project folder's name first: an error there stops it.
        let at = format!("{origin}/{}", template.files_dir);
        engine.render(&at, &template.files_dir, context).map_err(|failure| render_error(&at, &failure))?;
    }
    let exclude = match &template.copier {
        Some(settings) => Some(super::copier::exclusions(settings, engine, context)?),
        None => None,
    };
    let mut out: BTreeMap<String, (String, Entry)> = BTreeMap::new();
    for (path, entry) in &template.files {
        let at = if template.files_dir.is_empty() {
            format!("{origin}/{path}")
        } else {
            format!("{origin}/{}/{path}", template.files_dir)
        };
        let Some(rendered) = render_path(template, engine, path, context, &at)? else { continue };
        if exclude.as_ref().is_some_and(|exclude| exclude.matched_path_or_any_parents(&rendered, false).is_ignore()) {
            continue;
        }
        let contents = if keeps_bytes(template, path, &entry.contents) {
            entry.contents.clone()
        } else {
            let text = std::str::from_utf8(&entry.contents).expect("checked by keeps_bytes");
            let rendered = engine.render(&at, text, context).map_err(|failure| render_error(&at, &failure))?;
            match template.format {
                Format::Cookiecutter => match super::cookiecutter::newline_of(template, text) {
                    "\n" => rendered,
                    newline => rendered.replace('\n', newline),
                },
                _ => rendered,
            }
            .into_bytes()
        };
        if let Some((other, _)) = out.get(&rendered) {
            return Err(Error::input(format!("{at} and {other} both render to `{rendered}`"))
                .help("make the two paths differ, or make one of them conditional"));
        }
        out.insert(rendered, (at, Entry { contents, executable: entry.executable }));
    }
    Ok(out.into_iter().map(|(path, (_, entry))| (path, entry)).collect())
}

/// The folders cookiecutter and copier make although nothing is written in
/// them: each template folder whose rendered name is kept (and, in copier,
/// not excluded) is made, even when every file below it was skipped by its
/// own name (`{% if docs %}guide.md{% endif %}`) or excluded.
pub fn kept_folders(
    template: &Template,
    engine: &Engine,
    context: &Value,
    origin: &str,
    files: &Tree,
) -> Result<Vec<String>> {
    if !matches!(template.format, Format::Cookiecutter | Format::Copier) {
        return Ok(Vec::new());
    }
    let exclude = match &template.copier {
        Some(settings) => Some(super::copier::exclusions(settings, engine, context)?),
        None => None,
    };
    let mut folders = std::collections::BTreeSet::new();
    for path in template.files.keys() {
        for (end, _) in path.match_indices('/') {
            let folder = &path[..end];
            let at = if template.files_dir.is_empty() {
                format!("{origin}/{folder}")
            } else {
                format!("{origin}/{}/{folder}", template.files_dir)
            };
            let Some(rendered) = render_folder(template, engine, folder, context, &at)? else { break };
            if exclude.as_ref().is_some_and(|exclude| exclude.matched_path_or_any_parents(&rendered, true).is_ignore())
            {
                break;
            }
            folders.insert(rendered);
        }
    }
    // Only the folders no file makes.
    for path in files.keys() {
        for (end, _) in path.match_indices('/') {
            folders.remove(&path[..end]);
        }
    }
    Ok(folders.into_iter().collect())
}

/// A folder's rendered path, as [`render_path`] renders a file's.
fn render_folder(
    template: &Template,
    engine: &Engine,
    folder: &str,
    context: &Value,
    at: &str,
) -> Result<Option<String>> {
    let render = |text: &str| engine.render(at, text, context).map_err(|failure| render_error(at, &failure));
    let rendered = if template.format == Format::Copier {
        render_segments(folder, render)?
    } else {
        render_whole(folder, super::cookiecutter::copied_below(template, &format!("{folder}/")), render)?
    };
    rendered.map(|rendered| checked(at, &rendered)).transpose()
}

/// Each segment of a path on its own; `None` when one renders empty.
fn render_segments(path: &str, render: impl Fn(&str) -> Result<String>) -> Result<Option<String>> {
    let mut segments = Vec::new();
    for segment in path.split('/') {
        let rendered = render(segment)?;
        if rendered.is_empty() {
            return Ok(None);
        }
        segments.push(rendered);
    }
    Ok(Some(segments.join("/")))
}

/// The whole path at once, as cookiecutter renders it, the names below a
/// copied folder (ending at `copied`) as they are; `None` when a name
/// renders empty.
fn render_whole(path: &str, copied: Option<usize>, render: impl Fn(&str) -> Result<String>) -> Result<Option<String>> {
    let (head, tail) = match copied {
        Some(end) => (&path[..end], &path[end..]),
        None => (path, ""),
    };
    let rendered = format!("{}{tail}", render(head)?);
    if rendered.is_empty() || rendered.ends_with('/') || rendered.starts_with('/') || rendered.contains("//") {
        return Ok(None);
    }
    Ok(Some(rendered))
}

/// A rendered path that stays inside the destination, or the error saying why not.
fn checked(at: &str, rendered: &str) -> Result<String> {
    safe_relative_path(rendered).map_err(|problem| {
        Error::input(format!("{at} renders to `{rendered}`, which {problem}"))
            .help("a rendered path must stay inside the destination; check the answers that go into it")
    })
}

fn keeps_bytes(template: &Template, path: &str, contents: &[u8]) -> bool {
    !is_text(contents)
        // Khaos matched `!*.hbs` against the path, so only top-level files.
        || (template.format == Format::Khaos && has_extension(path, "hbs") && !path.contains('/'))
        || template.copy.as_ref().is_some_and(|copy| copy.is_match(path))
        || (template.format == Format::Cookiecutter && super::cookiecutter::copied_below(template, path).is_some())
        || template
            .copier
            .as_ref()
            .is_some_and(|settings| super::copier::source_path(template, settings, path).is_some_and(|(rendered, _)| !rendered))
}

pub fn has_extension(path: &str, extension: &str) -> bool {
    std::path::Path::new(path).extension().is_some_and(|found| found.eq_ignore_ascii_case(extension))
}

/// The rendered path, or `None` when the file is dropped.
fn render_path(template: &Template, engine: &Engine, path: &str, context: &Value, at: &str) -> Result<Option<String>> {
    let render = |text: &str| engine.render(at, text, context).map_err(|failure| render_error(at, &failure));
    let rendered = match template.format {
        Format::Khaos => {
            let source = close_khaos_path_block(path);
            let rendered = render(&source)?;
            // Khaos's rule: a path whose placeholder rendered to nothing,
            // with nothing after it, is dropped (`{{#node}}package.json`).
            if source.find("{{").is_some_and(|start| rendered == source[..start]) {
                return Ok(None);
            }
            rendered
        }
        // Each segment on its own: one that renders empty drops the file
        // (`{{#if ci}}.github{{/if}}/...`), and an answer holding `/` cannot
        // pass for a dropped segment (`/tmp/x` stays absolute, and refused).
        // copier does the same, once the suffix is off a rendered file.
        Format::Native | Format::Copier => {
            let path = match &template.copier {
                Some(settings) => match super::copier::source_path(template, settings, path) {
                    Some((_, stem)) => stem,
                    None => return Ok(None),
                },
                None => path,
            };
            let Some(rendered) = render_segments(path, render)? else { return Ok(None) };
            rendered
        }
        // The whole path at once, as cookiecutter renders it; a file whose
        // name renders empty is skipped (`{% if x %}setup.cfg{% endif %}`),
        // and so is one under a folder that does (where cookiecutter would
        // write outside the project). Below a copied folder, names stay.
        Format::Cookiecutter => {
            let Some(rendered) = render_whole(path, super::cookiecutter::copied_below(template, path), render)? else {
                return Ok(None);
            };
            rendered
        }
        Format::CargoGenerate => unreachable!("cargo-generate templates render in cargo_generate.rs"),
    };
    for condition in &template.conditions {
        if condition.glob.is_match(path) {
            let when = engine.render(at, &condition.when, context).map_err(|failure| {
                Error::input(format!("`when` of files `{}`: {}", condition.pattern, failure.reason))
                    .help("fix that `[[files]] when` expression in template.toml")
            })?;
            if !truthy(&when) {
                return Ok(None);
            }
        }
    }
    checked(at, &rendered).map(Some)
}

/// `.` segments dropped; `..`, absolute paths, backslashes, NULs refused.
pub fn safe_relative_path(path: &str) -> Result<String, &'static str> {
    if path.starts_with('/') {
        return Err("is absolute");
    }
    if path.contains('\0') {
        return Err("holds a NUL byte");
    }
    if path.contains('\\') {
        return Err("holds a backslash");
    }
    let mut parts = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err("climbs out with `..`"),
            part => parts.push(part),
        }
    }
    if parts.is_empty() {
        return Err("is empty");
    }
    Ok(parts.join("/"))
}

fn render_error(at: &str, failure: &Failure) -> Error {
    let position = match (failure.line, failure.column) {
        (Some(line), Some(column)) => format!(":{line}:{column}"),
        (Some(line), None) => format!(":{line}"),
        _ => String::new(),
    };
    Error::input(format!("{at}{position}: {}", failure.reason))
        .help(format!("fix the template there; {}", failure.literal))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-03-04T05:06:07Z").unwrap()
    }

    fn render(format: Format, text: &str, context: &Value) -> String {
        render_text(&engine(format, now()), "t", text, context).unwrap()
    }

    #[test]
    fn khaos_escapes_like_handlebars_js_2() {
        let out = render(Format::Khaos, "{{x}}|{{{x}}}", &json!({"x": "a&b <c> \"d\" 'e' `f` = g"}));
        assert_eq!(out, "a&amp;b &lt;c&gt; &quot;d&quot; &#x27;e&#x27; &#x60;f&#x60; = g|a&b <c> \"d\" 'e' `f` = g");
        assert_eq!(render(Format::Native, "{{x}}", &json!({"x": "<a & b>"})), "<a & b>");
    }

    #[test]
    fn sections_over_values_work_like_mustache() {
        let context = json!({"yes": true, "no": false, "list": [{"n": 1}, {"n": 2}], "obj": {"k": "v"}});
        assert_eq!(render(Format::Native, "{{#yes}}Y{{/yes}}{{#no}}N{{else}}n{{/no}}", &context), "Yn");
        assert_eq!(render(Format::Native, "{{#list}}[{{n}}]{{/list}}{{#obj}}{{k}}{{/obj}}", &context), "[1][2]v");
        assert_eq!(render(Format::Native, "{{^no}}not{{/no}}{{^yes}}X{{/yes}}", &context), "not");
        assert_eq!(render(Format::Native, "{{#yes}}{{^no}}in{{/no}}{{/yes}}", &context), "in");
    }

    #[test]
    fn literal_braces_survive() {
        let out = render(Format::Native, "run: echo $\\{{ github.sha }} {{{{raw}}}}${{ x }}{{{{/raw}}}}", &json!({}));
        assert_eq!(out, "run: echo ${{ github.sha }} ${{ x }}");
    }

    #[test]
    fn escaping_paths_are_refused() {
        assert_eq!(safe_relative_path("a/./b"), Ok("a/b".into()));
        assert!(safe_relative_path("../x").is_err());
        assert!(safe_relative_path("a/../../x").is_err());
        assert!(safe_relative_path("/etc/passwd").is_err());
        assert!(safe_relative_path("a\\..\\b").is_err());
    }

    #[test]
    fn text_detection_keeps_makefiles_and_skips_binaries() {
        assert!(is_text(b"NAME := x\n"));
        assert!(!is_text(b"\x89PNG\r\n\x1a\n\0\0"));
        assert!(!is_text(&[0xff, 0xfe, b'a', 0]));
    }
}
