//! workbench: one CLI for the everyday jobs of a repository of small
//! projects, every feature a WebAssembly component plugin.
//!
//! The binary is thin (`main.rs` calls [`cli::main`]); everything else is
//! this library, so commands can be tested without a process.

pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
#[doc(hidden)]
pub mod fuzz;
pub mod globs;
pub mod leftovers;
pub mod parallel;
pub mod plugins;
pub mod terminal;
