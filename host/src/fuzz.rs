//! Entry points for the fuzz targets in `fuzz/` (`make fuzz`): one per
//! parser that reads user input, each taking raw bytes. A parser may
//! refuse its input; what it must not do is panic, hang or overflow.
//! Not part of the CLI's interface.

use std::path::Path;

use crate::commands::scaffold::template::{Entry, Template, Tree};
use crate::page::{Document, parse as parse_page};

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// A page's front matter (YAML `---` or TOML `+++` blocks).
pub fn front_matter(data: &[u8]) {
    let _ = crate::front_matter::split(&text(data));
}

/// `workbench.toml`.
pub fn config(data: &[u8]) {
    let _ = crate::config::Config::parse(&text(data), Path::new("workbench.toml"));
}

/// A native template's `template.toml`, and Khaos placeholders in a file
/// and a path of a Khaos template.
pub fn scaffold_template(data: &[u8]) {
    let entry = |contents: &[u8]| Entry { contents: contents.to_vec(), executable: false };
    let native: Tree = [("template.toml".to_string(), entry(data)), ("template/a.txt".to_string(), entry(b"{{a}}"))]
        .into_iter()
        .collect();
    let _ = Template::from_tree(native, "fuzz");
    let path = format!("template/{}", text(data).replace(['\0', '\\'], "_"));
    let khaos: Tree = [("template/file.txt".to_string(), entry(data)), (path, entry(b"x"))].into_iter().collect();
    let _ = Template::from_tree(khaos, "fuzz");
}

/// Inline suppression comments (`workbench: allow(rule) -- reason`).
pub fn suppressions(data: &[u8]) {
    let _ = crate::commands::lint::scan_suppressions(data);
}

/// A fetched page: charset detection and decoding, then the extraction
/// that feeds detectors. The first byte picks a declared charset.
pub fn page(data: &[u8]) {
    const CHARSETS: [Option<&str>; 4] = [
        None,
        Some("text/html; charset=windows-1251"),
        Some("text/html; charset=utf-16"),
        Some("text/html; charset=bogus"),
    ];
    let Some((&pick, body)) = data.split_first() else { return };
    let (body, _) = crate::page::charset::decode(body, CHARSETS[usize::from(pick % 4)]);
    let url = url::Url::parse("https://example.test/page").expect("a valid URL");
    let _ = parse_page(Document { url, status: 200, headers: Vec::new(), body });
}
