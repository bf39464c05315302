//! `text`: checks that apply to any text file. Binary files (a NUL byte in
//! the first 8 KiB, git's rule) are skipped.

mod rules;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use workbench_plugin::lint_check::{Diagnostic, Error, File, LintCheck, RuleInfo};

/// The plugin's options (`[plugins.options.text]` in workbench.toml).
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct TextOptions {
    /// Files larger than this are reported by `text/file-too-large`.
    #[schemars(range(min = 1))]
    pub max_bytes: u64,
    /// `"spaces"` or `"tabs"`: report indentation with the other one.
    /// Unset by default (Makefiles need tabs, most other files spaces).
    pub indent: Option<Indent>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Indent {
    Spaces,
    Tabs,
}

impl Default for TextOptions {
    fn default() -> TextOptions {
        TextOptions { max_bytes: 1 << 20, indent: None }
    }
}

struct Text;

impl LintCheck for Text {
    type Options = TextOptions;

    fn rules() -> Vec<RuleInfo> {
        rules::RULES.iter().map(|rule| rule.info()).collect()
    }

    fn check(files: Vec<File>, options: &TextOptions) -> Result<Vec<Diagnostic>, Error> {
        let mut found = Vec::new();
        for file in &files {
            rules::check(file, options, &mut found);
        }
        Ok(found)
    }
}

workbench_plugin::export_lint_check!(Text);
