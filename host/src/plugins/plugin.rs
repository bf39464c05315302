//! A loaded plugin: its identity, its roles, and typed calls into it. Every
//! call runs in a fresh store with the limits armed, so a call that traps
//! leaves nothing behind for the next one.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use wasmtime::component::{Instance, InstancePre};
use wasmtime::{Engine, Store};

use super::bindings::{detector, lint_check, site_step, template_helper, types};
use super::cache::CacheState;
use super::contract::{Contract, Role};
use super::failure::PluginFailure;
use super::prepared::{Indices, Prepared};
use super::sandbox::{HostState, Limits};

/// Where a plugin came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Embedded in the binary at build time (file stem).
    Bundled(&'static str),
    /// A `.wasm` file: from `--plugin`, `[plugins] paths` or
    /// `$WORKBENCH_PLUGIN_PATH`.
    File(PathBuf),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Bundled(stem) => write!(f, "bundled ({stem})"),
            Source::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// The plugin's own account of itself (`meta.info`).
#[derive(Debug, Clone)]
pub struct Info {
    pub name: String,
    pub version: String,
    pub description: String,
    pub options_schema: Option<String>,
}

#[derive(Clone)]
pub struct Plugin {
    pub info: Info,
    pub contract: Contract,
    pub source: Source,
    pub cache: CacheState,
    /// Size of the component in bytes.
    pub size: usize,
    /// SHA-256 of the component: keys what is cached about its results.
    pub digest: String,
    name: Arc<str>,
    engine: Engine,
    pre: InstancePre<HostState>,
    limits: Limits,
    indices: Indices,
}

impl Plugin {
    /// Wraps a checked component and asks it for its name (`meta.info`);
    /// until it answers, messages call it `fallback_name`.
    pub(super) fn new(
        engine: Engine,
        limits: Limits,
        prepared: Prepared,
        source: Source,
        size: usize,
        fallback_name: &str,
    ) -> Result<Plugin, PluginFailure> {
        let Prepared { contract, cache, digest, pre, indices } = prepared;
        let mut plugin = Plugin {
            info: Info {
                name: fallback_name.to_string(),
                version: String::new(),
                description: String::new(),
                options_schema: None,
            },
            contract,
            source,
            cache,
            size,
            digest,
            name: Arc::from(fallback_name),
            engine,
            pre,
            limits,
            indices,
        };
        let info = plugin.call("meta.info", |store, instance, indices| {
            indices.meta.load(&mut *store, instance)?.call_info(&mut *store)
        })?;
        plugin.name = Arc::from(info.name.as_str());
        plugin.info = Info {
            name: info.name,
            version: info.version,
            description: info.description,
            options_schema: info.options_schema,
        };
        Ok(plugin)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The same plugin under other limits (for tests of the limits).
    #[must_use]
    pub fn with_limits(&self, limits: Limits) -> Plugin {
        Plugin { limits, ..self.clone() }
    }

    /// The names the component imports (e.g. `wasi:cli/stdout@0.2.6`).
    pub fn imports(&self) -> Vec<String> {
        self.pre.component().component_type().imports(&self.engine).map(|(name, _)| name.to_string()).collect()
    }

    /// `meta.info` again, in a fresh instance like every call.
    pub fn call_meta_info(&self) -> Result<types::PluginInfo, PluginFailure> {
        self.call("meta.info", |store, instance, indices| {
            indices.meta.load(&mut *store, instance)?.call_info(&mut *store)
        })
    }

    pub fn plays(&self, role: Role) -> bool {
        self.contract.roles.contains(&role)
    }

    /// Runs `f` against a fresh instance under the plugin's limits.
    fn call<R>(
        &self,
        call: &str,
        f: impl FnOnce(&mut Store<HostState>, &Instance, &Indices) -> wasmtime::Result<R>,
    ) -> Result<R, PluginFailure> {
        let mut store = HostState::new_store(&self.engine, Arc::clone(&self.name), self.limits);
        let result = self.pre.instantiate(&mut store).and_then(|instance| f(&mut store, &instance, &self.indices));
        let state = store.data();
        state.flush_output_to_log();
        result.map_err(|error| {
            PluginFailure::classify(&self.name, call, &error, self.limits, state.memory_exceeded(), state.stderr())
        })
    }

    fn role_missing(&self, role: Role, call: &str) -> PluginFailure {
        let plays: Vec<&str> = self.contract.roles.iter().map(|role| role.name()).collect();
        PluginFailure::reported(&self.name, call, format!("it is not a {role} plugin (it plays: {})", plays.join(", ")))
    }

    fn reported(&self, call: &str, error: &types::Error) -> PluginFailure {
        PluginFailure::reported(&self.name, call, describe_error(error))
    }

    // --- detector ---

    pub fn detector_services(&self) -> Result<Vec<detector::ServiceInfo>, PluginFailure> {
        const CALL: &str = "detector.services";
        let indices = self.indices.detector.as_ref().ok_or_else(|| self.role_missing(Role::Detector, CALL))?;
        self.call(CALL, |store, instance, _| indices.load(&mut *store, instance)?.call_services(&mut *store))
    }

    /// `result[i]` answers `pages[i]`; the outer error means the whole call failed.
    pub fn detect(
        &self,
        pages: &[detector::Page],
        options: &str,
    ) -> Result<Vec<Result<Vec<detector::Detection>, PluginFailure>>, PluginFailure> {
        const CALL: &str = "detector.detect";
        let indices = self.indices.detector.as_ref().ok_or_else(|| self.role_missing(Role::Detector, CALL))?;
        let results = self.call(CALL, |store, instance, _| {
            indices.load(&mut *store, instance)?.call_detect(&mut *store, pages, options)
        })?;
        if results.len() != pages.len() {
            return Err(PluginFailure::reported(
                &self.name,
                CALL,
                format!("returned {} results for {} pages", results.len(), pages.len()),
            ));
        }
        Ok(results.into_iter().map(|result| result.map_err(|error| self.reported(CALL, &error))).collect())
    }

    // --- site-step ---

    pub fn step_describe(&self, options: &str) -> Result<site_step::StepInfo, PluginFailure> {
        const CALL: &str = "site-step.describe";
        let indices = self.indices.site_step.as_ref().ok_or_else(|| self.role_missing(Role::SiteStep, CALL))?;
        self.call(CALL, |store, instance, _| indices.load(&mut *store, instance)?.call_describe(&mut *store, options))?
            .map_err(|error| self.reported(CALL, &error))
    }

    pub fn step_run(&self, site: &site_step::Site, options: &str) -> Result<site_step::Site, PluginFailure> {
        const CALL: &str = "site-step.run";
        let indices = self.indices.site_step.as_ref().ok_or_else(|| self.role_missing(Role::SiteStep, CALL))?;
        self.call(CALL, |store, instance, _| indices.load(&mut *store, instance)?.call_run(&mut *store, site, options))?
            .map_err(|error| self.reported(CALL, &error))
    }

    // --- template-helper ---

    pub fn helpers(&self) -> Result<Vec<template_helper::HelperInfo>, PluginFailure> {
        const CALL: &str = "template-helper.helpers";
        let indices =
            self.indices.template_helper.as_ref().ok_or_else(|| self.role_missing(Role::TemplateHelper, CALL))?;
        self.call(CALL, |store, instance, _| indices.load(&mut *store, instance)?.call_helpers(&mut *store))
    }

    /// `result[i]` answers `calls[i]`; the outer error means the whole call failed.
    pub fn call_helpers(
        &self,
        calls: &[template_helper::Call],
    ) -> Result<Vec<Result<template_helper::Value, PluginFailure>>, PluginFailure> {
        const CALL: &str = "template-helper.call-many";
        let indices =
            self.indices.template_helper.as_ref().ok_or_else(|| self.role_missing(Role::TemplateHelper, CALL))?;
        let results = self
            .call(CALL, |store, instance, _| indices.load(&mut *store, instance)?.call_call_many(&mut *store, calls))?;
        if results.len() != calls.len() {
            return Err(PluginFailure::reported(
                &self.name,
                CALL,
                format!("returned {} results for {} calls", results.len(), calls.len()),
            ));
        }
        Ok(results.into_iter().map(|result| result.map_err(|error| self.reported(CALL, &error))).collect())
    }

    // --- lint-check ---

    pub fn lint_describe(&self) -> Result<lint_check::CheckerInfo, PluginFailure> {
        const CALL: &str = "lint-check.describe";
        let indices = self.indices.lint_check.as_ref().ok_or_else(|| self.role_missing(Role::LintCheck, CALL))?;
        self.call(CALL, |store, instance, _| indices.load(&mut *store, instance)?.call_describe(&mut *store))
    }

    pub fn lint_check(
        &self,
        files: &[types::File],
        options: &str,
    ) -> Result<Vec<lint_check::Diagnostic>, PluginFailure> {
        const CALL: &str = "lint-check.check";
        let indices = self.indices.lint_check.as_ref().ok_or_else(|| self.role_missing(Role::LintCheck, CALL))?;
        self.call(CALL, |store, instance, _| {
            indices.load(&mut *store, instance)?.call_check(&mut *store, files, options)
        })?
        .map_err(|error| self.reported(CALL, &error))
    }
}

/// The WIT `error` variant in words.
pub fn describe_error(error: &types::Error) -> String {
    match error {
        types::Error::InvalidOptions(message) => format!("invalid options: {message}"),
        types::Error::InvalidInput(message) => format!("invalid input: {message}"),
        types::Error::Other(message) => message.clone(),
    }
}
