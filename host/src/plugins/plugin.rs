//! A loaded plugin: its identity, its roles, and typed calls into it. Every
//! call runs in a fresh store with the limits armed, so a call that traps
//! leaves nothing behind for the next one.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use wasmtime::component::{ComponentNamedList, Instance, InstancePre, Lift, Lower};
use wasmtime::{Engine, Store};

use super::bindings::{detector, lint_check, site_step, template_helper, types};
use super::cache::CacheState;
use super::contract::{Contract, Role, Version};
use super::exports::{Exports, Functions};
use super::failure::PluginFailure;
use super::prepared::Prepared;
use super::sandbox::{HostState, Limits};
use super::v0_1;

/// Where a plugin came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Embedded in the binary at build time (file stem).
    Bundled(&'static str),
    /// A `.wasm` file: from `--plugin`, `[plugins] paths` or
    /// `$WORKBENCH_PLUGIN_PATH`.
    File(PathBuf),
    /// Added with `workbench plugins add`: its `[plugins.sources]` name and
    /// source, the bytes fetched and checked against workbench.lock.
    Added { name: String, origin: String, digest: String },
}

impl Source {
    /// Bytes that cannot change while workbench runs: in the binary, or
    /// pinned by digest.
    pub fn is_immutable(&self) -> bool {
        !matches!(self, Source::File(_))
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Bundled(stem) => write!(f, "bundled ({stem})"),
            Source::File(path) => write!(f, "{}", path.display()),
            Source::Added { name, origin, .. } => write!(f, "{name} ({origin})"),
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
    exports: Exports,
}

/// The most files of a batch whose time a per-file step's call may add up.
pub const BATCH_TIME_FILES: u32 = 16;

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
        let Prepared { contract, cache, digest, pre, exports } = prepared;
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
            exports,
        };
        let info = plugin.call_meta_info()?;
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
        let (info,) = self.invoke("meta.info", &self.exports.meta, "info", ())?;
        Ok(info)
    }

    pub fn plays(&self, role: Role) -> bool {
        self.contract.roles.contains(&role)
    }

    /// Calls `function` of an exported interface in a fresh instance under
    /// the plugin's limits. `R` is the results as a tuple.
    fn invoke<P, R>(&self, call: &str, functions: &Functions, function: &str, params: P) -> Result<R, PluginFailure>
    where
        P: ComponentNamedList + Lower + Send + Sync,
        R: ComponentNamedList + Lift + Send + Sync,
    {
        self.invoke_under(self.limits, call, functions, function, params)
    }

    fn invoke_under<P, R>(
        &self,
        limits: Limits,
        call: &str,
        functions: &Functions,
        function: &str,
        params: P,
    ) -> Result<R, PluginFailure>
    where
        P: ComponentNamedList + Lower + Send + Sync,
        R: ComponentNamedList + Lift + Send + Sync,
    {
        let index = *functions.get(function);
        self.call(call, limits, |store, instance| {
            instance.get_typed_func::<P, R>(&mut *store, index)?.call(&mut *store, params)
        })
    }

    /// Runs `f` against a fresh instance under `limits`.
    fn call<R>(
        &self,
        call: &str,
        limits: Limits,
        f: impl FnOnce(&mut Store<HostState>, &Instance) -> wasmtime::Result<R>,
    ) -> Result<R, PluginFailure> {
        let mut store = HostState::new_store(&self.engine, Arc::clone(&self.name), limits);
        let result = self.pre.instantiate(&mut store).and_then(|instance| f(&mut store, &instance));
        let state = store.data();
        state.flush_output_to_log();
        result.map_err(|error| {
            PluginFailure::classify(&self.name, call, &error, limits, state.memory_exceeded(), state.stderr())
        })
    }

    /// The functions of `role`, or why the plugin cannot be asked.
    fn role(&self, role: Role, call: &str) -> Result<&Functions, PluginFailure> {
        self.exports.role(role).ok_or_else(|| self.role_missing(role, call))
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
        let functions = self.role(Role::Detector, CALL)?;
        if functions.version < V0_2 {
            let (services,): (Vec<v0_1::ServiceInfo>,) = self.invoke(CALL, functions, "services", ())?;
            return Ok(services.into_iter().map(Into::into).collect());
        }
        let (services,): (Vec<detector::ServiceInfo>,) = self.invoke(CALL, functions, "services", ())?;
        Ok(services
            .into_iter()
            .map(|service| detector::ServiceInfo { category: service.category.normalized(), ..service })
            .collect())
    }

    /// What the detector reads under `options`; a 0.1 detector reads nothing.
    pub fn detector_describe(&self, options: &str) -> Result<detector::DetectorInfo, PluginFailure> {
        const CALL: &str = "detector.describe";
        let functions = self.role(Role::Detector, CALL)?;
        if functions.version < V0_2 {
            return Ok(v0_1::detector_info());
        }
        let (info,): (Result<detector::DetectorInfo, types::Error>,) =
            self.invoke(CALL, functions, "describe", (options,))?;
        info.map_err(|error| self.reported(CALL, &error))
    }

    /// `result[i]` answers `pages[i]`; the outer error means the whole call
    /// failed. `files` are what [`Plugin::detector_describe`] asked for.
    pub fn detect(
        &self,
        pages: &[detector::Page],
        options: &str,
        files: &[types::File],
    ) -> Result<Vec<Result<Vec<detector::Detection>, PluginFailure>>, PluginFailure> {
        const CALL: &str = "detector.detect";
        let functions = self.role(Role::Detector, CALL)?;
        let results: Vec<Result<Vec<detector::Detection>, types::Error>> = if functions.version < V0_2 {
            let (results,): (Vec<Result<Vec<v0_1::Detection>, types::Error>>,) =
                self.invoke(CALL, functions, "detect", (pages, options))?;
            results.into_iter().map(|result| result.map(|found| found.into_iter().map(Into::into).collect())).collect()
        } else {
            let (results,): (Vec<Result<Vec<detector::Detection>, types::Error>>,) =
                self.invoke(CALL, functions, "detect", (pages, options, files))?;
            results
        };
        if results.len() != pages.len() {
            return Err(PluginFailure::reported(
                &self.name,
                CALL,
                format!("returned {} results for {} pages", results.len(), pages.len()),
            ));
        }
        Ok(results
            .into_iter()
            .map(|result| {
                result.map_err(|error| self.reported(CALL, &error)).map(|found| {
                    found
                        .into_iter()
                        .map(|detection| detector::Detection { category: detection.category.normalized(), ..detection })
                        .collect()
                })
            })
            .collect())
    }

    // --- site-step ---

    pub fn step_describe(&self, options: &str) -> Result<site_step::StepInfo, PluginFailure> {
        const CALL: &str = "site-step.describe";
        let functions = self.role(Role::SiteStep, CALL)?;
        let (info,): (Result<site_step::StepInfo, types::Error>,) =
            self.invoke(CALL, functions, "describe", (options,))?;
        info.map_err(|error| self.reported(CALL, &error))
    }

    pub fn step_run(&self, site: &site_step::Site, options: &str) -> Result<site_step::Site, PluginFailure> {
        self.step_run_under(self.limits, site, options)
    }

    /// `run` of a per-file step over a batch the host chose: the time limit
    /// holds for each file, up to [`BATCH_TIME_FILES`] of them, so how the
    /// host batches (by bytes, which say little about the work in a photo)
    /// does not decide whether a step times out, while a plugin that loops
    /// over a batch of a thousand pages is still stopped within a minute
    /// or two. A batch that times out is rerun file by file to name the
    /// file, under the plain limit.
    pub fn step_run_batch(&self, site: &site_step::Site, options: &str) -> Result<site_step::Site, PluginFailure> {
        let files = u32::try_from(site.files.len()).unwrap_or(u32::MAX).clamp(1, BATCH_TIME_FILES);
        let limits = Limits { time: self.limits.time.saturating_mul(files), ..self.limits };
        self.step_run_under(limits, site, options)
    }

    fn step_run_under(
        &self,
        limits: Limits,
        site: &site_step::Site,
        options: &str,
    ) -> Result<site_step::Site, PluginFailure> {
        const CALL: &str = "site-step.run";
        let functions = self.role(Role::SiteStep, CALL)?;
        let (site,): (Result<site_step::Site, types::Error>,) =
            self.invoke_under(limits, CALL, functions, "run", (site, options))?;
        site.map_err(|error| self.reported(CALL, &error))
    }

    // --- template-helper ---

    pub fn helpers(&self) -> Result<Vec<template_helper::HelperInfo>, PluginFailure> {
        const CALL: &str = "template-helper.helpers";
        let functions = self.role(Role::TemplateHelper, CALL)?;
        let (helpers,): (Vec<template_helper::HelperInfo>,) = self.invoke(CALL, functions, "helpers", ())?;
        Ok(helpers)
    }

    /// `result[i]` answers `calls[i]`; the outer error means the whole call failed.
    pub fn call_helpers(
        &self,
        calls: &[template_helper::Call],
    ) -> Result<Vec<Result<template_helper::Value, PluginFailure>>, PluginFailure> {
        const CALL: &str = "template-helper.call-many";
        let functions = self.role(Role::TemplateHelper, CALL)?;
        let (results,): (Vec<Result<template_helper::Value, types::Error>>,) =
            self.invoke(CALL, functions, "call-many", (calls,))?;
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
        let functions = self.role(Role::LintCheck, CALL)?;
        let (info,): (lint_check::CheckerInfo,) = self.invoke(CALL, functions, "describe", ())?;
        Ok(info)
    }

    pub fn lint_check(
        &self,
        files: &[types::File],
        options: &str,
    ) -> Result<Vec<lint_check::Diagnostic>, PluginFailure> {
        const CALL: &str = "lint-check.check";
        let functions = self.role(Role::LintCheck, CALL)?;
        let (diagnostics,): (Result<Vec<lint_check::Diagnostic>, types::Error>,) =
            self.invoke(CALL, functions, "check", (files, options))?;
        diagnostics.map_err(|error| self.reported(CALL, &error))
    }
}

/// The first version whose detector has `describe` and typed categories.
const V0_2: Version = Version { major: 0, minor: 2, patch: 0 };

/// The WIT `error` variant in words.
pub fn describe_error(error: &types::Error) -> String {
    match error {
        types::Error::InvalidOptions(message) => format!("invalid options: {message}"),
        types::Error::InvalidInput(message) => format!("invalid input: {message}"),
        types::Error::Other(message) => message.clone(),
    }
}
