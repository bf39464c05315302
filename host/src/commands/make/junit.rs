//! `workbench make --format junit`: the JUnit XML that CI systems (GitHub
//! test reporters, GitLab, Jenkins, Buildkite) read, in the shape most of
//! them agree on: a `<testsuite>` per project holding one `<testcase>`,
//! the target, with `<failure>`, `<error>` (interrupted) or `<skipped>`,
//! and the make output in `<system-out>`.

use std::fmt::Write as _;
use std::sync::LazyLock;

use regex::Regex;

use super::schedule::{Outcome, ProjectResult};
use crate::projects::Workspace;

pub fn render(workspace: &Workspace, target: &str, results: &[ProjectResult]) -> String {
    let count = |wanted: fn(&Outcome) -> bool| results.iter().filter(|result| wanted(&result.outcome)).count();
    let failures = count(|outcome| matches!(outcome, Outcome::Failed(_)));
    let errors = count(|outcome| *outcome == Outcome::Interrupted);
    let skipped = count(|outcome| matches!(outcome, Outcome::Skipped(_)));
    let total: f64 = results.iter().map(ran_seconds).sum();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{total:.3}\">",
        escape(&format!("workbench make {target}")),
        results.len(),
    );
    for result in results {
        let project = &workspace.projects[result.project];
        let seconds = ran_seconds(result);
        let flag = |wanted: bool| u8::from(wanted);
        let _ = writeln!(
            xml,
            "  <testsuite name=\"{}\" tests=\"1\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{seconds:.3}\">",
            escape(&project.name),
            flag(matches!(result.outcome, Outcome::Failed(_))),
            flag(result.outcome == Outcome::Interrupted),
            flag(matches!(result.outcome, Outcome::Skipped(_))),
        );
        if result.outcome == Outcome::Cached {
            xml.push_str("    <properties><property name=\"cached\" value=\"true\"/></properties>\n");
        }
        let _ = write!(
            xml,
            "    <testcase name=\"{}\" classname=\"{}\" time=\"{seconds:.3}\"",
            escape(&format!("make {target}")),
            escape(&project.path),
        );
        let output = escape(&String::from_utf8_lossy(&result.output));
        let body = match &result.outcome {
            Outcome::Ok | Outcome::Cached => String::new(),
            Outcome::Failed(code) => {
                let message = match code {
                    Some(code) => format!("make {target} exited with {code}"),
                    None => format!("make {target} was killed"),
                };
                format!("      <failure message=\"{}\">{output}</failure>\n", escape(&message))
            }
            Outcome::Interrupted => "      <error message=\"interrupted\"/>\n".into(),
            Outcome::Skipped(reason) => format!("      <skipped message=\"{}\"/>\n", escape(reason)),
        };
        let system_out = if output.is_empty() || matches!(result.outcome, Outcome::Failed(_)) {
            String::new()
        } else {
            format!("      <system-out>{output}</system-out>\n")
        };
        if body.is_empty() && system_out.is_empty() {
            xml.push_str("/>\n");
        } else {
            let _ = write!(xml, ">\n{body}{system_out}    </testcase>\n");
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
}

/// The time a run took now: none for a skipped or cached project.
fn ran_seconds(result: &ProjectResult) -> f64 {
    match result.outcome {
        Outcome::Skipped(_) | Outcome::Cached => 0.0,
        _ => result.elapsed.as_secs_f64(),
    }
}

/// Text fit for an XML attribute or element: the five markup characters
/// escaped, terminal colour codes dropped, and the control characters XML
/// 1.0 cannot carry at all (not even escaped) replaced.
fn escape(text: &str) -> String {
    static ANSI: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\x1b\[[0-9;?]*[ -/]*[@-~]").expect("the pattern is valid"));
    let text = ANSI.replace_all(text, "");
    let mut escaped = String::with_capacity(text.len());
    for char in text.chars() {
        match char {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push(char),
            '\u{FFFE}' | '\u{FFFF}' => escaped.push('\u{FFFD}'),
            control if control < ' ' => escaped.push('\u{FFFD}'),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_is_escaped_and_stripped_of_what_xml_cannot_hold() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(escape("\x1b[31mred\x1b[0m\x07"), "red\u{FFFD}");
        assert_eq!(escape("tab\tnew\n"), "tab\tnew\n");
    }
}
