//! Handlebars layouts and partials (`.hbs`, `.handlebars`), the other
//! engine Metalsmith sites pick (jstransformer-handlebars), rendered by
//! the handlebars crate. Every such template is also a partial, by its
//! path without the extension (`{{> partials/nav}}`) and, under a
//! `partials/` folder, by its path below it (`{{> nav}}`), as
//! metalsmith-discover-partials registers them.

use std::collections::BTreeMap;

use handlebars::{Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderError, RenderErrorReason};
use workbench_plugin::serde_json::Value;
use workbench_plugin::site_step::Error;

use crate::templates::is_handlebars;

/// A registry of the Handlebars templates among `names`.
pub fn registry(names: &BTreeMap<String, String>, strict: bool) -> Result<Handlebars<'static>, Error> {
    let mut registry = Handlebars::new();
    registry.set_strict_mode(strict);
    registry.register_helper("date", Box::new(date_helper));
    for (name, source) in names.iter().filter(|(name, _)| is_handlebars(name)) {
        registry.register_template_string(name, source).map_err(|error| template_error(name, &error))?;
        let stem = name.rsplit_once('.').map_or(name.as_str(), |(stem, _)| stem);
        let mut partial_names = vec![stem];
        if let Some(below) =
            stem.strip_prefix("partials/").or_else(|| stem.split_once("/partials/").map(|(_, below)| below))
        {
            partial_names.push(below);
        }
        for partial in partial_names {
            registry.register_partial(partial, source).map_err(|error| template_error(name, &error))?;
        }
    }
    Ok(registry)
}

pub fn render(registry: &Handlebars<'_>, name: &str, context: &Value, page: &str) -> Result<String, Error> {
    // The crate's message names the template, line and column.
    registry.render(name, context).map_err(|error| Error::Other(format!("{page}: {error}")))
}

fn template_error(name: &str, error: &handlebars::TemplateError) -> Error {
    Error::InvalidInput(format!("{name}: {error}"))
}

/// `{{date published "%B %e, %Y"}}`: the `date` filter of the Jinja
/// templates, for Handlebars.
fn date_helper(
    helper: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let value = helper.param(0).ok_or_else(|| RenderErrorReason::ParamNotFoundForIndex("date", 0))?;
    let text = match value.value() {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    let format = helper.param(1).and_then(|format| format.value().as_str().map(str::to_string));
    let formatted = crate::templates::format_date(&text, format.as_deref())
        .map_err(|message| RenderError::from(RenderErrorReason::Other(message)))?;
    out.write(&formatted)?;
    Ok(())
}
