//! `workbench plugins test PLUGIN SPEC...`: a language-neutral harness for
//! plugin authors, after dprint's spec files.
//!
//! A spec file is TOML with one `[[case]]` per test. Each case gives the
//! role's input and, under `[case.expect]`, what the output must contain:
//!
//! ```toml
//! role = "lint-check"          # optional when the plugin plays one role
//!
//! [[case]]
//! name = "flags trailing whitespace"
//! options = { }                # optional, the plugin's options
//! files = [{ path = "a.txt", contents = "x \n" }]
//! [case.expect]
//! diagnostics = [{ rule = "test/trailing-space", span = { line = 1, column = 2 } }]
//! ```
//!
//! | role | input keys | expect keys |
//! |---|---|---|
//! | detector | `page`, `files` (the files it reads) | `detections` |
//! | lint-check | `files` | `diagnostics` |
//! | site-step | `files` (with `metadata`), `metadata`, `reads` (project files) | `files`, `metadata`, `step` (describe's answer) |
//! | template-helper | `calls` (`helper`, `args`) | `values` (a failed call: `{ error = "..." }`) |
//!
//! A detector's `page` may be a whole document, `page.html = "..."`, parsed
//! as `workbench detect` parses pages (scripts, positions, states), instead
//! of its parts listed by hand.
//!
//! Every role may instead `expect.error = "text"`: the call must fail with
//! a message that contains the text.
//!
//! Matching is by subset: an expected object's keys must be present and
//! match, other keys of the output are ignored; arrays must have the same
//! length and match element by element; scalars must be equal. So a case
//! pins what it is about and nothing else.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::Format;
use crate::context::Context;
use crate::error::{Error, Exit};
use crate::plugins::{Plugin, PluginFailure, Role, Source, bindings::site_step};
use crate::style;
use crate::wit_json::{self as json, CallInput, FileInput, PageInput};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecFile {
    role: Option<String>,
    #[serde(rename = "case", default)]
    cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Case {
    name: String,
    #[serde(default)]
    options: Map<String, Value>,
    page: Option<PageInput>,
    files: Option<Vec<FileInput>>,
    metadata: Option<Map<String, Value>>,
    /// Project files a site step may read (templates, data); only those
    /// matching the step's `reads` globs are passed, as the build does.
    reads: Option<Vec<FileInput>>,
    calls: Option<Vec<CallInput>>,
    #[serde(default)]
    expect: Map<String, Value>,
}

/// What one case came to.
enum Outcome {
    Passed,
    Mismatch(String),
    Failed(PluginFailure),
}

pub fn run(context: &Context, plugin_path: &Path, spec_paths: &[PathBuf], format: Format) -> Result<Exit, Error> {
    let runtime = context.runtime()?;
    let bytes = std::fs::read(plugin_path).map_err(|error| {
        Error::input(format!("cannot read {}: {error}", plugin_path.display()))
            .help("pass the path of a built .wasm component")
    })?;
    let plugin = runtime.load(&Source::File(plugin_path.to_path_buf()), &bytes)?;
    let options_from_config = context.config.plugins.options.get(plugin.name());

    let specs = spec_files(spec_paths)?;
    let paint = context.paint_out();
    let (mut passed, mut failed, mut crashed) = (0usize, 0usize, 0usize);
    let mut cases = Vec::new();
    for spec_path in &specs {
        let spec = read_spec(spec_path)?;
        let role = spec_role(&spec, &plugin, spec_path)?;
        for case in &spec.cases {
            let label = format!("{} › {}", spec_path.display(), case.name);
            let mut options = options_from_config
                .map(|table| serde_json::to_value(table).unwrap_or_default())
                .and_then(|value| value.as_object().cloned())
                .unwrap_or_default();
            options.extend(case.options.clone());
            let outcome = run_case(&plugin, role, case, &Value::Object(options).to_string()).map_err(|message| {
                Error::input(format!("{label}: {message}")).help(format!(
                    "see `workbench plugins test --help`; the keys for {role} are listed in docs/plugins.md"
                ))
            })?;
            let (result, detail) = match &outcome {
                Outcome::Passed => {
                    passed += 1;
                    ("passed", None)
                }
                Outcome::Mismatch(detail) => {
                    failed += 1;
                    ("failed", Some(detail.clone()))
                }
                Outcome::Failed(failure) => {
                    crashed += 1;
                    ("plugin-failure", Some(format!("      {failure}\n      help: {}", failure.help())))
                }
            };
            if format == Format::Json {
                cases.push(serde_json::json!({
                    "spec": spec_path.display().to_string(),
                    "name": case.name,
                    "result": result,
                    "detail": detail,
                }));
            } else if let Some(detail) = detail {
                outln!(context, "{}  {label}\n{detail}", paint.paint(style::ERROR, "FAIL"));
            } else if !context.global.quiet {
                outln!(context, "{}    {label}", paint.paint(style::OK, "ok"));
            }
        }
    }
    if format == Format::Json {
        let document = serde_json::json!({
            "version": 1,
            "plugin": plugin.name(),
            "cases": cases,
            "summary": { "passed": passed, "failed": failed + crashed },
        });
        outln!(context, "{document:#}");
    } else if !context.global.quiet {
        let failed = failed + crashed;
        let failed = if failed > 0 {
            paint.paint(style::ERROR, format!("{failed} failed")).to_string()
        } else {
            "0 failed".into()
        };
        outln!(context);
        outln!(context, "{passed} passed, {failed}");
    }
    Ok(if crashed > 0 {
        Exit::PluginFailure
    } else if failed > 0 {
        Exit::Findings
    } else {
        Exit::Success
    })
}

fn spec_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|error| {
                    Error::input(format!("cannot list {}: {error}", path.display()))
                        .help("pass spec files (.toml) or folders that hold them")
                })?
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|file| file.extension().is_some_and(|ext| ext == "toml"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(Error::input(format!("{} holds no .toml spec files", path.display()))
                    .help("add a spec file (see docs/plugins.md, Spec files), or pass the files themselves"));
            }
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn read_spec(path: &Path) -> Result<SpecFile, Error> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        Error::input(format!("cannot read spec {}: {error}", path.display())).help("check the path of the spec file")
    })?;
    let spec: SpecFile = toml::from_str(&text).map_err(|error| {
        let (line, column) = error.span().map_or((1, 1), |span| crate::line_column::line_column(&text, span.start));
        Error::input(format!("{}:{line}:{column}: {}", path.display(), error.message().trim_end()))
            .help("spec files are described in `workbench plugins test --help` and docs/plugins.md")
    })?;
    if spec.cases.is_empty() {
        return Err(Error::input(format!("{} has no [[case]]", path.display())).help("add at least one [[case]] table"));
    }
    Ok(spec)
}

fn spec_role(spec: &SpecFile, plugin: &Plugin, path: &Path) -> Result<Role, Error> {
    let roles = &plugin.contract.roles;
    match &spec.role {
        Some(name) => {
            let role = Role::from_name(name).ok_or_else(|| {
                Error::input(format!("{}: unknown role `{name}`", path.display()))
                    .help("use detector, site-step, template-helper or lint-check")
            })?;
            if roles.contains(&role) {
                Ok(role)
            } else {
                Err(Error::input(format!(
                    "{}: plugin `{}` does not play the role `{role}`",
                    path.display(),
                    plugin.name()
                ))
                .help(format!("set `role` in the spec to one it plays: {}", super::list::roles(plugin))))
            }
        }
        None if roles.len() == 1 => Ok(roles[0]),
        None => Err(Error::input(format!(
            "{}: plugin `{}` plays several roles; say which one this spec tests",
            path.display(),
            plugin.name()
        ))
        .help("add `role = \"...\"` at the top of the spec")),
    }
}

/// A page given as `html`, parsed as `workbench detect` parses pages.
fn parsed_page(page: &PageInput, html: &str) -> Result<crate::plugins::bindings::detector::Page, String> {
    let given_parts = !page.scripts.is_empty()
        || !page.meta.is_empty()
        || !page.links.is_empty()
        || !page.noscripts.is_empty()
        || !page.comments.is_empty()
        || !page.body.is_empty();
    if given_parts {
        return Err(
            "a page with `html` gets its scripts, meta, links, noscripts, comments and body from it; leave those out"
                .into(),
        );
    }
    let url = url::Url::parse(&page.url).map_err(|error| format!("page url `{}`: {error}", page.url))?;
    let detected = page.to_page();
    let mut parsed = crate::page::parse(crate::page::Document {
        url,
        status: page.status,
        headers: detected.headers,
        body: html.to_string(),
    });
    if !detected.cookies.is_empty() {
        parsed.cookies = detected.cookies;
    }
    Ok(parsed)
}

/// Runs one case; `Err` is a mistake in the spec itself.
fn run_case(plugin: &Plugin, role: Role, case: &Case, options: &str) -> Result<Outcome, String> {
    let output = call(plugin, role, case, options)?;
    judge(role, case, output)
}

/// The case's input given to the plugin, and its answer as spec JSON.
fn call(plugin: &Plugin, role: Role, case: &Case, options: &str) -> Result<Result<Value, PluginFailure>, String> {
    let missing = || format!("a {role} case needs `{}`", input_key(role));
    Ok(match role {
        Role::Detector => {
            let page = case.page.as_ref().ok_or_else(missing)?;
            let page = match &page.html {
                None => page.to_page(),
                Some(html) => parsed_page(page, html)?,
            };
            // A detector's `files` are the files it reads (its `describe`'s).
            let files: Vec<_> = case.files.iter().flatten().map(FileInput::to_file).collect();
            plugin.detect(std::slice::from_ref(&page), options, &files).and_then(|mut results| {
                results.remove(0).map(
                    |detections| json!({ "detections": detections.iter().map(json::detection).collect::<Vec<_>>() }),
                )
            })
        }
        Role::LintCheck => {
            let files = case.files.as_ref().ok_or_else(missing)?;
            let files: Vec<_> = files.iter().map(FileInput::to_file).collect();
            plugin.lint_check(&files, options).map(
                |diagnostics| json!({ "diagnostics": diagnostics.iter().map(json::diagnostic).collect::<Vec<_>>() }),
            )
        }
        Role::SiteStep => {
            let files = case.files.as_ref().ok_or_else(missing)?;
            plugin.step_describe(options).and_then(|step| {
                let readable = crate::globs::glob_set(&step.reads, plugin.name()).map_err(|error| {
                    PluginFailure::reported(plugin.name(), "site-step.describe", error.message().to_string())
                })?;
                let site = site_step::Site {
                    files: files.iter().map(FileInput::to_site_file).collect(),
                    metadata: Value::Object(case.metadata.clone().unwrap_or_default()).to_string(),
                    reads: case
                        .reads
                        .iter()
                        .flatten()
                        .filter(|file| readable.is_match(&file.path))
                        .map(|file| site_step::ProjectFile {
                            path: file.path.clone(),
                            contents: file.contents.clone().into_bytes(),
                        })
                        .collect(),
                };
                plugin.step_run(&site, options).map(|site| {
                    let mut output = json::site(&site);
                    output["step"] = json::step_info(&step);
                    output
                })
            })
        }
        Role::TemplateHelper => {
            let calls = case.calls.as_ref().ok_or_else(missing)?;
            let calls: Vec<_> = calls.iter().map(CallInput::to_call).collect();
            plugin.call_helpers(&calls).map(|results| {
                let values: Vec<Value> = results
                    .iter()
                    .map(|result| match result {
                        Ok(value) => json::value(value),
                        Err(failure) => json!({ "error": failure.to_string() }),
                    })
                    .collect();
                json!({ "values": values })
            })
        }
    })
}

/// The plugin's answer held to the case's `expect`.
fn judge(role: Role, case: &Case, output: Result<Value, PluginFailure>) -> Result<Outcome, String> {
    let mut expect = case.expect.clone();
    let expected_error = match expect.remove("error") {
        None => None,
        Some(Value::String(text)) => Some(text),
        Some(other) => return Err(format!("`expect.error` must be a string, not {other}")),
    };
    match (output, expected_error) {
        (Err(failure), Some(text)) if failure.to_string().contains(&text) => Ok(Outcome::Passed),
        (Err(failure), Some(text)) => {
            Ok(Outcome::Mismatch(format!("      expected an error containing {text:?}\n      got: {failure}")))
        }
        (Err(failure), None) => Ok(Outcome::Failed(failure)),
        (Ok(actual), Some(text)) => Ok(Outcome::Mismatch(format!(
            "      expected an error containing {text:?}, but the call succeeded with:\n{}",
            indent(&actual)
        ))),
        (Ok(actual), None) => {
            let mut problems = Vec::new();
            for (key, expected) in &expect {
                match actual.get(key) {
                    Some(got) => compare(expected, got, key, &mut problems),
                    None => return Err(format!("`expect.{key}` is not an output of a {role} plugin")),
                }
            }
            if problems.is_empty() {
                Ok(Outcome::Passed)
            } else {
                let mut detail = String::new();
                for problem in &problems {
                    let _ = writeln!(detail, "      {problem}");
                }
                let _ = write!(detail, "      the output was:\n{}", indent(&actual));
                Ok(Outcome::Mismatch(detail))
            }
        }
    }
}

fn input_key(role: Role) -> &'static str {
    match role {
        Role::Detector => "page",
        Role::LintCheck | Role::SiteStep => "files",
        Role::TemplateHelper => "calls",
    }
}

fn indent(value: &Value) -> String {
    let pretty = serde_json::to_string_pretty(value).unwrap_or_default();
    pretty.lines().map(|line| format!("        {line}")).collect::<Vec<_>>().join("\n")
}

/// Subset match: see the module docs.
fn compare(expected: &Value, actual: &Value, path: &str, problems: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(expected), Value::Object(actual)) => {
            for (key, expected) in expected {
                let here = format!("{path}.{key}");
                match actual.get(key) {
                    Some(actual) => compare(expected, actual, &here, problems),
                    None => problems.push(format!("{here}: expected {expected}, but there is no such key")),
                }
            }
        }
        (Value::Array(expected), Value::Array(actual)) => {
            if expected.len() == actual.len() {
                for (index, (expected, actual)) in expected.iter().zip(actual).enumerate() {
                    compare(expected, actual, &format!("{path}[{index}]"), problems);
                }
            } else {
                problems.push(format!("{path}: expected {} items, got {}", expected.len(), actual.len()));
            }
        }
        (Value::Number(expected), Value::Number(actual)) if expected.as_f64() == actual.as_f64() => {}
        (expected, actual) if expected == actual => {}
        (expected, actual) => problems.push(format!("{path}: expected {expected}, got {actual}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(clippy::needless_pass_by_value)]
    fn problems(expected: Value, actual: Value) -> Vec<String> {
        let mut problems = Vec::new();
        compare(&expected, &actual, "out", &mut problems);
        problems
    }

    #[test]
    fn extra_keys_in_the_output_are_ignored() {
        assert!(problems(json!({ "a": 1 }), json!({ "a": 1, "b": 2 })).is_empty());
    }

    #[test]
    fn arrays_must_have_the_same_length() {
        assert_eq!(problems(json!([1]), json!([1, 2])), ["out: expected 1 items, got 2"]);
    }

    #[test]
    fn mismatches_name_their_path() {
        assert_eq!(
            problems(json!({ "d": [{ "line": 2 }] }), json!({ "d": [{ "line": 1 }] })),
            ["out.d[0].line: expected 2, got 1"]
        );
    }

    #[test]
    fn integers_and_floats_compare_by_value() {
        assert!(problems(json!(2), json!(2.0)).is_empty());
    }
}
