//! How lint findings are shown: rustc-style for people, JSON for tools,
//! GitHub workflow annotations for CI.

use std::collections::HashMap;
use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use serde_json::json;

use crate::github::{escape_data, escape_property};
use crate::plugins::PluginFailure;
use crate::plugins::bindings::lint_check::Diagnostic;
use crate::plugins::bindings::types::Severity;
use crate::style::{self, Paint};
use crate::terminal::printable;
use crate::wit_json;

/// Everything a lint run produced, sorted by path and position.
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub failures: Vec<PluginFailure>,
    pub files_checked: usize,
    /// Warnings and notes not shown in vendored, generated and test-data files.
    pub foreign_hidden: usize,
}

impl Outcome {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }
}

/// The lines the results cache kept for findings in files a run did not
/// read, by path and line number.
#[derive(Default)]
pub struct KeptLines(HashMap<String, Vec<(u32, String)>>);

impl KeptLines {
    pub fn keep(&mut self, path: &str, number: u32, line: String) {
        match self.0.get_mut(path) {
            Some(lines) => lines.push((number, line)),
            None => {
                self.0.insert(path.to_string(), vec![(number, line)]);
            }
        }
    }
}

/// Where the report finds the line a finding points at: in the file when
/// the run read it, else among the lines the cache kept.
pub struct Lines<'a> {
    pub sources: &'a HashMap<String, std::sync::Arc<[u8]>>,
    pub kept: &'a KeptLines,
}

impl Lines<'_> {
    fn get(&self, path: &str, number: u32) -> Option<String> {
        match self.sources.get(path) {
            Some(bytes) => source_line(bytes, number),
            None => self.kept.0.get(path)?.iter().find(|(kept, _)| *kept == number).map(|(_, line)| line.clone()),
        }
    }
}

/// `warning[text/final-newline]: message`, then where, the source line
/// with the span underlined and the help, as rustc shows them (through
/// annotate-snippets, which rustc uses), then a summary line unless
/// `quiet`.
/// A rule that fires more often than this in one file is shown this many
/// times there, then summed up in one line: a thousand findings of one
/// rule in one file say one thing, and bury the rest.
pub const SHOWN_PER_FILE_AND_RULE: usize = 10;

pub fn human(outcome: &Outcome, lines: &Lines, paint: Paint, quiet: bool) -> String {
    let renderer = if paint.on() { Renderer::styled().hyperlink(false) } else { Renderer::plain() };
    let mut out = String::new();
    let mut counts: HashMap<(&str, &str), usize> = HashMap::new();
    for diagnostic in &outcome.diagnostics {
        *counts.entry((diagnostic.path.as_str(), diagnostic.rule.as_str())).or_default() += 1;
    }
    let mut shown: HashMap<(&str, &str), usize> = HashMap::new();
    for diagnostic in &outcome.diagnostics {
        let key = (diagnostic.path.as_str(), diagnostic.rule.as_str());
        let total = counts[&key];
        let seen = shown.entry(key).or_default();
        *seen += 1;
        if total > SHOWN_PER_FILE_AND_RULE && *seen > SHOWN_PER_FILE_AND_RULE {
            if *seen == SHOWN_PER_FILE_AND_RULE + 1 {
                let more = total - SHOWN_PER_FILE_AND_RULE;
                let title = Level::NOTE
                    .primary_title(format!(
                        "{more} more `{}` in {} not shown",
                        printable(&diagnostic.rule),
                        printable(&diagnostic.path)
                    ))
                    .id(printable(&diagnostic.rule));
                let group = Group::with_title(title).element(Level::HELP.message(format!(
                    "`--format json` lists them all; `[lint.rules] \"{}\" = \"off\"` in workbench.toml turns the rule off",
                    printable(&diagnostic.rule)
                )));
                out.push_str(&renderer.render(&[group]));
                out.push_str("\n\n");
            }
            continue;
        }
        let (message, path) = (printable(&diagnostic.message), printable(&diagnostic.path));
        let title = level(diagnostic.severity).primary_title(message).id(printable(&diagnostic.rule));
        let line = diagnostic.span.and_then(|span| Some((span, lines.get(&diagnostic.path, span.line)?)));
        let mut group = Group::with_title(title);
        group = match (diagnostic.span, line) {
            (_, Some((span, line))) => {
                let (start, end) = underline(&line, span.column, span.end.saturating_sub(span.start));
                group.element(
                    Snippet::source(printable(&line).into_owned())
                        .line_start(span.line as usize)
                        .path(path)
                        .annotation(AnnotationKind::Primary.span(start..end)),
                )
            }
            (Some(span), None) => {
                group.element(Origin::path(path).line(span.line as usize).char_column(span.column as usize))
            }
            (None, _) => group.element(Origin::path(path)),
        };
        if let Some(help) = &diagnostic.help {
            let fix = if diagnostic.fix.is_some() { " (fixable)" } else { "" };
            group = group.element(Level::HELP.message(format!("{}{fix}", printable(help))));
        }
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    if quiet {
        return out;
    }
    let (errors, warnings, infos) =
        (outcome.count(Severity::Error), outcome.count(Severity::Warning), outcome.count(Severity::Info));
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let count = |n: usize, word: &str, style| {
        if n > 0 { paint.paint(style, plural(n, word)).to_string() } else { plural(n, word) }
    };
    let mut summary = vec![count(errors, "error", style::ERROR), count(warnings, "warning", style::WARNING)];
    if infos > 0 {
        summary.push(count(infos, "note", style::NOTE));
    }
    let _ = writeln!(out, "{} in {} checked", summary.join(", "), plural(outcome.files_checked, "file"));
    if outcome.foreign_hidden > 0 {
        let _ = writeln!(
            out,
            "{} in vendored, generated or test-data files not shown (`[lint] foreign-files = \"all\"` shows them)",
            match outcome.foreign_hidden {
                1 => "1 warning or note".to_string(),
                n => format!("{n} warnings or notes"),
            }
        );
    }
    out
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

/// The byte range to underline in the line as shown (control characters
/// escaped): from the span's column (in characters, from 1) for as many
/// bytes of the original line as the span covers, at least one character.
fn underline(line: &str, column: u32, span_bytes: u32) -> (usize, usize) {
    let begin = line.char_indices().nth(column.saturating_sub(1) as usize).map_or(line.len(), |(at, _)| at);
    let mut end = (begin + span_bytes as usize).min(line.len());
    while !line.is_char_boundary(end) {
        end += 1;
    }
    if end == begin {
        end = line[begin..].chars().next().map_or(begin, |c| begin + c.len_utf8());
    }
    let start = printable(&line[..begin]).len();
    (start, start + printable(&line[begin..end]).len().max(1))
}

/// Line `line` (from 1) of `bytes`, without its line ending.
pub fn source_line(bytes: &[u8], line: u32) -> Option<String> {
    let raw = bytes.split(|&b| b == b'\n').nth(line.checked_sub(1)? as usize)?;
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    Some(String::from_utf8_lossy(raw).into_owned())
}

/// One JSON document; `version` changes only when the shape does.
pub fn json(outcome: &Outcome) -> String {
    let document = json!({
        "version": 1,
        "diagnostics": outcome.diagnostics.iter().map(wit_json::diagnostic).collect::<Vec<_>>(),
        "failures": outcome.failures.iter().map(|failure| json!({
            "plugin": failure.plugin,
            "call": failure.call,
            "message": failure.to_string(),
        })).collect::<Vec<_>>(),
        "summary": {
            "files": outcome.files_checked,
            "errors": outcome.count(Severity::Error),
            "warnings": outcome.count(Severity::Warning),
            "infos": outcome.count(Severity::Info),
            "foreign-hidden": outcome.foreign_hidden,
        },
    });
    format!("{document:#}\n")
}

/// A rule as SARIF lists it under the tool.
pub struct RuleMeta {
    pub id: String,
    pub summary: String,
    pub explanation: String,
    pub severity: Severity,
    /// The plugin that reports it, or `workbench` for host rules.
    pub plugin: String,
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// SARIF 2.1.0: one run, the rules of every loaded plugin, a result per
/// diagnostic with its region and fix. Paths are relative to `%SRCROOT%`,
/// the directory workbench ran in.
pub fn sarif(outcome: &Outcome, rules: &[RuleMeta], root: &std::path::Path) -> String {
    let index: HashMap<&str, usize> = rules.iter().enumerate().map(|(i, rule)| (rule.id.as_str(), i)).collect();
    let results: Vec<_> = outcome
        .diagnostics
        .iter()
        .map(|diagnostic| {
            let artifact = json!({ "uri": diagnostic.path, "uriBaseId": "%SRCROOT%" });
            let mut location = json!({ "artifactLocation": artifact });
            if let Some(span) = diagnostic.span {
                location["region"] = json!({
                    "startLine": span.line.max(1),
                    "startColumn": span.column.max(1),
                    "byteOffset": span.start,
                    "byteLength": span.end.saturating_sub(span.start),
                });
            }
            let mut result = json!({
                "ruleId": diagnostic.rule,
                "level": sarif_level(diagnostic.severity),
                "message": { "text": diagnostic.message },
                "locations": [{ "physicalLocation": location }],
            });
            if let Some(&rule_index) = index.get(diagnostic.rule.as_str()) {
                result["ruleIndex"] = json!(rule_index);
            }
            if let Some(help) = &diagnostic.help {
                result["properties"] = json!({ "help": help });
            }
            if let Some(fix) = &diagnostic.fix {
                result["fixes"] = json!([{
                    "description": { "text": fix.description },
                    "artifactChanges": [{
                        "artifactLocation": { "uri": diagnostic.path, "uriBaseId": "%SRCROOT%" },
                        "replacements": fix.edits.iter().map(|edit| json!({
                            "deletedRegion": { "byteOffset": edit.start, "byteLength": edit.end.saturating_sub(edit.start) },
                            "insertedContent": { "text": edit.replacement },
                        })).collect::<Vec<_>>(),
                    }],
                }]);
            }
            result
        })
        .collect();
    let rules: Vec<_> = rules
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id,
                "shortDescription": { "text": rule.summary },
                "fullDescription": { "text": rule.explanation },
                "help": { "text": rule.explanation },
                "defaultConfiguration": { "level": sarif_level(rule.severity) },
                "properties": { "plugin": rule.plugin },
            })
        })
        .collect();
    let notifications: Vec<_> = outcome
        .failures
        .iter()
        .map(|failure| json!({ "level": "error", "message": { "text": failure.to_string() } }))
        .collect();
    let root_uri = format!("file://{}/", root.display().to_string().trim_end_matches('/'));
    let document = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "workbench",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            } },
            "originalUriBaseIds": { "%SRCROOT%": { "uri": root_uri } },
            "invocations": [{
                "executionSuccessful": outcome.failures.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    format!("{document:#}\n")
}

/// GitHub Actions workflow commands: one annotation a diagnostic.
pub fn github(outcome: &Outcome) -> String {
    let mut out = String::new();
    for diagnostic in &outcome.diagnostics {
        let level = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut properties = format!("file={}", escape_property(&diagnostic.path));
        if let Some(span) = diagnostic.span {
            let _ = write!(properties, ",line={},col={}", span.line, span.column);
        }
        let _ = write!(properties, ",title={}", escape_property(&diagnostic.rule));
        let _ = writeln!(out, "::{level} {properties}::{}", escape_data(&diagnostic.message));
    }
    for failure in &outcome.failures {
        let _ = writeln!(
            out,
            "::error title=plugin {}::{}",
            escape_property(&failure.plugin),
            escape_data(&failure.to_string())
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_underline_covers_the_span_as_the_line_is_shown() {
        assert_eq!(underline("abc   ", 4, 3), (3, 6));
        assert_eq!(underline("abc", 4, 0), (3, 4), "at the end of the line, one place past it");
        assert_eq!(underline("é  x", 2, 2), (2, 4), "columns count characters, spans bytes");
        assert_eq!(underline("a\u{1b}b  ", 4, 2), (8, 10), "an escaped control character widens the line");
    }
}
