//! `image-index`: the `images` step's sidecars (`photos/sea.jpg.image.json`)
//! gathered into the site metadata, `images."photos/sea.jpg"`, so a layout
//! or a shortcode can write `<img srcset=...>` for any image by its path.
//!
//! `images` itself cannot do this: it runs per file so that the host can
//! cache every image across builds, and a per-file step sees one file at a
//! time. This whole-set step reads only the small sidecars, never an
//! image's bytes, and removes them from the output.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use site_kit::Globs;
use workbench_plugin::serde_json::{Map, Value};
use workbench_plugin::site_step::{Error, Site, SiteStep, StepInfo, metadata_text, parse_metadata};

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct Settings {
    /// The sidecars to gather.
    pattern: Globs,
    /// The site metadata key that holds them.
    key: String,
    /// Leave the sidecars in the output too (for a page's script to fetch).
    keep: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { pattern: Globs::of(&["**/*.image.json"]), key: "images".into(), keep: false }
    }
}

struct ImageIndex;

impl SiteStep for ImageIndex {
    type Options = Settings;

    fn describe(settings: &Settings) -> Result<StepInfo, Error> {
        if settings.key.is_empty() {
            return Err(site_kit::bad_options("`key`: \"\" must name a metadata key, such as \"images\""));
        }
        Ok(StepInfo {
            per_file: false,
            patterns: Some(settings.pattern.to_vec()),
            reads: Vec::new(),
            copies: Vec::new(),
        })
    }

    fn run(site: Site, settings: &Settings) -> Result<Site, Error> {
        let mut metadata = parse_metadata(&site.metadata, "the site metadata")?;
        let mut images = match metadata.remove(&settings.key) {
            Some(Value::Object(images)) => images,
            None => Map::new(),
            Some(_) => {
                return Err(Error::InvalidInput(format!(
                    "the site metadata already has `{}`, and it is not a table of images; \
                     rename that key, or set this step's `key` to another",
                    settings.key
                )));
            }
        };
        for file in &site.files {
            let info: Value = workbench_plugin::serde_json::from_slice(&file.contents)
                .map_err(|error| Error::InvalidInput(format!("{}: not an `images` sidecar ({error})", file.path)))?;
            let Some(path) = info.get("path").and_then(Value::as_str) else {
                return Err(Error::InvalidInput(format!("{}: not an `images` sidecar (it has no `path`)", file.path)));
            };
            images.insert(path.to_string(), info.clone());
        }
        metadata.insert(settings.key.clone(), Value::Object(images));
        let files = if settings.keep { site.files } else { Vec::new() };
        Ok(Site { files, metadata: metadata_text(metadata), reads: site.reads })
    }
}

workbench_plugin::export_site_step!(ImageIndex);
