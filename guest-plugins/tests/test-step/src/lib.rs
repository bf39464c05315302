use workbench_plugin::serde_json::{self, Value};
use workbench_plugin::site_step::{Error, Site, SiteStep, StepInfo};
use workbench_plugin::{Options, Plugin};

struct WordCount;

impl Plugin for WordCount {}

impl SiteStep for WordCount {
    fn describe(_options: &Options) -> Result<StepInfo, Error> {
        Ok(StepInfo { per_file: true, patterns: Some(vec!["**/*.txt".into()]), reads: Vec::new(), copies: Vec::new() })
    }

    fn run(mut site: Site, options: &Options) -> Result<Site, Error> {
        let key = match options.value().get("key") {
            None => "words".to_string(),
            Some(Value::String(key)) => key.clone(),
            Some(other) => {
                return Err(Error::InvalidOptions(format!("`key` must be a string, not {other}")));
            }
        };
        for file in &mut site.files {
            let text = String::from_utf8_lossy(&file.contents);
            let words = text.split_whitespace().count();
            let mut metadata: serde_json::Map<String, Value> = serde_json::from_str(&file.metadata)
                .map_err(|e| Error::InvalidInput(format!("{}: metadata: {e}", file.path)))?;
            metadata.insert(key.clone(), Value::from(words));
            file.metadata = Value::Object(metadata).to_string();
            file.contents = text.to_uppercase().into_bytes();
        }
        Ok(site)
    }
}

workbench_plugin::export_site_step!(WordCount);
