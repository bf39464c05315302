//! `sitemap`: `sitemap.xml` (sitemaps.org 0.9) listing the site's pages,
//! like @metalsmith/sitemap. URLs are absolute, from `hostname` or the
//! site metadata's `url`. A page with `private: true` or `sitemap: false`
//! is left out; `lastmod` comes from the page's `lastmod` or `date`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use site_kit::Globs;
use std::fmt::Write as _;
use workbench_plugin::serde_json::Value;
use workbench_plugin::site_step::{Error, Site, SiteFile, SiteStep, StepInfo, parse_metadata};

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct Settings {
    hostname: Option<String>,
    pattern: Globs,
    output: String,
    changefreq: Option<String>,
    priority: Option<f64>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            hostname: None,
            pattern: Globs::of(&["**/*.html"]),
            output: "sitemap.xml".into(),
            changefreq: None,
            priority: None,
        }
    }
}

struct Sitemap;

impl SiteStep for Sitemap {
    type Options = Settings;

    fn describe(settings: &Settings) -> Result<StepInfo, Error> {
        Ok(StepInfo {
            per_file: false,
            patterns: Some(settings.pattern.to_vec()),
            reads: Vec::new(),
            copies: Vec::new(),
        })
    }

    fn run(mut site: Site, settings: &Settings) -> Result<Site, Error> {
        let site_metadata = parse_metadata(&site.metadata, "site")?;
        let hostname = settings
            .hostname
            .clone()
            .or_else(|| site_metadata.get("url").and_then(Value::as_str).map(String::from))
            .ok_or_else(|| {
                site_kit::bad_options("no `hostname`: set it in the step's options, or `url` in [site.metadata]")
            })?;
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        let mut pages: Vec<(String, Option<String>)> = Vec::new();
        for file in &site.files {
            let metadata = site_kit::metadata(file)?;
            if site_kit::truthy(metadata.get("private")) || metadata.get("sitemap") == Some(&Value::Bool(false)) {
                continue;
            }
            let lastmod = metadata.get("lastmod").or_else(|| metadata.get("date")).and_then(Value::as_str);
            pages.push((site_kit::url_of(&file.path, &metadata), lastmod.map(site_kit::date_key)));
        }
        pages.sort();
        for (url, lastmod) in pages {
            xml.push_str("  <url>\n    <loc>");
            xml.push_str(&site_kit::xml_escape(&site_kit::absolute(&hostname, &url)));
            xml.push_str("</loc>\n");
            if let Some(lastmod) = lastmod {
                let _ = writeln!(xml, "    <lastmod>{}</lastmod>", site_kit::xml_escape(&lastmod));
            }
            if let Some(changefreq) = &settings.changefreq {
                let _ = writeln!(xml, "    <changefreq>{}</changefreq>", site_kit::xml_escape(changefreq));
            }
            if let Some(priority) = settings.priority {
                let _ = writeln!(xml, "    <priority>{priority:.1}</priority>");
            }
            xml.push_str("  </url>\n");
        }
        xml.push_str("</urlset>\n");
        site.files.push(SiteFile {
            source: String::new(),
            path: settings.output.clone(),
            contents: xml.into_bytes(),
            metadata: "{}".into(),
        });
        Ok(site)
    }
}

workbench_plugin::export_site_step!(Sitemap);
