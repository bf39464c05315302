//! What every role of the workbench plugin SDK shares. Plugin authors use
//! these through the `workbench-plugin` crate.

mod options;

pub use options::Options;
pub use serde_json;

/// What every plugin shares, whatever its role.
pub trait Plugin {
    /// JSON Schema (as JSON text) of this plugin's options, shown by
    /// `workbench plugins info`. None by default.
    fn options_schema() -> Option<String> {
        None
    }
}
