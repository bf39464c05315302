//! Inline suppressions: a comment `workbench: allow(RULE[, RULE]) -- reason`
//! in whatever comment syntax the file uses (`#`, `//`, `/*`, `<!--`, `--`,
//! `;`, `%`): the marker must start the comment, so prose that mentions it
//! suppresses nothing. One applies to its own line and the line below it;
//! the reason is expected, and a suppression that suppresses nothing is
//! reported, so they do not outlive the code they excused.

use crate::plugins::bindings::lint_check::Diagnostic;
use crate::plugins::bindings::types::{Severity, Span};

const MARKER: &str = "workbench: allow(";
const COMMENT_OPENERS: [&str; 7] = ["#", "//", "/*", "<!--", "--", ";", "%"];

/// Host rules: findings about suppressions themselves.
pub const UNUSED: &str = "workbench/unused-suppression";
pub const NO_REASON: &str = "workbench/suppression-reason";

pub const HOST_RULES: [(&str, &str, &str); 2] = [
    (
        UNUSED,
        "suppression that suppresses nothing",
        "A `workbench: allow(RULE)` comment whose rule reports nothing on its line or the line below. Remove it: the code it excused has changed.",
    ),
    (
        NO_REASON,
        "suppression without a reason",
        "Write why the rule does not apply after `--`: `# workbench: allow(make/quiet-recipe) -- the tool prints its own progress`. The suppression works without one, but the next reader deserves it.",
    ),
];

#[derive(Debug)]
pub struct Suppression {
    pub line: u32,
    pub rules: Vec<String>,
    span: Span,
    has_reason: bool,
    used: Vec<bool>,
}

/// Whether a file may hold a suppression (a cheap test before a scan).
pub fn has_marker(bytes: &[u8]) -> bool {
    bytes.windows(MARKER.len()).any(|window| window == MARKER.as_bytes())
}

/// Every suppression in a file.
pub fn scan(bytes: &[u8]) -> Vec<Suppression> {
    let mut found = Vec::new();
    let mut offset = 0usize;
    for (index, raw) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        let text = String::from_utf8_lossy(raw);
        let at = text.match_indices(MARKER).map(|(at, _)| at).find(|&at| {
            let before = text[..at].trim_end();
            COMMENT_OPENERS.iter().any(|opener| before.ends_with(opener))
        });
        if let Some(at) = at {
            let rest = &text[at + MARKER.len()..];
            if let Some(close) = rest.find(')') {
                let rules: Vec<String> = rest[..close]
                    .split(',')
                    .map(|rule| rule.trim().to_string())
                    .filter(|rule| !rule.is_empty())
                    .collect();
                let after = rest[close + 1..].trim();
                let after = after.strip_suffix("-->").or_else(|| after.strip_suffix("*/")).unwrap_or(after).trim();
                let reason = after.strip_prefix("--").map(str::trim);
                let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
                let start = u32::try_from(offset + at).unwrap_or(u32::MAX);
                let len = u32::try_from(MARKER.len() + close + 1).unwrap_or(0);
                let column = u32::try_from(text[..at].chars().count() + 1).unwrap_or(1);
                found.push(Suppression {
                    line,
                    used: vec![false; rules.len()],
                    rules,
                    span: Span { start, end: start + len, line, column },
                    has_reason: reason.is_some_and(|reason| !reason.is_empty()),
                });
            }
        }
        offset += raw.len();
    }
    found
}

/// Whether a suppression covers this diagnostic; marks it used.
pub fn allows(suppressions: &mut [Suppression], diagnostic: &Diagnostic) -> bool {
    let Some(span) = diagnostic.span else { return false };
    for suppression in suppressions.iter_mut() {
        if span.line != suppression.line && span.line != suppression.line + 1 {
            continue;
        }
        if let Some(index) = suppression.rules.iter().position(|rule| *rule == diagnostic.rule) {
            suppression.used[index] = true;
            return true;
        }
    }
    false
}

/// Findings about the suppressions of one file. `checked` tells whether a
/// rule's plugin looked at this file at all: a suppression for a rule that
/// never ran here is not "unused".
pub fn findings(path: &str, suppressions: &[Suppression], checked: impl Fn(&str) -> bool) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for suppression in suppressions {
        for (rule, used) in suppression.rules.iter().zip(&suppression.used) {
            if !used && checked(rule) {
                found.push(finding(
                    path,
                    suppression.span,
                    UNUSED,
                    format!("`{rule}` reports nothing here to allow"),
                    "remove the suppression",
                ));
            }
        }
        if !suppression.has_reason {
            found.push(finding(
                path,
                suppression.span,
                NO_REASON,
                "suppression without a reason".into(),
                "add `-- why the rule does not apply here` after the closing parenthesis",
            ));
        }
    }
    found
}

fn finding(path: &str, span: Span, rule: &str, message: String, help: &str) -> Diagnostic {
    Diagnostic {
        rule: rule.into(),
        severity: Severity::Warning,
        message,
        path: path.into(),
        span: Some(span),
        help: Some(help.into()),
        fix: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostic(rule: &str, line: u32) -> Diagnostic {
        finding("f", Span { start: 0, end: 0, line, column: 1 }, rule, String::new(), "")
    }

    #[test]
    fn a_suppression_covers_its_line_and_the_next() {
        let text = format!("a\n# {MARKER}make/quiet-recipe, text/final-newline) -- tool prints progress\nb\nc\n");
        let mut found = scan(text.as_bytes());
        assert_eq!(found.len(), 1);
        assert!(found[0].has_reason);
        assert!(allows(&mut found, &diagnostic("make/quiet-recipe", 3)));
        assert!(!allows(&mut found, &diagnostic("make/quiet-recipe", 4)));
        let unused = findings("f", &found, |_| true);
        assert_eq!(unused.len(), 1);
        assert_eq!(unused[0].rule, UNUSED);
        assert!(unused[0].message.contains("text/final-newline"));
    }

    #[test]
    fn html_comments_and_missing_reasons() {
        let found = scan(format!("<!-- {MARKER}text/trailing-whitespace) -->\n").as_bytes());
        assert_eq!(found[0].rules, ["text/trailing-whitespace"]);
        assert!(!found[0].has_reason);
        let found = scan(format!("<!-- {MARKER}x/y) -- generated -->\n").as_bytes());
        assert!(found[0].has_reason);
    }

    #[test]
    fn prose_that_mentions_the_marker_suppresses_nothing() {
        assert!(scan(format!("Write `{MARKER}RULE)` in a comment.\n").as_bytes()).is_empty());
    }

    #[test]
    fn rules_that_did_not_run_here_are_not_unused() {
        let found = scan(format!("// {MARKER}make/crlf) -- example\n").as_bytes());
        assert!(findings("f", &found, |_| false).is_empty());
    }
}
