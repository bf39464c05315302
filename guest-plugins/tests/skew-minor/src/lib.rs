//! A lint check built against `workbench:plugin@0.2.1`: the 0.2.0 package
//! plus one function, `lint-check.explain-fix`. A 0.2.0 host must load it
//! beside plugins built against 0.2.0, and ignore what it does not know.
//! The WIT is inline because it is this test's own future version of wit/,
//! reduced to what a lint check uses.

// The glue wit-bindgen generates is unsafe by nature, as in the SDK.
#![allow(unsafe_code, clippy::same_length_and_capacity, reason = "wit-bindgen's generated glue")]

wit_bindgen::generate!({
    inline: r#"
package workbench:plugin@0.2.1;

interface types {
  enum severity { info, warning, error }
  record span { start: u32, end: u32, line: u32, column: u32 }
  record file { path: string, contents: list<u8> }
  variant error { invalid-options(string), invalid-input(string), other(string) }
  record plugin-info { name: string, version: string, description: string, options-schema: option<string> }
}

interface log {
  enum level { trace, debug, info, warn, error }
  log: func(level: level, message: string);
}

interface meta {
  use types.{plugin-info};
  info: func() -> plugin-info;
}

interface lint-check {
  use types.{file, span, severity, error};
  record rule-info { id: string, default-severity: severity, summary: string, explanation: string, fixable: bool }
  record checker-info { patterns: list<string>, rules: list<rule-info> }
  record edit { start: u32, end: u32, replacement: string }
  record fix { description: string, edits: list<edit> }
  record diagnostic {
    rule: string, severity: severity, message: string, path: string,
    span: option<span>, help: option<string>, fix: option<fix>,
  }
  describe: func() -> checker-info;
  check: func(files: list<file>, options: string) -> result<list<diagnostic>, error>;
  /// New in 0.2.1.
  explain-fix: func(rule: string) -> option<string>;
}

world lint-check-plugin {
  import log;
  export meta;
  export lint-check;
}
"#,
    world: "lint-check-plugin",
});

use exports::workbench::plugin::lint_check::{CheckerInfo, Diagnostic, Guest as LintCheck, RuleInfo};
use exports::workbench::plugin::meta::Guest as Meta;
use workbench::plugin::types::{Error, File, PluginInfo, Severity};

const RULE: &str = "skew/empty-file";

struct Plugin;

impl Meta for Plugin {
    fn info() -> PluginInfo {
        PluginInfo {
            name: "skew-minor".into(),
            version: "0.1.0".into(),
            description: "Built against workbench:plugin@0.2.1.".into(),
            options_schema: None,
        }
    }
}

impl LintCheck for Plugin {
    fn describe() -> CheckerInfo {
        CheckerInfo {
            patterns: vec!["**/*.txt".into()],
            rules: vec![RuleInfo {
                id: RULE.into(),
                default_severity: Severity::Warning,
                summary: "the file is empty".into(),
                explanation: "An empty file is usually a mistake.".into(),
                fixable: false,
            }],
        }
    }

    fn check(files: Vec<File>, _options: String) -> Result<Vec<Diagnostic>, Error> {
        Ok(files
            .into_iter()
            .filter(|file| file.contents.is_empty())
            .map(|file| Diagnostic {
                rule: RULE.into(),
                severity: Severity::Warning,
                message: "this file is empty".into(),
                path: file.path,
                span: None,
                help: None,
                fix: None,
            })
            .collect())
    }

    fn explain_fix(rule: String) -> Option<String> {
        (rule == RULE).then(|| "delete the file, or give it contents".into())
    }
}

export!(Plugin);
