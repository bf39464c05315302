//! The template environment of `layouts` and `in-place`: minijinja (Jinja2
//! syntax: inheritance with `extends`/`block`, `include`, macros, filters),
//! loading templates from the project files the step read, so a template
//! can name any other under the same directory.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use minijinja::value::Value as TemplateValue;
use minijinja::{Environment, ErrorKind, UndefinedBehavior};
use workbench_plugin::serde_json::{Map, Value};
use workbench_plugin::site_step::{Error, ProjectFile};

/// Templates by name (their path below `directory`), and the environment.
pub struct Templates {
    env: Environment<'static>,
    names: Arc<BTreeMap<String, String>>,
}

impl Templates {
    /// `reads` are the project files the step asked for; those under
    /// `directory` become templates named by their path below it.
    pub fn new(reads: Vec<ProjectFile>, directory: &str, strict: bool) -> Result<Templates, Error> {
        let prefix = if directory.is_empty() { String::new() } else { format!("{}/", directory.trim_end_matches('/')) };
        let mut names = BTreeMap::new();
        for file in reads {
            let Some(name) = file.path.strip_prefix(&prefix) else { continue };
            let source = String::from_utf8(file.contents)
                .map_err(|_| Error::InvalidInput(format!("{}: a template must be UTF-8 text", file.path)))?;
            names.insert(name.to_string(), source);
        }
        let names = Arc::new(names);
        let mut env = Environment::new();
        let loader_names = Arc::clone(&names);
        env.set_loader(move |name| Ok(loader_names.get(name).cloned()));
        env.set_undefined_behavior(if strict { UndefinedBehavior::Strict } else { UndefinedBehavior::Lenient });
        env.set_keep_trailing_newline(true);
        env.set_formatter(html_formatter);
        env.add_filter("date", date_filter);
        env.add_filter("slugify", |text: String| crate::slugify(&text));
        Ok(Templates { env, names })
    }

    /// Template names, for "unknown layout" messages.
    pub fn names(&self) -> Vec<&str> {
        self.names.keys().map(String::as_str).collect()
    }

    pub fn has(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }

    /// Renders the named template; the error names the page and the
    /// template's own file and line.
    pub fn render(&self, name: &str, context: &TemplateValue, page: &str) -> Result<String, Error> {
        let template = self.env.get_template(name).map_err(|error| describe(&error, page))?;
        template.render(context).map_err(|error| describe(&error, page))
    }

    /// Renders a page's own text as a template (`in-place`).
    pub fn render_str(&self, source: &str, context: &TemplateValue, page: &str) -> Result<String, Error> {
        self.env.render_named_str(page, source, context).map_err(|error| describe(&error, page))
    }
}

/// Jinja's escaping: `&`, `<`, `>`, `"`, `'` in HTML. minijinja's default
/// also writes `/` as `&#x2f;`, which turns every URL in a page into noise.
fn html_formatter(
    out: &mut minijinja::Output<'_>,
    state: &minijinja::State<'_, '_>,
    value: &TemplateValue,
) -> Result<(), minijinja::Error> {
    if state.auto_escape() != minijinja::AutoEscape::Html || value.is_safe() || value.is_undefined() || value.is_none()
    {
        return minijinja::escape_formatter(out, state, value);
    }
    let text = value.to_string();
    out.write_str(&crate::xml_escape(&text).replace("&apos;", "&#39;"))
        .map_err(|_| minijinja::Error::new(ErrorKind::WriteFailure, "cannot write the rendered template"))
}

/// What a template sees: the site metadata and the page's metadata at the
/// top level (Metalsmith's flattening, page keys winning), and also
/// `site` and `page` by name, `contents` (not escaped), `path` and `url`.
pub fn context(site: &Map<String, Value>, page: &Map<String, Value>, path: &str, contents: &str) -> TemplateValue {
    let url = crate::url_of(path, page);
    let mut top: BTreeMap<String, TemplateValue> = BTreeMap::new();
    for (key, value) in site.iter().chain(page.iter()) {
        top.insert(key.clone(), TemplateValue::from_serialize(value));
    }
    let mut page_value = page.clone();
    page_value.insert("path".into(), Value::String(path.to_string()));
    page_value.insert("url".into(), Value::String(url.clone()));
    top.insert("site".into(), TemplateValue::from_serialize(site));
    top.insert("page".into(), TemplateValue::from_serialize(&page_value));
    top.insert("path".into(), TemplateValue::from(path));
    top.insert("url".into(), TemplateValue::from(url));
    top.insert("contents".into(), TemplateValue::from_safe_string(contents.to_string()));
    TemplateValue::from_serialize(&top)
}

/// minijinja's message ends with `(in TEMPLATE:LINE)`; the page goes first.
fn describe(error: &minijinja::Error, page: &str) -> Error {
    let mut message = format!("{page}: {error}");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let _ = write!(message, ": {cause}");
        source = cause.source();
    }
    if error.kind() == ErrorKind::TemplateNotFound {
        return Error::InvalidInput(message);
    }
    Error::Other(message)
}

/// `{{ date | date("%B %e, %Y") }}`: a date or date-time in front-matter
/// form, formatted with strftime codes (default `%Y-%m-%d`); `"rfc3339"`
/// and `"rfc2822"` name the feed formats. Text that is not a date is
/// returned as is.
#[allow(clippy::needless_pass_by_value, reason = "minijinja's filter signature takes values")]
fn date_filter(value: TemplateValue, format: Option<String>) -> Result<String, minijinja::Error> {
    let text = value.to_string();
    let format = format.unwrap_or_else(|| "%Y-%m-%d".into());
    let Some(moment) = parse_date(&text) else { return Ok(text) };
    Ok(match format.as_str() {
        "rfc3339" => moment.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "rfc2822" => moment.to_rfc2822(),
        _ => {
            let mut out = String::new();
            write!(out, "{}", moment.format(&format)).map_err(|_| {
                minijinja::Error::new(ErrorKind::InvalidOperation, format!("bad date format {format:?}"))
            })?;
            out
        }
    })
}

/// Front-matter dates: RFC 3339, `YYYY-MM-DD[ T]HH:MM[:SS]`, or a bare
/// date (midnight UTC).
pub fn parse_date(text: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
    let text = crate::date_key(text);
    if let Ok(moment) = DateTime::parse_from_rfc3339(&text) {
        return Some(moment);
    }
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(&text, format) {
            return Some(Utc.from_utc_datetime(&naive).fixed_offset());
        }
    }
    let date = NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok()?;
    Some(Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0)?).fixed_offset())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &str, text: &str) -> ProjectFile {
        ProjectFile { path: path.into(), contents: text.as_bytes().to_vec() }
    }

    #[test]
    fn inheritance_and_includes_resolve_within_the_directory() {
        let templates = Templates::new(
            vec![
                read("layouts/base.html", "<title>{% block title %}{% endblock %}</title>{% include \"nav.html\" %}{% block body %}{% endblock %}"),
                read("layouts/nav.html", "<nav>{{ site.name }}</nav>"),
                read("layouts/post.html", "{% extends \"base.html\" %}{% block title %}{{ title }}{% endblock %}{% block body %}{{ contents }}{% endblock %}"),
                read("other/x.html", "not a layout"),
            ],
            "layouts",
            false,
        )
        .unwrap();
        assert_eq!(templates.names(), ["base.html", "nav.html", "post.html"]);
        let site: Map<String, Value> = [("name".to_string(), Value::from("Site"))].into_iter().collect();
        let page: Map<String, Value> = [("title".to_string(), Value::from("A <b>"))].into_iter().collect();
        let html = templates.render("post.html", &context(&site, &page, "a.html", "<p>hi</p>"), "a.html").unwrap();
        assert_eq!(html, "<title>A &lt;b&gt;</title><nav>Site</nav><p>hi</p>");
    }

    #[test]
    fn errors_name_page_template_and_line() {
        let templates = Templates::new(vec![read("l/t.html", "line\n{{ broken( }}")], "l", false).unwrap();
        let error = templates.render("t.html", &context(&Map::new(), &Map::new(), "p.html", ""), "p.html").unwrap_err();
        let Error::Other(message) = error else { panic!("{error:?}") };
        assert!(message.starts_with("p.html: syntax error"), "{message}");
        assert!(message.contains("(in t.html:2)"), "{message}");
    }

    #[test]
    fn dates_format_with_strftime_codes() {
        assert_eq!(date_filter(TemplateValue::from("2024-05-01"), Some("%B %-d, %Y".into())).unwrap(), "May 1, 2024");
        assert_eq!(
            date_filter(TemplateValue::from("2024-05-01"), Some("rfc3339".into())).unwrap(),
            "2024-05-01T00:00:00Z"
        );
        assert_eq!(date_filter(TemplateValue::from("someday"), None).unwrap(), "someday");
    }
}
