//! `static`: copies a directory into the output as is (images, fonts,
//! `robots.txt`), like metalsmith-static. The host does the copying, so
//! the bytes never enter plugin memory and a large asset tree costs no
//! more than `cp`. The step reads no page.

use serde::Deserialize;
use workbench_plugin::site_step::{CopyDir, Error, Site, SiteStep, StepInfo};
use workbench_plugin::{Options, Plugin};

#[derive(Debug, Deserialize)]
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

impl Plugin for Static {}

impl SiteStep for Static {
    fn describe(options: &Options) -> Result<StepInfo, Error> {
        let settings: Settings = options.parse().map_err(site_kit::bad_options)?;
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

    fn run(site: Site, _options: &Options) -> Result<Site, Error> {
        Ok(site)
    }
}

workbench_plugin::export_site_step!(Static);
