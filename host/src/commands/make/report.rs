//! What `workbench make` prints: each project's output whole as it
//! finishes (never interleaved), a status line on a terminal while
//! projects run, and a summary table; with `--format github` the same in
//! folded log groups, and an annotation per failed project; or one JSON
//! or JUnit document.

use std::time::Duration;

use serde_json::json;

use super::Format;
use super::schedule::{Outcome, ProjectResult};
use crate::context::Context;
use crate::github::{escape_data, escape_property};
use crate::projects::Workspace;
use crate::style;
use crate::terminal::printable;

pub struct Printer<'a> {
    context: &'a Context,
    format: Format,
    workspace: &'a Workspace,
    target: &'a str,
    /// The status lines on stderr, cleared before more output is printed.
    status: Vec<String>,
    live: bool,
}

impl<'a> Printer<'a> {
    pub fn new(context: &'a Context, format: Format, workspace: &'a Workspace, target: &'a str) -> Printer<'a> {
        let live = format == Format::Human && context.stderr_is_terminal() && !context.global.quiet;
        Printer { context, format, workspace, target, status: Vec::new(), live }
    }

    /// On a terminal, a line per running project with its time so far,
    /// and how many are done, redrawn in place (only when it changed).
    pub fn status(&mut self, running: &[(usize, Duration)], done: usize, total: usize) {
        if !self.live {
            return;
        }
        let mut lines: Vec<String> = running
            .iter()
            .map(|&(index, elapsed)| {
                let name = printable(&self.workspace.projects[index].name).chars().take(60).collect::<String>();
                format!("  running {name} ({:.0} s)", elapsed.as_secs_f64().floor())
            })
            .collect();
        lines.push(format!("  {done} of {total} done"));
        if lines == self.status {
            return;
        }
        let mut text = self.erase();
        for line in &lines {
            text.push_str(line);
            text.push('\n');
        }
        let _ = std::io::Write::write_all(&mut *self.context.stderr(), text.as_bytes());
        self.status = lines;
    }

    /// Escape codes that move up over the status lines and erase them.
    fn erase(&self) -> String {
        if self.status.is_empty() { String::new() } else { format!("\x1b[{}F\x1b[J", self.status.len()) }
    }

    fn clear_status(&mut self) {
        if !self.status.is_empty() {
            let erase = self.erase();
            let _ = std::io::Write::write_all(&mut *self.context.stderr(), erase.as_bytes());
            self.status.clear();
        }
    }

    /// One project's output, whole, under a header naming it.
    pub fn finished(&mut self, result: &ProjectResult) {
        if !matches!(self.format, Format::Human | Format::Github) {
            return;
        }
        // Quiet: a failure's output is the error; a success has nothing to say.
        if self.context.global.quiet && matches!(result.outcome, Outcome::Ok | Outcome::Cached | Outcome::Skipped(_)) {
            return;
        }
        self.clear_status();
        let project = &self.workspace.projects[result.project];
        let context = self.context;
        let cached = if result.outcome == Outcome::Cached { " (cached)" } else { "" };
        let header = format!("> {}: make {}{cached}", printable(&project.name), printable(self.target));
        if self.format == Format::Github {
            outln!(context, "::group::{}", escape_data(&header));
        } else {
            outln!(context, "{header}");
        }
        let mut out = context.stdout();
        let _ = std::io::Write::write_all(&mut *out, &result.output);
        if !result.output.is_empty() && !result.output.ends_with(b"\n") {
            let _ = std::io::Write::write_all(&mut *out, b"\n");
        }
        drop(out);
        let paint = context.paint_out();
        if result.outcome == Outcome::Cached {
            outln!(context, "  {}: ok in {} when it ran", paint.paint(style::OK, "cached"), seconds(result.elapsed));
        } else {
            let text = outcome_text(&result.outcome);
            outln!(context, "  {} in {}", paint.paint(outcome_style(&text), &text), seconds(result.elapsed));
        }
        if self.format == Format::Github {
            outln!(context, "::endgroup::");
        }
        outln!(context);
    }

    pub fn finish(&mut self, results: &[ProjectResult]) {
        self.clear_status();
        match self.format {
            Format::Json => self.json(results),
            Format::Junit => out!(self.context, "{}", super::junit::render(self.workspace, self.target, results)),
            Format::Human => self.summary(results),
            Format::Github => {
                self.summary(results);
                self.annotations(results);
            }
        }
    }

    fn summary(&self, results: &[ProjectResult]) {
        let context = self.context;
        if context.global.quiet {
            return;
        }
        if results.is_empty() {
            outln!(context, "no project selected");
            return;
        }
        let rows: Vec<[String; 4]> = results
            .iter()
            .map(|result| {
                let time = if matches!(result.outcome, Outcome::Skipped(_) | Outcome::Cached) {
                    String::new()
                } else {
                    seconds(result.elapsed)
                };
                [
                    self.workspace.projects[result.project].name.clone(),
                    self.target.to_string(),
                    outcome_text(&result.outcome),
                    time,
                ]
                .map(|cell| printable(&cell).into_owned())
            })
            .collect();
        let table = crate::table::render_styled(
            ["PROJECT", "TARGET", "RESULT", "TIME"],
            &rows,
            context.paint_out(),
            |column, cell| match column {
                2 => Some(outcome_style(cell)),
                3 => Some(style::DIM),
                _ => None,
            },
        );
        out!(context, "{table}");
        let count = |wanted: fn(&Outcome) -> bool| results.iter().filter(|result| wanted(&result.outcome)).count();
        let ok = count(|outcome| *outcome == Outcome::Ok);
        let failed = count(|outcome| matches!(outcome, Outcome::Failed(_) | Outcome::Interrupted));
        let skipped = count(|outcome| matches!(outcome, Outcome::Skipped(_)));
        let cached = count(|outcome| *outcome == Outcome::Cached);
        let cached = if cached > 0 { format!("{cached} cached; ") } else { String::new() };
        outln!(context, "\n{} ran: {ok} ok, {failed} failed; {cached}{skipped} skipped", ok + failed);
    }

    /// An error annotation per project that failed, on its Makefile.
    fn annotations(&self, results: &[ProjectResult]) {
        for result in results {
            if !matches!(result.outcome, Outcome::Failed(_) | Outcome::Interrupted) {
                continue;
            }
            let project = &self.workspace.projects[result.project];
            let makefile = crate::projects::makefile::NAMES
                .iter()
                .map(|name| format!("{}/{name}", project.path))
                .find(|path| self.workspace.root.join(path).is_file())
                .unwrap_or_else(|| project.path.clone());
            let title = format!("make {} failed in {}", self.target, project.name);
            let message =
                format!("{}: {} (its output is in the group above)", project.path, outcome_text(&result.outcome));
            outln!(
                self.context,
                "::error file={},title={}::{}",
                escape_property(&makefile),
                escape_property(&title),
                escape_data(&message)
            );
        }
    }

    fn json(&self, results: &[ProjectResult]) {
        let projects: Vec<_> = results
            .iter()
            .map(|result| {
                let project = &self.workspace.projects[result.project];
                let (name, reason, code) = match &result.outcome {
                    Outcome::Ok => ("ok", None, Some(0)),
                    Outcome::Cached => ("cached", None, Some(0)),
                    Outcome::Failed(code) => ("failed", None, *code),
                    Outcome::Skipped(reason) => ("skipped", Some(reason.as_str()), None),
                    Outcome::Interrupted => ("interrupted", None, None),
                };
                json!({
                    "name": project.name,
                    "path": project.path,
                    "result": name,
                    "reason": reason,
                    "exit-code": code,
                    "seconds": result.elapsed.as_secs_f64(),
                    "output": String::from_utf8_lossy(&result.output),
                })
            })
            .collect();
        outln!(self.context, "{:#}", json!({ "version": 1, "target": self.target, "projects": projects }));
    }
}

/// How a result reads at a glance: green done, red failed, yellow skipped.
fn outcome_style(text: &str) -> anstyle::Style {
    match text.split([' ', ':']).next().unwrap_or_default() {
        "ok" | "cached" => style::OK,
        "skipped" => style::WARNING,
        _ => style::ERROR,
    }
}

fn outcome_text(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Ok => "ok".into(),
        Outcome::Cached => "cached".into(),
        Outcome::Failed(Some(code)) => format!("failed (exit {code})"),
        Outcome::Failed(None) => "failed (killed)".into(),
        Outcome::Skipped(reason) => format!("skipped: {reason}"),
        Outcome::Interrupted => "interrupted".into(),
    }
}

fn seconds(elapsed: Duration) -> String {
    format!("{:.2} s", elapsed.as_secs_f64())
}
