//! `workbench build --check`: every link in the built pages must reach
//! something the build makes, as `zola check` and Hugo's
//! `refLinksErrorLevel` hold a site to. Internal links are resolved
//! against the output (the pipeline's files and the folders the host
//! copies) before any of it is written, so a broken site never replaces
//! a good one; a `#fragment` must match an `id` (or an `<a name>`) on the
//! page it points to. External links are fetched only when asked
//! (`--check-external`), concurrently, each within a time limit.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::rc::Rc;
use std::time::Duration;

use lol_html::{HtmlRewriter, Settings, element};
use url::Url;

use super::output::Copy;
use crate::commands::detect::fetch::{FetchSettings, Fetcher};
use crate::line_column::LineIndex;
use crate::plugins::bindings::site_step::SiteFile;

/// A link that does not reach its target.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Broken {
    /// The output page the link is on (`posts/a/index.html`).
    pub page: String,
    /// The source file that page came from, when a step kept it.
    pub source: String,
    /// 1-based, in the output page.
    pub line: usize,
    pub target: String,
    pub reason: String,
}

/// What a check found.
#[derive(Debug, Default)]
pub struct Report {
    pub pages: usize,
    pub links: usize,
    pub external: usize,
    pub broken: Vec<Broken>,
}

/// How external links are checked; `None` leaves them alone.
#[derive(Debug, Clone, Copy)]
pub struct External {
    pub timeout: Duration,
    pub threads: usize,
}

/// Where a link is written: page, its source, line.
type Place = (String, String, usize);

/// A link as written on a page.
#[derive(Debug)]
struct Link {
    line: usize,
    href: String,
}

/// One page's links and the ids it offers.
#[derive(Debug, Default)]
struct Scanned {
    links: Vec<Link>,
    ids: HashSet<String>,
}

/// Elements whose attributes name something the browser loads or goes to.
const LINKS: &str = "a[href], area[href], link[href], img[src], script[src], iframe[src], source[src], video[src], \
                     audio[src], img[srcset], source[srcset]";

/// Base for resolving a page's relative links: any host will do, since
/// only the path is kept.
const BASE: &str = "http://site.invalid/";

pub fn check(
    files: &BTreeMap<String, SiteFile>,
    copies: &[Copy],
    external: Option<External>,
    threads: usize,
) -> Report {
    let pages: Vec<(&String, &SiteFile)> = files.iter().filter(|(path, _)| is_html(path)).collect();
    let scanned: HashMap<&str, Scanned> =
        crate::parallel::map(&pages, threads, |(path, file)| (path.as_str(), scan(&file.contents)))
            .into_iter()
            .collect();
    let copied = copied_paths(copies);
    let exists = |path: &str| files.contains_key(path) || copied.contains(path);

    let mut report = Report { pages: pages.len(), ..Report::default() };
    let mut outside: BTreeMap<String, Vec<Place>> = BTreeMap::new();
    for (path, file) in &pages {
        let Some(page) = scanned.get(path.as_str()) else { continue };
        // `./` keeps a path such as `a:b.html` from reading as a scheme.
        let Ok(base) = Url::parse(BASE).and_then(|base| base.join(&format!("./{path}"))) else { continue };
        for link in &page.links {
            report.links += 1;
            let broken = |reason: String| Broken {
                page: (*path).clone(),
                source: file.source.clone(),
                line: link.line,
                target: link.href.clone(),
                reason,
            };
            match classify(&link.href, &base) {
                Target::Skip => {}
                Target::External(url) => {
                    outside.entry(url).or_default().push(((*path).clone(), file.source.clone(), link.line));
                }
                Target::Internal { path: target, fragment } => {
                    let Some(found) = resolve(&target, &exists) else {
                        report.broken.push(broken(format!("no page or file at /{target}")));
                        continue;
                    };
                    let Some(fragment) = fragment.filter(|fragment| !fragment.is_empty() && fragment != "top") else {
                        continue;
                    };
                    if let Some(target_page) = scanned.get(found.as_str())
                        && !target_page.ids.contains(&fragment)
                    {
                        report.broken.push(broken(format!("/{found} has no element with id \"{fragment}\"")));
                    }
                }
            }
        }
    }
    if let Some(settings) = external {
        report.external = outside.len();
        report.broken.extend(check_external(&outside, settings));
    }
    report.broken.sort();
    report
}

/// Where a link points.
#[derive(Debug, PartialEq)]
enum Target {
    /// Not something a build makes or a browser fetches (`mailto:`, `#`).
    Skip,
    External(String),
    /// A path in the output (no leading `/`), and the fragment, decoded.
    Internal {
        path: String,
        fragment: Option<String>,
    },
}

fn classify(href: &str, base: &Url) -> Target {
    let href = href.trim();
    if href.is_empty() {
        return Target::Skip;
    }
    let Ok(url) = base.join(href) else { return Target::Skip };
    if url.host_str() != Some("site.invalid") || url.scheme() != "http" {
        return match url.scheme() {
            "http" | "https" => Target::External(url.to_string()),
            _ => Target::Skip,
        };
    }
    let decode = |text: &str| percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned();
    let path = decode(url.path().trim_start_matches('/'));
    Target::Internal { path, fragment: url.fragment().map(decode) }
}

/// The output file a path names: itself, or the `index.html` of the
/// folder it names (with or without the final `/`), as static servers
/// answer.
fn resolve(path: &str, exists: &impl Fn(&str) -> bool) -> Option<String> {
    if path.is_empty() || path.ends_with('/') {
        let index = format!("{path}index.html");
        return exists(&index).then_some(index);
    }
    if exists(path) {
        return Some(path.to_string());
    }
    let index = format!("{path}/index.html");
    exists(&index).then_some(index)
}

fn is_html(path: &str) -> bool {
    Path::new(path)
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("html") || extension.eq_ignore_ascii_case("htm"))
}

/// The links and ids of one page, read with lol_html (the HTML parser
/// the host reads pages with), each link with its line.
fn scan(html: &[u8]) -> Scanned {
    let scanned: Rc<RefCell<Scanned>> = Rc::default();
    // Offsets are into the text the parser reads, so both get the same.
    let html = String::from_utf8_lossy(html);
    let lines = LineIndex::new(&html);
    let (on_link, on_id) = (Rc::clone(&scanned), Rc::clone(&scanned));
    let settings = Settings::new()
        .append_element_content_handler(element!(LINKS, move |el| {
            let (line, _) = lines.line_column(el.source_location().bytes().start);
            let mut scanned = on_link.borrow_mut();
            let rel = el.get_attribute("rel").unwrap_or_default().to_ascii_lowercase();
            // Hints and alternates name other hosts or other forms of the page.
            let hint = el.tag_name() == "link"
                && rel
                    .split_whitespace()
                    .any(|rel| matches!(rel, "preconnect" | "dns-prefetch" | "canonical" | "alternate"));
            for name in ["href", "src"] {
                if let Some(href) = el.get_attribute(name)
                    && !hint
                {
                    scanned.links.push(Link { line, href });
                }
            }
            if let Some(srcset) = el.get_attribute("srcset") {
                for candidate in srcset.split(',') {
                    if let Some(href) = candidate.split_whitespace().next() {
                        scanned.links.push(Link { line, href: href.to_string() });
                    }
                }
            }
            Ok(())
        }))
        .append_element_content_handler(element!("[id], a[name]", move |el| {
            let mut scanned = on_id.borrow_mut();
            for name in ["id", "name"] {
                if let Some(id) = el.get_attribute(name) {
                    scanned.ids.insert(id);
                }
            }
            Ok(())
        }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    // A page lol_html cannot read has no links to check; the browser
    // would make what it could of it too.
    let _ = rewriter.write(html.as_bytes()).and_then(|()| rewriter.end());
    Rc::try_unwrap(scanned).map(RefCell::into_inner).unwrap_or_default()
}

/// Every file the copied folders will put in the output.
fn copied_paths(copies: &[Copy]) -> HashSet<String> {
    let mut paths = HashSet::new();
    for copy in copies {
        for entry in walkdir::WalkDir::new(&copy.from).into_iter().filter_map(Result::ok) {
            if !entry.file_type().is_file() {
                continue;
            }
            let Ok(relative) = entry.path().strip_prefix(&copy.from) else { continue };
            let relative = relative.to_string_lossy().replace('\\', "/");
            paths.insert(if copy.to.is_empty() {
                relative
            } else {
                format!("{}/{relative}", copy.to.trim_end_matches('/'))
            });
        }
    }
    paths
}

/// Each external URL fetched once, `threads` at a time; a status of 400
/// or more, a time-out or a failed connection is broken, on every page
/// that links there.
fn check_external(outside: &BTreeMap<String, Vec<Place>>, settings: External) -> Vec<Broken> {
    let fetcher = Fetcher::new(FetchSettings {
        timeout: settings.timeout,
        max_body: 0,
        max_redirects: 10,
        timeout_flag: "--check-timeout",
    });
    let urls: Vec<(&String, &Vec<Place>)> = outside.iter().collect();
    let results = crate::parallel::map(&urls, settings.threads.max(1), |(url, _)| match Url::parse(url) {
        Ok(parsed) => match fetcher.status(&parsed) {
            Ok(status) if status < 400 => None,
            Ok(status) => Some(format!("HTTP {status}")),
            Err(reason) => Some(reason),
        },
        Err(error) => Some(format!("not a valid URL: {error}")),
    });
    let mut broken = Vec::new();
    for ((url, places), reason) in urls.into_iter().zip(results) {
        let Some(reason) = reason else { continue };
        let mut seen = BTreeSet::new();
        for (page, source, line) in places {
            if seen.insert((page, line)) {
                broken.push(Broken {
                    page: page.clone(),
                    source: source.clone(),
                    line: *line,
                    target: url.clone(),
                    reason: reason.clone(),
                });
            }
        }
    }
    broken
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str, html: &str) -> (String, SiteFile) {
        let file = SiteFile {
            path: path.into(),
            source: format!("{path}.md"),
            contents: html.as_bytes().to_vec(),
            metadata: "{}".into(),
        };
        (path.to_string(), file)
    }

    fn broken(files: &[(&str, &str)]) -> Vec<(String, usize, String)> {
        let files: BTreeMap<String, SiteFile> = files.iter().map(|(path, html)| page(path, html)).collect();
        check(&files, &[], None, 2).broken.into_iter().map(|b| (b.page, b.line, b.reason)).collect()
    }

    #[test]
    fn links_resolve_like_a_static_server_answers_them() {
        let found = broken(&[
            (
                "index.html",
                "<a href=\"posts/a/\">a</a>\n<a href=\"/posts/a\">a</a>\n<a href=\"posts/a/index.html#x\">a</a>\n<a href=\"mailto:x@y\">m</a><a href=\"#\">top</a>",
            ),
            (
                "posts/a/index.html",
                "<h2 id=\"x\">X</h2><a href=\"../../\">home</a><a href=\"../b/\">b</a><img src=\"/img/%20space.png\">",
            ),
        ]);
        assert_eq!(
            found,
            [
                ("posts/a/index.html".to_string(), 1, "no page or file at /posts/b/".to_string()),
                ("posts/a/index.html".to_string(), 1, "no page or file at /img/ space.png".to_string()),
            ]
        );
    }

    #[test]
    fn a_fragment_must_match_an_id_on_the_page_it_points_to() {
        let found = broken(&[
            (
                "a.html",
                "<p id=\"here\">\n<a href=\"#here\">ok</a>\n<a href=\"#gone\">bad</a>\n<a href=\"b.html#anchor\">ok</a>\n<a href=\"b.html#nope\">bad</a>\n<a href=\"#top\">ok</a>",
            ),
            ("b.html", "<a name=\"anchor\"></a>"),
        ]);
        assert_eq!(
            found,
            [
                ("a.html".to_string(), 3, "/a.html has no element with id \"gone\"".to_string()),
                ("a.html".to_string(), 5, "/b.html has no element with id \"nope\"".to_string()),
            ]
        );
    }

    #[test]
    fn external_links_and_hints_are_not_checked_without_asking() {
        assert!(broken(&[("a.html", "<a href=\"https://example.invalid/x\">x</a><link rel=\"preconnect\" href=\"/nowhere\"><a href=\"//cdn.invalid/y\">y</a>")]).is_empty());
    }

    #[test]
    fn srcset_candidates_are_links() {
        let found = broken(&[("a.html", "<img srcset=\"/a.png 1x, /b.png 2x\" src=\"/a.png\">"), ("a.png", "")]);
        assert_eq!(found, [("a.html".to_string(), 1, "no page or file at /b.png".to_string())]);
    }
}
