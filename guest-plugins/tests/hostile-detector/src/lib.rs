//! Misbehaves on request, so `workbench detect` can be tested against a
//! hostile detector: a page's URL ends in the misdeed (see the misdeeds
//! crate); `ok` behaves. The outcome comes back as a detection's name.

use misdeeds::misbehave;
use workbench_plugin::NoOptions;
use workbench_plugin::detector::{Category, Detection, Detector, Error, Page, ServiceInfo};

struct HostileDetector;

impl Detector for HostileDetector {
    type Options = NoOptions;

    fn services() -> Vec<ServiceInfo> {
        vec![ServiceInfo {
            service: "hostile".into(),
            name: "hostile".into(),
            category: Category::Named("test".into()),
            settings: Vec::new(),
        }]
    }

    fn detect(page: &Page, _options: &NoOptions) -> Result<Vec<Detection>, Error> {
        let what = page.url.rsplit('/').next().unwrap_or_default();
        let outcome = misbehave(what).unwrap_or_else(|refused| format!("refused: {refused}"));
        Ok(vec![Detection {
            service: "hostile".into(),
            name: outcome,
            category: Category::Named("test".into()),
            confidence: 100,
            version: None,
            settings: Vec::new(),
            evidence: Vec::new(),
            consent_gated: false,
        }])
    }
}

workbench_plugin::export_detector!(HostileDetector);
