//! The `template-helper` role: computed values and helpers for `workbench scaffold`.

// The generated code and the export macros name paths through
// `workbench_plugin`, the facade crate plugin authors depend on; inside this
// crate that name means the crate itself.
extern crate self as workbench_plugin;

/// The raw wit-bindgen output for the `template-helper-plugin` world.
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../../../wit",
        world: "template-helper-plugin",
        pub_export_macro: true,
        export_macro_name: "__export_template_helper_world",
        default_bindings_module: "workbench_plugin::template_helper::bindings",
        runtime_path: "workbench_plugin::__private::wit_bindgen::rt",
    });
}

#[doc(hidden)]
pub mod __private {
    pub use wit_bindgen;
}

/// This crate, under the name the facade gives it, for generated paths.
#[doc(hidden)]
pub use crate as template_helper;

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

pub use bindings::exports::workbench::plugin::template_helper::{Call, HelperInfo, Value};

/// Implement this, then call [`export_template_helper!`].
pub trait TemplateHelper: Plugin {
    fn helpers() -> Vec<HelperInfo>;

    /// Answers one call; an unknown helper name should be an error that
    /// lists the known ones.
    fn call(helper: &str, args: Vec<Value>) -> Result<Value, Error>;
}

/// Exports a [`TemplateHelper`] implementation as the plugin's component exports.
#[macro_export]
macro_rules! export_template_helper {
    ($ty:ty) => {
        #[doc(hidden)]
        pub struct __WorkbenchTemplateHelper;
        impl $crate::bindings::exports::workbench::plugin::meta::Guest for __WorkbenchTemplateHelper {
            fn info() -> $crate::PluginInfo {
                $crate::PluginInfo {
                    name: env!("CARGO_PKG_NAME").to_string(),
                    version: env!("CARGO_PKG_VERSION").to_string(),
                    description: env!("CARGO_PKG_DESCRIPTION").to_string(),
                    options_schema: <$ty as $crate::Plugin>::options_schema(),
                }
            }
        }
        impl $crate::bindings::exports::workbench::plugin::template_helper::Guest for __WorkbenchTemplateHelper {
            fn helpers() -> Vec<$crate::HelperInfo> {
                <$ty as $crate::TemplateHelper>::helpers()
            }
            fn call_many(calls: Vec<$crate::Call>) -> Vec<Result<$crate::Value, $crate::Error>> {
                calls.into_iter().map(|call| <$ty as $crate::TemplateHelper>::call(&call.helper, call.args)).collect()
            }
        }
        $crate::bindings::__export_template_helper_world!(__WorkbenchTemplateHelper);
    };
}
