//! One module per command.

pub mod lint;
pub mod plugins;
