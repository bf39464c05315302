//! A component that passed the runtime's checks, with what instantiating
//! it needs resolved once: the contract it satisfies, its cache state, and
//! the export indices of each role it plays. The runtime makes one
//! ([`super::Runtime::check`]); a [`super::Plugin`] is made from one.

use wasmtime::component::InstancePre;

use super::bindings::{detector, lint_check, meta, site_step, template_helper};
use super::cache::CacheState;
use super::contract::{Contract, Role};
use super::sandbox::HostState;

/// A component that passed [`Runtime::check`], ready to instantiate.
pub struct Prepared {
    pub contract: Contract,
    pub cache: CacheState,
    /// SHA-256 of the component.
    pub digest: String,
    pub(super) pre: InstancePre<HostState>,
    pub(super) indices: Indices,
}

pub(super) fn resolve_indices(pre: &InstancePre<HostState>, roles: &[Role]) -> wasmtime::Result<Indices> {
    let has = |role| roles.contains(&role);
    Ok(Indices {
        meta: meta::GuestIndices::new(pre)?,
        detector: has(Role::Detector).then(|| detector::GuestIndices::new(pre)).transpose()?,
        site_step: has(Role::SiteStep).then(|| site_step::GuestIndices::new(pre)).transpose()?,
        template_helper: has(Role::TemplateHelper).then(|| template_helper::GuestIndices::new(pre)).transpose()?,
        lint_check: has(Role::LintCheck).then(|| lint_check::GuestIndices::new(pre)).transpose()?,
    })
}

/// Export indices, resolved once per plugin, per role it plays.
#[derive(Clone)]
pub(super) struct Indices {
    pub meta: meta::GuestIndices,
    pub detector: Option<detector::GuestIndices>,
    pub site_step: Option<site_step::GuestIndices>,
    pub template_helper: Option<template_helper::GuestIndices>,
    pub lint_check: Option<lint_check::GuestIndices>,
}
