//! The `site-step` role: one step of the `workbench build` pipeline.

workbench_plugin_core::role!(
    "site-step-plugin",
    "__export_site_step_world",
    "workbench_plugin::site_step::bindings",
    site_step
);

pub use bindings::exports::workbench::plugin::site_step::{CopyDir, ProjectFile, Site, SiteFile, StepInfo};
use workbench_plugin_core::serde_json::{self, Map, Value};

/// Implement this, then call [`export_site_step!`].
pub trait SiteStep {
    /// What a user writes in the step's table of `workbench.toml` (see
    /// [`PluginOptions`]); [`NoOptions`] for none.
    type Options: PluginOptions;

    /// How the host schedules the step: per file or whole set, which files
    /// it takes, which project files it reads, which directories it copies.
    /// The default is the safe one: a whole-set step over every file.
    /// Validate options here, so a mistake stops the build before any step runs.
    fn describe(_options: &Self::Options) -> Result<StepInfo, Error> {
        Ok(StepInfo { per_file: false, patterns: None, reads: Vec::new(), copies: Vec::new() })
    }

    /// Metalsmith semantics: return the files (and site metadata) that
    /// replace the ones given.
    fn run(site: Site, options: &Self::Options) -> Result<Site, Error>;
}

/// A file's (or the site's) metadata as a JSON object. `what` names it in
/// the error, e.g. the file's path.
pub fn parse_metadata(text: &str, what: &str) -> Result<Map<String, Value>, Error> {
    match serde_json::from_str(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Error::InvalidInput(format!("{what}: metadata is not a JSON object"))),
        Err(error) => Err(Error::InvalidInput(format!("{what}: metadata: {error}"))),
    }
}

/// The text form of metadata, for [`SiteFile::metadata`] and [`Site::metadata`].
pub fn metadata_text(map: Map<String, Value>) -> String {
    Value::Object(map).to_string()
}

/// Exports a [`SiteStep`] implementation as the plugin's component exports.
#[macro_export]
macro_rules! export_site_step {
    ($ty:ty) => {
        #[doc(hidden)]
        pub struct __WorkbenchSiteStep;
        $crate::__impl_meta!($crate, __WorkbenchSiteStep, <$ty as $crate::SiteStep>::Options);
        impl $crate::bindings::exports::workbench::plugin::site_step::Guest for __WorkbenchSiteStep {
            fn describe(options: String) -> Result<$crate::StepInfo, $crate::Error> {
                let options = $crate::options::<<$ty as $crate::SiteStep>::Options>(&options)?;
                <$ty as $crate::SiteStep>::describe(&options)
            }
            fn run(site: $crate::Site, options: String) -> Result<$crate::Site, $crate::Error> {
                let options = $crate::options::<<$ty as $crate::SiteStep>::Options>(&options)?;
                <$ty as $crate::SiteStep>::run(site, &options)
            }
        }
        $crate::bindings::__export_site_step_world!(__WorkbenchSiteStep);
    };
}
