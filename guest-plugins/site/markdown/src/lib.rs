//! `markdown`: CommonMark (pulldown-cmark, the parser rustdoc and mdBook
//! use) with the GitHub extensions on by default: tables, footnotes,
//! strikethrough, task lists, and an `id` on every heading (GitHub's slug
//! of its text, numbered when repeated; `{#custom}` sets one by hand).
//! `posts/a.md` becomes `posts/a.html`, as in @metalsmith/markdown.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, Options as Extensions, Parser, Tag, TagEnd, html};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use site_kit::Globs;
use workbench_plugin::serde_json::Value;
use workbench_plugin::site_step::{Error, Site, SiteStep, StepInfo, metadata_text};

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[allow(clippy::struct_excessive_bools, reason = "one switch per Markdown extension, as users write them")]
struct Settings {
    pattern: Globs,
    /// Front-matter keys whose text is Markdown too (Metalsmith's `keys`).
    keys: Vec<String>,
    tables: bool,
    footnotes: bool,
    strikethrough: bool,
    tasklists: bool,
    heading_ids: bool,
    /// Curly quotes, en and em dashes, ellipses.
    smart_punctuation: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            pattern: Globs::of(&["**/*.md", "**/*.markdown"]),
            keys: Vec::new(),
            tables: true,
            footnotes: true,
            strikethrough: true,
            tasklists: true,
            heading_ids: true,
            smart_punctuation: false,
        }
    }
}

impl Settings {
    fn extensions(&self) -> Extensions {
        let mut extensions = Extensions::ENABLE_HEADING_ATTRIBUTES;
        for (on, flag) in [
            (self.tables, Extensions::ENABLE_TABLES),
            (self.footnotes, Extensions::ENABLE_FOOTNOTES),
            (self.strikethrough, Extensions::ENABLE_STRIKETHROUGH),
            (self.tasklists, Extensions::ENABLE_TASKLISTS),
            (self.smart_punctuation, Extensions::ENABLE_SMART_PUNCTUATION),
        ] {
            if on {
                extensions |= flag;
            }
        }
        extensions
    }
}

struct Markdown;

impl SiteStep for Markdown {
    type Options = Settings;

    fn describe(settings: &Settings) -> Result<StepInfo, Error> {
        Ok(StepInfo {
            per_file: true,
            patterns: Some(settings.pattern.to_vec()),
            reads: Vec::new(),
            copies: Vec::new(),
        })
    }

    fn run(mut site: Site, settings: &Settings) -> Result<Site, Error> {
        let extensions = settings.extensions();
        for file in &mut site.files {
            let text = std::str::from_utf8(&file.contents)
                .map_err(|_| Error::InvalidInput(format!("{}: Markdown must be UTF-8 text", file.path)))?;
            file.contents = render(text, extensions, settings.heading_ids).into_bytes();
            if !settings.keys.is_empty() {
                let mut metadata = site_kit::metadata(file)?;
                for key in &settings.keys {
                    if let Some(Value::String(text)) = metadata.get(key) {
                        let rendered = render(text, extensions, false);
                        metadata.insert(key.clone(), Value::String(rendered));
                    }
                }
                file.metadata = metadata_text(metadata);
            }
            file.path = html_path(&file.path);
        }
        Ok(site)
    }
}

/// `a/b.md` → `a/b.html`.
fn html_path(path: &str) -> String {
    let stem = path.rsplit_once('.').map_or(path, |(stem, _)| stem);
    format!("{stem}.html")
}

fn render(text: &str, extensions: Extensions, heading_ids: bool) -> String {
    let mut events: Vec<Event<'_>> = Parser::new_ext(text, extensions).collect();
    if heading_ids {
        add_heading_ids(&mut events);
    }
    let mut out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    out
}

/// GitHub's anchors ([`site_kit::anchor`]); a repeat gets `-1`, `-2`, ...
fn add_heading_ids(events: &mut [Event<'_>]) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    // Hand-set ids count as taken.
    for event in events.iter() {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = event {
            seen.insert(id.to_string(), 0);
        }
    }
    let mut index = 0;
    while index < events.len() {
        if let Event::Start(Tag::Heading { id: None, .. }) = &events[index] {
            let mut text = String::new();
            let mut end = index + 1;
            while end < events.len() && !matches!(events[end], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(part) | Event::Code(part) = &events[end] {
                    text.push_str(part);
                }
                end += 1;
            }
            let base = site_kit::anchor(&text);
            let slug = match seen.get_mut(&base) {
                None => {
                    seen.insert(base.clone(), 0);
                    base
                }
                Some(count) => {
                    *count += 1;
                    let numbered = format!("{base}-{count}");
                    seen.insert(numbered.clone(), 0);
                    numbered
                }
            };
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[index] {
                *id = Some(CowStr::from(slug));
            }
            index = end;
        }
        index += 1;
    }
}

workbench_plugin::export_site_step!(Markdown);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_github_ids_and_repeats_are_numbered() {
        let html =
            render("# Hello, World!\n## Hello, World!\n## Own {#mine}\n", Settings::default().extensions(), true);
        assert!(html.contains(r#"<h1 id="hello-world">"#), "{html}");
        assert!(html.contains(r#"<h2 id="hello-world-1">"#), "{html}");
        assert!(html.contains(r#"<h2 id="mine">Own</h2>"#), "{html}");
    }

    #[test]
    fn gfm_extensions_are_on() {
        let html = render(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~\n\n- [x] done\n\nNote[^1]\n\n[^1]: the note\n",
            Settings::default().extensions(),
            true,
        );
        for part in ["<table>", "<del>gone</del>", "checkbox", "footnote-definition"] {
            assert!(html.contains(part), "{part} missing from {html}");
        }
    }

    #[test]
    fn paths_become_html() {
        assert_eq!(html_path("posts/a.md"), "posts/a.html");
        assert_eq!(html_path("b.markdown"), "b.html");
    }
}
