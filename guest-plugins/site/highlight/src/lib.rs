//! `highlight`: colours the code blocks `markdown` wrote
//! (`<pre><code class="language-rust">`) with syntect, the highlighter
//! Zola and bat use (Sublime Text grammars, TextMate themes). Inline
//! styles from `theme` by default; `classes = true` writes `hl-` classes
//! for your own stylesheet instead. A block in a language syntect does not
//! know stays as it was; `enabled = false`, or `highlight: false` in a
//! page's front matter, turns the step off.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use site_kit::Globs;
use syntect::highlighting::{Theme, ThemeSet};
use syntect::html::{ClassStyle, ClassedHTMLGenerator, IncludeBackground, styled_line_to_highlighted_html};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;
use workbench_plugin::serde_json::Value;
use workbench_plugin::site_step::{Error, Site, SiteStep, StepInfo};

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct Settings {
    enabled: bool,
    /// One of syntect's bundled themes.
    theme: String,
    classes: bool,
    pattern: Globs,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { enabled: true, theme: "InspiredGitHub".into(), classes: false, pattern: Globs::of(&["**/*.html"]) }
    }
}

const THEMES: &[&str] = &[
    "InspiredGitHub",
    "Solarized (dark)",
    "Solarized (light)",
    "base16-eighties.dark",
    "base16-mocha.dark",
    "base16-ocean.dark",
    "base16-ocean.light",
];

/// What the types cannot say about the options.
fn check(settings: &Settings) -> Result<(), Error> {
    if !THEMES.contains(&settings.theme.as_str()) {
        return Err(site_kit::bad_options(format!(
            "unknown theme {:?}; the themes are: {}",
            settings.theme,
            THEMES.join(", ")
        )));
    }
    Ok(())
}

struct Highlight;

impl SiteStep for Highlight {
    type Options = Settings;

    fn describe(settings: &Settings) -> Result<StepInfo, Error> {
        check(settings)?;
        let patterns = if settings.enabled { settings.pattern.to_vec() } else { Vec::new() };
        Ok(StepInfo { per_file: true, patterns: Some(patterns), reads: Vec::new(), copies: Vec::new() })
    }

    fn run(mut site: Site, settings: &Settings) -> Result<Site, Error> {
        check(settings)?;
        if !settings.enabled {
            return Ok(site);
        }
        // Loaded only when a page has a code block: the grammars take a while.
        let mut assets: Option<(SyntaxSet, Theme)> = None;
        for file in &mut site.files {
            if !file.contents.windows(22).any(|window| window == b"<pre><code class=\"lang") {
                continue;
            }
            let metadata = site_kit::metadata(file)?;
            if metadata.get("highlight") == Some(&Value::Bool(false)) {
                continue;
            }
            let (syntaxes, theme) = assets.get_or_insert_with(|| {
                let mut themes = ThemeSet::load_defaults();
                let theme = themes.themes.remove(&settings.theme).unwrap_or_default();
                (SyntaxSet::load_defaults_newlines(), theme)
            });
            let html = String::from_utf8_lossy(&file.contents);
            file.contents = highlight_blocks(&html, syntaxes, theme, settings.classes).into_bytes();
        }
        Ok(site)
    }
}

const OPEN: &str = "<pre><code class=\"language-";

fn highlight_blocks(html: &str, syntaxes: &SyntaxSet, theme: &Theme, classes: bool) -> String {
    let mut out = String::with_capacity(html.len() * 2);
    let mut rest = html;
    while let Some(start) = rest.find(OPEN) {
        let after = &rest[start + OPEN.len()..];
        let Some(quote) = after.find('"') else { break };
        let language = &after[..quote];
        let Some(body_start) = after[quote..].find('>').map(|i| quote + i + 1) else { break };
        let Some(body_len) = after[body_start..].find("</code></pre>") else { break };
        let code = unescape(&after[body_start..body_start + body_len]);
        let end = start + OPEN.len() + body_start + body_len + "</code></pre>".len();
        out.push_str(&rest[..start]);
        match syntaxes.find_syntax_by_token(language) {
            Some(syntax) => {
                let highlighted = if classes {
                    let mut generator = ClassedHTMLGenerator::new_with_class_style(
                        syntax,
                        syntaxes,
                        ClassStyle::SpacedPrefixed { prefix: "hl-" },
                    );
                    let ok = LinesWithEndings::from(&code)
                        .all(|line| generator.parse_html_for_line_which_includes_newline(line).is_ok());
                    ok.then(|| {
                        format!(
                            "<pre class=\"highlight\"><code class=\"language-{language}\">{}</code></pre>",
                            generator.finalize()
                        )
                    })
                } else {
                    inline(&code, syntax, syntaxes, theme).map(|spans| {
                        let background = theme.settings.background.map_or_else(String::new, |c| format!(" style=\"background-color:#{:02x}{:02x}{:02x};\"", c.r, c.g, c.b));
                        format!("<pre class=\"highlight\"{background}><code class=\"language-{language}\">{spans}</code></pre>")
                    })
                };
                out.push_str(highlighted.as_deref().unwrap_or(&rest[start..end]));
            }
            None => out.push_str(&rest[start..end]),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn inline(
    code: &str,
    syntax: &syntect::parsing::SyntaxReference,
    syntaxes: &SyntaxSet,
    theme: &Theme,
) -> Option<String> {
    let mut highlighter = syntect::easy::HighlightLines::new(syntax, theme);
    let mut out = String::with_capacity(code.len() * 4);
    for line in LinesWithEndings::from(code) {
        let regions = highlighter.highlight_line(line, syntaxes).ok()?;
        out.push_str(&styled_line_to_highlighted_html(&regions, IncludeBackground::No).ok()?);
    }
    Some(out)
}

/// The entities pulldown-cmark writes inside code.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

workbench_plugin::export_site_step!(Highlight);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_blocks_get_coloured_and_unknown_languages_stay() {
        let syntaxes = SyntaxSet::load_defaults_newlines();
        let theme = ThemeSet::load_defaults().themes.remove("InspiredGitHub").unwrap();
        let html = "<p>x</p>\n<pre><code class=\"language-rust\">fn main() { let a = &quot;&lt;b&gt;&quot;; }\n</code></pre>\n<pre><code class=\"language-nosuch\">a &amp; b</code></pre>";
        let out = highlight_blocks(html, &syntaxes, &theme, false);
        assert!(out.starts_with("<p>x</p>\n<pre class=\"highlight\" style=\"background-color:#ffffff;\"><code class=\"language-rust\"><span style=\""), "{out}");
        assert!(out.contains("&lt;b&gt;"), "text stays escaped: {out}");
        assert!(out.ends_with("<pre><code class=\"language-nosuch\">a &amp; b</code></pre>"), "{out}");
        let classed = highlight_blocks(html, &syntaxes, &theme, true);
        assert!(classed.contains("<span class=\"hl-source hl-rust\">"), "{classed}");
    }
}
