//! A lint check that breaks the WIT contract on purpose, for the tests of
//! `workbench plugins conformance`: it answers an empty batch with a
//! diagnostic, names a rule it never declared and a file it was not given,
//! points past the end of the file, and traps on bytes that are not UTF-8.

use workbench_plugin::NoOptions;
use workbench_plugin::lint_check::{Diagnostic, Error, File, LintCheck, RuleInfo, Severity, Span};

struct Sloppy;

fn diagnostic(rule: &str, path: &str, end: u32) -> Diagnostic {
    Diagnostic {
        rule: rule.into(),
        severity: Severity::Warning,
        message: "sloppy".into(),
        path: path.into(),
        span: Some(Span { start: 0, end, line: 1, column: 1 }),
        help: None,
        fix: None,
    }
}

impl LintCheck for Sloppy {
    type Options = NoOptions;

    fn patterns() -> Vec<String> {
        vec!["**/*.txt".into()]
    }

    fn rules() -> Vec<RuleInfo> {
        vec![RuleInfo {
            id: "sloppy/declared".into(),
            default_severity: Severity::Warning,
            summary: "the one rule it declares".into(),
            explanation: "It reports others too.".into(),
            fixable: false,
        }]
    }

    fn check(files: Vec<File>, _options: &NoOptions) -> Result<Vec<Diagnostic>, Error> {
        let Some(first) = files.first() else {
            return Ok(vec![diagnostic("sloppy/declared", "nothing.txt", 0)]);
        };
        let text = std::str::from_utf8(&first.contents).expect("assumes UTF-8");
        let past_the_end = u32::try_from(text.len() + 10).unwrap_or(u32::MAX);
        Ok(vec![
            diagnostic("sloppy/undeclared", &first.path, 0),
            diagnostic("sloppy/declared", "elsewhere.txt", 0),
            diagnostic("sloppy/declared", &first.path, past_the_end),
        ])
    }
}

workbench_plugin::export_lint_check!(Sloppy);
