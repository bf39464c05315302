//! `static`: copies a directory into the output as is (images, fonts,
//! `robots.txt`), like metalsmith-static. The host does the copying, so
//! the bytes never enter plugin memory and a large asset tree costs no
//! more than `cp`. The step reads no page.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use workbench_plugin::site_step::{CopyDir, Error, Site, SiteStep, StepInfo};

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct Settings {
    /// The directory to copy, relative to the project root.
    source: String,
    /// Where it lands in the output; empty for the output's root.
    destination: String,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { source: "static".into(), destination: String::new() }
    }
}

struct Static;

impl SiteStep for Static {
    type Options = Settings;

    fn describe(settings: &Settings) -> Result<StepInfo, Error> {
        Ok(StepInfo {
            per_file: true,
            patterns: Some(Vec::new()),
            reads: Vec::new(),
            copies: vec![CopyDir {
                from: settings.source.trim_end_matches('/').into(),
                to: settings.destination.trim_matches('/').into(),
            }],
        })
    }

    fn run(site: Site, _settings: &Settings) -> Result<Site, Error> {
        Ok(site)
    }
}

workbench_plugin::export_site_step!(Static);
