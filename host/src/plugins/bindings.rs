//! Host-side bindings generated from `wit/` (the `everything` world, so one
//! set of types serves every role; a plugin's own roles are read from its
//! exports, see `contract`).

#![allow(clippy::all, clippy::pedantic)]

wasmtime::component::bindgen!({
    path: "../wit",
    world: "everything",
});

pub use exports::workbench::plugin::{detector, lint_check, meta, site_step, template_helper};
pub use workbench::plugin::{log, types};
