//! A component that passed the runtime's checks, with what instantiating
//! it needs resolved once: the contract it satisfies, its cache state, and
//! where each function the host calls sits. The runtime makes one
//! ([`super::Runtime::check`]); a [`super::Plugin`] is made from one.

use wasmtime::component::InstancePre;

use super::cache::CacheState;
use super::contract::Contract;
use super::exports::Exports;
use super::sandbox::HostState;

/// A component that passed [`Runtime::check`], ready to instantiate.
pub struct Prepared {
    pub contract: Contract,
    pub cache: CacheState,
    /// SHA-256 of the component.
    pub digest: String,
    pub(super) pre: InstancePre<HostState>,
    pub(super) exports: Exports,
}

impl Prepared {
    /// The component's top-level export and import names
    /// (`workbench:plugin/lint-check@0.2.0`, `wasi:io/streams@0.2.0`), as a
    /// registry's wasm config lists them.
    pub fn world_names(&self, engine: &wasmtime::Engine) -> (Vec<String>, Vec<String>) {
        let component = self.pre.component().component_type();
        let exports = component.exports(engine).map(|(name, _)| name.to_string()).collect();
        let imports = component.imports(engine).map(|(name, _)| name.to_string()).collect();
        (exports, imports)
    }
}
