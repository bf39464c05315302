use schemars::JsonSchema;
use serde::Deserialize;
use workbench_plugin::serde_json::{self, Value};
use workbench_plugin::site_step::{Error, Site, SiteStep, StepInfo};

struct WordCount;

#[derive(Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
struct Settings {
    /// The metadata key the count is written to.
    key: String,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { key: "words".into() }
    }
}

impl SiteStep for WordCount {
    type Options = Settings;

    fn describe(_settings: &Settings) -> Result<StepInfo, Error> {
        Ok(StepInfo { per_file: true, patterns: Some(vec!["**/*.txt".into()]), reads: Vec::new(), copies: Vec::new() })
    }

    fn run(mut site: Site, settings: &Settings) -> Result<Site, Error> {
        for file in &mut site.files {
            let text = String::from_utf8_lossy(&file.contents);
            let words = text.split_whitespace().count();
            let mut metadata: serde_json::Map<String, Value> = serde_json::from_str(&file.metadata)
                .map_err(|e| Error::InvalidInput(format!("{}: metadata: {e}", file.path)))?;
            metadata.insert(settings.key.clone(), Value::from(words));
            file.metadata = Value::Object(metadata).to_string();
            file.contents = text.to_uppercase().into_bytes();
        }
        Ok(site)
    }
}

workbench_plugin::export_site_step!(WordCount);
