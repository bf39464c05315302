//! `minify`: HTML pages smaller, their inline `<style>`, `style=""` and
//! `<script>` too, by minify-html (what Hugo's `--minify` and
//! metalsmith-html-minifier do). Whitespace that HTML ignores goes, so do
//! comments, optional closing tags and quotes; `<pre>` and `<textarea>`
//! keep theirs. The output stays spec-compliant unless asked otherwise.
//! Run it last among the steps that write HTML.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use site_kit::Globs;
use workbench_plugin::site_step::{Error, Site, SiteStep, StepInfo};

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[allow(clippy::struct_excessive_bools, reason = "the options are the minifier's own switches")]
struct Settings {
    /// The pages to minify.
    pattern: Globs,
    /// Minify CSS in `<style>` and `style` attributes.
    css: bool,
    /// Minify JavaScript in `<script>`.
    js: bool,
    keep_comments: bool,
    /// Keep closing tags HTML lets a page omit (`</p>`, `</li>`).
    keep_closing_tags: bool,
    /// Keep `<html>` and `<head>` opening tags without attributes.
    keep_html_and_head_opening_tags: bool,
    /// Allow what browsers accept but the spec does not (unquoted values
    /// with any character, a shorter doctype, fewer spaces).
    noncompliant: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            pattern: Globs::of(&["**/*.html", "**/*.htm"]),
            css: true,
            js: true,
            keep_comments: false,
            keep_closing_tags: false,
            keep_html_and_head_opening_tags: false,
            noncompliant: false,
        }
    }
}

struct Minify;

impl SiteStep for Minify {
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
        let config = config(settings);
        for file in &mut site.files {
            file.contents = minify_html::minify(&file.contents, &config);
        }
        Ok(site)
    }
}

fn config(settings: &Settings) -> minify_html::Cfg {
    let mut config = minify_html::Cfg {
        minify_css: settings.css,
        minify_js: settings.js,
        keep_comments: settings.keep_comments,
        keep_closing_tags: settings.keep_closing_tags,
        keep_html_and_head_opening_tags: settings.keep_html_and_head_opening_tags,
        ..minify_html::Cfg::default()
    };
    if settings.noncompliant {
        config.enable_possibly_noncompliant();
    }
    config
}

workbench_plugin::export_site_step!(Minify);
