//! The `detector` role: third-party services on a page for `workbench detect`.

workbench_plugin_core::role!(
    "detector-plugin",
    "__export_detector_world",
    "workbench_plugin::detector::bindings",
    detector
);

pub use bindings::exports::workbench::plugin::detector::{
    Category, Detection, DetectorInfo, Evidence, EvidenceSource, Link, LocatedText, MetaTag, Page, Script, ScriptState,
    ServiceInfo, Setting,
};
pub use bindings::workbench::plugin::types::{File, Position};

/// Implement this, then call [`export_detector!`].
pub trait Detector {
    /// What a user writes in the detector's table of `workbench.toml` (see
    /// [`PluginOptions`]); [`NoOptions`] for none.
    type Options: PluginOptions;

    /// Every service this detector can report, for `workbench plugins info`.
    fn services() -> Vec<ServiceInfo>;

    /// The files it reads under `options`. The default reads none, and the
    /// detector works on pages alone.
    fn describe(options: &Self::Options) -> Result<DetectorInfo, Error> {
        let _ = options;
        Ok(DetectorInfo { reads: Vec::new(), fingerprints: false, works_without_files: true })
    }

    /// Detections on one page. Pages of a batch are independent; override
    /// [`Detector::detect_many`] only to share work across them or to use
    /// the `files` that [`Detector::describe`] asked for.
    fn detect(page: &Page, options: &Self::Options) -> Result<Vec<Detection>, Error>;

    fn detect_many(pages: Vec<Page>, options: &Self::Options, files: Vec<File>) -> Vec<Result<Vec<Detection>, Error>> {
        let _ = files;
        pages.iter().map(|page| Self::detect(page, options)).collect()
    }
}

/// Exports a [`Detector`] implementation as the plugin's component exports.
#[macro_export]
macro_rules! export_detector {
    ($ty:ty) => {
        #[doc(hidden)]
        pub struct __WorkbenchDetector;
        $crate::__impl_meta!($crate, __WorkbenchDetector, <$ty as $crate::Detector>::Options);
        impl $crate::bindings::exports::workbench::plugin::detector::Guest for __WorkbenchDetector {
            fn services() -> Vec<$crate::ServiceInfo> {
                <$ty as $crate::Detector>::services()
            }
            fn describe(options: String) -> Result<$crate::DetectorInfo, $crate::Error> {
                let options = $crate::options::<<$ty as $crate::Detector>::Options>(&options)?;
                <$ty as $crate::Detector>::describe(&options)
            }
            fn detect(
                pages: Vec<$crate::Page>,
                options: String,
                files: Vec<$crate::File>,
            ) -> Vec<Result<Vec<$crate::Detection>, $crate::Error>> {
                match $crate::options::<<$ty as $crate::Detector>::Options>(&options) {
                    Ok(options) => <$ty as $crate::Detector>::detect_many(pages, &options, files),
                    Err(error) => pages.iter().map(|_| Err(error.clone())).collect(),
                }
            }
        }
        $crate::bindings::__export_detector_world!(__WorkbenchDetector);
    };
}

/// The category called `name`: its case when it is one of the WIT's closed
/// set (`analytics`), else the detector's own (`named("cms")`).
#[must_use]
pub fn category(name: &str) -> Category {
    match name {
        "analytics" => Category::Analytics,
        "tag-manager" => Category::TagManager,
        "chat" => Category::Chat,
        "advertising" => Category::Advertising,
        "social" => Category::Social,
        "ab-testing" => Category::AbTesting,
        "error-tracking" => Category::ErrorTracking,
        "performance" => Category::Performance,
        "payments" => Category::Payments,
        "security" => Category::Security,
        "comments" => Category::Comments,
        "other" => Category::Other,
        own => Category::Named(own.to_string()),
    }
}

/// The position of byte `offset` of `text`, where `text` itself starts at
/// `start` (a script's `text-position`, a noscript's `position`): how a
/// detector turns a match inside a text into `line:column` for evidence.
/// Columns count characters, as the host's do.
///
/// # Panics
///
/// If `offset` is not on a character boundary of `text`.
#[must_use]
pub fn offset_position(text: &str, start: Position, offset: usize) -> Position {
    let before = &text[..offset];
    let count = |text: &str| u32::try_from(text.chars().count()).unwrap_or(u32::MAX);
    match before.rfind('\n') {
        None => Position { line: start.line, column: start.column.saturating_add(count(before)) },
        Some(newline) => Position {
            line: start.line.saturating_add(u32::try_from(before.matches('\n').count()).unwrap_or(u32::MAX)),
            column: 1 + count(&before[newline + 1..]),
        },
    }
}
