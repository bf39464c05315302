//! `in-place`: renders a page's own text as a Jinja template and drops the
//! template extension (`about.md.jinja` → `about.md`), as
//! @metalsmith/in-place does with a jstransformer. `pattern` picks other
//! files to render too (`**/*.html`), which keep their names. The page sees
//! what a layout sees (site and page metadata); templates under `directory`
//! can be included or extended.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use site_kit::Globs;
use site_kit::templates::{Templates, context};
use workbench_plugin::site_step::{Error, Site, SiteStep, StepInfo, parse_metadata};

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct Settings {
    /// File extensions that mark a template; the step removes them.
    extensions: Vec<String>,
    /// The files to render (Metalsmith's `pattern`) [default: those with
    /// one of `extensions`].
    pattern: Option<Globs>,
    /// Templates a page may include or extend, relative to the project root.
    directory: String,
    strict: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            extensions: vec![".jinja".into(), ".j2".into(), ".njk".into()],
            pattern: None,
            directory: "layouts".into(),
            strict: false,
        }
    }
}

struct InPlace;

impl SiteStep for InPlace {
    type Options = Settings;

    fn describe(settings: &Settings) -> Result<StepInfo, Error> {
        if let Some(bad) = settings.extensions.iter().find(|extension| !extension.starts_with('.')) {
            return Err(site_kit::bad_options(format!("extension {bad:?} must start with `.`")));
        }
        Ok(StepInfo {
            per_file: true,
            patterns: Some(match &settings.pattern {
                Some(pattern) => pattern.to_vec(),
                None => settings.extensions.iter().map(|extension| format!("**/*{extension}")).collect(),
            }),
            reads: vec![format!("{}/**", settings.directory.trim_end_matches('/'))],
            copies: Vec::new(),
        })
    }

    fn run(mut site: Site, settings: &Settings) -> Result<Site, Error> {
        let templates = Templates::new(std::mem::take(&mut site.reads), &settings.directory, settings.strict)?;
        let site_metadata = parse_metadata(&site.metadata, "site")?;
        for file in &mut site.files {
            let metadata = site_kit::metadata(file)?;
            let source = std::str::from_utf8(&file.contents)
                .map_err(|_| Error::InvalidInput(format!("{}: a template must be UTF-8 text", file.path)))?;
            let stripped = settings
                .extensions
                .iter()
                .find_map(|extension| file.path.strip_suffix(extension.as_str()))
                .unwrap_or(&file.path)
                .to_string();
            let value = context(&site_metadata, &metadata, &stripped, "");
            file.contents = templates.render_str(source, &value, &file.path)?.into_bytes();
            file.path = stripped;
        }
        Ok(site)
    }
}

workbench_plugin::export_site_step!(InPlace);
