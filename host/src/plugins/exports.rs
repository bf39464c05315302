//! A plugin's exported functions, found by the names its component really
//! exports (`workbench:plugin/lint-check@0.1.3`), once per plugin.
//!
//! One set of host types serves every version of an interface whose
//! functions kept their shape: wasmtime checks a typed call against the
//! component by structure (field, case and function names), not by the
//! interface's version. Only where a version changed a shape does the host
//! keep a module for the old one (`v0_1` for 0.1's detector), as dprint
//! keeps one instance module per plugin interface version.

use wasmtime::component::{ComponentExportIndex, InstancePre};

use super::contract::{Contract, Role, Version};
use super::sandbox::HostState;

/// Where each function of one exported interface sits.
#[derive(Clone)]
pub(super) struct Functions {
    pub version: Version,
    functions: Vec<(&'static str, ComponentExportIndex)>,
}

impl Functions {
    /// The function `name`, which [`Exports::resolve`] made sure is there.
    pub fn get(&self, name: &str) -> &ComponentExportIndex {
        self.functions
            .iter()
            .find_map(|(function, index)| (*function == name).then_some(index))
            .unwrap_or_else(|| panic!("`{name}` is not one of the functions resolved for this interface"))
    }
}

/// Every interface a plugin exports that the host calls.
#[derive(Clone)]
pub(super) struct Exports {
    pub meta: Functions,
    pub roles: Vec<(Role, Functions)>,
}

impl Exports {
    pub fn resolve(pre: &InstancePre<HostState>, contract: &Contract) -> Result<Exports, String> {
        let meta = resolve_interface(pre, contract, "meta")?;
        let roles = contract
            .roles
            .iter()
            .map(|&role| Ok((role, resolve_interface(pre, contract, role.name())?)))
            .collect::<Result<_, String>>()?;
        Ok(Exports { meta, roles })
    }

    pub fn role(&self, role: Role) -> Option<&Functions> {
        self.roles.iter().find_map(|(played, functions)| (*played == role).then_some(functions))
    }
}

/// The functions the host calls in `interface` at `version`.
fn called(interface: &str, version: Version) -> &'static [&'static str] {
    let before_0_2 = version < Version { major: 0, minor: 2, patch: 0 };
    match interface {
        "meta" => &["info"],
        "detector" if before_0_2 => &["services", "detect"],
        "detector" => &["services", "describe", "detect"],
        "site-step" => &["describe", "run"],
        "lint-check" => &["describe", "check"],
        "template-helper" => &["helpers", "call-many"],
        _ => &[],
    }
}

fn resolve_interface(pre: &InstancePre<HostState>, contract: &Contract, name: &str) -> Result<Functions, String> {
    let interface = contract.interface(name).ok_or_else(|| format!("no exported instance named `{name}`"))?;
    let component = pre.component();
    let instance = component
        .get_export_index(None, &interface.export)
        .ok_or_else(|| format!("no exported instance named `{}`", interface.export))?;
    let functions = called(name, interface.version)
        .iter()
        .map(|&function| {
            component
                .get_export_index(Some(&instance), function)
                .map(|index| (function, index))
                .ok_or_else(|| format!("instance export `{}` does not have export `{function}`", interface.export))
        })
        .collect::<Result<_, String>>()?;
    Ok(Functions { version: interface.version, functions })
}
