//! `feed`: RSS 2.0 (`feed.xml`) and Atom 1.0 (`atom.xml`) for a collection,
//! like @metalsmith/rss. Run it after `collections`. The channel's title,
//! description and link default to the site metadata's `title`,
//! `description` and `url`; an item's summary is its `excerpt` (or
//! `description`), its date its `date`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use site_kit::templates::parse_date;
use std::fmt::Write as _;
use workbench_plugin::serde_json::{Map, Value};
use workbench_plugin::site_step::{Error, Site, SiteFile, SiteStep, StepInfo, parse_metadata};

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct Settings {
    collection: Option<String>,
    /// RSS output path; empty for none.
    rss: String,
    /// Atom output path; empty for none.
    atom: String,
    limit: usize,
    title: Option<String>,
    description: Option<String>,
    /// The site's absolute URL (default: the site metadata's `url`).
    site_url: Option<String>,
    author: Option<String>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            collection: None,
            rss: "feed.xml".into(),
            atom: "atom.xml".into(),
            limit: 20,
            title: None,
            description: None,
            site_url: None,
            author: None,
        }
    }
}

/// What the types cannot say about the options.
fn check(settings: &Settings) -> Result<(), Error> {
    if settings.collection.is_none() {
        return Err(site_kit::bad_options("`collection` is required: the name of the collection to publish"));
    }
    Ok(())
}

struct Feed;

struct Item {
    title: String,
    url: String,
    date: Option<chrono::DateTime<chrono::FixedOffset>>,
    summary: Option<String>,
}

impl SiteStep for Feed {
    type Options = Settings;

    fn describe(settings: &Settings) -> Result<StepInfo, Error> {
        check(settings)?;
        Ok(StepInfo { per_file: false, patterns: Some(Vec::new()), reads: Vec::new(), copies: Vec::new() })
    }

    fn run(mut site: Site, settings: &Settings) -> Result<Site, Error> {
        check(settings)?;
        let name = settings.collection.clone().unwrap_or_default();
        let metadata = parse_metadata(&site.metadata, "site")?;
        let text = |own: &Option<String>, key: &str| {
            own.clone().or_else(|| metadata.get(key).and_then(Value::as_str).map(String::from))
        };
        let base = text(&settings.site_url, "url").ok_or_else(|| {
            site_kit::bad_options("no site URL: set `site-url` in the step's options, or `url` in [site.metadata]")
        })?;
        let title = text(&settings.title, "title").unwrap_or_else(|| base.clone());
        let description = text(&settings.description, "description").unwrap_or_default();
        let entries = site_kit::collection(&metadata, &name).ok_or_else(|| {
            Error::InvalidInput(format!(
                "there is no collection `{name}`; run `collections` before `feed` and define `{name}` there"
            ))
        })?;
        let items: Vec<Item> =
            entries.iter().filter_map(Value::as_object).take(settings.limit).map(|entry| item(entry, &base)).collect();
        if !settings.rss.is_empty() {
            site.files.push(SiteFile {
                source: String::new(),
                path: settings.rss.clone(),
                contents: rss(&title, &description, &base, &items).into_bytes(),
                metadata: "{}".into(),
            });
        }
        if !settings.atom.is_empty() {
            let self_url = site_kit::absolute(&base, &settings.atom);
            let atom = atom(&title, &base, &self_url, settings.author.as_deref(), &items);
            site.files.push(SiteFile {
                source: String::new(),
                path: settings.atom.clone(),
                contents: atom.into_bytes(),
                metadata: "{}".into(),
            });
        }
        Ok(site)
    }
}

fn item(entry: &Map<String, Value>, base: &str) -> Item {
    let get = |key: &str| entry.get(key).and_then(Value::as_str).map(String::from);
    let url = site_kit::absolute(base, &get("url").unwrap_or_default());
    Item {
        title: get("title").unwrap_or_else(|| url.clone()),
        date: get("date").as_deref().and_then(parse_date),
        summary: get("excerpt").or_else(|| get("description")),
        url,
    }
}

fn rss(title: &str, description: &str, base: &str, items: &[Item]) -> String {
    let e = site_kit::xml_escape;
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">\n  <channel>\n    <title>{}</title>\n    <link>{}</link>\n    <description>{}</description>\n",
        e(title),
        e(base),
        e(description)
    );
    for item in items {
        let _ = write!(
            xml,
            "    <item>\n      <title>{}</title>\n      <link>{}</link>\n      <guid>{}</guid>\n",
            e(&item.title),
            e(&item.url),
            e(&item.url)
        );
        if let Some(date) = item.date {
            let _ = writeln!(xml, "      <pubDate>{}</pubDate>", date.to_rfc2822());
        }
        if let Some(summary) = &item.summary {
            let _ = writeln!(xml, "      <description>{}</description>", e(summary));
        }
        xml.push_str("    </item>\n");
    }
    xml.push_str("  </channel>\n</rss>\n");
    xml
}

fn atom(title: &str, base: &str, self_url: &str, author: Option<&str>, items: &[Item]) -> String {
    let e = site_kit::xml_escape;
    let stamp = |date: &chrono::DateTime<chrono::FixedOffset>| date.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let updated = items
        .iter()
        .filter_map(|item| item.date)
        .max()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |date| stamp(&date));
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>{}</title>\n  <link href=\"{}\"/>\n  <link rel=\"self\" href=\"{}\"/>\n  <id>{}</id>\n  <updated>{updated}</updated>\n",
        e(title),
        e(base),
        e(self_url),
        e(base)
    );
    if let Some(author) = author {
        let _ = writeln!(xml, "  <author><name>{}</name></author>", e(author));
    }
    for item in items {
        let date = item.date.as_ref().map_or_else(|| updated.clone(), stamp);
        let _ = write!(
            xml,
            "  <entry>\n    <title>{}</title>\n    <link href=\"{}\"/>\n    <id>{}</id>\n    <updated>{date}</updated>\n",
            e(&item.title),
            e(&item.url),
            e(&item.url)
        );
        if let Some(summary) = &item.summary {
            let _ = writeln!(xml, "    <summary type=\"html\">{}</summary>", e(summary));
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

workbench_plugin::export_site_step!(Feed);
