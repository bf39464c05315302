//! What changed shape after `workbench:plugin@0.1`, so plugins built for
//! 0.1.x keep working (`wit/v0.1.0/`). Only the detector's results did:
//! `category` and evidence `source` were strings, and there was no
//! `describe` (a 0.1 detector reads no files). Everything else a 0.1 plugin
//! exports has today's shape and is called with today's types.

use wasmtime::StoreContextMut;
use wasmtime::component::{ComponentType, Lift, Linker};

use super::bindings::detector as current;
use super::bindings::log::{self, Level};
use super::bindings::types::Position;
use super::sandbox::HostState;

#[derive(ComponentType, Lift, Debug, Clone)]
#[component(record)]
pub struct Evidence {
    source: String,
    matched: String,
    position: Option<Position>,
}

#[derive(ComponentType, Lift, Debug, Clone)]
#[component(record)]
pub struct Setting {
    key: String,
    value: String,
    evidence: Evidence,
}

#[derive(ComponentType, Lift, Debug, Clone)]
#[component(record)]
pub struct Detection {
    service: String,
    name: String,
    category: String,
    confidence: u8,
    version: Option<String>,
    settings: Vec<Setting>,
    evidence: Vec<Evidence>,
    #[component(name = "consent-gated")]
    consent_gated: bool,
}

#[derive(ComponentType, Lift, Debug, Clone)]
#[component(record)]
pub struct ServiceInfo {
    service: String,
    name: String,
    category: String,
    settings: Vec<String>,
}

/// What a 0.1 detector was told to read: nothing.
pub fn detector_info() -> current::DetectorInfo {
    current::DetectorInfo { reads: Vec::new(), fingerprints: false, works_without_files: true }
}

impl From<Evidence> for current::Evidence {
    fn from(evidence: Evidence) -> current::Evidence {
        current::Evidence {
            source: current::EvidenceSource::parse(&evidence.source).unwrap_or(current::EvidenceSource::Other),
            matched: evidence.matched,
            position: evidence.position,
        }
    }
}

impl From<Detection> for current::Detection {
    fn from(detection: Detection) -> current::Detection {
        current::Detection {
            service: detection.service,
            name: detection.name,
            category: current::Category::parse(&detection.category),
            confidence: detection.confidence,
            version: detection.version,
            settings: detection
                .settings
                .into_iter()
                .map(|setting| current::Setting {
                    key: setting.key,
                    value: setting.value,
                    evidence: setting.evidence.into(),
                })
                .collect(),
            evidence: detection.evidence.into_iter().map(Into::into).collect(),
            consent_gated: detection.consent_gated,
        }
    }
}

impl From<ServiceInfo> for current::ServiceInfo {
    fn from(service: ServiceInfo) -> current::ServiceInfo {
        current::ServiceInfo {
            service: service.service,
            name: service.name,
            category: current::Category::parse(&service.category),
            settings: service.settings,
        }
    }
}

/// The one import of 0.1, `workbench:plugin/log@0.1.0`: today's `log`
/// under the old name (the linker matches any 0.1.x import to it).
pub fn add_to_linker(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    linker.instance("workbench:plugin/log@0.1.0")?.func_wrap(
        "log",
        |mut caller: StoreContextMut<'_, HostState>, (level, message): (Level, String)| {
            log::Host::log(caller.data_mut(), level, message);
            Ok(())
        },
    )
}
