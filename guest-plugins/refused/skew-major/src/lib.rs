//! A plugin built against `workbench:plugin@1.0.0`, a major version this
//! host does not speak: loading it must fail with a message that says which
//! side to upgrade. Only `meta` is needed for that; the host reads versions
//! from export names before anything runs.

// The glue wit-bindgen generates is unsafe by nature, as in the SDK.
#![allow(unsafe_code, clippy::same_length_and_capacity, reason = "wit-bindgen's generated glue")]

wit_bindgen::generate!({
    inline: r#"
package workbench:plugin@1.0.0;

interface meta {
  record plugin-info { name: string, version: string, description: string }
  info: func() -> plugin-info;
}

interface lint-check {
  check: func(paths: list<string>) -> list<string>;
}

world lint-check-plugin {
  export meta;
  export lint-check;
}
"#,
    world: "lint-check-plugin",
});

use exports::workbench::plugin::lint_check::Guest as LintCheck;
use exports::workbench::plugin::meta::{Guest as Meta, PluginInfo};

struct Plugin;

impl Meta for Plugin {
    fn info() -> PluginInfo {
        PluginInfo { name: "skew-major".into(), version: "0.1.0".into(), description: "Built against 1.0.0.".into() }
    }
}

impl LintCheck for Plugin {
    fn check(paths: Vec<String>) -> Vec<String> {
        paths
    }
}

export!(Plugin);
