//! One module per command.

pub mod detect;
pub mod lint;
pub mod make;
pub mod plugins;
pub mod projects;
pub mod scaffold;
pub mod serve;
pub mod site;
