//! `layouts`: wraps each page in the template its front matter names
//! (`layout: post` or `layout: post.html`), or in `default`, as
//! @metalsmith/layouts does. Templates are Jinja (minijinja): `extends`
//! and `block` for inheritance, `include` for partials, macros, filters
//! (Jinja's, plus `date` and `slugify`). A layout that does not exist is an
//! error naming the page and the layouts there are; nothing is skipped
//! silently.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use site_kit::Globs;
use site_kit::templates::{Templates, context};
use workbench_plugin::serde_json::Value;
use workbench_plugin::site_step::{Error, Site, SiteStep, StepInfo, parse_metadata};

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct Settings {
    /// Where layouts live, relative to the project root.
    directory: String,
    /// The layout of pages that name none; without it they pass untouched.
    default: Option<String>,
    /// Pages to lay out.
    pattern: Globs,
    /// Tried after a layout name without an extension.
    extension: String,
    /// An undefined variable in a template is an error, not empty text.
    strict: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            directory: "layouts".into(),
            default: None,
            pattern: Globs::of(&["**/*.html"]),
            extension: ".html".into(),
            strict: false,
        }
    }
}

struct Layouts;

impl SiteStep for Layouts {
    type Options = Settings;

    fn describe(settings: &Settings) -> Result<StepInfo, Error> {
        Ok(StepInfo {
            per_file: true,
            patterns: Some(settings.pattern.to_vec()),
            reads: vec![format!("{}/**", settings.directory.trim_end_matches('/'))],
            copies: Vec::new(),
        })
    }

    fn run(mut site: Site, settings: &Settings) -> Result<Site, Error> {
        let templates = Templates::new(std::mem::take(&mut site.reads), &settings.directory, settings.strict)?;
        let site_metadata = parse_metadata(&site.metadata, "site")?;
        for file in &mut site.files {
            let metadata = site_kit::metadata(file)?;
            let named = match metadata.get("layout") {
                Some(Value::String(name)) => Some(name.clone()),
                Some(Value::Bool(false) | Value::Null) => None,
                Some(other) => {
                    return Err(Error::InvalidInput(format!(
                        "{}: `layout` must be a template name, not {other}",
                        file.path
                    )));
                }
                None => settings.default.clone(),
            };
            let Some(named) = named else { continue };
            let layout = resolve(&templates, &named, &settings.extension).ok_or_else(|| {
                let known = templates.names();
                Error::InvalidInput(format!(
                    "{}: layout `{named}` is not in {}/ ({}); fix the page's `layout:` or add the file",
                    file.path,
                    settings.directory,
                    if known.is_empty() {
                        "it has no templates".to_string()
                    } else {
                        format!("it has {}", known.join(", "))
                    }
                ))
            })?;
            let contents = String::from_utf8_lossy(&file.contents);
            let value = context(&site_metadata, &metadata, &file.path, &contents);
            file.contents = templates.render(&layout, &value, &file.path)?.into_bytes();
        }
        Ok(site)
    }
}

/// `post.html` as is; `post` → `post` + `extension`, else the first of
/// the other engines' extensions there is (`post.njk`, `post.hbs`, ...).
fn resolve(templates: &Templates, name: &str, extension: &str) -> Option<String> {
    if templates.has(name) {
        return Some(name.to_string());
    }
    std::iter::once(extension)
        .chain(ENGINE_EXTENSIONS)
        .map(|extension| format!("{name}{extension}"))
        .find(|candidate| templates.has(candidate))
}

/// Tried, in order, after `extension`.
const ENGINE_EXTENSIONS: [&str; 5] = [".html", ".njk", ".jinja", ".hbs", ".handlebars"];

workbench_plugin::export_site_step!(Layouts);
