//! Wappalyzer-format fingerprints as a detector. Its `describe` asks for
//! the files the user names (`--fingerprints FILE`, `[detect] fingerprints`)
//! and the project files its `files` option globs; documents may also sit
//! inline in its `fingerprints` option. With none, the host skips it.
//!
//! Fingerprints only match patterns: the detections carry evidence and a
//! version when a pattern's tag gives one, never settings.

// Natively (unit tests, fuzz targets) the component's entry points go unused.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

#[doc(hidden)]
pub mod fingerprint;

use std::collections::BTreeMap;

use fingerprint::{Catalog, Pattern, Technology};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;
use workbench_plugin::detector::{
    Detection, Detector, DetectorInfo, Error, Evidence, EvidenceSource, File, Page, Position, ScriptState, ServiceInfo,
    category, log, offset_position,
};

/// Evidence text is cut to this many characters.
const MATCHED_CHARS: usize = 120;

struct Fingerprints;

#[derive(Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
struct Settings {
    /// Wappalyzer-format fingerprint documents (each a JSON object of
    /// technologies), written inline.
    fingerprints: Vec<Value>,
    /// Globs of fingerprint files in the project, e.g. `fingerprints/*.json`.
    files: Vec<String>,
}

impl Detector for Fingerprints {
    type Options = Settings;

    /// The technologies depend on the user's files; there is no fixed list.
    fn services() -> Vec<ServiceInfo> {
        Vec::new()
    }

    fn describe(settings: &Settings) -> Result<DetectorInfo, Error> {
        Ok(DetectorInfo {
            reads: settings.files.clone(),
            fingerprints: true,
            works_without_files: !settings.fingerprints.is_empty(),
        })
    }

    fn detect(page: &Page, settings: &Settings) -> Result<Vec<Detection>, Error> {
        Self::detect_many(vec![page.clone()], settings, Vec::new()).pop().unwrap_or_else(|| Ok(Vec::new()))
    }

    fn detect_many(pages: Vec<Page>, settings: &Settings, files: Vec<File>) -> Vec<Result<Vec<Detection>, Error>> {
        let catalog = match documents(settings, &files).and_then(|documents| fingerprint::load(&documents)) {
            Ok(catalog) => catalog,
            Err(message) => return pages.iter().map(|_| Err(Error::InvalidInput(message.clone()))).collect(),
        };
        report_skipped(&catalog);
        pages.iter().map(|page| Ok(detect_page(&catalog, page))).collect()
    }
}

/// The inline documents, then each file's, named for messages.
fn documents(settings: &Settings, files: &[File]) -> Result<Vec<(String, Value)>, String> {
    let inline = settings
        .fingerprints
        .iter()
        .enumerate()
        .map(|(index, document)| (format!("fingerprints option, document {}", index + 1), document.clone()));
    let read = files.iter().map(|file| {
        serde_json::from_slice(&file.contents)
            .map(|document| (file.path.clone(), document))
            .map_err(|error| format!("{}:{}:{}: not valid JSON: {error}", file.path, error.line(), error.column()))
    });
    inline.map(Ok).chain(read).collect()
}

fn report_skipped(catalog: &Catalog) {
    if catalog.skipped_patterns > 0 {
        log::warn(&format!(
            "skipped {} fingerprint pattern(s) this regex engine cannot compile",
            catalog.skipped_patterns
        ));
    }
    if !catalog.skipped_keys.is_empty() {
        let keys: Vec<String> = catalog.skipped_keys.iter().map(|(key, count)| format!("{key} ({count})")).collect();
        log::info(&format!("fingerprint keys that need a browser or more requests were not read: {}", keys.join(", ")));
    }
}

struct Found {
    confidence: u32,
    version: Option<String>,
    evidence: Vec<Evidence>,
}

fn detect_page(catalog: &Catalog, page: &Page) -> Vec<Detection> {
    let mut found: BTreeMap<usize, Found> = BTreeMap::new();
    for (index, technology) in catalog.technologies.iter().enumerate() {
        let mut hits = Vec::new();
        match_technology(technology, page, &mut hits);
        if hits.is_empty() {
            continue;
        }
        let entry = found.entry(index).or_insert(Found { confidence: 0, version: None, evidence: Vec::new() });
        for (pattern, evidence, version) in hits {
            entry.confidence += u32::from(pattern.confidence);
            entry.version = entry.version.take().or(version);
            entry.evidence.push(evidence);
        }
    }
    imply(catalog, &mut found);
    let names: Vec<&str> = found.keys().map(|index| catalog.technologies[*index].name.as_str()).collect();
    let excluded: Vec<String> =
        found.keys().flat_map(|index| catalog.technologies[*index].excludes.iter().cloned()).collect();
    found
        .iter()
        .filter(|(index, _)| {
            let technology = &catalog.technologies[**index];
            !excluded.contains(&technology.name)
                && technology.requires.iter().all(|required| names.contains(&required.as_str()))
        })
        .map(|(index, found)| {
            let technology = &catalog.technologies[*index];
            Detection {
                service: fingerprint::kebab(&technology.name),
                name: technology.name.clone(),
                category: category(&technology.category),
                confidence: u8::try_from(found.confidence.min(100)).unwrap_or(100),
                version: found.version.clone(),
                settings: Vec::new(),
                evidence: found.evidence.clone(),
                consent_gated: false,
            }
        })
        .collect()
}

type Hit<'a> = (&'a Pattern, Evidence, Option<String>);

fn match_technology<'a>(technology: &'a Technology, page: &Page, hits: &mut Vec<Hit<'a>>) {
    let live = || page.scripts.iter().filter(|script| script.state == ScriptState::Active);
    for pattern in &technology.script_src {
        for script in live() {
            if let Some((matched, version, _)) = script.src.as_deref().and_then(|src| run(pattern, src)) {
                hits.push((pattern, evidence(EvidenceSource::ScriptSrc, &matched, Some(script.position)), version));
            }
        }
    }
    for pattern in &technology.scripts {
        for script in live().filter(|script| !script.text.is_empty()) {
            if let Some((matched, version, start)) = run(pattern, &script.text) {
                let position = offset_position(&script.text, script.text_position, start);
                hits.push((pattern, evidence(EvidenceSource::InlineScript, &matched, Some(position)), version));
            }
        }
    }
    for pattern in &technology.html {
        if let Some((matched, version, start)) = run(pattern, &page.body) {
            let position = offset_position(&page.body, Position { line: 1, column: 1 }, start);
            hits.push((pattern, evidence(EvidenceSource::Html, &matched, Some(position)), version));
        }
    }
    let named = |pairs: &'a [(String, Pattern)],
                 values: &[(String, String)],
                 source: EvidenceSource,
                 hits: &mut Vec<Hit<'a>>| {
        for (name, pattern) in pairs {
            for (key, value) in values.iter().filter(|(key, _)| key.eq_ignore_ascii_case(name)) {
                if let Some((_, version, _)) = run(pattern, value) {
                    hits.push((pattern, evidence(source, &format!("{key}: {value}"), None), version));
                }
            }
        }
    };
    named(&technology.headers, &page.headers, EvidenceSource::Header, hits);
    named(&technology.cookies, &page.cookies, EvidenceSource::Cookie, hits);
    for (name, pattern) in &technology.meta {
        for meta in page.meta.iter().filter(|meta| meta.name == *name) {
            if let Some((_, version, _)) = run(pattern, &meta.content) {
                let matched = format!("{}=\"{}\"", meta.name, meta.content);
                hits.push((pattern, evidence(EvidenceSource::Meta, &matched, Some(meta.position)), version));
            }
        }
    }
}

/// The matched text, the version its tag yields, and where the match starts.
fn run(pattern: &Pattern, text: &str) -> Option<(String, Option<String>, usize)> {
    // A pattern that exceeds its backtracking budget counts as no match.
    let captures = pattern.regex.captures(text).ok()??;
    let whole = captures.get(0)?;
    let version = pattern.version.as_deref().and_then(|template| {
        let groups: Vec<Option<&str>> =
            (0..captures.len()).map(|index| captures.get(index).map(|group| group.as_str())).collect();
        fingerprint::version(template, &groups)
    });
    Some((whole.as_str().to_string(), version, whole.start()))
}

/// Adds what the found technologies imply, transitively.
fn imply(catalog: &Catalog, found: &mut BTreeMap<usize, Found>) {
    let mut queue: Vec<usize> = found.keys().copied().collect();
    while let Some(index) = queue.pop() {
        let implier = &catalog.technologies[index];
        for (name, confidence) in &implier.implies {
            let Some(implied) = catalog.technologies.iter().position(|technology| technology.name == *name) else {
                continue;
            };
            if found.contains_key(&implied) {
                continue;
            }
            let evidence = evidence(EvidenceSource::Implied, &format!("implied by {}", implier.name), None);
            found
                .insert(implied, Found { confidence: u32::from(*confidence), version: None, evidence: vec![evidence] });
            queue.push(implied);
        }
    }
}

fn evidence(source: EvidenceSource, matched: &str, position: Option<Position>) -> Evidence {
    let matched =
        if matched.is_empty() { "(empty match)".to_string() } else { matched.chars().take(MATCHED_CHARS).collect() };
    Evidence { source, matched, position }
}

// Native builds (unit tests, the fuzz targets) link no component exports.
#[cfg(target_arch = "wasm32")]
workbench_plugin::export_detector!(Fingerprints);
