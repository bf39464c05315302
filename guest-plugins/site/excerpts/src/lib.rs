//! `excerpts`: a page's `excerpt` is the text before `<!-- more -->` when
//! it has that marker, else its first paragraph (the first `<p>`), as in
//! metalsmith-excerpts. A page that sets `excerpt` itself keeps its own.
//! Footnote references are left out of it: the notes they link to stay on
//! the page, so on a list page the links would lead nowhere.
//! Runs after `markdown`, on HTML.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use site_kit::Globs;
use workbench_plugin::serde_json::Value;
use workbench_plugin::site_step::{Error, Site, SiteStep, StepInfo, metadata_text};

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct Settings {
    pattern: Globs,
    marker: String,
    /// The metadata key to fill.
    key: String,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { pattern: Globs::of(&["**/*.html"]), marker: "<!-- more -->".into(), key: "excerpt".into() }
    }
}

struct Excerpts;

impl SiteStep for Excerpts {
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
        for file in &mut site.files {
            let mut metadata = site_kit::metadata(file)?;
            if metadata.contains_key(&settings.key) {
                continue;
            }
            let html = String::from_utf8_lossy(&file.contents);
            if let Some(excerpt) = excerpt(&html, &settings.marker) {
                metadata.insert(settings.key.clone(), Value::String(excerpt));
                file.metadata = metadata_text(metadata);
            }
        }
        Ok(site)
    }
}

fn excerpt(html: &str, marker: &str) -> Option<String> {
    if !marker.is_empty()
        && let Some(end) = html.find(marker)
    {
        return Some(without_footnote_references(html[..end].trim()));
    }
    first_paragraph(html).map(|paragraph| without_footnote_references(&paragraph))
}

/// The HTML without its `<sup>` footnote markers (`class="footnote-reference"`
/// from the markdown step, `footnote-ref` and `data-footnote-ref` from
/// other renderers).
fn without_footnote_references(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<sup") {
        let tag_end = rest[start..].find('>').map_or(rest.len(), |end| start + end + 1);
        let close = rest[tag_end..].find("</sup>").map(|end| tag_end + end + "</sup>".len());
        match close {
            Some(close) if rest[start..tag_end].contains("footnote-ref") => {
                out.push_str(&rest[..start]);
                rest = &rest[close..];
            }
            _ => {
                out.push_str(&rest[..tag_end]);
                rest = &rest[tag_end..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The first `<p>` element, whole. A `<p>` cannot nest, so its end is the
/// next `</p>`; code blocks and comments before it are skipped over.
fn first_paragraph(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    loop {
        let start = from + lower[from..].find("<p")?;
        let after = lower.as_bytes().get(start + 2).copied();
        if !matches!(after, Some(b'>' | b' ' | b'\t' | b'\n' | b'\r')) {
            from = start + 2;
            continue;
        }
        // Inside <pre> or a comment? Skip past it.
        let before = &lower[..start];
        if before.rfind("<pre").is_some_and(|open| before.rfind("</pre>").is_none_or(|close| close < open))
            || before.rfind("<!--").is_some_and(|open| before.rfind("-->").is_none_or(|close| close < open))
        {
            from = start + 2;
            continue;
        }
        let end = lower[start..].find("</p>").map_or(html.len(), |end| start + end + 4);
        return Some(html[start..end].to_string());
    }
}

workbench_plugin::export_site_step!(Excerpts);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_paragraph_skips_code_and_comments() {
        let html =
            "<h1>T</h1><!-- <p>no</p> --><pre><code><p>no</code></pre><p class=\"x\">Yes <em>this</em>.</p><p>not</p>";
        assert_eq!(first_paragraph(html).unwrap(), "<p class=\"x\">Yes <em>this</em>.</p>");
        assert!(first_paragraph("<pre>x</pre><param>").is_none());
    }

    #[test]
    fn footnote_markers_are_left_out_and_other_superscripts_kept() {
        let html = "<p>E = mc<sup>2</sup>, as noted<sup class=\"footnote-reference\"><a href=\"#1\">1</a></sup>.</p>";
        assert_eq!(excerpt(html, "").unwrap(), "<p>E = mc<sup>2</sup>, as noted.</p>");
        assert_eq!(without_footnote_references("a<sup data-footnote-ref><a href=\"#fn\">1</a></sup>"), "a");
    }

    #[test]
    fn the_marker_wins() {
        assert_eq!(excerpt("<p>a</p><p>b</p><!-- more --><p>c</p>", "<!-- more -->").unwrap(), "<p>a</p><p>b</p>");
    }
}
