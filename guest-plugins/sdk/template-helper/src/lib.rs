//! The `template-helper` role: computed values and helpers for `workbench scaffold`.

workbench_plugin_core::role!(
    "template-helper-plugin",
    "__export_template_helper_world",
    "workbench_plugin::template_helper::bindings",
    template_helper
);

pub use bindings::exports::workbench::plugin::template_helper::{Call, HelperInfo, Value};

/// Implement this, then call [`export_template_helper!`].
/// Helpers take no options: a template passes what a helper needs as arguments.
pub trait TemplateHelper {
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
        $crate::__impl_meta!($crate, __WorkbenchTemplateHelper, $crate::NoOptions);
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
