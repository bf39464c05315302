//! `pagination`: a collection split into numbered list pages, as
//! metalsmith-pagination does: `posts = { per-page = 10, layout =
//! "list.html", first = "blog/index.html", path = "blog/page/:num/index.html" }`.
//! Each page gets `layout`, the `page-metadata` keys, and `pagination`:
//! `num`, `pages` (how many), `files` (this page's entries), `first`,
//! `last`, `previous` and `next` (URLs, absent at the ends). Run it after
//! `collections` and before `layouts`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use workbench_plugin::serde_json::{Map, Value, json};
use workbench_plugin::site_step::{Error, Site, SiteFile, SiteStep, StepInfo, parse_metadata};

/// The options: a list page set per collection name.
type Settings = BTreeMap<String, Paginate>;

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Paginate {
    #[serde(default = "per_page")]
    per_page: usize,
    layout: String,
    /// Where page 1 goes.
    first: String,
    /// Where page N goes; `:num` is N.
    path: String,
    #[serde(default)]
    page_metadata: Map<String, Value>,
    /// Pages that make no list page when the collection is empty.
    #[serde(default)]
    no_page_when_empty: bool,
}

fn per_page() -> usize {
    10
}

/// What the types cannot say about the options.
fn check(settings: &Settings) -> Result<(), Error> {
    for (name, paginate) in settings {
        if paginate.per_page == 0 {
            return Err(site_kit::bad_options(format!("`{name}`: `per-page` must be at least 1")));
        }
        if !paginate.path.contains(":num") {
            return Err(site_kit::bad_options(format!(
                "`{name}`: `path` must contain `:num`, e.g. \"blog/page/:num/index.html\""
            )));
        }
    }
    Ok(())
}

struct Pagination;

impl SiteStep for Pagination {
    type Options = Settings;

    fn describe(settings: &Settings) -> Result<StepInfo, Error> {
        check(settings)?;
        Ok(StepInfo { per_file: false, patterns: Some(Vec::new()), reads: Vec::new(), copies: Vec::new() })
    }

    fn run(mut site: Site, settings: &Settings) -> Result<Site, Error> {
        check(settings)?;
        let metadata = parse_metadata(&site.metadata, "site")?;
        for (name, paginate) in settings {
            let entries = site_kit::collection(&metadata, name).ok_or_else(|| {
                Error::InvalidInput(format!("there is no collection `{name}`; run `collections` before `pagination`"))
            })?;
            if entries.is_empty() && paginate.no_page_when_empty {
                continue;
            }
            let chunks: Vec<&[Value]> =
                if entries.is_empty() { vec![&[]] } else { entries.chunks(paginate.per_page).collect() };
            let path_of = |num: usize| {
                if num == 1 { paginate.first.clone() } else { paginate.path.replace(":num", &num.to_string()) }
            };
            let url_of = |num: usize| site_kit::url_for_path(&path_of(num));
            let count = chunks.len();
            for (index, chunk) in chunks.into_iter().enumerate() {
                let num = index + 1;
                let mut pagination = json!({
                    "collection": name, "num": num, "pages": count, "files": chunk,
                    "first": url_of(1), "last": url_of(count),
                });
                if num > 1 {
                    pagination["previous"] = Value::String(url_of(num - 1));
                }
                if num < count {
                    pagination["next"] = Value::String(url_of(num + 1));
                }
                let mut page = paginate.page_metadata.clone();
                page.insert("layout".into(), Value::String(paginate.layout.clone()));
                page.insert("url".into(), Value::String(url_of(num)));
                page.insert("pagination".into(), pagination);
                site.files.push(SiteFile {
                    source: String::new(),
                    path: path_of(num),
                    contents: Vec::new(),
                    metadata: Value::Object(page).to_string(),
                });
            }
        }
        Ok(site)
    }
}

workbench_plugin::export_site_step!(Pagination);
