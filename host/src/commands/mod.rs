//! One module per command.

pub mod detect;
pub mod lint;
pub mod plugins;
