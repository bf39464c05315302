use workbench_plugin::NoOptions;
use workbench_plugin::lint_check::{Diagnostic, Error, File, Fix, LintCheck, RuleInfo, Severity, edit, span};

struct TrailingSpace;

impl LintCheck for TrailingSpace {
    type Options = NoOptions;

    fn patterns() -> Vec<String> {
        vec!["**/*.txt".into()]
    }

    fn rules() -> Vec<RuleInfo> {
        vec![RuleInfo {
            id: "test/trailing-space".into(),
            default_severity: Severity::Warning,
            summary: "line ends with whitespace".into(),
            explanation: "Trailing whitespace makes noisy diffs.".into(),
            fixable: true,
        }]
    }

    fn check(files: Vec<File>, _options: &NoOptions) -> Result<Vec<Diagnostic>, Error> {
        let mut found = Vec::new();
        for file in files {
            let mut offset = 0usize;
            for (index, line) in file.contents.split(|&b| b == b'\n').enumerate() {
                let kept = line.trim_ascii_end().len();
                if kept < line.len() {
                    let (start, end) = (offset + kept, offset + line.len());
                    found.push(Diagnostic {
                        rule: "test/trailing-space".into(),
                        severity: Severity::Warning,
                        message: "trailing whitespace".into(),
                        path: file.path.clone(),
                        span: Some(span(start, end, index + 1, kept + 1)),
                        help: Some("remove it".into()),
                        fix: Some(Fix {
                            description: "remove trailing whitespace".into(),
                            edits: vec![edit(start, end, "")],
                        }),
                    });
                }
                offset += line.len() + 1;
            }
        }
        Ok(found)
    }
}

workbench_plugin::export_lint_check!(TrailingSpace);
