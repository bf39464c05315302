//! {{description}}
{{#if (eq role "lint-check")}}
//!
//! A lint check: flags `TODO` comments that name no owner (`TODO(ana):` is
//! fine, a bare `TODO:` is not). Change `RULE` and `check` to your rule.

use workbench_plugin::NoOptions;
use workbench_plugin::lint_check::{Diagnostic, Error, File, LintCheck, RuleInfo, Severity, Span};

const RULE: &str = "{{name}}/todo-owner";

struct Check;

impl LintCheck for Check {
    /// This check takes no options; see the site-step role for a plugin that does.
    type Options = NoOptions;

    fn patterns() -> Vec<String> {
        vec!["**/*.rs".into(), "**/*.md".into(), "**/Makefile".into()]
    }

    fn rules() -> Vec<RuleInfo> {
        vec![RuleInfo {
            id: RULE.into(),
            default_severity: Severity::Warning,
            summary: "a TODO names no owner".into(),
            explanation: "A TODO without an owner is nobody's job. Write `TODO(name): ...`.".into(),
            fixable: false,
        }]
    }

    fn check(files: Vec<File>, _options: &NoOptions) -> Result<Vec<Diagnostic>, Error> {
        let mut found = Vec::new();
        for file in files {
            let text = String::from_utf8_lossy(&file.contents);
            let mut offset = 0;
            for (index, line) in text.split('\n').enumerate() {
                if let Some(column) = line.find("TODO:") {
                    let start = offset + column;
                    found.push(Diagnostic {
                        rule: RULE.into(),
                        severity: Severity::Warning,
                        message: "this TODO names no owner".into(),
                        path: file.path.clone(),
                        span: Some(Span {
                            start: u32::try_from(start).unwrap_or(u32::MAX),
                            end: u32::try_from(start + 4).unwrap_or(u32::MAX),
                            line: u32::try_from(index + 1).unwrap_or(u32::MAX),
                            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
                        }),
                        help: Some("write `TODO(name):`".into()),
                        fix: None,
                    });
                }
                offset += line.len() + 1;
            }
        }
        Ok(found)
    }
}

workbench_plugin::export_lint_check!(Check);
{{/if}}
{{#if (eq role "detector")}}
//!
//! A detector: finds a service by its script's address and reads its site id
//! from the tag's `data-site` attribute. Change `SERVICE` and `detect`.

use workbench_plugin::NoOptions;
use workbench_plugin::detector::{
    Category, Detection, Detector, Error, Evidence, EvidenceSource, Page, ScriptState, ServiceInfo, Setting,
};

const SERVICE: &str = "{{name}}";
const SCRIPT: &str = "{{name}}.js";

struct Detect;

impl Detector for Detect {
    type Options = NoOptions;

    fn services() -> Vec<ServiceInfo> {
        vec![ServiceInfo {
            service: SERVICE.into(),
            name: SERVICE.into(),
            category: Category::Analytics,
            settings: vec!["site-id".into()],
        }]
    }

    fn detect(page: &Page, _options: &NoOptions) -> Result<Vec<Detection>, Error> {
        let mut found = Vec::new();
        for script in &page.scripts {
            let Some(src) = &script.src else { continue };
            if !src.ends_with(SCRIPT) {
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
                service: SERVICE.into(),
                name: SERVICE.into(),
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

workbench_plugin::export_detector!(Detect);
{{/if}}
{{#if (eq role "site-step")}}
//!
//! A site step: adds `reading-minutes` (words / 200, at least 1) to the
//! metadata of every Markdown page. Change `describe` and `run`.

use schemars::JsonSchema;
use serde::Deserialize;
use workbench_plugin::serde_json::{self, Value};
use workbench_plugin::site_step::{Error, Site, SiteStep, StepInfo};

struct Step;

/// The step's options, from its table in `workbench.toml`. Unknown keys
/// are refused; `workbench plugins info` shows the schema derived from it.
#[derive(Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct Settings {
    /// Reading speed, in words a minute.
    #[schemars(range(min = 1))]
    words_per_minute: u64,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { words_per_minute: 200 }
    }
}

impl Settings {
    /// What the type cannot say: the speed is at least 1.
    fn per_minute(&self) -> Result<u64, Error> {
        match self.words_per_minute {
            0 => Err(Error::InvalidOptions("`words-per-minute` must be at least 1".into())),
            speed => Ok(speed),
        }
    }
}

impl SiteStep for Step {
    type Options = Settings;

    fn describe(settings: &Settings) -> Result<StepInfo, Error> {
        settings.per_minute()?;
        Ok(StepInfo { per_file: true, patterns: Some(vec!["**/*.md".into()]), reads: Vec::new(), copies: Vec::new() })
    }

    fn run(mut site: Site, settings: &Settings) -> Result<Site, Error> {
        let per_minute = settings.per_minute()?;
        for file in &mut site.files {
            let words = String::from_utf8_lossy(&file.contents).split_whitespace().count() as u64;
            let mut metadata: serde_json::Map<String, Value> = serde_json::from_str(&file.metadata)
                .map_err(|error| Error::InvalidInput(format!("{}: metadata: {error}", file.path)))?;
            metadata.insert("reading-minutes".into(), Value::from(words.div_ceil(per_minute).max(1)));
            file.metadata = Value::Object(metadata).to_string();
        }
        Ok(site)
    }
}

workbench_plugin::export_site_step!(Step);
{{/if}}
{{#if (eq role "template-helper")}}
//!
//! A template helper: `{{{{raw}}}}{{initials name}}{{{{/raw}}}}` gives the initials of a name
//! ("Ada Lovelace" -> "AL"). Change `helpers` and `call`.

use workbench_plugin::template_helper::{Error, HelperInfo, TemplateHelper, Value};

struct Helpers;

impl TemplateHelper for Helpers {
    fn helpers() -> Vec<HelperInfo> {
        vec![HelperInfo { name: "initials".into(), description: "The initials of a name: Ada Lovelace -> AL.".into() }]
    }

    fn call(helper: &str, args: Vec<Value>) -> Result<Value, Error> {
        match (helper, args.as_slice()) {
            ("initials", [Value::Text(name)]) => Ok(Value::Text(
                name.split_whitespace().filter_map(|word| word.chars().next()).flat_map(char::to_uppercase).collect(),
            )),
            ("initials", _) => Err(Error::InvalidInput("`initials` takes one text".into())),
            (other, _) => Err(Error::InvalidInput(format!("no helper `{other}`"))),
        }
    }
}

workbench_plugin::export_template_helper!(Helpers);
{{/if}}
