//! workbench: one CLI for the everyday jobs of a repository of small
//! projects, every feature a WebAssembly component plugin.
//!
//! The binary is thin (`main.rs` calls [`cli::main`]); everything else is
//! this library, so commands can be tested without a process.

// First, so its printing macros are in scope everywhere below.
#[macro_use]
pub mod context;

pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod front_matter;
#[doc(hidden)]
pub mod fuzz;
pub mod git_cache;
pub mod git_changes;
pub mod github;
pub mod globs;
pub mod hex;
pub mod leftovers;
pub mod line_column;
pub mod metalsmith;
pub mod packages;
pub mod page;
pub mod parallel;
pub mod plugin_paths;
pub mod plugins;
pub mod progress;
pub mod projects;
pub mod store;
pub mod style;
pub mod table;
pub mod terminal;
#[cfg(test)]
pub mod testing;
pub mod wit_json;
