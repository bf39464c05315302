use workbench_plugin::NoOptions;
use workbench_plugin::detector::{
    Category, Detection, Detector, Error, Evidence, EvidenceSource, Page, ScriptState, ServiceInfo, Setting,
};

struct ExampleAnalytics;

impl Detector for ExampleAnalytics {
    type Options = NoOptions;

    fn services() -> Vec<ServiceInfo> {
        vec![ServiceInfo {
            service: "example-analytics".into(),
            name: "Example Analytics".into(),
            category: Category::Analytics,
            settings: vec!["site-id".into()],
        }]
    }

    fn detect(page: &Page, _options: &NoOptions) -> Result<Vec<Detection>, Error> {
        let mut found = Vec::new();
        for script in &page.scripts {
            let Some(src) = &script.src else { continue };
            if !src.contains("example-analytics.js") {
                continue;
            }
            let evidence =
                Evidence { source: EvidenceSource::ScriptSrc, matched: src.clone(), position: Some(script.position) };
            let settings = script
                .attributes
                .iter()
                .filter(|(name, value)| name == "data-site" && !value.is_empty())
                .map(|(_, value)| Setting { key: "site-id".into(), value: value.clone(), evidence: evidence.clone() })
                .collect();
            found.push(Detection {
                service: "example-analytics".into(),
                name: "Example Analytics".into(),
                category: Category::Analytics,
                confidence: 100,
                version: None,
                settings,
                evidence: vec![evidence],
                consent_gated: script.state == ScriptState::ConsentBlocked,
            });
        }
        Ok(found)
    }
}

workbench_plugin::export_detector!(ExampleAnalytics);
