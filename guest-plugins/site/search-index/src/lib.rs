//! `search-index`: one JSON file for client-side search, as Zola's search
//! index gives a site's script: for each page its `url`, `title`,
//! `description` (when the page has one), `headings` (`id`, `text`) and
//! `body` (its text), sorted by URL. A page with `search: false` in its
//! front matter is left out. The index must fit `max-bytes`, since every
//! visitor who searches downloads it whole; over budget is an error that
//! names the pages that weigh most and the options that help.

use std::cell::RefCell;
use std::rc::Rc;

use lol_html::{RewriteStrSettings, doc_text, element, end_tag, rewrite_str, text};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use site_kit::Globs;
use workbench_plugin::serde_json::{self, Map, Value, json};
use workbench_plugin::site_step::{Error, Site, SiteFile, SiteStep, StepInfo};

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct Settings {
    /// The pages to index.
    pattern: Globs,
    /// Where the index is written, from the output root.
    output: String,
    /// Put each page's text in `body` (off: titles and headings only).
    include_content: bool,
    /// Keep at most this many characters of each page's text.
    truncate_content_length: Option<usize>,
    /// Elements whose text is left out (CSS selectors), besides `head`,
    /// `script`, `style`, `noscript` and `template`.
    ignore: Vec<String>,
    /// The most the index may weigh, in bytes.
    max_bytes: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            pattern: Globs::of(&["**/*.html"]),
            output: "search-index.json".into(),
            include_content: true,
            truncate_content_length: None,
            ignore: vec!["nav".into(), "header".into(), "footer".into(), "[data-search-ignore]".into()],
            max_bytes: 2 * 1024 * 1024,
        }
    }
}

/// Never text a reader searches for.
const ALWAYS_IGNORED: &str = "head, script, style, noscript, template";
/// Elements that separate words: their text never runs into a neighbour's.
const BLOCKS: &str = "p, div, li, dt, dd, br, hr, td, th, h1, h2, h3, h4, h5, h6, pre, blockquote, section, article, aside, figure, figcaption, table, tr, ul, ol";
const HEADINGS: &str = "h1, h2, h3, h4, h5, h6";

struct SearchIndex;

impl SiteStep for SearchIndex {
    type Options = Settings;

    fn describe(settings: &Settings) -> Result<StepInfo, Error> {
        if settings.output.is_empty()
            || settings.output.starts_with('/')
            || settings.output.split('/').any(|p| p == "..")
        {
            return Err(site_kit::bad_options(format!(
                "`output`: \"{}\" must be a path inside the output, such as \"search-index.json\"",
                settings.output
            )));
        }
        for selector in &settings.ignore {
            if let Err(error) = selector.parse::<lol_html::Selector>() {
                return Err(site_kit::bad_options(format!(
                    "`ignore`: \"{selector}\" is not a CSS selector this step can match ({error})"
                )));
            }
        }
        Ok(StepInfo {
            per_file: false,
            patterns: Some(settings.pattern.to_vec()),
            reads: Vec::new(),
            copies: Vec::new(),
        })
    }

    fn run(mut site: Site, settings: &Settings) -> Result<Site, Error> {
        let mut entries = Vec::new();
        for file in &site.files {
            let metadata = site_kit::metadata(file)?;
            if metadata.get("search") == Some(&Value::Bool(false)) {
                continue;
            }
            let html = std::str::from_utf8(&file.contents)
                .map_err(|_| Error::InvalidInput(format!("{}: a page must be UTF-8 HTML", file.path)))?;
            let page =
                read(html, &settings.ignore).map_err(|error| Error::InvalidInput(format!("{}: {error}", file.path)))?;
            entries.push((file.path.clone(), entry(&file.path, &metadata, page, settings)));
        }
        entries.sort_by(|a, b| a.1["url"].as_str().cmp(&b.1["url"].as_str()));
        let index = Value::Array(entries.iter().map(|(_, entry)| entry.clone()).collect());
        let text = serde_json::to_string(&index).map_err(|error| Error::Other(error.to_string()))?;
        if text.len() > settings.max_bytes {
            return Err(Error::InvalidInput(over_budget(&entries, text.len(), settings.max_bytes)));
        }
        site.files.push(SiteFile {
            path: settings.output.clone(),
            source: String::new(),
            contents: text.into_bytes(),
            metadata: "{}".into(),
        });
        Ok(site)
    }
}

/// What a page contributes, as read.
#[derive(Debug, Default)]
struct Page {
    title: String,
    /// Which of `headings` is the first `h1`.
    first_h1: Option<usize>,
    headings: Vec<(String, String)>,
    body: String,
    ignored: usize,
    in_heading: bool,
}

fn read(html: &str, ignore: &[String]) -> Result<Page, lol_html::errors::RewritingError> {
    let page: Rc<RefCell<Page>> = Rc::default();
    let mut ignored = ALWAYS_IGNORED.to_string();
    for selector in ignore {
        ignored.push_str(", ");
        ignored.push_str(selector);
    }
    let (on_ignored, on_block, on_heading, on_text, on_title) =
        (Rc::clone(&page), Rc::clone(&page), Rc::clone(&page), Rc::clone(&page), Rc::clone(&page));
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!(ignored, move |el| {
            let page = Rc::clone(&on_ignored);
            if el.can_have_content() {
                page.borrow_mut().ignored += 1;
                el.on_end_tag(end_tag!(move |_| {
                    page.borrow_mut().ignored -= 1;
                    Ok(())
                }))?;
            }
            Ok(())
        }))
        .append_element_content_handler(element!(BLOCKS, move |_| {
            on_block.borrow_mut().body.push(' ');
            Ok(())
        }))
        .append_element_content_handler(element!(HEADINGS, move |el| {
            let page = Rc::clone(&on_heading);
            if page.borrow().ignored > 0 {
                return Ok(());
            }
            let id = el.get_attribute("id").unwrap_or_default();
            let level_one = el.tag_name().eq_ignore_ascii_case("h1");
            {
                let mut page = page.borrow_mut();
                if level_one && page.first_h1.is_none() {
                    page.first_h1 = Some(page.headings.len());
                }
                page.headings.push((id, String::new()));
                page.in_heading = true;
            }
            if el.can_have_content() {
                el.on_end_tag(end_tag!(move |_| {
                    page.borrow_mut().in_heading = false;
                    Ok(())
                }))?;
            }
            Ok(())
        }))
        .append_element_content_handler(text!("head > title", move |chunk| {
            on_title.borrow_mut().title.push_str(chunk.as_str());
            Ok(())
        }))
        .append_document_content_handler(doc_text!(move |chunk| {
            let mut page = on_text.borrow_mut();
            if page.ignored > 0 {
                return Ok(());
            }
            page.body.push_str(chunk.as_str());
            if page.in_heading
                && let Some((_, heading)) = page.headings.last_mut()
            {
                heading.push_str(chunk.as_str());
            }
            Ok(())
        }));
    rewrite_str(html, settings)?;
    let mut page = Rc::try_unwrap(page).map(RefCell::into_inner).unwrap_or_default();
    page.title = clean(&page.title);
    page.body = clean(&page.body);
    for (_, heading) in &mut page.headings {
        *heading = clean(heading);
    }
    Ok(page)
}

/// Whitespace collapsed and character references decoded.
fn clean(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    html_escape::decode_html_entities(&collapsed).into_owned()
}

fn entry(path: &str, metadata: &Map<String, Value>, page: Page, settings: &Settings) -> Value {
    let title = match metadata.get("title") {
        Some(Value::String(title)) => title.clone(),
        _ => page
            .first_h1
            .and_then(|at| page.headings.get(at))
            .map(|(_, text)| text.clone())
            .filter(|h1| !h1.is_empty())
            .unwrap_or(page.title),
    };
    let mut entry = json!({ "url": site_kit::url_of(path, metadata), "title": title });
    if let Some(Value::String(description)) = metadata.get("description") {
        entry["description"] = Value::String(description.clone());
    }
    entry["headings"] = page
        .headings
        .into_iter()
        .filter(|(_, text)| !text.is_empty())
        .map(|(id, text)| json!({ "id": id, "text": text }))
        .collect();
    if settings.include_content {
        let body = match settings.truncate_content_length {
            Some(limit) => page.body.chars().take(limit).collect(),
            None => page.body,
        };
        entry["body"] = Value::String(body);
    }
    entry
}

/// The error for an index over budget: its size, the heaviest pages, and
/// what to change.
fn over_budget(entries: &[(String, Value)], size: usize, budget: usize) -> String {
    let mut weights: Vec<(usize, &str)> =
        entries.iter().map(|(path, entry)| (entry.to_string().len(), path.as_str())).collect();
    weights.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let heaviest: Vec<String> =
        weights.iter().take(3).map(|(bytes, path)| format!("{path} ({})", kilobytes(*bytes))).collect();
    format!(
        "the search index of {} is {}, over its budget of {} (`max-bytes`); the heaviest pages are {}. \
         Set `truncate-content-length`, leave pages out with `search: false`, or raise `max-bytes`",
        if entries.len() == 1 { "1 page".to_string() } else { format!("{} pages", entries.len()) },
        kilobytes(size),
        kilobytes(budget),
        heaviest.join(", ")
    )
}

fn kilobytes(bytes: usize) -> String {
    if bytes < 10_000 { format!("{bytes} bytes") } else { format!("{}.{} kB", bytes / 1000, bytes % 1000 / 100) }
}

workbench_plugin::export_site_step!(SearchIndex);

#[cfg(test)]
mod tests {
    use super::*;

    fn ignore() -> Vec<String> {
        Settings::default().ignore
    }

    #[test]
    fn text_skips_scripts_navigation_and_the_head_and_keeps_words_apart() {
        let html = "<html><head><title>T</title><style>p{}</style></head><body><nav>Menu</nav><h1 id=\"a\">Big &amp; <em>bold</em></h1><p>one</p><p>two<script>x()</script></p><footer>(c)</footer></body></html>";
        let page = read(html, &ignore()).unwrap();
        assert_eq!(page.body, "Big & bold one two");
        assert_eq!(page.title, "T");
        assert_eq!(page.first_h1, Some(0));
        assert_eq!(page.headings, [("a".to_string(), "Big & bold".to_string())]);
    }

    #[test]
    fn the_title_comes_from_metadata_then_the_first_h1_then_the_title_element() {
        let settings = Settings::default();
        let page = || read("<head><title>Tab</title></head><h2>Sub</h2><h1>Top</h1><h1>Other</h1>", &ignore()).unwrap();
        let mut metadata = Map::new();
        assert_eq!(entry("a.html", &metadata, page(), &settings)["title"], "Top");
        metadata.insert("title".into(), json!("Meta"));
        assert_eq!(entry("a.html", &metadata, page(), &settings)["title"], "Meta");
        let bare = read("<head><title>Tab</title></head><p>x</p>", &ignore()).unwrap();
        assert_eq!(entry("a.html", &Map::new(), bare, &settings)["title"], "Tab");
    }

    #[test]
    fn over_budget_names_the_heaviest_pages_first() {
        let entries =
            vec![("a.html".to_string(), json!({ "body": "x" })), ("b.html".to_string(), json!({ "body": "xxxxxxxx" }))];
        let message = over_budget(&entries, 30_000, 20_000);
        assert!(message.contains("of 2 pages is 30.0 kB, over its budget of 20.0 kB"), "{message}");
        assert!(message.contains("heaviest pages are b.html"), "{message}");
    }
}
