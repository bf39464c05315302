//! A plugin built for `workbench:plugin@0.1.0`, as third parties built them
//! before 0.2.0: straight from `wit/v0.1.0/` with wit-bindgen, no SDK. It
//! plays every role, so the version-skew tests can run each role's calls
//! through the host's 0.1 path. Its detector speaks 0.1's strings: a known
//! category (`chat`), one of its own (`cms`), and a `source` 0.2 has no
//! case for (`widget-config`).

// The glue wit-bindgen generates is unsafe by nature, as in the SDK.
#![allow(unsafe_code, clippy::same_length_and_capacity, reason = "wit-bindgen's generated glue")]

wit_bindgen::generate!({
    path: "../../../wit/v0.1.0",
    world: "everything",
});

use exports::workbench::plugin::detector::{Detection, Evidence, Guest as Detector, Page, ServiceInfo};
use exports::workbench::plugin::lint_check::{CheckerInfo, Diagnostic, Guest as LintCheck, RuleInfo};
use exports::workbench::plugin::meta::Guest as Meta;
use exports::workbench::plugin::site_step::{Guest as SiteStep, Site, StepInfo};
use exports::workbench::plugin::template_helper::{Call, Guest as TemplateHelper, HelperInfo, Value};
use workbench::plugin::types::{Error, File, PluginInfo, Severity, Span};

const RULE: &str = "wit-0-1/todo";

struct Plugin;

impl Meta for Plugin {
    fn info() -> PluginInfo {
        PluginInfo {
            name: "wit-0-1".into(),
            version: "0.1.0".into(),
            description: "Every role, built against workbench:plugin@0.1.0.".into(),
            options_schema: None,
        }
    }
}

impl Detector for Plugin {
    fn services() -> Vec<ServiceInfo> {
        vec![
            ServiceInfo {
                service: "old-widget".into(),
                name: "Old Widget".into(),
                category: "chat".into(),
                settings: vec!["widget-id".into()],
            },
            ServiceInfo { service: "old-cms".into(), name: "Old CMS".into(), category: "cms".into(), settings: vec![] },
        ]
    }

    fn detect(pages: Vec<Page>, _options: String) -> Vec<Result<Vec<Detection>, Error>> {
        pages.iter().map(|page| Ok(detect_page(page))).collect()
    }
}

fn detect_page(page: &Page) -> Vec<Detection> {
    let mut found = Vec::new();
    for script in &page.scripts {
        let Some(src) = script.src.as_deref().filter(|src| src.contains("old-widget.js")) else { continue };
        let evidence = Evidence { source: "script-src".into(), matched: src.into(), position: Some(script.position) };
        let config = script.attributes.iter().find(|(name, _)| name == "data-widget-id");
        found.push(Detection {
            service: "old-widget".into(),
            name: "Old Widget".into(),
            category: "chat".into(),
            confidence: 100,
            version: None,
            settings: config
                .map(|(name, value)| exports::workbench::plugin::detector::Setting {
                    key: "widget-id".into(),
                    value: value.clone(),
                    evidence: Evidence {
                        source: "widget-config".into(),
                        matched: format!("{name}={value}"),
                        position: Some(script.position),
                    },
                })
                .into_iter()
                .collect(),
            evidence: vec![evidence],
            consent_gated: false,
        });
    }
    for meta in page.meta.iter().filter(|meta| meta.name == "generator" && meta.content.starts_with("OldCMS")) {
        found.push(Detection {
            service: "old-cms".into(),
            name: "Old CMS".into(),
            category: "cms".into(),
            confidence: 100,
            version: meta.content.strip_prefix("OldCMS ").map(str::to_string),
            settings: vec![],
            evidence: vec![Evidence {
                source: "meta".into(),
                matched: meta.content.clone(),
                position: Some(meta.position),
            }],
            consent_gated: false,
        });
    }
    found
}

impl SiteStep for Plugin {
    fn describe(_options: String) -> Result<StepInfo, Error> {
        Ok(StepInfo { per_file: true, patterns: Some(vec!["**/*.txt".into()]), reads: vec![], copies: vec![] })
    }

    /// Shouts every text file.
    fn run(mut input: Site, _options: String) -> Result<Site, Error> {
        for file in &mut input.files {
            file.contents = String::from_utf8_lossy(&file.contents).to_uppercase().into_bytes();
        }
        Ok(input)
    }
}

impl TemplateHelper for Plugin {
    fn helpers() -> Vec<HelperInfo> {
        vec![HelperInfo { name: "shout".into(), description: "The text in capitals, with `!`.".into() }]
    }

    fn call_many(calls: Vec<Call>) -> Vec<Result<Value, Error>> {
        calls
            .into_iter()
            .map(|call| match (call.helper.as_str(), call.args.as_slice()) {
                ("shout", [Value::Text(text)]) => Ok(Value::Text(format!("{}!", text.to_uppercase()))),
                _ => Err(Error::InvalidInput(format!("`{}` takes one text", call.helper))),
            })
            .collect()
    }
}

impl LintCheck for Plugin {
    fn describe() -> CheckerInfo {
        CheckerInfo {
            patterns: vec!["**/*.txt".into()],
            rules: vec![RuleInfo {
                id: RULE.into(),
                default_severity: Severity::Warning,
                summary: "a TODO is left in".into(),
                explanation: "Finish it or file an issue.".into(),
                fixable: false,
            }],
        }
    }

    fn check(files: Vec<File>, _options: String) -> Result<Vec<Diagnostic>, Error> {
        let mut found = Vec::new();
        for file in files {
            let text = String::from_utf8_lossy(&file.contents);
            let mut start = 0;
            for (index, line) in text.split_inclusive('\n').enumerate() {
                if let Some(column) = line.find("TODO") {
                    let at = u32::try_from(start + column).unwrap_or(u32::MAX);
                    found.push(Diagnostic {
                        rule: RULE.into(),
                        severity: Severity::Warning,
                        message: "a TODO is left in".into(),
                        path: file.path.clone(),
                        span: Some(Span {
                            start: at,
                            end: at.saturating_add(4),
                            line: u32::try_from(index + 1).unwrap_or(u32::MAX),
                            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
                        }),
                        help: None,
                        fix: None,
                    });
                }
                start += line.len();
            }
        }
        Ok(found)
    }
}

export!(Plugin);
