//! The core detector: a catalog of third-party services (see `catalog`)
//! matched against the structured page the host parsed, reporting each
//! service's settings (tracking ids, keys, tokens) with the evidence for
//! every one.

mod catalog;
mod engine;
mod js;

use workbench_plugin::NoOptions;
use workbench_plugin::detector::{Detection, Detector, Error, Page, ServiceInfo};

struct Services;

impl Detector for Services {
    type Options = NoOptions;

    fn services() -> Vec<ServiceInfo> {
        catalog::CATALOG
            .iter()
            .map(|service| {
                let mut keys: Vec<String> = Vec::new();
                for extract in service.settings {
                    if !keys.iter().any(|key| key == extract.key) {
                        keys.push(extract.key.into());
                    }
                }
                ServiceInfo {
                    service: service.id.into(),
                    name: service.name.into(),
                    category: service.category.into(),
                    settings: keys,
                }
            })
            .collect()
    }

    fn detect(page: &Page, _options: &NoOptions) -> Result<Vec<Detection>, Error> {
        Ok(engine::detect(page))
    }
}

workbench_plugin::export_detector!(Services);

#[cfg(test)]
mod tests {
    use super::catalog::CATALOG;

    #[test]
    fn every_pattern_compiles_and_ids_are_unique() {
        for service in CATALOG {
            let patterns = service
                .loader
                .iter()
                .chain(service.src)
                .chain(service.weak_src)
                .chain(service.code)
                .chain(service.noscript)
                .chain(service.stylesheet)
                .copied()
                .chain(service.settings.iter().map(|extract| extract.pattern))
                .chain(service.version);
            for pattern in patterns {
                let regex = super::engine::compile(pattern).unwrap_or_else(|error| panic!("{}: {error}", service.id));
                assert!(!regex.is_match(b""), "{}: `{pattern}` matches the empty string", service.id);
            }
            for extract in service.settings {
                let regex = super::engine::compile(extract.pattern).unwrap();
                assert!(regex.captures_len() >= 2, "{}: setting `{}` has no capture group", service.id, extract.key);
            }
            assert!(!service.needles.is_empty(), "{} has no needles", service.id);
            assert_eq!(CATALOG.iter().filter(|other| other.id == service.id).count(), 1, "{} twice", service.id);
        }
    }

    #[test]
    fn the_catalog_is_as_large_as_promised() {
        assert!(CATALOG.len() >= 60, "{} services", CATALOG.len());
        assert!(CATALOG.iter().filter(|service| !service.settings.is_empty()).count() >= 40);
    }
}
