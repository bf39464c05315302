//! The runtime: one engine, one linker, the cache, and loading components
//! into [`Plugin`]s.

use std::fmt;
use std::path::PathBuf;

use wasmtime::Engine;
use wasmtime::component::{HasSelf, Linker};

use super::bindings;
use super::cache::Cache;
use super::contract;
use super::engine::{EpochTicker, new_engine};
use super::exports::Exports;
use super::plugin::{Plugin, Source};
use super::prepared::Prepared;
use super::sandbox::{HostState, Limits};
use crate::error::Error;

#[derive(Debug, Clone, Default)]
pub struct RuntimeSettings {
    /// Where compiled components are cached; `None` turns the cache off.
    pub cache_dir: Option<PathBuf>,
    pub limits: Limits,
    /// Write a perf map, so `perf` names the wasm functions.
    pub perf_map: bool,
}

pub struct Runtime {
    engine: Engine,
    linker: Linker<HostState>,
    cache: Cache,
    limits: Limits,
    _ticker: EpochTicker,
}

/// A plugin that could not be loaded, and why.
#[derive(Debug, Clone)]
pub struct LoadError {
    pub source: Source,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot load plugin {}: {}", self.source, self.message)
    }
}

impl From<LoadError> for Error {
    fn from(error: LoadError) -> Error {
        Error::plugin(error.to_string())
            .help("`workbench plugins check FILE` says whether a component meets the contract")
    }
}

impl Runtime {
    pub fn new(settings: &RuntimeSettings) -> Result<Runtime, Error> {
        let engine = new_engine(settings.perf_map).map_err(|error| {
            Error::plugin(format!("cannot start the WebAssembly engine: {error:#}"))
                .help("the machine may lack memory for it; close other programs or lower --memory-limit-mib")
        })?;
        let mut linker = Linker::new(&engine);
        let link = |result: wasmtime::Result<()>| {
            result.map_err(|error| {
                Error::plugin(format!("cannot set up the plugin sandbox: {error:#}"))
                    .help("the machine may lack memory for it; close other programs or lower --memory-limit-mib")
            })
        };
        // WASI is linked whole but grants nothing (see `sandbox`): Rust,
        // Python and JavaScript guests import it even for pure functions.
        link(wasmtime_wasi::p2::add_to_linker_sync(&mut linker))?;
        link(bindings::Everything::add_to_linker::<HostState, HasSelf<HostState>>(&mut linker, |state| state))?;
        link(super::v0_1::add_to_linker(&mut linker))?;
        let cache = Cache::new(&engine, settings.cache_dir.clone());
        let ticker = EpochTicker::start(&engine);
        Ok(Runtime { engine, linker, cache, limits: settings.limits, _ticker: ticker })
    }

    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Validates a component against the contract without running any of
    /// its code: it compiles, exports a compatible role, and imports only
    /// what the sandbox provides.
    pub fn check(&self, source: &Source, bytes: &[u8]) -> Result<Prepared, LoadError> {
        let fail = |message: String| LoadError { source: source.clone(), message };
        contract::check_binary(bytes).map_err(|problem| fail(format!("the file {problem}")))?;
        // The bundled plugins' digests were computed when the binary was built.
        let digest = match source {
            Source::Bundled(stem) => super::bundled::digest(stem).map(str::to_string),
            // Checked against the lock as it was read: no second hash.
            Source::Added { digest, .. } => Some(digest.clone()),
            Source::File(_) => None,
        }
        .unwrap_or_else(|| super::cache::digest(bytes));
        let (component, cache) = self
            .cache
            .load_or_compile(&self.engine, bytes, &digest)
            .map_err(|error| fail(format!("not a valid component: {error:#}")))?;
        let contract = contract::inspect(&self.engine, &component).map_err(|problem| fail(format!("it {problem}")))?;
        let pre = self.linker.instantiate_pre(&component).map_err(|error| {
            fail(format!(
                "it needs an import workbench does not grant plugins: {error:#}; plugins get only {}/log and a WASI that grants nothing",
                contract::PACKAGE
            ))
        })?;
        let exports = Exports::resolve(&pre, &contract).map_err(|error| {
            fail(format!("its exports do not match {}@{}: {error}", contract::PACKAGE, contract.version))
        })?;
        Ok(Prepared { contract, cache, digest, pre, exports })
    }

    /// Validates and loads a plugin, asking it for its name.
    pub fn load(&self, source: &Source, bytes: &[u8]) -> Result<Plugin, LoadError> {
        let prepared = self.check(source, bytes)?;
        let fail = |message: String| LoadError { source: source.clone(), message };
        let fallback = match source {
            Source::Bundled(stem) => (*stem).to_string(),
            Source::File(path) => path.file_stem().unwrap_or_default().to_string_lossy().into_owned(),
            Source::Added { name, .. } => name.clone(),
        };
        let plugin = Plugin::new(self.engine.clone(), self.limits, prepared, source.clone(), bytes.len(), &fallback)
            .map_err(|failure| fail(failure.to_string()))?;
        check_name(plugin.name()).map_err(fail)?;
        Ok(plugin)
    }
}

/// Names appear in config keys and messages: keep them plain.
pub fn check_name(name: &str) -> Result<(), String> {
    let plain = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if plain {
        Ok(())
    } else {
        Err(format!(
            "its name {name:?} is not a plain id (1 to 64 of a-z, 0-9, `-`, `_`); fix `name` in the plugin's meta.info"
        ))
    }
}
