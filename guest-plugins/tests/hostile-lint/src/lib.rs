//! Misbehaves on request, so the host's sandbox can be tested. A lint-check
//! plugin: each file's contents name the misdeed (see the misdeeds crate);
//! `ok` behaves.

use misdeeds::misbehave;
use workbench_plugin::NoOptions;
use workbench_plugin::lint_check::{Diagnostic, Error, File, LintCheck, RuleInfo, Severity};

struct Hostile;

impl LintCheck for Hostile {
    type Options = NoOptions;

    fn rules() -> Vec<RuleInfo> {
        vec![RuleInfo {
            id: "hostile-lint/outcome".into(),
            default_severity: Severity::Info,
            summary: "what the misdeed returned".into(),
            explanation: "Reports what each requested misdeed returned, if it returned.".into(),
            fixable: false,
        }]
    }

    fn check(files: Vec<File>, _options: &NoOptions) -> Result<Vec<Diagnostic>, Error> {
        let mut found = Vec::new();
        for file in files {
            let what = String::from_utf8_lossy(&file.contents).trim().to_string();
            let message = match misbehave(&what) {
                Ok(outcome) => outcome,
                Err(refused) => format!("refused: {refused}"),
            };
            found.push(Diagnostic {
                rule: "hostile-lint/outcome".into(),
                severity: Severity::Info,
                message,
                path: file.path,
                span: None,
                help: None,
                fix: None,
            });
        }
        Ok(found)
    }
}

workbench_plugin::export_lint_check!(Hostile);
