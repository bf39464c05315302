//! `table-of-contents`: a page's headings as a nested list in its
//! metadata (`toc`), as @metalsmith/table-of-contents and Zola's `toc` give
//! templates. Each entry has `level`, `id`, `title`, `url` (`#id`) and
//! `children`. A heading with no `id` gets one (GitHub's anchor of its
//! text, numbered when taken), so the links work and stay the same from
//! build to build. Runs on HTML, after `markdown`.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use lol_html::{RewriteStrSettings, element, rewrite_str, text};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use site_kit::Globs;
use workbench_plugin::serde_json::{Value, json};
use workbench_plugin::site_step::{Error, Site, SiteStep, StepInfo, metadata_text};

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct Settings {
    pattern: Globs,
    /// Heading levels to list, 1 to 6 (`[2, 3]` for h2 and h3).
    levels: Vec<u8>,
    /// The metadata key to fill.
    key: String,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { pattern: Globs::of(&["**/*.html"]), levels: vec![1, 2, 3, 4, 5, 6], key: "toc".into() }
    }
}

/// One heading as read.
#[derive(Debug, Default)]
struct Heading {
    level: u8,
    id: Option<String>,
    title: String,
    /// Where in the page an ` id="..."` goes: just after the tag name.
    insert_at: usize,
}

struct TableOfContents;

impl SiteStep for TableOfContents {
    type Options = Settings;

    fn describe(settings: &Settings) -> Result<StepInfo, Error> {
        if let Some(bad) = settings.levels.iter().find(|level| !(1..=6).contains(*level)) {
            return Err(site_kit::bad_options(format!("`levels`: {bad} is not a heading level; use 1 to 6")));
        }
        Ok(StepInfo {
            per_file: true,
            patterns: Some(settings.pattern.to_vec()),
            reads: Vec::new(),
            copies: Vec::new(),
        })
    }

    fn run(mut site: Site, settings: &Settings) -> Result<Site, Error> {
        let selector = settings.levels.iter().map(|level| format!("h{level}")).collect::<Vec<_>>().join(", ");
        if selector.is_empty() {
            return Ok(site);
        }
        for file in &mut site.files {
            let html = std::str::from_utf8(&file.contents)
                .map_err(|_| Error::InvalidInput(format!("{}: a page must be UTF-8 HTML", file.path)))?;
            let (headings, taken) =
                read(html, &selector).map_err(|error| Error::InvalidInput(format!("{}: {error}", file.path)))?;
            let ids = assign_ids(&headings, taken);
            let html = if headings.iter().all(|heading| heading.id.is_some()) {
                None
            } else {
                Some(write_ids(html, &headings, &ids))
            };
            let mut metadata = site_kit::metadata(file)?;
            metadata.insert(settings.key.clone(), Value::Array(nest(&headings, &ids)));
            file.metadata = metadata_text(metadata);
            if let Some(html) = html {
                file.contents = html.into_bytes();
            }
        }
        Ok(site)
    }
}

/// The headings the selector matches, in order, and every `id` already on
/// the page (so a new one does not collide with any).
fn read(html: &str, selector: &str) -> Result<(Vec<Heading>, HashSet<String>), lol_html::errors::RewritingError> {
    let headings: Rc<RefCell<Vec<Heading>>> = Rc::default();
    let taken: Rc<RefCell<HashSet<String>>> = Rc::default();
    let (on_heading, on_text, on_id) = (Rc::clone(&headings), Rc::clone(&headings), Rc::clone(&taken));
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!("[id]", move |el| {
            if let Some(id) = el.get_attribute("id") {
                on_id.borrow_mut().insert(id);
            }
            Ok(())
        }))
        .append_element_content_handler(element!(selector, move |el| {
            let name = el.tag_name();
            let level = name.trim_start_matches(['h', 'H']).parse().unwrap_or(0);
            let id = el.get_attribute("id").filter(|id| !id.is_empty());
            let insert_at = el.source_location().bytes().start + 1 + name.len();
            on_heading.borrow_mut().push(Heading { level, id, title: String::new(), insert_at });
            Ok(())
        }))
        .append_element_content_handler(text!(selector, move |chunk| {
            if let Some(heading) = on_text.borrow_mut().last_mut() {
                heading.title.push_str(chunk.as_str());
            }
            Ok(())
        }));
    rewrite_str(html, settings)?;
    let mut headings = Rc::try_unwrap(headings).map(RefCell::into_inner).unwrap_or_default();
    for heading in &mut headings {
        let text = heading.title.split_whitespace().collect::<Vec<_>>().join(" ");
        heading.title = html_escape::decode_html_entities(&text).into_owned();
    }
    let taken = Rc::try_unwrap(taken).map(RefCell::into_inner).unwrap_or_default();
    Ok((headings, taken))
}

/// Each heading's id: its own, else its text's anchor, numbered (`-1`,
/// `-2`) when the page already uses it.
fn assign_ids(headings: &[Heading], mut taken: HashSet<String>) -> Vec<String> {
    headings
        .iter()
        .map(|heading| {
            if let Some(id) = &heading.id {
                return id.clone();
            }
            let base = match site_kit::anchor(&heading.title) {
                anchor if anchor.is_empty() => "section".to_string(),
                anchor => anchor,
            };
            let mut id = base.clone();
            let mut count = 0;
            while taken.contains(&id) {
                count += 1;
                id = format!("{base}-{count}");
            }
            taken.insert(id.clone());
            id
        })
        .collect()
}

/// The page with the new ids on the headings that had none, spliced in
/// where `read` saw each tag, so the page is not parsed a second time.
fn write_ids(html: &str, headings: &[Heading], ids: &[String]) -> String {
    let mut out = String::with_capacity(html.len() + headings.len() * 16);
    let mut copied = 0;
    for (heading, id) in headings.iter().zip(ids) {
        if heading.id.is_some() || heading.insert_at < copied || heading.insert_at > html.len() {
            continue;
        }
        out.push_str(&html[copied..heading.insert_at]);
        out.push_str(" id=\"");
        out.push_str(&id.replace('&', "&amp;").replace('"', "&quot;"));
        out.push('"');
        copied = heading.insert_at;
    }
    out.push_str(&html[copied..]);
    out
}

/// The flat headings as a tree: each heading is a child of the nearest
/// heading before it with a smaller level.
fn nest(headings: &[Heading], ids: &[String]) -> Vec<Value> {
    fn take(headings: &[(u8, Value)], at: &mut usize, parent: u8) -> Vec<Value> {
        let mut out = Vec::new();
        while let Some((level, entry)) = headings.get(*at) {
            if *level <= parent {
                break;
            }
            *at += 1;
            let mut entry = entry.clone();
            entry["children"] = Value::Array(take(headings, at, *level));
            out.push(entry);
        }
        out
    }
    let flat: Vec<(u8, Value)> = headings
        .iter()
        .zip(ids)
        .map(|(heading, id)| {
            let entry = json!({ "level": heading.level, "id": id, "title": heading.title, "url": format!("#{id}") });
            (heading.level, entry)
        })
        .collect();
    // Every level is above 0, so the top call takes every heading; a
    // heading shallower than an earlier one becomes that one's sibling.
    take(&flat, &mut 0, 0)
}

workbench_plugin::export_site_step!(TableOfContents);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_nest_under_the_nearest_shallower_one() {
        let html = "<h1>Title</h1><h2>One</h2><h3>One.a</h3><h2 id=\"two\">Two</h2><h4>Deep</h4>";
        let (headings, taken) = read(html, "h1, h2, h3, h4").unwrap();
        let ids = assign_ids(&headings, taken);
        assert_eq!(ids, ["title", "one", "onea", "two", "deep"]);
        let toc = Value::Array(nest(&headings, &ids));
        assert_eq!(toc[0]["children"][0]["children"][0]["title"], "One.a");
        assert_eq!(toc[0]["children"][1]["children"][0]["id"], "deep");
        // A page that starts deeper than it goes on: siblings at the top.
        let (headings, taken) = read("<h3>A</h3><h2>B</h2>", "h2, h3").unwrap();
        let ids = assign_ids(&headings, taken);
        assert_eq!(nest(&headings, &ids).len(), 2);
    }

    #[test]
    fn ids_already_on_the_page_are_not_reused() {
        let html = "<p id=\"intro\">x</p><h2>Intro</h2><h2>Intro</h2>";
        let (headings, taken) = read(html, "h2").unwrap();
        assert_eq!(assign_ids(&headings, taken), ["intro-1", "intro-2"]);
    }

    #[test]
    fn text_in_inline_elements_and_entities_counts() {
        let (headings, _) = read("<h2>Use <code>a &amp; b</code>\n now</h2>", "h2").unwrap();
        assert_eq!(headings[0].title, "Use a & b now");
    }
}
