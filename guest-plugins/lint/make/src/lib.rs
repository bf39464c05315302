//! `make`: the Makefile conventions of workbench's design as lint rules,
//! over a tolerant GNU Makefile parser ([`parser`]).
//!
//! Whole-file rules (default goal, conventional targets) apply to
//! `Makefile`, `makefile` and `GNUmakefile`; `*.mk` fragments get only the
//! line rules, since they are included into a Makefile that has the rest.

// Natively (unit tests, fuzz targets) the component's entry points go unused.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

pub mod parser;
mod rules;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use workbench_plugin::lint_check::{Diagnostic, Error, File, LintCheck, RuleInfo};

/// The plugin's options (`[plugins.options.make]` in workbench.toml).
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct MakeOptions {
    /// Targets every Makefile must have (`make/missing-target`).
    pub required_targets: Vec<String>,
    /// Targets that never name a file and so belong in `.PHONY`.
    pub conventional_targets: Vec<String>,
}

impl Default for MakeOptions {
    fn default() -> MakeOptions {
        let words = |list: &[&str]| list.iter().map(|word| (*word).to_string()).collect();
        MakeOptions {
            required_targets: words(&["build", "clean", "lint", "test"]),
            conventional_targets: words(&[
                "default",
                "all",
                "build",
                "clean",
                "clean-deps",
                "lint",
                "server",
                "test",
                "check",
                "install",
                "bench",
            ]),
        }
    }
}

struct Make;

impl LintCheck for Make {
    type Options = MakeOptions;

    fn patterns() -> Vec<String> {
        ["**/Makefile", "**/makefile", "**/GNUmakefile", "**/*.mk"].map(String::from).to_vec()
    }

    fn rules() -> Vec<RuleInfo> {
        rules::RULES.iter().map(|rule| rule.info()).collect()
    }

    fn check(files: Vec<File>, options: &MakeOptions) -> Result<Vec<Diagnostic>, Error> {
        let mut found = Vec::new();
        for file in &files {
            let text = String::from_utf8_lossy(&file.contents);
            let makefile = parser::parse(&text);
            let name = file.path.rsplit('/').next().unwrap_or(&file.path);
            let whole = matches!(name, "Makefile" | "makefile" | "GNUmakefile");
            rules::check(&file.path, &text, &makefile, whole, options, &mut found);
        }
        Ok(found)
    }
}

/// The parser and every rule over one Makefile's text, for the fuzz target
/// in `fuzz/` (native, outside the component).
#[doc(hidden)]
pub fn fuzz_check(text: &str) {
    let makefile = parser::parse(text);
    rules::check("Makefile", text, &makefile, true, &MakeOptions::default(), &mut Vec::new());
}

// Native builds (unit tests, the fuzz targets) link no component exports.
#[cfg(target_arch = "wasm32")]
workbench_plugin::export_lint_check!(Make);
