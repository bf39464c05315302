//! The template environment of `layouts` and `in-place`: minijinja (Jinja2
//! syntax: inheritance with `extends`/`block`, `include`, macros, filters),
//! loading templates from the project files the step read, so a template
//! can name any other under the same directory.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

pub use minijinja::value::Value as TemplateValue;
use minijinja::{Environment, ErrorKind, UndefinedBehavior};
use workbench_plugin::serde_json::{Map, Value};
use workbench_plugin::site_step::{Error, ProjectFile};

/// Templates by name (their path below `directory`), and the environment.
pub struct Templates {
    env: Environment<'static>,
    names: Arc<BTreeMap<String, String>>,
    /// The `.hbs` templates, when there are any and the step renders them.
    #[cfg(feature = "handlebars")]
    handlebars: Option<handlebars::Handlebars<'static>>,
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
            let source = if is_nunjucks(name) { nunjucks_compat(&source) } else { source };
            names.insert(name.to_string(), source);
        }
        let names = Arc::new(names);
        let mut env = Environment::new();
        let loader_names = Arc::clone(&names);
        env.set_loader(move |name| Ok(loader_names.get(name).cloned()));
        // `./x` and `../x` from the including template's folder, as
        // Nunjucks resolves them; other names from the template folder.
        env.set_path_join_callback(|name, parent| match name.strip_prefix("./") {
            None if !name.starts_with("../") => name.into(),
            _ => join_relative(name, parent).into(),
        });
        env.set_undefined_behavior(if strict { UndefinedBehavior::Strict } else { UndefinedBehavior::Lenient });
        env.set_keep_trailing_newline(true);
        env.set_formatter(html_formatter);
        env.add_filter("date", date_filter);
        env.add_filter("slugify", |text: String| crate::slugify(&text));
        // Nunjucks' name for `tojson`.
        env.add_filter("dump", minijinja::filters::tojson);
        #[cfg(feature = "handlebars")]
        let handlebars = if names.keys().any(|name| is_handlebars(name)) {
            Some(crate::handlebars::registry(&names, strict)?)
        } else {
            None
        };
        Ok(Templates {
            env,
            names,
            #[cfg(feature = "handlebars")]
            handlebars,
        })
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
        if is_handlebars(name) {
            return self.render_handlebars(name, context, page);
        }
        let template = self.env.get_template(name).map_err(|error| describe(&error, page))?;
        template.render(context).map_err(|error| describe(&error, page))
    }

    /// Renders a page's own text as a template (`in-place`).
    pub fn render_str(&self, source: &str, context: &TemplateValue, page: &str) -> Result<String, Error> {
        let source = if is_nunjucks(page) { Cow::Owned(nunjucks_compat(source)) } else { Cow::Borrowed(source) };
        self.env.render_named_str(page, &source, context).map_err(|error| describe(&error, page))
    }
}

#[cfg(feature = "handlebars")]
impl Templates {
    fn render_handlebars(&self, name: &str, context: &TemplateValue, page: &str) -> Result<String, Error> {
        let Some(registry) = &self.handlebars else {
            return Err(Error::InvalidInput(format!("{page}: template `{name}` is not there")));
        };
        let context = workbench_plugin::serde_json::to_value(context)
            .map_err(|error| Error::Other(format!("{page}: the template context: {error}")))?;
        crate::handlebars::render(registry, name, &context, page)
    }
}

#[cfg(not(feature = "handlebars"))]
impl Templates {
    #[allow(clippy::unused_self, reason = "the same signature as with the feature")]
    fn render_handlebars(&self, name: &str, _: &TemplateValue, page: &str) -> Result<String, Error> {
        Err(Error::InvalidInput(format!(
            "{page}: `{name}` is a Handlebars template, which only the `layouts` step renders; use a Jinja or Nunjucks template here"
        )))
    }
}

/// `.hbs` and `.handlebars` templates are Handlebars; the rest Jinja.
pub fn is_handlebars(name: &str) -> bool {
    std::path::Path::new(name)
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("hbs") || extension.eq_ignore_ascii_case("handlebars"))
}

fn is_nunjucks(name: &str) -> bool {
    std::path::Path::new(name).extension().is_some_and(|extension| extension.eq_ignore_ascii_case("njk"))
}

/// `name` (`./x` or `../x`) from the folder of `parent`; a path that would
/// leave the template folder stays as given, and is then not found.
fn join_relative(name: &str, parent: &str) -> String {
    let mut parts: Vec<&str> = parent.split('/').collect();
    parts.pop();
    for segment in name.split('/') {
        match segment {
            "." | "" => {}
            ".." => {
                if parts.pop().is_none() {
                    return name.to_string();
                }
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// The Nunjucks spellings real Metalsmith layouts use that Jinja lacks,
/// rewritten before minijinja parses them: quoted names in `{% from "f"
/// import "a", "b" as c %}`. Anything else Nunjucks-only is left for
/// minijinja to refuse by name.
fn nunjucks_compat(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(open) = rest.find("{%") {
        let Some(close) = rest[open..].find("%}").map(|at| open + at + 2) else { break };
        out.push_str(&rest[..open]);
        let tag = &rest[open..close];
        let body = tag[2..tag.len() - 2].trim_matches(|c: char| c == '-' || c == '+' || c.is_whitespace());
        match body.strip_prefix("from ").and_then(|from| from.split_once(" import ")) {
            Some((_, names)) => {
                let at = tag.rfind(names).unwrap_or(0);
                out.push_str(&tag[..at]);
                out.push_str(&unquote_names(names));
                out.push_str(&tag[at + names.len()..]);
            }
            None => out.push_str(tag),
        }
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

/// `"a", 'b' as c` → `a, b as c`: quotes dropped from names that are
/// identifiers.
fn unquote_names(names: &str) -> String {
    names
        .split(',')
        .map(|item| {
            let trimmed = item.trim_start();
            let lead = &item[..item.len() - trimmed.len()];
            let (name, tail) = trimmed.split_at(trimmed.find(char::is_whitespace).unwrap_or(trimmed.len()));
            let bare = name
                .strip_prefix('"')
                .and_then(|n| n.strip_suffix('"'))
                .or_else(|| name.strip_prefix('\'').and_then(|n| n.strip_suffix('\'')))
                .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_alphanumeric() || c == '_'));
            format!("{lead}{}{tail}", bare.unwrap_or(name))
        })
        .collect::<Vec<_>>()
        .join(",")
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
/// `site` (the metadata, with the keys of a `site` table in it) and `page`
/// by name, `contents` (not escaped), `path` and `url`.
pub fn context(site: &Map<String, Value>, page: &Map<String, Value>, path: &str, contents: &str) -> TemplateValue {
    let url = crate::url_of(path, page);
    let mut top: BTreeMap<String, TemplateValue> = BTreeMap::new();
    for (key, value) in site.iter().chain(page.iter()) {
        top.insert(key.clone(), TemplateValue::from_serialize(value));
    }
    let mut page_value = page.clone();
    page_value.insert("path".into(), Value::String(path.to_string()));
    page_value.insert("url".into(), Value::String(url.clone()));
    // Metadata may have a `site` table of its own (Metalsmith sites often
    // do): its keys are reachable as `site.KEY` too, winning over the
    // metadata's own.
    let site_value = match site.get("site") {
        Some(Value::Object(own)) => {
            let mut merged = site.clone();
            merged.extend(own.iter().map(|(key, value)| (key.clone(), value.clone())));
            Cow::Owned(merged)
        }
        _ => Cow::Borrowed(site),
    };
    top.insert("site".into(), TemplateValue::from_serialize(&*site_value));
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
    format_date(&value.to_string(), format.as_deref())
        .map_err(|message| minijinja::Error::new(ErrorKind::InvalidOperation, message))
}

/// A front-matter date in `format` (strftime codes, default `%Y-%m-%d`;
/// `"rfc3339"` and `"rfc2822"` for feeds); text that is not a date as is.
pub fn format_date(text: &str, format: Option<&str>) -> Result<String, String> {
    let format = format.unwrap_or("%Y-%m-%d");
    let Some(moment) = parse_date(text) else { return Ok(text.to_string()) };
    Ok(match format {
        "rfc3339" => moment.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "rfc2822" => moment.to_rfc2822(),
        _ => {
            let mut out = String::new();
            write!(out, "{}", moment.format(format)).map_err(|_| format!("bad date format {format:?}"))?;
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
    fn nunjucks_layouts_import_quoted_names_from_relative_paths() {
        let templates = Templates::new(
            vec![
                read("layouts/page.njk", "{%- from \"./partials/nav.njk\" import \"nav\", 'item' as entry -%}{{ nav(title) }}|{{ entry() }}|{{ links | dump }}"),
                read("layouts/partials/nav.njk", "{% macro nav(t) %}<nav>{{ t }}</nav>{% endmacro %}{% macro item() %}i{% endmacro %}{% include \"../footer.njk\" %}"),
                read("layouts/footer.njk", "footer"),
            ],
            "layouts",
            true,
        )
        .unwrap();
        let page: Map<String, Value> =
            [("title".to_string(), Value::from("T")), ("links".to_string(), Value::from(vec![1, 2]))]
                .into_iter()
                .collect();
        let html = templates.render("page.njk", &context(&Map::new(), &page, "a.html", ""), "a.html").unwrap();
        assert_eq!(html, "<nav>T</nav>|i|[1,2]");
    }

    #[test]
    fn quoted_import_names_are_unquoted_only_in_nunjucks_from_tags() {
        assert_eq!(nunjucks_compat(r#"{% from "f" import "a", 'b' as c %}"#), r#"{% from "f" import a, b as c %}"#);
        assert_eq!(nunjucks_compat(r#"{{ "import" }} {% set x = "a" %}"#), r#"{{ "import" }} {% set x = "a" %}"#);
        assert_eq!(
            nunjucks_compat(r#"{% from "f" import "not an identifier" %}"#),
            r#"{% from "f" import "not an identifier" %}"#
        );
    }

    #[test]
    fn a_site_table_in_the_metadata_is_reachable_as_site_dot_key() {
        let templates = Templates::new(
            vec![read("l/t.html", "{{ site.title }} {{ site.other }} {{ site.site.title }}")],
            "l",
            true,
        )
        .unwrap();
        let site: Map<String, Value> =
            workbench_plugin::serde_json::from_str(r#"{"site": {"title": "X"}, "other": "Y"}"#).unwrap();
        let html = templates.render("t.html", &context(&site, &Map::new(), "p.html", ""), "p.html").unwrap();
        assert_eq!(html, "X Y X");
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
