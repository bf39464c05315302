//! One module per command.

pub mod detect;
pub mod lint;
pub mod plugins;
pub mod scaffold;
pub mod serve;
pub mod site;
