//! One module per command.

pub mod plugins;
