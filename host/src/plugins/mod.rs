//! The plugin runtime, split by concern (after dprint's `plugins/`):
//!
//! - [`engine`]: the one wasmtime engine and the epoch ticker;
//! - [`cache`]: compiled components on disk;
//! - [`contract`]: roles and WIT versions read from a component's exports;
//! - [`sandbox`]: what an instance may touch, and its limits;
//! - [`runtime`]: checking a component ([`prepared`]) and loading it into a [`Plugin`];
//! - [`plugin`]: typed, limited calls into one plugin, found by [`exports`]
//!   (and [`v0_1`]: what plugins built for `workbench:plugin@0.1` return);
//! - [`sources`]: where plugins come from ([`bundled`]: the ones in the binary);
//! - [`failure`]: a failed call, in words a user can act on.

pub mod bindings;
pub mod bundled;
pub mod cache;
pub mod contract;
pub mod engine;
mod exports;
pub mod failure;
pub mod plugin;
pub mod prepared;
pub mod runtime;
pub mod sandbox;
pub mod sources;
mod v0_1;

pub use cache::{Cache, CacheState};
pub use contract::{Contract, Role, Version};
pub use failure::{Cause, PluginFailure};
pub use plugin::{Info, Plugin, Source};
pub use runtime::{LoadError, Runtime, RuntimeSettings};
pub use sandbox::Limits;
pub use sources::{PluginSearch, PluginSet};
