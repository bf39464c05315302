//! Parsing a fetched document once, with a real HTML tokenizer (lol_html,
//! Cloudflare's spec-following streaming parser), into the structured
//! [`Page`] every detector receives.
//!
//! What a detector must not mistake for a live snippet is marked, not
//! dropped: scripts inside HTML comments are `commented`, consent-manager
//! placeholders (`type="text/plain"` and friends) are `consent-blocked`,
//! non-JavaScript types are `inert`.

pub mod charset;

use std::cell::RefCell;

use lol_html::html_content::{Comment, Element, TextChunk};
use lol_html::{HtmlRewriter, Settings, doc_comments, element, text};
use url::Url;

use crate::line_column::LineIndex;
use crate::plugins::bindings::detector::{Link, LocatedText, MetaTag, Page, Script, ScriptState};
use crate::plugins::bindings::types::Position;

/// A response (or file) before parsing.
pub struct Document {
    pub url: Url,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// Attributes consent managers put on a blocked script (Cookiebot,
/// OneTrust, Klaro, Iubenda, Complianz, Usercentrics, Osano, Didomi,
/// CookieYes, Termly).
const CONSENT_ATTRIBUTES: &[&str] = &[
    "data-cookieconsent",
    "data-cookiecategory",
    "data-category",
    "data-consent",
    "data-consent-category",
    "data-usercentrics",
    "data-name",
    "data-type",
    "data-suppressedsrc",
    "data-iub-purposes",
    "data-service",
    "data-cookiescript",
    "data-cookieyes",
    "data-cmp-ab",
    "data-vendor",
    "data-purposes",
];
const CONSENT_CLASSES: &[&str] = &["optanon-category", "cmplz-", "_iub_cs_activate", "cookieconsent", "cky-"];

pub fn parse(document: Document) -> Page {
    let Document { url, status, headers, body } = document;
    let lines = LineIndex::new(&body);
    let mut extracted = Extracted::default();
    extract(&body, 0, &lines, false, &mut extracted);
    // URLs are resolved after the one pass, against `<base href>` if the
    // page has one.
    let base = extracted.base.take().and_then(|href| url.join(href.trim()).ok()).unwrap_or_else(|| url.clone());
    for script in &mut extracted.scripts {
        script.src = script.src.take().map(|src| resolve(&base, &src));
    }
    for link in &mut extracted.links {
        link.href = resolve(&base, &link.href);
    }
    let cookies = headers
        .iter()
        .filter(|(name, _)| name == "set-cookie")
        .filter_map(|(_, value)| {
            let pair = value.split(';').next()?;
            let (name, value) = pair.split_once('=')?;
            Some((name.trim().to_string(), value.trim().to_string()))
        })
        .collect();
    Page {
        url: url.to_string(),
        status,
        headers,
        cookies,
        scripts: extracted.scripts,
        meta: extracted.meta,
        links: extracted.links,
        noscripts: extracted.noscripts,
        comments: extracted.comments,
        body,
    }
}

#[derive(Default)]
struct Extracted {
    scripts: Vec<Script>,
    meta: Vec<MetaTag>,
    links: Vec<Link>,
    noscripts: Vec<LocatedText>,
    comments: Vec<LocatedText>,
    /// The first `<base href>`, as written.
    base: Option<String>,
}

/// Collects what detectors read from `html`, which starts `offset` bytes into
/// the page body; `in_comment` marks every script found as `commented`.
fn extract(html: &str, offset: usize, lines: &LineIndex, in_comment: bool, out: &mut Extracted) {
    let state = RefCell::new(std::mem::take(out));
    let nested_comments = RefCell::new(Vec::new());
    let position = |local: usize| {
        let (line, column) = lines.line_column(offset + local);
        Position { line: u32::try_from(line).unwrap_or(u32::MAX), column: u32::try_from(column).unwrap_or(u32::MAX) }
    };
    let settings = Settings::new()
        .with_strict(false)
        .append_element_content_handler(element!("script", |el| {
            let script = script(el, &position, in_comment);
            state.borrow_mut().scripts.push(script);
            Ok(())
        }))
        .append_element_content_handler(text!("script", |chunk| {
            append_text(chunk, &mut state.borrow_mut().scripts, &position);
            Ok(())
        }))
        .append_element_content_handler(element!("base[href]", |el| {
            let mut state = state.borrow_mut();
            if state.base.is_none() {
                state.base = el.get_attribute("href").map(|href| decode(&href));
            }
            Ok(())
        }))
        .append_element_content_handler(element!("meta", |el| {
            state.borrow_mut().meta.extend(meta_tag(el, &position));
            Ok(())
        }))
        .append_element_content_handler(element!("link[href]", |el| {
            state.borrow_mut().links.push(link(el, &position));
            Ok(())
        }))
        .append_element_content_handler(element!("noscript", |_| {
            state
                .borrow_mut()
                .noscripts
                .push(LocatedText { text: String::new(), position: Position { line: 0, column: 0 } });
            Ok(())
        }))
        .append_element_content_handler(text!("noscript", |chunk| {
            let mut state = state.borrow_mut();
            if let Some(last) = state.noscripts.last_mut() {
                if last.text.is_empty() {
                    last.position = position(chunk.source_location().bytes().start);
                }
                last.text.push_str(chunk.as_str());
            }
            Ok(())
        }))
        .append_document_content_handler(doc_comments!(|comment| {
            let (text, start) = comment_text(comment);
            nested_comments.borrow_mut().push((text.clone(), start));
            state.borrow_mut().comments.push(LocatedText { text, position: position(start) });
            Ok(())
        }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    // Neither call fails: no handler returns an error, memory is unbounded
    // (the body is already capped) and non-strict mode never bails out.
    let _ = rewriter.write(html.as_bytes());
    let _ = rewriter.end();
    let mut collected = state.into_inner();
    // A script in a comment is text to the tokenizer; parse the comment's
    // text as HTML of its own to find it, then mark it as commented.
    for (text, start) in nested_comments.into_inner() {
        if text.contains("<script") || text.contains("<SCRIPT") {
            let mut inner = Extracted::default();
            extract(&text, offset + start, lines, true, &mut inner);
            collected.scripts.extend(inner.scripts);
        }
    }
    collected.noscripts.retain(|noscript| noscript.position.line > 0);
    collected.scripts.sort_by_key(|script| (script.position.line, script.position.column));
    *out = collected;
}

/// A `<meta>` named by `name`, `property`, `http-equiv` or `itemprop`,
/// with its `content`.
fn meta_tag(el: &Element, position: &impl Fn(usize) -> Position) -> Option<MetaTag> {
    let name = el
        .get_attribute("name")
        .or_else(|| el.get_attribute("property"))
        .or_else(|| el.get_attribute("http-equiv"))
        .or_else(|| el.get_attribute("itemprop"))?;
    let content = el.get_attribute("content")?;
    Some(MetaTag {
        name: decode(&name).to_ascii_lowercase(),
        content: decode(&content),
        position: position(el.source_location().bytes().start),
    })
}

fn link(el: &Element, position: &impl Fn(usize) -> Position) -> Link {
    Link {
        rel: decode(&el.get_attribute("rel").unwrap_or_default()).to_ascii_lowercase(),
        href: decode(&el.get_attribute("href").unwrap_or_default()),
        position: position(el.source_location().bytes().start),
    }
}

fn script(el: &Element, position: &impl Fn(usize) -> Position, in_comment: bool) -> Script {
    let attributes: Vec<(String, String)> =
        el.attributes().iter().map(|attribute| (attribute.name(), decode(&attribute.value()))).collect();
    let attribute = |name: &str| attributes.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str());
    let state = if in_comment { ScriptState::Commented } else { script_state(attribute("type"), &attributes) };
    // Consent managers move `src` to `data-src` (or similar) until consent.
    let src = attribute("src")
        .or_else(|| {
            (state == ScriptState::ConsentBlocked).then(|| attribute("data-src").or(attribute("data-cmp-src")))?
        })
        .filter(|src| !src.trim().is_empty())
        .map(str::to_string);
    let location = el.source_location().bytes();
    Script {
        src,
        text: String::new(),
        attributes,
        position: position(location.start),
        text_position: position(location.end),
        state,
    }
}

fn append_text(chunk: &TextChunk, scripts: &mut [Script], position: &impl Fn(usize) -> Position) {
    let Some(script) = scripts.last_mut() else { return };
    if chunk.as_str().is_empty() {
        return;
    }
    if script.text.is_empty() {
        script.text_position = position(chunk.source_location().bytes().start);
    }
    script.text.push_str(chunk.as_str());
}

fn comment_text(comment: &Comment) -> (String, usize) {
    // The text starts after `<!--`.
    (comment.text(), comment.source_location().bytes().start + "<!--".len())
}

fn script_state(kind: Option<&str>, attributes: &[(String, String)]) -> ScriptState {
    let kind = kind.map(|kind| kind.split(';').next().unwrap_or("").trim().to_ascii_lowercase()).unwrap_or_default();
    if is_javascript(&kind) {
        return ScriptState::Active;
    }
    let marked = attributes.iter().any(|(name, value)| {
        CONSENT_ATTRIBUTES.contains(&name.as_str())
            || (name == "class" && CONSENT_CLASSES.iter().any(|class| value.contains(class)))
    });
    // `text/plain` is the placeholder type every consent manager uses; with
    // a manager's marker any other type is one too.
    if kind == "text/plain" || marked { ScriptState::ConsentBlocked } else { ScriptState::Inert }
}

fn is_javascript(kind: &str) -> bool {
    matches!(
        kind,
        "" | "module"
            | "text/javascript"
            | "application/javascript"
            | "application/x-javascript"
            | "application/ecmascript"
            | "text/ecmascript"
            | "text/jscript"
            | "text/livescript"
            | "text/javascript1.0"
            | "text/javascript1.1"
            | "text/javascript1.2"
            | "text/javascript1.3"
            | "text/javascript1.4"
            | "text/javascript1.5"
            | "text/x-javascript"
            | "text/x-ecmascript"
            // Partytown runs these in a web worker: still live code.
            | "text/partytown"
    )
}

fn decode(value: &str) -> String {
    html_escape::decode_html_entities(value).into_owned()
}

/// Resolves an already entity-decoded `src` or `href`.
fn resolve(base: &Url, href: &str) -> String {
    let href = href.trim();
    // A page saved to a file still loads `//cdn...` over the web, not as a
    // `file://cdn...` path.
    if href.starts_with("//") && !matches!(base.scheme(), "http" | "https") {
        return Url::parse(&format!("https:{href}")).map_or_else(|_| href.to_string(), |url| url.to_string());
    }
    base.join(href).map_or_else(|_| href.to_string(), |url| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(html: &str) -> Page {
        parse(Document {
            url: Url::parse("https://shop.example/a/page.html").unwrap(),
            status: 200,
            headers: vec![("set-cookie".into(), "_ga=GA1.2.3; Path=/".into())],
            body: html.into(),
        })
    }

    fn at(position: Position) -> (u32, u32) {
        (position.line, position.column)
    }

    #[test]
    fn scripts_are_resolved_and_located() {
        let page = page(
            "<html>\n<head>\n  <script async src=\"/js/app.js?a=1&amp;b=2\"></script>\n<script>\n  ga('create', 'UA-1-1');\n</script>",
        );
        assert_eq!(page.scripts.len(), 2);
        assert_eq!(page.scripts[0].src.as_deref(), Some("https://shop.example/js/app.js?a=1&b=2"));
        assert_eq!(at(page.scripts[0].position), (3, 3));
        assert_eq!(page.scripts[0].attributes[0], ("async".into(), String::new()));
        assert_eq!(page.scripts[1].src, None);
        assert_eq!(page.scripts[1].text, "\n  ga('create', 'UA-1-1');\n");
        assert_eq!(at(page.scripts[1].position), (4, 1));
        assert_eq!(at(page.scripts[1].text_position), (4, 9));
        assert!(page.scripts.iter().all(|script| script.state == ScriptState::Active));
    }

    #[test]
    fn scripts_in_comments_are_marked_commented() {
        let page = page(
            "<p>x</p>\n<!-- old:\n<script src=\"https://cdn.old.example/t.js\"></script> -->\n<script>live()</script>",
        );
        assert_eq!(page.comments.len(), 1);
        assert_eq!(at(page.comments[0].position), (2, 5));
        let states: Vec<_> = page.scripts.iter().map(|script| (script.src.clone(), script.state)).collect();
        assert_eq!(
            states,
            vec![(Some("https://cdn.old.example/t.js".into()), ScriptState::Commented), (None, ScriptState::Active)]
        );
        assert_eq!(at(page.scripts[0].position), (3, 1));
    }

    #[test]
    fn consent_placeholders_and_inert_types_are_marked() {
        let page = page(concat!(
            "<script type=\"text/plain\" data-cookieconsent=\"statistics\" data-src=\"https://t.example/a.js\"></script>",
            "<script type=\"text/plain\" class=\"optanon-category-C0002\">track()</script>",
            "<script type=\"application/ld+json\">{}</script>",
            "<script type=\"text/x-template\"><div></div></script>",
            "<script type=\"module\" src=\"m.js\"></script>",
        ));
        let states: Vec<_> = page.scripts.iter().map(|script| script.state).collect();
        assert_eq!(
            states,
            vec![
                ScriptState::ConsentBlocked,
                ScriptState::ConsentBlocked,
                ScriptState::Inert,
                ScriptState::Inert,
                ScriptState::Active
            ]
        );
        assert_eq!(page.scripts[0].src.as_deref(), Some("https://t.example/a.js"));
    }

    #[test]
    fn meta_links_noscripts_and_cookies() {
        let page = page(concat!(
            "<base href=\"https://cdn.example/root/\">",
            "<meta name=\"Generator\" content=\"Hugo 0.1\"><meta property=\"og:title\" content=\"A &amp; B\">",
            "<link rel=\"dns-prefetch\" href=\"//www.google-analytics.com\"><link rel=stylesheet href=\"s.css\">",
            "<noscript><img src=\"https://www.facebook.com/tr?id=1\"></noscript>",
        ));
        assert_eq!(page.meta[0].name, "generator");
        assert_eq!(page.meta[1].content, "A & B");
        assert_eq!(page.links[0].href, "https://www.google-analytics.com/");
        assert_eq!(page.links[1].href, "https://cdn.example/root/s.css");
        let saved = parse(Document {
            url: Url::parse("file:///tmp/saved.html").unwrap(),
            status: 200,
            headers: Vec::new(),
            body: "<script src=\"//cdn.example/a.js\"></script><script src=\"b.js\"></script>".into(),
        });
        assert_eq!(saved.scripts[0].src.as_deref(), Some("https://cdn.example/a.js"));
        assert_eq!(saved.scripts[1].src.as_deref(), Some("file:///tmp/b.js"));
        assert_eq!(page.noscripts[0].text, "<img src=\"https://www.facebook.com/tr?id=1\">");
        assert_eq!(page.cookies, vec![("_ga".into(), "GA1.2.3".into())]);
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let page = page("<p>Привет</p><script>x()</script>");
        assert_eq!(at(page.scripts[0].position), (1, 14));
    }

    #[test]
    fn broken_markup_still_yields_scripts() {
        let page = page("<div <p>unclosed <script>a()</script><table><script src=x.js></script>");
        assert_eq!(page.scripts.len(), 2);
    }
}
