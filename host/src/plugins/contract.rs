//! The contract between host and plugin: which roles a component plays and
//! whether it speaks this host's version of `workbench:plugin`.
//!
//! Roles are read from the component's export names
//! (`workbench:plugin/<role>@<version>`), before anything runs.

use std::fmt;

use wasmtime::Engine;
use wasmtime::component::Component;

pub const PACKAGE: &str = "workbench:plugin";

/// The version of `wit/` this host was built against. A unit test keeps it
/// equal to the `package` line there.
pub const HOST_VERSION: Version = Version { major: 0, minor: 2, patch: 0 };

/// Every version this host loads, newest first: `wit/` and each frozen
/// `wit/vX.Y.Z/` beside it. A plugin speaks one of their tracks.
pub const SPOKEN: [Version; 2] = [HOST_VERSION, Version { major: 0, minor: 1, patch: 0 }];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl Version {
    pub fn parse(text: &str) -> Option<Version> {
        let mut parts = text.split('.');
        let version = Version {
            major: parts.next()?.parse().ok()?,
            minor: parts.next()?.parse().ok()?,
            patch: parts.next()?.parse().ok()?,
        };
        parts.next().is_none().then_some(version)
    }

    /// Semver compatibility as wasmtime applies it to interface names: same
    /// major, and for 0.x also the same minor.
    pub fn compatible_with(self, other: Version) -> bool {
        self.major == other.major && (self.major != 0 || self.minor == other.minor)
    }

    /// `0.1.x` or `1.x`: the range of versions compatible with this one.
    pub fn track(self) -> String {
        if self.major == 0 { format!("0.{}.x", self.minor) } else { format!("{}.x", self.major) }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// A plugin role: one WIT interface a plugin may export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Detector,
    SiteStep,
    TemplateHelper,
    LintCheck,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Detector, Role::SiteStep, Role::TemplateHelper, Role::LintCheck];

    /// The WIT interface name, also the name users see.
    pub fn name(self) -> &'static str {
        match self {
            Role::Detector => "detector",
            Role::SiteStep => "site-step",
            Role::TemplateHelper => "template-helper",
            Role::LintCheck => "lint-check",
        }
    }

    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.name() == name)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a component offers, read from its exports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    pub roles: Vec<Role>,
    /// The `workbench:plugin` version the plugin was built against.
    pub version: Version,
    /// Each `workbench:plugin` interface it exports, as named there.
    pub interfaces: Vec<Interface>,
}

/// One exported interface: `workbench:plugin/lint-check@0.1.3`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    /// `lint-check`, `meta`...
    pub name: String,
    pub version: Version,
    /// The whole export name, to find the instance by.
    pub export: String,
}

impl Contract {
    pub fn interface(&self, name: &str) -> Option<&Interface> {
        self.interfaces.iter().find(|interface| interface.name == name)
    }
}

/// The versions this host speaks, for messages: `0.2.x or 0.1.x`.
pub fn spoken_tracks() -> String {
    SPOKEN.iter().map(|version| version.track()).collect::<Vec<_>>().join(" or ")
}

/// The first bytes of a wasm binary tell a core module from a component.
pub fn check_binary(bytes: &[u8]) -> Result<(), String> {
    const MAGIC: &[u8] = b"\0asm";
    match bytes.get(..8) {
        Some(header) if header.starts_with(MAGIC) => match header[4..8] {
            [0x0d, 0x00, 0x01, 0x00] => Ok(()),
            [0x01, 0x00, 0x00, 0x00] => Err(
                "is a core WebAssembly module, not a component; build it for the wasm32-wasip2 target, or wrap it with `wasm-tools component new`".into(),
            ),
            _ => Err("is a WebAssembly binary of an unknown version; rebuild it with a current toolchain".into()),
        },
        _ => Err("is not a WebAssembly binary (no `\\0asm` header); pass the plugin's .wasm file".into()),
    }
}

/// Reads the roles and WIT version from a compiled component's exports.
pub fn inspect(engine: &Engine, component: &Component) -> Result<Contract, String> {
    let ty = component.component_type();
    let mut roles = Vec::new();
    let mut interfaces = Vec::new();
    let mut foreign = Vec::new();
    for (export, _) in ty.exports(engine) {
        let Some((name, version)) = parse_export(export) else {
            foreign.push(export.to_string());
            continue;
        };
        let Some(version) = version else {
            return Err(format!(
                "exports `{export}` without a version; build it against wit/ of this repository, which declares {PACKAGE}@{HOST_VERSION}"
            ));
        };
        if let Some(role) = Role::from_name(name) {
            roles.push(role);
        }
        interfaces.push(Interface { name: name.to_string(), version, export: export.to_string() });
    }
    let Some(version) = interfaces.iter().map(|interface| interface.version).max() else {
        let exports = if foreign.is_empty() { "nothing".to_string() } else { foreign.join(", ") };
        return Err(format!(
            "is not a workbench plugin: it exports none of {PACKAGE}'s interfaces (it exports {exports}); build it against one of the worlds in wit/"
        ));
    };
    for version in interfaces.iter().map(|interface| interface.version) {
        if !SPOKEN.iter().any(|&spoken| version.compatible_with(spoken)) {
            let advice = if version > HOST_VERSION {
                "upgrade workbench to a version that speaks it, or rebuild the plugin against this workbench's wit/"
            } else {
                "rebuild the plugin against this workbench's wit/ (or use an older workbench)"
            };
            return Err(format!(
                "was built for {PACKAGE}@{version}, but this workbench speaks {PACKAGE}@{}; {advice}",
                spoken_tracks()
            ));
        }
    }
    if contract_lacks_meta(&interfaces) {
        return Err(format!(
            "does not export {PACKAGE}/meta, which every plugin must; build it against one of the worlds in wit/"
        ));
    }
    if roles.is_empty() {
        return Err(format!(
            "exports no role; a plugin exports at least one of {PACKAGE}'s detector, site-step, template-helper or lint-check"
        ));
    }
    roles.sort();
    roles.dedup();
    Ok(Contract { roles, version, interfaces })
}

fn contract_lacks_meta(interfaces: &[Interface]) -> bool {
    !interfaces.iter().any(|interface| interface.name == "meta")
}

/// `workbench:plugin/lint-check@0.1.0` → (`lint-check`, Some(0.1.0)).
fn parse_export(name: &str) -> Option<(&str, Option<Version>)> {
    let rest = name.strip_prefix(PACKAGE)?.strip_prefix('/')?;
    Some(match rest.split_once('@') {
        Some((interface, version)) => (interface, Some(Version::parse(version)?)),
        None => (rest, None),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_version_matches_the_wit_package() {
        let wit = include_str!("../../../wit/types.wit");
        assert!(wit.contains(&format!("package {PACKAGE}@{HOST_VERSION};")));
        let frozen = include_str!("../../../wit/v0.1.0/types.wit");
        assert!(frozen.contains(&format!("package {PACKAGE}@{};", SPOKEN[1])));
    }

    #[test]
    fn each_spoken_version_is_its_own_track() {
        assert_eq!(spoken_tracks(), "0.2.x or 0.1.x");
        assert!(!SPOKEN[0].compatible_with(SPOKEN[1]));
    }

    #[test]
    fn export_names_parse() {
        assert_eq!(parse_export("workbench:plugin/lint-check@0.1.3"), Some(("lint-check", Version::parse("0.1.3"))));
        assert_eq!(parse_export("wasi:cli/run@0.2.0"), None);
    }

    #[test]
    fn zero_major_versions_are_compatible_within_a_minor() {
        let v = |s| Version::parse(s).unwrap();
        assert!(v("0.1.0").compatible_with(v("0.1.7")));
        assert!(!v("0.2.0").compatible_with(v("0.1.0")));
        assert!(v("1.2.0").compatible_with(v("1.0.0")));
        assert!(!v("2.0.0").compatible_with(v("1.9.0")));
    }

    #[test]
    fn core_modules_are_told_apart_from_components() {
        assert!(check_binary(b"\0asm\x01\0\0\0").unwrap_err().contains("core WebAssembly module"));
        assert!(check_binary(b"\0asm\x0d\0\x01\0").is_ok());
        assert!(check_binary(b"hello").unwrap_err().contains("not a WebAssembly binary"));
    }
}
