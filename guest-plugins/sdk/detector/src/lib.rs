//! The `detector` role: third-party services on a page for `workbench detect`.

workbench_plugin_core::role!(
    "detector-plugin",
    "__export_detector_world",
    "workbench_plugin::detector::bindings",
    detector
);

pub use bindings::exports::workbench::plugin::detector::{
    Detection, Evidence, Link, LocatedText, MetaTag, Page, Script, ScriptState, ServiceInfo, Setting,
};
pub use bindings::workbench::plugin::types::Position;

/// Implement this, then call [`export_detector!`].
pub trait Detector {
    /// What a user writes in the detector's table of `workbench.toml` (see
    /// [`PluginOptions`]); [`NoOptions`] for none.
    type Options: PluginOptions;

    /// Every service this detector can report, for `workbench plugins info`.
    fn services() -> Vec<ServiceInfo>;

    /// Detections on one page. Pages of a batch are independent; override
    /// [`Detector::detect_many`] only to share work across them.
    fn detect(page: &Page, options: &Self::Options) -> Result<Vec<Detection>, Error>;

    fn detect_many(pages: Vec<Page>, options: &Self::Options) -> Vec<Result<Vec<Detection>, Error>> {
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
            fn detect(pages: Vec<$crate::Page>, options: String) -> Vec<Result<Vec<$crate::Detection>, $crate::Error>> {
                match $crate::options::<<$ty as $crate::Detector>::Options>(&options) {
                    Ok(options) => <$ty as $crate::Detector>::detect_many(pages, &options),
                    Err(error) => pages.iter().map(|_| Err(error.clone())).collect(),
                }
            }
        }
        $crate::bindings::__export_detector_world!(__WorkbenchDetector);
    };
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
