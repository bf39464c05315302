//! `taxonomies`: tags and categories as pages, as Hugo and Zola make them.
//! For each taxonomy (default: `tags`), every term found in the pages'
//! front matter (`tags: [rust, wasm]`) gets a page at `PATH/SLUG/index.html`
//! with `layout` (default `term.html`) and the term's `pages`, and the
//! taxonomy gets an index page at `PATH/index.html` with `index-layout`
//! (default `terms.html`) and its `terms`. Run `layouts` after it. The
//! site metadata gets `taxonomies.NAME`: the terms with `url` and `count`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use site_kit::Globs;
use workbench_plugin::serde_json::{Map, Value, json};
use workbench_plugin::site_step::{Error, Site, SiteFile, SiteStep, StepInfo, metadata_text, parse_metadata};

/// The options: a taxonomy per front-matter key (none: `tags` alone).
type Settings = BTreeMap<String, Taxonomy>;

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct Taxonomy {
    /// Output directory (default: the taxonomy's name).
    path: Option<String>,
    layout: String,
    index_layout: String,
    pattern: Globs,
}

impl Default for Taxonomy {
    fn default() -> Taxonomy {
        Taxonomy {
            path: None,
            layout: "term.html".into(),
            index_layout: "terms.html".into(),
            pattern: Globs::of(&["**/*.html"]),
        }
    }
}

fn taxonomies(settings: &Settings) -> Settings {
    let mut taxonomies = settings.clone();
    if taxonomies.is_empty() {
        taxonomies.insert("tags".into(), Taxonomy::default());
    }
    taxonomies
}

struct Taxonomies;

impl SiteStep for Taxonomies {
    type Options = Settings;

    fn describe(settings: &Settings) -> Result<StepInfo, Error> {
        let patterns = taxonomies(settings).into_values().flat_map(|taxonomy| taxonomy.pattern.0).collect();
        Ok(StepInfo { per_file: false, patterns: Some(patterns), reads: Vec::new(), copies: Vec::new() })
    }

    fn run(mut site: Site, settings: &Settings) -> Result<Site, Error> {
        let taxonomies = taxonomies(settings);
        let metadata: Vec<Map<String, Value>> = site.files.iter().map(site_kit::metadata).collect::<Result<_, _>>()?;
        let mut site_metadata = parse_metadata(&site.metadata, "site")?;
        let mut summary = match site_metadata.remove("taxonomies") {
            Some(Value::Object(existing)) => existing,
            _ => Map::new(),
        };
        let mut pages = Vec::new();
        for (name, taxonomy) in &taxonomies {
            let root = taxonomy.path.clone().unwrap_or_else(|| name.clone());
            // slug → (display term, pages)
            let mut terms: BTreeMap<String, (String, Vec<Value>)> = BTreeMap::new();
            for (file, metadata) in site.files.iter().zip(&metadata) {
                let values = match metadata.get(name) {
                    Some(Value::String(term)) => vec![term.clone()],
                    Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(String::from).collect(),
                    _ => continue,
                };
                for term in values {
                    let slug = site_kit::slugify(&term);
                    if slug.is_empty() {
                        continue;
                    }
                    terms
                        .entry(slug)
                        .or_insert_with(|| (term.clone(), Vec::new()))
                        .1
                        .push(site_kit::entry(&file.path, metadata));
                }
            }
            let mut listed = Vec::new();
            for (slug, (term, mut entries)) in terms {
                entries.sort_by(|a, b| {
                    site_kit::sort_key(b.get("date"))
                        .partial_cmp(&site_kit::sort_key(a.get("date")))
                        .unwrap_or(std::cmp::Ordering::Equal)
                });
                let url = format!("/{root}/{slug}/");
                listed.push(json!({ "term": term, "slug": slug, "url": url, "count": entries.len() }));
                let page = json!({
                    "title": term, "term": term, "taxonomy": name, "layout": taxonomy.layout, "url": url, "pages": entries,
                });
                pages.push(SiteFile {
                    source: String::new(),
                    path: format!("{root}/{slug}/index.html"),
                    contents: Vec::new(),
                    metadata: page.to_string(),
                });
            }
            let index = json!({
                "title": name, "taxonomy": name, "layout": taxonomy.index_layout, "url": format!("/{root}/"), "terms": listed,
            });
            pages.push(SiteFile {
                source: String::new(),
                path: format!("{root}/index.html"),
                contents: Vec::new(),
                metadata: index.to_string(),
            });
            summary.insert(name.clone(), Value::Array(listed));
        }
        site_metadata.insert("taxonomies".into(), Value::Object(summary));
        site.metadata = metadata_text(site_metadata);
        site.files.extend(pages);
        Ok(site)
    }
}

workbench_plugin::export_site_step!(Taxonomies);
