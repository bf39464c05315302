//! `make`: the Makefile conventions of workbench's design as lint rules,
//! over a tolerant GNU Makefile parser ([`parser`]).
//!
//! The conventions are a profile: by default they apply to the Makefiles
//! that adopt them (a `default` target), while the rules about what make
//! itself gets wrong apply to all. Whole-file rules (default goal,
//! conventional targets) apply to `Makefile`, `makefile` and `GNUmakefile`;
//! `*.mk` fragments get only the line rules, since they are included into a
//! Makefile that has the rest. Each file is read alone: the host batches
//! files arbitrarily and caches results per file, so a rule never depends
//! on another file (an `include` makes the rules that need the whole
//! program, such as `missing-target`, hold back instead).

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
    /// Which Makefiles the conventions' rules apply to (`make/conventions`).
    pub conventions: Conventions,
}

/// Where the Make conventions apply. The rules about what make itself
/// gets wrong (`recipe-spaces`, `crlf`, `predefined-default`,
/// `phony-no-rule`) apply everywhere regardless.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Conventions {
    /// Makefiles with a `default` target (or `.DEFAULT_GOAL := default`);
    /// the others get one `make/conventions` note counting what was left out.
    #[default]
    OptedIn,
    /// Every Makefile and fragment.
    All,
    /// None.
    None,
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
            conventions: Conventions::default(),
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
    let options = MakeOptions { conventions: Conventions::All, ..MakeOptions::default() };
    rules::check("Makefile", text, &makefile, true, &options, &mut Vec::new());
}

// Native builds (unit tests, the fuzz targets) link no component exports.
#[cfg(target_arch = "wasm32")]
workbench_plugin::export_lint_check!(Make);
