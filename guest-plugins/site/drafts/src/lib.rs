//! `drafts`: drops every page whose front matter says `draft: true`, as
//! @metalsmith/drafts does. `default = true` treats pages without the key
//! as drafts; `include = true` keeps drafts (a preview build).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use workbench_plugin::site_step::{Error, Site, SiteStep, StepInfo};

#[derive(Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
struct Settings {
    /// Whether a page without `draft` is one (Metalsmith's `default`).
    default: bool,
    /// Keep drafts, e.g. for a preview build.
    include: bool,
    /// Files to look at; other files pass by untouched (and unread).
    pattern: Option<Vec<String>>,
}

/// Text pages: where front matter can be. Binary assets never cross over.
const TEXT_PAGES: &[&str] = &["**/*.{md,markdown,html,htm,xml,txt,json,jinja,j2}"];

struct Drafts;

impl SiteStep for Drafts {
    type Options = Settings;

    fn describe(settings: &Settings) -> Result<StepInfo, Error> {
        let patterns = settings.pattern.clone().unwrap_or_else(|| TEXT_PAGES.iter().map(|&glob| glob.into()).collect());
        let patterns = if settings.include { Vec::new() } else { patterns };
        Ok(StepInfo { per_file: true, patterns: Some(patterns), reads: Vec::new(), copies: Vec::new() })
    }

    fn run(mut site: Site, settings: &Settings) -> Result<Site, Error> {
        if settings.include {
            return Ok(site);
        }
        let mut kept = Vec::with_capacity(site.files.len());
        for file in site.files {
            let metadata = site_kit::metadata(&file)?;
            let draft = match metadata.get("draft") {
                None => settings.default,
                value => site_kit::truthy(value),
            };
            if !draft {
                kept.push(file);
            }
        }
        site.files = kept;
        Ok(site)
    }
}

workbench_plugin::export_site_step!(Drafts);
