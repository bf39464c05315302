//! The `site-step` role: one step of the `workbench build` pipeline.

// The generated code and the export macros name paths through
// `workbench_plugin`, the facade crate plugin authors depend on; inside this
// crate that name means the crate itself.
extern crate self as workbench_plugin;

/// The raw wit-bindgen output for the `site-step-plugin` world.
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../../../wit",
        world: "site-step-plugin",
        pub_export_macro: true,
        export_macro_name: "__export_site_step_world",
        default_bindings_module: "workbench_plugin::site_step::bindings",
        runtime_path: "workbench_plugin::__private::wit_bindgen::rt",
    });
}

#[doc(hidden)]
pub mod __private {
    pub use wit_bindgen;
}

/// This crate, under the name the facade gives it, for generated paths.
#[doc(hidden)]
pub use crate as site_step;

pub use bindings::workbench::plugin::types::{Error, PluginInfo};
pub use workbench_plugin_core::{Options, Plugin};

/// Messages to the user's terminal, shown under the plugin's name when the
/// level is enabled (`workbench -v`).
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

/// Parses the options text the host passes, mapping a failure to the WIT
/// `invalid-options` error.
#[doc(hidden)]
pub fn options(text: &str) -> Result<Options, Error> {
    Options::from_json(text).map_err(Error::InvalidOptions)
}

pub use bindings::exports::workbench::plugin::site_step::{Site, SiteFile, StepInfo};

/// Implement this, then call [`export_site_step!`].
pub trait SiteStep: Plugin {
    /// True when each file's output depends only on that file, so the host
    /// may run batches in parallel. The default is the safe `false`.
    fn per_file(_options: &Options) -> bool {
        false
    }

    /// Globs of the paths this step wants; the default, empty, means all.
    fn include(_options: &Options) -> Vec<String> {
        Vec::new()
    }

    /// Metalsmith semantics: return the files (and site metadata) that
    /// replace the ones given.
    fn run(site: Site, options: &Options) -> Result<Site, Error>;
}

/// Exports a [`SiteStep`] implementation as the plugin's component exports.
#[macro_export]
macro_rules! export_site_step {
    ($ty:ty) => {
        #[doc(hidden)]
        pub struct __WorkbenchSiteStep;
        impl $crate::bindings::exports::workbench::plugin::meta::Guest for __WorkbenchSiteStep {
            fn info() -> $crate::PluginInfo {
                $crate::PluginInfo {
                    name: env!("CARGO_PKG_NAME").to_string(),
                    version: env!("CARGO_PKG_VERSION").to_string(),
                    description: env!("CARGO_PKG_DESCRIPTION").to_string(),
                    options_schema: <$ty as $crate::Plugin>::options_schema(),
                }
            }
        }
        impl $crate::bindings::exports::workbench::plugin::site_step::Guest for __WorkbenchSiteStep {
            fn describe(options: String) -> Result<$crate::StepInfo, $crate::Error> {
                let options = $crate::options(&options)?;
                Ok($crate::StepInfo {
                    per_file: <$ty as $crate::SiteStep>::per_file(&options),
                    patterns: <$ty as $crate::SiteStep>::include(&options),
                })
            }
            fn run(site: $crate::Site, options: String) -> Result<$crate::Site, $crate::Error> {
                let options = $crate::options(&options)?;
                <$ty as $crate::SiteStep>::run(site, &options)
            }
        }
        $crate::bindings::__export_site_step_world!(__WorkbenchSiteStep);
    };
}
