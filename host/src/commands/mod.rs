//! One module per command.

pub mod completions;
pub mod detect;
pub mod lint;
pub mod make;
pub mod man;
pub mod plugins;
pub mod projects;
pub mod scaffold;
pub mod serve;
pub mod site;
