//! One module per command.

pub mod cache;
pub mod completions;
pub mod detect;
pub mod init;
pub mod lint;
pub mod make;
pub mod man;
pub mod plugins;
pub mod projects;
pub mod scaffold;
pub mod serve;
pub mod site;

/// `--format` of the commands whose only machine shape is JSON (lint,
/// detect and make have more: SARIF, GitHub, JUnit). Every JSON document
/// carries `"version"`, and docs/json.md holds its schema.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    #[default]
    Human,
    Json,
}
