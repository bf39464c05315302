//! `workbench plugins conformance PLUGIN...`: the same contract checks for
//! a component in any language.
//!
//! A spec file (`plugins test`) says what a plugin should find; this says
//! whether it behaves as the WIT promises whatever it finds: every role it
//! plays answers an empty batch, a large batch, bytes that are not UTF-8,
//! very long strings and non-ASCII paths without trapping, with outputs the
//! host can use (one answer per input, declared rule ids and service ids,
//! spans inside the file, JSON metadata). Then the sandbox: what the
//! component imports, and that the time and memory limits stop a heavy
//! call of this plugin's own runtime (CPython, StarlingMonkey, libc...)
//! with a named error, after which the next call runs normally.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::Format;
use crate::context::Context;
use crate::error::{Error, Exit};
use crate::plugins::bindings::lint_check::Diagnostic;
use crate::plugins::bindings::{detector, site_step, template_helper, types};
use crate::plugins::{Cause, Limits, Plugin, PluginFailure, Role, Source};
use crate::style;

/// Inputs per call in the large-batch checks.
const BATCH: usize = 2000;
/// Bytes of the long-string checks.
const LONG: usize = 4 << 20;
/// Bytes of the heavy input the limits must stop.
const HEAVY: usize = 64 << 20;
/// The memory limit the heavy input must exceed.
const TIGHT_MEMORY: usize = 16 << 20;
/// The shortest time limit there is: one tick of the epoch clock.
const TIGHT_TIME: Duration = crate::plugins::engine::EPOCH_TICK;
const UNICODE_DIR: &str = "docs ünïcödé/文件";

/// Which limit a tightened runtime tests.
#[derive(Clone, Copy)]
enum Limit {
    Time,
    Memory,
}

enum Verdict {
    Pass,
    Fail(String),
    /// Not applicable or not reached, and why.
    Skip(String),
}

struct Report<'a> {
    context: &'a Context,
    format: Format,
    passed: usize,
    failed: usize,
    /// `--format json`: each plugin, its checks last.
    plugins: Vec<serde_json::Value>,
}

impl Report<'_> {
    fn record(&mut self, check: &str, verdict: Verdict) {
        let (result, detail) = match verdict {
            Verdict::Pass => {
                self.passed += 1;
                ("passed", None)
            }
            Verdict::Skip(why) => ("skipped", Some(why)),
            Verdict::Fail(why) => {
                self.failed += 1;
                ("failed", Some(why))
            }
        };
        if self.format == Format::Json {
            if let Some(plugin) = self.plugins.last_mut() {
                plugin["checks"].as_array_mut().expect("checks is an array").push(serde_json::json!({
                    "check": check,
                    "result": result,
                    "detail": detail,
                }));
            }
            return;
        }
        let paint = self.context.paint_out();
        match (result, detail.as_deref()) {
            ("failed", Some(why)) => {
                outln!(self.context, "  {}  {check}\n        {why}", paint.paint(style::ERROR, "FAIL"));
            }
            _ if self.context.global.quiet => {}
            ("skipped", Some(why)) => outln!(self.context, "  {}  {check}: {why}", paint.paint(style::WARNING, "skip")),
            _ => outln!(self.context, "  {}    {check}", paint.paint(style::OK, "ok")),
        }
    }
}

pub fn run(context: &Context, paths: &[PathBuf], format: Format) -> Result<Exit, Error> {
    let limits = context.limits()?;
    let runtime = context.runtime_with(limits)?;
    let mut report = Report { context, format, passed: 0, failed: 0, plugins: Vec::new() };
    for path in paths {
        let bytes = std::fs::read(path).map_err(|error| {
            Error::input(format!("cannot read {}: {error}", path.display()))
                .help("pass the path of a built .wasm component")
        })?;
        let source = Source::File(path.clone());
        let plugin = runtime.load(&source, &bytes)?;
        let roles: Vec<&str> = plugin.contract.roles.iter().map(|role| role.name()).collect();
        if format == Format::Json {
            report.plugins.push(serde_json::json!({
                "path": path.display().to_string(),
                "name": plugin.name(),
                "roles": roles,
                "checks": [],
            }));
        } else {
            outln!(context, "{} ({}: {})", path.display(), plugin.name(), roles.join(", "));
        }
        for &role in &plugin.contract.roles {
            match role {
                Role::Detector => detector_checks(&plugin, &mut report),
                Role::LintCheck => lint_checks(&plugin, &mut report),
                Role::SiteStep => step_checks(&plugin, &mut report),
                Role::TemplateHelper => helper_checks(&plugin, &mut report),
            }
        }
        sandbox_checks(&plugin, limits, &mut report);
    }
    if format == Format::Json {
        let document = serde_json::json!({
            "version": 1,
            "plugins": report.plugins,
            "summary": { "passed": report.passed, "failed": report.failed },
        });
        outln!(context, "{document:#}");
    } else if !context.global.quiet {
        outln!(context);
        outln!(context, "{} passed, {} failed", report.passed, report.failed);
    }
    Ok(if report.failed > 0 { Exit::Findings } else { Exit::Success })
}

/// A call's outcome as a verdict: a trap or limit is always a failure, a
/// reported error only where the check does not allow one.
fn answered<T>(result: Result<T, PluginFailure>, errors_allowed: bool, then: impl FnOnce(T) -> Verdict) -> Verdict {
    match result {
        Ok(value) => then(value),
        Err(failure) if errors_allowed && matches!(failure.cause, Cause::Reported(_)) => Verdict::Pass,
        Err(failure) => Verdict::Fail(failure.to_string()),
    }
}

fn unique<'a>(names: impl IntoIterator<Item = &'a str>, what: &str) -> Verdict {
    let mut seen = HashSet::new();
    for name in names {
        if name.is_empty() {
            return Verdict::Fail(format!("a {what} has an empty name"));
        }
        if !seen.insert(name) {
            return Verdict::Fail(format!("{what} `{name}` is declared twice"));
        }
    }
    if seen.is_empty() { Verdict::Fail(format!("it declares no {what}")) } else { Verdict::Pass }
}

// --- detector ---

fn page(url: &str, scripts: Vec<detector::Script>, body: String) -> detector::Page {
    detector::Page {
        url: url.into(),
        status: 200,
        headers: vec![("content-type".into(), "text/html; charset=utf-8".into())],
        cookies: Vec::new(),
        scripts,
        meta: Vec::new(),
        links: Vec::new(),
        noscripts: Vec::new(),
        comments: Vec::new(),
        body,
    }
}

fn script(src: Option<&str>, text: String) -> detector::Script {
    let at = types::Position { line: 1, column: 1 };
    detector::Script {
        src: src.map(str::to_string),
        text,
        attributes: vec![("data-note".into(), "ünïcödé ✓".into())],
        position: at,
        text_position: at,
        state: detector::ScriptState::Active,
    }
}

fn detector_checks(plugin: &Plugin, report: &mut Report<'_>) {
    let services = plugin.detector_services();
    let known: HashSet<String> =
        services.as_ref().map(|list| list.iter().map(|s| s.service.clone()).collect()).unwrap_or_default();
    report.record(
        "detector: services are named and unique",
        answered(services.clone(), false, |list| unique(list.iter().map(|s| s.service.as_str()), "service")),
    );
    report.record(
        "detector: describe answers for no options",
        answered(plugin.detector_describe("{}"), false, |info| {
            let globs = crate::globs::glob_set(&info.reads, "reads");
            globs.map_or_else(|error| Verdict::Fail(error.to_string()), |_| Verdict::Pass)
        }),
    );
    let detected_known = |results: Vec<Result<Vec<detector::Detection>, PluginFailure>>| {
        for detection in results.iter().flatten().flatten() {
            if !known.contains(&detection.service) {
                return Verdict::Fail(format!("detected `{}`, which services() does not list", detection.service));
            }
        }
        Verdict::Pass
    };
    report.record(
        "detector: an empty batch gives no answers",
        answered(plugin.detect(&[], "{}", &[]), false, |results| {
            if results.is_empty() {
                Verdict::Pass
            } else {
                Verdict::Fail(format!("{} answers to no pages", results.len()))
            }
        }),
    );
    let small = page(
        "https://example.test/",
        vec![script(Some("https://cdn.example.test/app.js"), String::new())],
        "<p>hello</p>".into(),
    );
    report.record(
        &format!("detector: a batch of {BATCH} pages gives one answer each"),
        answered(plugin.detect(&vec![small; BATCH], "{}", &[]), false, detected_known),
    );
    let long = page(
        "https://example.test/long",
        vec![script(None, "var x = 1;\n".repeat(LONG / 11))],
        "word ".repeat(LONG / 5),
    );
    report.record(
        "detector: a 4 MiB script and body are answered",
        answered(plugin.detect(&[long], "{}", &[]), false, detected_known),
    );
    let unicode = page(
        "https://example.test/ünï/页面?q=✓",
        vec![script(Some("https://example.test/скрипт.js"), "/* ünïcödé ✓ */".into())],
        "<p>Grüße, 世界 ✓</p>".into(),
    );
    report.record(
        "detector: non-ASCII URLs and text are answered",
        answered(plugin.detect(&[unicode], "{}", &[]), false, detected_known),
    );
    report.record("detector: bytes that are not UTF-8", Verdict::Skip("a page reaches detectors as text".into()));
}

// --- lint-check ---

/// A path the checker's first glob matches, under `dir`.
fn path_for(patterns: &[String], dir: &str, index: usize) -> String {
    let glob = patterns.first().map_or("*.txt", String::as_str);
    let name = glob.rsplit('/').next().unwrap_or(glob).replace('*', &format!("f{index}"));
    format!("{dir}/{index}/{name}")
}

/// Diagnostics name given files and declared rules, and point inside the file.
fn usable_diagnostics(files: &[types::File], rules: &HashSet<String>, diagnostics: &[Diagnostic]) -> Verdict {
    for diagnostic in diagnostics {
        let Some(file) = files.iter().find(|file| file.path == diagnostic.path) else {
            return Verdict::Fail(format!("a diagnostic names `{}`, which it was not given", diagnostic.path));
        };
        if !rules.contains(&diagnostic.rule) {
            return Verdict::Fail(format!("rule `{}` is not among describe()'s rules", diagnostic.rule));
        }
        let len = file.contents.len();
        let span_fits = diagnostic.span.is_none_or(|span| {
            span.start <= span.end && span.end as usize <= len && span.line >= 1 && span.column >= 1
        });
        let edits_fit = diagnostic
            .fix
            .iter()
            .flat_map(|fix| &fix.edits)
            .all(|edit| edit.start <= edit.end && edit.end as usize <= len);
        if !span_fits || !edits_fit {
            return Verdict::Fail(format!("a span or fix of `{}` lies outside the file", diagnostic.rule));
        }
    }
    Verdict::Pass
}

fn lint_checks(plugin: &Plugin, report: &mut Report<'_>) {
    let described = plugin.lint_describe();
    report.record(
        "lint-check: rules are named and unique",
        answered(described.clone(), false, |info| unique(info.rules.iter().map(|r| r.id.as_str()), "rule")),
    );
    let Ok(info) = described else { return };
    let rules: HashSet<String> = info.rules.iter().map(|rule| rule.id.clone()).collect();
    let file = |path: String, contents: Vec<u8>| types::File { path, contents };
    report.record(
        "lint-check: an empty batch gives no diagnostics",
        answered(plugin.lint_check(&[], "{}"), false, |found| {
            if found.is_empty() {
                Verdict::Pass
            } else {
                Verdict::Fail(format!("it returned {} diagnostic(s) for no files", found.len()))
            }
        }),
    );
    let batch: Vec<_> = (0..BATCH)
        .map(|i| file(path_for(&info.patterns, "batch", i), b"name = \"x\" # TODO: check\n".to_vec()))
        .collect();
    report.record(
        &format!("lint-check: a batch of {BATCH} files is checked"),
        answered(plugin.lint_check(&batch, "{}"), false, |found| usable_diagnostics(&batch, &rules, &found)),
    );
    let binary = vec![file(path_for(&info.patterns, "binary", 0), vec![0xff, 0xfe, 0x00, 0x80, b'\n', 0xc3, 0x28])];
    report.record(
        "lint-check: bytes that are not UTF-8 are answered",
        answered(plugin.lint_check(&binary, "{}"), true, |found| usable_diagnostics(&binary, &rules, &found)),
    );
    let long = vec![file(path_for(&info.patterns, "long", 0), "a".repeat(LONG).into_bytes())];
    report.record(
        "lint-check: a 4 MiB line is answered",
        answered(plugin.lint_check(&long, "{}"), true, |found| usable_diagnostics(&long, &rules, &found)),
    );
    let unicode = vec![file(path_for(&info.patterns, UNICODE_DIR, 0), "Grüße ✓ 世界\n".as_bytes().to_vec())];
    report.record(
        "lint-check: non-ASCII paths and text are answered",
        answered(plugin.lint_check(&unicode, "{}"), false, |found| usable_diagnostics(&unicode, &rules, &found)),
    );
}

// --- site-step ---

fn site_file(path: String, contents: Vec<u8>) -> site_step::SiteFile {
    site_step::SiteFile { source: path.clone(), path, contents, metadata: "{\"title\":\"T\"}".into() }
}

fn site(files: Vec<site_step::SiteFile>) -> site_step::Site {
    site_step::Site { files, metadata: "{}".into(), reads: Vec::new() }
}

fn usable_site(output: &site_step::Site) -> Verdict {
    let object = |text: &str| serde_json::from_str::<serde_json::Value>(text).is_ok_and(|value| value.is_object());
    if !object(&output.metadata) {
        return Verdict::Fail("the site metadata it returned is not a JSON object".into());
    }
    for file in &output.files {
        if !object(&file.metadata) {
            return Verdict::Fail(format!("the metadata of `{}` is not a JSON object", file.path));
        }
        if let Err(problem) = crate::plugin_paths::check_output_path(&file.path) {
            return Verdict::Fail(format!("it returned `{}`: {problem}", file.path));
        }
    }
    Verdict::Pass
}

fn step_checks(plugin: &Plugin, report: &mut Report<'_>) {
    let described = plugin.step_describe("{}");
    report.record("site-step: describe answers with no options", answered(described.clone(), false, |_| Verdict::Pass));
    let Ok(step) = described else { return };
    let patterns = step.patterns.unwrap_or_default();
    let text = |i: usize| format!("# Title {i}\n\nSome words of text, Grüße ✓.\n").into_bytes();
    report.record(
        "site-step: a run with no files is answered",
        answered(plugin.step_run(&site(Vec::new()), "{}"), false, |output| usable_site(&output)),
    );
    let batch = site((0..BATCH).map(|i| site_file(path_for(&patterns, "batch", i), text(i))).collect());
    report.record(
        &format!("site-step: a batch of {BATCH} files is answered"),
        answered(plugin.step_run(&batch, "{}"), false, |output| usable_site(&output)),
    );
    let binary = site(vec![site_file(path_for(&patterns, "binary", 0), vec![0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28])]);
    report.record(
        "site-step: bytes that are not UTF-8 are answered",
        answered(plugin.step_run(&binary, "{}"), true, |output| usable_site(&output)),
    );
    let long = site(vec![site_file(path_for(&patterns, "long", 0), "word ".repeat(LONG / 5).into_bytes())]);
    report.record(
        "site-step: a 4 MiB file is answered",
        answered(plugin.step_run(&long, "{}"), false, |output| usable_site(&output)),
    );
    let unicode = site(vec![site_file(path_for(&patterns, UNICODE_DIR, 0), text(0))]);
    report.record(
        "site-step: non-ASCII paths are answered",
        answered(plugin.step_run(&unicode, "{}"), false, |output| usable_site(&output)),
    );
}

// --- template-helper ---

fn text_calls(helper: &str, text: &str, count: usize) -> Vec<template_helper::Call> {
    let call = template_helper::Call { helper: helper.into(), args: vec![template_helper::Value::Text(text.into())] };
    vec![call; count]
}

fn helper_checks(plugin: &Plugin, report: &mut Report<'_>) {
    let helpers = plugin.helpers();
    report.record(
        "template-helper: helpers are named and unique",
        answered(helpers.clone(), false, |list| unique(list.iter().map(|h| h.name.as_str()), "helper")),
    );
    let Some(first) = helpers.ok().and_then(|list| list.into_iter().next()) else { return };
    let answered_all = |results: Vec<Result<template_helper::Value, PluginFailure>>| match results
        .iter()
        .find_map(|result| result.as_ref().err().filter(|f| !matches!(f.cause, Cause::Reported(_))))
    {
        Some(failure) => Verdict::Fail(failure.to_string()),
        None => Verdict::Pass,
    };
    report.record(
        "template-helper: no calls give no answers",
        answered(plugin.call_helpers(&[]), false, |results| {
            if results.is_empty() {
                Verdict::Pass
            } else {
                Verdict::Fail(format!("{} answers to no calls", results.len()))
            }
        }),
    );
    report.record(
        &format!("template-helper: a batch of {BATCH} calls gives one answer each"),
        answered(plugin.call_helpers(&text_calls(&first.name, "Ada Lovelace", BATCH)), false, answered_all),
    );
    report.record(
        "template-helper: a 4 MiB argument is answered",
        answered(plugin.call_helpers(&text_calls(&first.name, &"word ".repeat(LONG / 5), 1)), false, answered_all),
    );
    report.record(
        "template-helper: non-ASCII text is answered",
        answered(plugin.call_helpers(&text_calls(&first.name, "Grüße, 世界 ✓", 1)), false, answered_all),
    );
    let mut calls = text_calls("no-such-helper-here", "x", 1);
    calls.extend(text_calls(&first.name, "Ada Lovelace", 1));
    report.record(
        "template-helper: an unknown helper fails alone",
        answered(plugin.call_helpers(&calls), false, |results| match (&results[0], &results[1]) {
            (Err(failure), Ok(_)) if matches!(failure.cause, Cause::Reported(_)) => Verdict::Pass,
            (Ok(_), _) => Verdict::Fail("the unknown helper answered instead of failing".into()),
            _ => Verdict::Fail("the call after the unknown helper did not answer".into()),
        }),
    );
    report.record("template-helper: bytes that are not UTF-8", Verdict::Skip("helpers take text".into()));
}

// --- sandbox ---

/// One call of `role` over about [`HEAVY`] bytes of input: enough that
/// lowering it needs more than [`TIGHT_MEMORY`], and that any runtime
/// spends longer than [`TIGHT_TIME`] reading it.
fn heavy_call(plugin: &Plugin) -> Result<(), PluginFailure> {
    const PARTS: usize = 64;
    const LINE: &str = "key = \"some words of text\" # TODO: x\n";
    let part = || LINE.repeat(HEAVY / PARTS / LINE.len());
    match plugin.contract.roles[0] {
        Role::Detector => {
            let scripts = (0..PARTS).map(|_| script(Some("https://cdn.example.test/a.js"), part())).collect();
            plugin.detect(&[page("https://example.test/", scripts, String::new())], "{}", &[]).map(drop)
        }
        Role::LintCheck => {
            let patterns = plugin.lint_describe()?.patterns;
            let files: Vec<_> = (0..PARTS)
                .map(|i| types::File { path: path_for(&patterns, "heavy", i), contents: part().into_bytes() })
                .collect();
            plugin.lint_check(&files, "{}").map(drop)
        }
        Role::SiteStep => {
            let patterns = plugin.step_describe("{}")?.patterns.unwrap_or_default();
            let files = (0..PARTS).map(|i| site_file(path_for(&patterns, "heavy", i), part().into_bytes())).collect();
            plugin.step_run(&site(files), "{}").map(drop)
        }
        Role::TemplateHelper => {
            let helper = plugin.helpers()?.into_iter().next().map(|h| h.name).unwrap_or_default();
            plugin.call_helpers(&text_calls(&helper, &part(), PARTS)).map(drop)
        }
    }
}

fn sandbox_checks(plugin: &Plugin, limits: Limits, report: &mut Report<'_>) {
    // Not a check: a component importing anything the sandbox lacks does
    // not load at all. What it asks for is worth showing, though.
    let imports = plugin.imports();
    let wants = |package: &str| imports.iter().any(|name| name.starts_with(package));
    let grant = |package: &str, denied: &str| {
        if wants(package) { format!("imports {package}, {denied}") } else { format!("does not import {package}") }
    };
    if report.format == Format::Json {
        if let Some(entry) = report.plugins.last_mut() {
            entry["imports"] = serde_json::json!(imports);
        }
    } else if !report.context.global.quiet {
        outln!(
            report.context,
            "  info  imports {} interface(s); files: {}; network: {}",
            imports.len(),
            grant("wasi:filesystem", "but no directory is preopened"),
            grant("wasi:sockets", "but sockets and name lookup are off"),
        );
    }
    for limit in [Limit::Time, Limit::Memory] {
        let limited = plugin.with_limits(match limit {
            Limit::Time => Limits { time: TIGHT_TIME, ..limits },
            Limit::Memory => Limits { memory: TIGHT_MEMORY, ..limits },
        });
        let started = Instant::now();
        let outcome = heavy_call(&limited);
        let took = started.elapsed();
        let verdict = match (outcome, limit) {
            (Err(PluginFailure { cause: Cause::TimeLimit(_), .. }), Limit::Time)
            | (Err(PluginFailure { cause: Cause::MemoryLimit(_), .. }), Limit::Memory) => Verdict::Pass,
            (Ok(()), Limit::Time) => Verdict::Skip(format!("the heavy call finished in {took:.0?}, inside the limit")),
            (Ok(()), Limit::Memory) => Verdict::Fail("the heavy call fit in the limit, which it cannot".into()),
            (Err(failure), _) => Verdict::Fail(format!("stopped, but not by the limit: {failure}")),
        };
        let what = match limit {
            Limit::Time => format!("a {} ms time limit stops a heavy call", TIGHT_TIME.as_millis()),
            Limit::Memory => format!("a {} MiB memory limit stops a {} MiB input", TIGHT_MEMORY >> 20, HEAVY >> 20),
        };
        report.record(&format!("sandbox: {what}"), verdict);
    }
    report.record(
        "sandbox: the next call runs normally, in a fresh instance",
        answered(plugin.call_meta_info(), false, |_| Verdict::Pass),
    );
}
