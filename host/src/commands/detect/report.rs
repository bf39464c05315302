//! Printing records: a table per target for people, one JSON document or
//! one JSON line per target for programs (schema version 1, docs/detect.md).

use std::fmt::Write as _;
use std::io::Write as _;

use serde::Serialize;

use super::{Format, Record};
use crate::context::Context;
use crate::error::Error;
use crate::plugins::bindings::detector::Evidence;
use crate::style::{HEADER, Paint};
use crate::terminal::printable;

pub const SCHEMA_VERSION: u32 = 1;

pub struct Printer<'a> {
    context: &'a Context,
    format: Format,
    /// Records kept for `--format json`, printed at the end.
    collected: Vec<Record>,
    failed: usize,
    detections: usize,
    /// The `--format ndjson` line being written.
    line: Vec<u8>,
}

impl<'a> Printer<'a> {
    pub fn new(context: &'a Context, format: Format) -> Printer<'a> {
        Printer { context, format, collected: Vec::new(), failed: 0, detections: 0, line: Vec::new() }
    }

    pub fn record(&mut self, record: Record) {
        match &record.outcome {
            Err(_) => self.failed += 1,
            Ok(found) => self.detections += found.detections.len(),
        }
        match self.format {
            Format::Human => {
                out!(self.context, "{}", human(&record, self.context.paint_out()));
                if let Ok(found) = &record.outcome {
                    for failure in &found.failures {
                        self.context.report(&Error::from(failure.clone()));
                    }
                }
            }
            Format::Json => self.collected.push(record),
            Format::Ndjson => {
                // One write a line: stdout's own buffer is 1 KiB and a
                // record is often several.
                self.line.clear();
                let _ = serde_json::to_writer(&mut self.line, &record_out(&record, Some(SCHEMA_VERSION)));
                self.line.push(b'\n');
                let mut stdout = self.context.stdout();
                let _ = stdout.write_all(&self.line);
                let _ = stdout.flush();
            }
        }
    }

    pub fn finish(self) {
        if self.format == Format::Json {
            let document = Document {
                version: SCHEMA_VERSION,
                targets: self.collected.iter().map(|record| record_out(record, None)).collect(),
                summary: Summary { targets: self.collected.len(), failed: self.failed, detections: self.detections },
            };
            let mut stdout = self.context.stdout();
            let _ = serde_json::to_writer_pretty(&mut *stdout, &document);
            let _ = writeln!(stdout);
        }
    }
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    targets: Vec<RecordOut<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Summary {
    targets: usize,
    failed: usize,
    detections: usize,
}

/// One target's record as written (typed, so a large batch is serialized
/// without building a JSON tree first; fields in schema order).
#[derive(Serialize)]
#[serde(untagged)]
enum RecordOut<'a> {
    Failed {
        #[serde(skip_serializing_if = "Option::is_none")]
        version: Option<u32>,
        target: &'a str,
        error: &'a str,
    },
    Found {
        #[serde(skip_serializing_if = "Option::is_none")]
        version: Option<u32>,
        target: &'a str,
        url: &'a str,
        status: u16,
        encoding: &'a str,
        truncated: bool,
        detections: Vec<DetectionOut<'a>>,
        failures: Vec<FailureOut<'a>>,
        error: Option<&'a str>,
    },
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct DetectionOut<'a> {
    service: &'a str,
    name: &'a str,
    category: &'a str,
    confidence: u8,
    version: Option<&'a str>,
    settings: Vec<SettingOut<'a>>,
    evidence: Vec<EvidenceOut<'a>>,
    consent_gated: bool,
    plugin: &'a str,
}

#[derive(Serialize)]
struct SettingOut<'a> {
    key: &'a str,
    value: &'a str,
    evidence: EvidenceOut<'a>,
}

#[derive(Serialize)]
struct EvidenceOut<'a> {
    source: &'a str,
    matched: &'a str,
    position: Option<PositionOut>,
}

#[derive(Serialize)]
struct PositionOut {
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct FailureOut<'a> {
    plugin: &'a str,
    call: &'a str,
    message: String,
}

fn evidence_out(evidence: &Evidence) -> EvidenceOut<'_> {
    EvidenceOut {
        source: evidence.source.name(),
        matched: &evidence.matched,
        position: evidence.position.map(|position| PositionOut { line: position.line, column: position.column }),
    }
}

fn record_out(record: &Record, version: Option<u32>) -> RecordOut<'_> {
    match &record.outcome {
        Err(message) => RecordOut::Failed { version, target: &record.target, error: message },
        Ok(found) => RecordOut::Found {
            version,
            target: &record.target,
            url: &found.url,
            status: found.status,
            encoding: found.encoding,
            truncated: found.truncated,
            detections: found
                .detections
                .iter()
                .map(|(plugin, detection)| DetectionOut {
                    service: &detection.service,
                    name: &detection.name,
                    category: detection.category.name(),
                    confidence: detection.confidence,
                    version: detection.version.as_deref(),
                    settings: detection
                        .settings
                        .iter()
                        .map(|setting| SettingOut {
                            key: &setting.key,
                            value: &setting.value,
                            evidence: evidence_out(&setting.evidence),
                        })
                        .collect(),
                    evidence: detection.evidence.iter().map(evidence_out).collect(),
                    consent_gated: detection.consent_gated,
                    plugin,
                })
                .collect(),
            failures: found
                .failures
                .iter()
                .map(|failure| FailureOut {
                    plugin: &failure.plugin,
                    call: &failure.call,
                    message: failure.to_string(),
                })
                .collect(),
            error: None,
        },
    }
}

fn human(record: &Record, paint: Paint) -> String {
    let mut out = String::new();
    let found = match &record.outcome {
        Err(message) => {
            let help = if record.target.starts_with("http://") || record.target.starts_with("https://") {
                "check the URL and that this machine reaches it; --timeout gives slow servers longer"
            } else {
                "check the path; `-` reads a page from stdin"
            };
            let (error, help_label) = (paint.label("error:"), paint.label("help:"));
            let _ =
                writeln!(out, "{}\n  {error} {message}\n  {help_label} {help}\n", paint.paint(HEADER, &record.target));
            return out;
        }
        Ok(found) => found,
    };
    let _ = write!(out, "{}", paint.paint(HEADER, &record.target));
    if found.url != record.target && !found.url.starts_with("file:") {
        let _ = write!(out, " -> {}", found.url);
    }
    if found.status != 200 {
        let _ = write!(out, " (HTTP {})", found.status);
    }
    out.push('\n');
    if found.truncated {
        out.push_str("  note: the page was longer than the body cap and was cut (raise --max-body-mib)\n");
    }
    if found.detections.is_empty() {
        out.push_str("  no third-party services found\n\n");
        return out;
    }
    let rows: Vec<[String; 4]> = found
        .detections
        .iter()
        .map(|(_, detection)| {
            let mut name = detection.name.clone();
            if let Some(version) = &detection.version {
                let _ = write!(name, " {version}");
            }
            if detection.consent_gated {
                name.push_str(" (consent-gated)");
            }
            let settings = detection
                .settings
                .iter()
                .map(|setting| format!("{}={}", setting.key, setting.value))
                .collect::<Vec<_>>()
                .join(" ");
            let evidence = detection.evidence.first().map(evidence_summary).unwrap_or_default();
            // Plugin text: shown, never obeyed, by the terminal.
            [name, detection.category.name().to_string(), settings, evidence].map(|cell| printable(&cell).into_owned())
        })
        .collect();
    let table = crate::table::render(["SERVICE", "CATEGORY", "SETTINGS", "EVIDENCE"], &rows, paint);
    for line in table.lines() {
        let _ = writeln!(out, "  {line}");
    }
    out.push('\n');
    out
}

fn evidence_summary(evidence: &Evidence) -> String {
    let flat = evidence.matched.split_whitespace().collect::<Vec<_>>().join(" ");
    let matched: String = flat.chars().take(60).collect();
    let ellipsis = if flat.chars().count() > 60 { "..." } else { "" };
    match evidence.position {
        Some(position) => {
            format!("{} {}:{} {matched}{ellipsis}", evidence.source.name(), position.line, position.column)
        }
        None => format!("{} {matched}{ellipsis}", evidence.source.name()),
    }
}
