//! The `site-step` role: one step of the `workbench build` pipeline.

workbench_plugin_core::role!(
    "site-step-plugin",
    "__export_site_step_world",
    "workbench_plugin::site_step::bindings",
    site_step
);

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
        $crate::__impl_meta!($crate, __WorkbenchSiteStep, $ty);
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
