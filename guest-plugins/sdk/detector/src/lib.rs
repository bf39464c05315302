//! The `detector` role: third-party services on a page for `workbench detect`.

// The generated code and the export macros name paths through
// `workbench_plugin`, the facade crate plugin authors depend on; inside this
// crate that name means the crate itself.
extern crate self as workbench_plugin;

/// The raw wit-bindgen output for the `detector-plugin` world.
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../../../wit",
        world: "detector-plugin",
        pub_export_macro: true,
        export_macro_name: "__export_detector_world",
        default_bindings_module: "workbench_plugin::detector::bindings",
        runtime_path: "workbench_plugin::__private::wit_bindgen::rt",
    });
}

#[doc(hidden)]
pub mod __private {
    pub use wit_bindgen;
}

/// This crate, under the name the facade gives it, for generated paths.
#[doc(hidden)]
pub use crate as detector;

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

pub use bindings::exports::workbench::plugin::detector::{
    Detection, Evidence, Link, LocatedText, MetaTag, Page, Script, ScriptState, ServiceInfo, Setting,
};
pub use bindings::workbench::plugin::types::Position;

/// Implement this, then call [`export_detector!`].
pub trait Detector: Plugin {
    /// Every service this detector can report, for `workbench plugins info`.
    fn services() -> Vec<ServiceInfo>;

    /// Detections on one page. Pages of a batch are independent; override
    /// [`Detector::detect_many`] only to share work across them.
    fn detect(page: &Page, options: &Options) -> Result<Vec<Detection>, Error>;

    fn detect_many(pages: Vec<Page>, options: &Options) -> Vec<Result<Vec<Detection>, Error>> {
        pages.iter().map(|page| Self::detect(page, options)).collect()
    }
}

/// Exports a [`Detector`] implementation as the plugin's component exports.
#[macro_export]
macro_rules! export_detector {
    ($ty:ty) => {
        #[doc(hidden)]
        pub struct __WorkbenchDetector;
        impl $crate::bindings::exports::workbench::plugin::meta::Guest for __WorkbenchDetector {
            fn info() -> $crate::PluginInfo {
                $crate::PluginInfo {
                    name: env!("CARGO_PKG_NAME").to_string(),
                    version: env!("CARGO_PKG_VERSION").to_string(),
                    description: env!("CARGO_PKG_DESCRIPTION").to_string(),
                    options_schema: <$ty as $crate::Plugin>::options_schema(),
                }
            }
        }
        impl $crate::bindings::exports::workbench::plugin::detector::Guest for __WorkbenchDetector {
            fn services() -> Vec<$crate::ServiceInfo> {
                <$ty as $crate::Detector>::services()
            }
            fn detect(pages: Vec<$crate::Page>, options: String) -> Vec<Result<Vec<$crate::Detection>, $crate::Error>> {
                match $crate::options(&options) {
                    Ok(options) => <$ty as $crate::Detector>::detect_many(pages, &options),
                    Err(error) => pages.iter().map(|_| Err(error.clone())).collect(),
                }
            }
        }
        $crate::bindings::__export_detector_world!(__WorkbenchDetector);
    };
}
