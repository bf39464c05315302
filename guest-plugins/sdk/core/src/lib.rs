//! What every role of the workbench plugin SDK shares. Plugin authors use
//! these through the `workbench-plugin` crate.

mod options;

pub use options::{NoOptions, PluginOptions, parse as parse_options};
pub use schemars;
pub use serde;
pub use serde_json;

/// What every role crate starts with: its world's bindings, the `log`
/// helpers, and options parsing. Expanded in the role crate (`crate::`
/// paths are that crate's), so each role keeps its own generated types.
///
/// `role!("lint-check-plugin", "__export_lint_check_world",
/// "workbench_plugin::lint_check::bindings", lint_check)`.
#[doc(hidden)]
#[macro_export]
macro_rules! role {
    ($world:literal, $export_macro:literal, $bindings_path:literal, $module:ident) => {
        // The generated code and the export macros name paths through
        // `workbench_plugin`, the facade crate plugin authors depend on;
        // inside the role crate that name means the role crate itself.
        extern crate self as workbench_plugin;

        /// The raw wit-bindgen output for this role's world.
        #[allow(missing_docs, clippy::all, clippy::pedantic)]
        pub mod bindings {
            wit_bindgen::generate!({
                path: "../../../wit",
                world: $world,
                pub_export_macro: true,
                export_macro_name: $export_macro,
                default_bindings_module: $bindings_path,
                runtime_path: "workbench_plugin::__private::wit_bindgen::rt",
            });
        }

        #[doc(hidden)]
        pub mod __private {
            pub use wit_bindgen;
        }

        #[doc(hidden)]
        pub use $crate::__impl_meta;

        /// This crate, under the name the facade gives it, for generated paths.
        #[doc(hidden)]
        pub use crate as $module;

        pub use bindings::workbench::plugin::types::{Error, PluginInfo};
        pub use $crate::{NoOptions, PluginOptions};

        /// Messages to the user's terminal, shown under the plugin's name
        /// when the level is enabled (`workbench -v`).
        pub mod log {
            use super::bindings::workbench::plugin::log::{Level, log};
            pub fn error(message: &str) {
                log(Level::Error, message);
            }
            pub fn warn(message: &str) {
                log(Level::Warn, message);
            }
            pub fn info(message: &str) {
                log(Level::Info, message);
            }
            pub fn debug(message: &str) {
                log(Level::Debug, message);
            }
        }

        /// Parses the options text the host passes into the role's
        /// options type, a failure being the WIT `invalid-options` error.
        #[doc(hidden)]
        pub fn options<T: PluginOptions>(text: &str) -> Result<T, Error> {
            $crate::parse_options(text).map_err(Error::InvalidOptions)
        }
    };
}

/// Implements `meta.info` for a role crate's export type from the plugin
/// crate's Cargo.toml (expanded in the plugin crate, so `env!` reads its
/// package) and the role's options type. `$role` is the role crate
/// (`$crate` in its export macro).
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_meta {
    ($role:tt, $export:ident, $options:ty) => {
        impl $role::bindings::exports::workbench::plugin::meta::Guest for $export {
            fn info() -> $role::PluginInfo {
                $role::PluginInfo {
                    name: env!("CARGO_PKG_NAME").to_string(),
                    version: env!("CARGO_PKG_VERSION").to_string(),
                    description: env!("CARGO_PKG_DESCRIPTION").to_string(),
                    options_schema: <$options as $role::PluginOptions>::schema(),
                }
            }
        }
    };
}
