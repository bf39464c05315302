//! # workbench-plugin: the Rust SDK for workbench plugins
//!
//! A workbench plugin is a WebAssembly component that implements one role of
//! the `workbench:plugin` WIT package (`wit/` at the repository root is the
//! single source of truth). This crate wraps the generated bindings in one
//! trait per role, with defaults, so a plugin author writes only what
//! differs:
//!
//! ```ignore
//! use workbench_plugin::NoOptions;
//! use workbench_plugin::lint_check::{Diagnostic, Error, File, LintCheck, RuleInfo};
//!
//! struct NoTabs;
//! impl LintCheck for NoTabs {
//!     type Options = NoOptions;
//!     fn rules() -> Vec<RuleInfo> { vec![/* ... */] }
//!     fn check(files: Vec<File>, options: &NoOptions) -> Result<Vec<Diagnostic>, Error> {
//!         Ok(vec![])
//!     }
//! }
//! workbench_plugin::export_lint_check!(NoTabs);
//! ```
//!
//! The crate must be a `cdylib`. Build with
//! `cargo build --release --target wasm32-wasip2`: the `.wasm` it writes is
//! already a component. Load it with `workbench --plugin PATH`, or list its
//! folder under `[plugins] paths` in `workbench.toml`. The plugin's name,
//! version and description come from its `Cargo.toml`.
//!
//! | role | module | trait | export macro |
//! |---|---|---|---|
//! | `detector` | [`detector`] | [`detector::Detector`] | [`export_detector!`] |
//! | `site-step` | [`site_step`] | [`site_step::SiteStep`] | [`export_site_step!`] |
//! | `template-helper` | [`template_helper`] | [`template_helper::TemplateHelper`] | [`export_template_helper!`] |
//! | `lint-check` | [`lint_check`] | [`lint_check::LintCheck`] | [`export_lint_check!`] |
//!
//! ## One role per plugin
//!
//! Each role lives in its own crate (re-exported here) because each carries
//! the bindings of its own WIT world and wit-bindgen's exported macros are
//! named after the interfaces, which the worlds share. A plugin uses one
//! role; the rare component that plays several is built with
//! `wit_bindgen::generate!` against the `everything` world instead.

pub use workbench_plugin_core::{NoOptions, PluginOptions, schemars, serde, serde_json};
pub use workbench_plugin_detector as detector;
pub use workbench_plugin_detector::export_detector;
pub use workbench_plugin_lint_check as lint_check;
pub use workbench_plugin_lint_check::export_lint_check;
pub use workbench_plugin_site_step as site_step;
pub use workbench_plugin_site_step::export_site_step;
pub use workbench_plugin_template_helper as template_helper;
pub use workbench_plugin_template_helper::export_template_helper;

#[doc(hidden)]
pub mod __private {
    pub use wit_bindgen;
}
