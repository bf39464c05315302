//! The lint results cache: what a plugin said about a file, keyed by the
//! plugin's component digest, its options, the file's path and the SHA-256
//! of its contents. A lint-check result depends on nothing else (the host
//! batches files arbitrarily, so a check cannot rely on seeing two files
//! together), which is what makes this cache correct. Suppressions and
//! severities are applied after it, so config changes never go stale.
//!
//! One file per plugin and options under `$WORKBENCH_CACHE_DIR/lint/`, in
//! the shared [`crate::store`] format, written at the end of a run; an
//! unreadable or damaged one is ignored and rewritten. A warm run of a big tree looks up every file, so
//! the file is not parsed into a map: its entries are sorted by path and
//! found by binary search in the bytes as read, and only the entries used
//! are decoded.

use std::cell::Cell;
use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use crate::plugins::Plugin;
use crate::plugins::bindings::lint_check::{Diagnostic, Edit, Fix};
use crate::plugins::bindings::types::{Severity, Span};
use crate::plugins::cache::digest;
use crate::store::{self, Magic, Reader, Writer};

/// Bumped whenever the stored shape changes.
const MAGIC: &Magic = b"WBLINT06";

/// How long a change may take to show in a timestamp: a clock tick on
/// most file systems, two seconds on FAT. A file changed this close to a
/// run's start could change again within the same tick, unseen (git calls
/// it "racily clean"), so its time is not trusted until it is older.
pub const RACY: Duration = Duration::from_secs(2);

/// Whether a time of `modified_ns` is too close to `start_ns` to trust.
pub fn is_racy(modified_ns: u128, start_ns: u128) -> bool {
    modified_ns.saturating_add(RACY.as_nanos()) > start_ns
}

/// Nanoseconds since the epoch: how run starts and file times compare.
pub fn nanos(time: SystemTime) -> Option<u128> {
    time.duration_since(SystemTime::UNIX_EPOCH).ok().map(|since| since.as_nanos())
}

/// Size and modification time: when both match, the contents are taken
/// as unchanged without reading them (as ESLint's and ruff's caches do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub size: u64,
    pub modified_ns: u128,
}

impl Stamp {
    /// `None` when the file changed too close to `run_start_ns` to trust.
    pub fn of(metadata: &std::fs::Metadata, run_start_ns: u128) -> Option<Stamp> {
        let modified_ns = nanos(metadata.modified().ok()?)?;
        (!is_racy(modified_ns, run_start_ns)).then_some(Stamp { size: metadata.len(), modified_ns })
    }
}

/// What the cache holds for a file.
pub struct Cached {
    /// Each with the text of the line its span starts on, so a warm run
    /// can show it without reading the file.
    pub diagnostics: Vec<(Diagnostic, Option<String>)>,
    /// The file holds a suppression comment, so it must be read to apply it.
    pub marker: bool,
}

/// An entry made or changed this run.
struct Entry {
    digest: String,
    stamp: Option<Stamp>,
    marker: bool,
    diagnostics: Vec<(Diagnostic, Option<String>)>,
}

pub struct Store {
    path: Option<PathBuf>,
    /// The file as read (header and all), and where each entry's path and
    /// record lie in it, sorted by path.
    bytes: Vec<u8>,
    index: Vec<(Range<usize>, Range<usize>)>,
    /// Where in `index` the next lookup starts.
    next: Cell<usize>,
    changed: HashMap<String, Entry>,
}

impl Store {
    /// The store for one plugin with these options; empty when `dir` is
    /// `None` (caching off).
    pub fn open(dir: Option<&std::path::Path>, plugin: &Plugin, options: &str) -> Store {
        let path = dir.map(|dir| {
            let key = digest(format!("{MAGIC:?}\0{}\0{options}", plugin.digest).as_bytes());
            dir.join("lint").join(format!("{key}.bin"))
        });
        Store::at(path)
    }

    /// The store kept at `path`, if any.
    fn at(path: Option<PathBuf>) -> Store {
        let (bytes, start) =
            path.as_ref().and_then(|path| store::read(path, MAGIC)).map(store::Stored::into_parts).unwrap_or_default();
        let index = index(&bytes, start).unwrap_or_default();
        Store { path, bytes, index, next: Cell::new(0), changed: HashMap::new() }
    }

    /// The cached findings for `path` if its size and modification time
    /// are unchanged.
    pub fn get_fresh(&self, path: &str, stamp: Option<Stamp>) -> Option<Cached> {
        if let Some(entry) = self.changed.get(path) {
            return (stamp.is_some() && entry.stamp == stamp)
                .then(|| Cached { diagnostics: entry.diagnostics.clone(), marker: entry.marker });
        }
        let record = self.record(path)?;
        if stamp.is_none() || record.stamp != stamp {
            return None;
        }
        Some(Cached { diagnostics: record.diagnostics(path)?, marker: record.marker })
    }

    /// The cached findings for `path` if its contents are unchanged; a hit
    /// refreshes the stamp so the next run need not read the file.
    pub fn get(&mut self, path: &str, contents_digest: &str, stamp: Option<Stamp>) -> Option<Cached> {
        if let Some(entry) = self.changed.get_mut(path) {
            if entry.digest != contents_digest {
                return None;
            }
            entry.stamp = stamp;
            return Some(Cached { diagnostics: entry.diagnostics.clone(), marker: entry.marker });
        }
        let record = self.record(path)?;
        if record.digest != contents_digest {
            return None;
        }
        let diagnostics = record.diagnostics(path)?;
        let marker = record.marker;
        if record.stamp != stamp {
            let entry = Entry { digest: contents_digest.to_string(), stamp, marker, diagnostics: diagnostics.clone() };
            self.changed.insert(path.to_string(), entry);
        }
        Some(Cached { diagnostics, marker })
    }

    /// Records what the plugin found in `path`; `contents` gives the lines
    /// shown with each finding.
    pub fn put(&mut self, path: &str, digest: &str, stamp: Option<Stamp>, contents: &[u8], found: &[&Diagnostic]) {
        if self.path.is_none() {
            return;
        }
        let diagnostics = found
            .iter()
            .map(|diagnostic| {
                let line = diagnostic.span.and_then(|span| super::report::source_line(contents, span.line));
                ((*diagnostic).clone(), line)
            })
            .collect();
        let marker = super::suppress::has_marker(contents);
        self.changed.insert(path.to_string(), Entry { digest: digest.to_string(), stamp, marker, diagnostics });
    }

    /// Writes the store if anything changed; a failure only costs time.
    pub fn save(&self) {
        let (Some(path), false) = (&self.path, self.changed.is_empty()) else { return };
        let mut writer = Writer::with_capacity(self.bytes.len() + self.changed.len() * 256);
        let mut kept: Vec<(&str, Option<&[u8]>)> = Vec::with_capacity(self.index.len() + self.changed.len());
        for (path, record) in &self.index {
            let path = std::str::from_utf8(&self.bytes[path.clone()]).unwrap_or_default();
            if !self.changed.contains_key(path) {
                kept.push((path, Some(&self.bytes[record.clone()])));
            }
        }
        kept.extend(self.changed.keys().map(|path| (path.as_str(), None)));
        kept.sort_unstable_by_key(|(path, _)| *path);
        writer.count(kept.len());
        for (path, record) in kept {
            writer.text(path);
            match record {
                Some(record) => writer.bytes(record),
                None => writer.bytes(&encode(&self.changed[path])),
            }
        }
        if let Err(error) = store::write(path, MAGIC, &writer.out, false) {
            log::warn!("cannot write the lint cache at {}: {error}", path.display());
        }
    }

    fn record(&self, path: &str) -> Option<Record<'_>> {
        // Runs look files up in path order, so the entry after the last
        // one found is usually the one wanted.
        let next = self.next.get();
        let at = match self.index.get(next) {
            Some((key, _)) if &self.bytes[key.clone()] == path.as_bytes() => next,
            _ => self.index.binary_search_by(|(key, _)| self.bytes[key.clone()].cmp(path.as_bytes())).ok()?,
        };
        self.next.set(at + 1);
        Record::decode(&self.bytes[self.index[at].1.clone()])
    }
}

/// Where each entry lies in a store's bytes (its payload from `start`),
/// sorted by path; `None` when the payload is damaged.
fn index(bytes: &[u8], start: usize) -> Option<Vec<(Range<usize>, Range<usize>)>> {
    let mut reader = Reader::new(bytes.get(start..)?);
    let count = reader.count()?;
    let mut index = Vec::with_capacity(count);
    let offset = |reader: &Reader, field: &[u8]| {
        let end = bytes.len() - reader.bytes.len();
        end - field.len()..end
    };
    for _ in 0..count {
        let path = reader.bytes()?;
        let path = offset(&reader, path);
        let record = reader.bytes()?;
        index.push((path, offset(&reader, record)));
    }
    if !reader.bytes.is_empty() {
        return None;
    }
    if !index.is_sorted_by(|(a, _), (b, _)| bytes[a.clone()] < bytes[b.clone()]) {
        index.sort_unstable_by(|(a, _), (b, _)| bytes[a.clone()].cmp(&bytes[b.clone()]));
    }
    Some(index)
}

/// An entry as stored: the contents' digest (hex), the stamp, the marker,
/// then the findings.
struct Record<'a> {
    digest: &'a str,
    stamp: Option<Stamp>,
    marker: bool,
    findings: &'a [u8],
}

impl<'a> Record<'a> {
    fn decode(bytes: &'a [u8]) -> Option<Record<'a>> {
        let mut reader = Reader::new(bytes);
        let digest = reader.text()?;
        let stamp = match reader.u8()? {
            0 => None,
            _ => Some(Stamp { size: reader.u64()?, modified_ns: reader.u128()? }),
        };
        let marker = reader.u8()? != 0;
        Some(Record { digest, stamp, marker, findings: reader.bytes })
    }

    fn diagnostics(&self, path: &str) -> Option<Vec<(Diagnostic, Option<String>)>> {
        let mut reader = Reader::new(self.findings);
        let count = reader.count()?;
        let mut found = Vec::with_capacity(count);
        let optional = |reader: &mut Reader<'a>| match reader.u8()? {
            0 => Some(None),
            _ => reader.text().map(|text| Some(text.to_string())),
        };
        for _ in 0..count {
            let rule = reader.text()?.to_string();
            let severity = match reader.u8()? {
                0 => Severity::Error,
                1 => Severity::Warning,
                _ => Severity::Info,
            };
            let message = reader.text()?.to_string();
            let span = match reader.u8()? {
                0 => None,
                _ => {
                    Some(Span { start: reader.u32()?, end: reader.u32()?, line: reader.u32()?, column: reader.u32()? })
                }
            };
            let help = optional(&mut reader)?;
            let fix = if reader.u8()? == 0 {
                None
            } else {
                let description = reader.text()?.to_string();
                let edits = (0..reader.count()?)
                    .map(|_| {
                        Some(Edit { start: reader.u32()?, end: reader.u32()?, replacement: reader.text()?.to_string() })
                    })
                    .collect::<Option<Vec<Edit>>>()?;
                Some(Fix { description, edits })
            };
            let line = optional(&mut reader)?;
            found.push((Diagnostic { rule, severity, message, path: path.to_string(), span, help, fix }, line));
        }
        reader.bytes.is_empty().then_some(found)
    }
}

fn encode(entry: &Entry) -> Vec<u8> {
    let mut writer = Writer::default();
    writer.text(&entry.digest);
    match entry.stamp {
        None => writer.u8(0),
        Some(stamp) => {
            writer.u8(1);
            writer.u64(stamp.size);
            writer.u128(stamp.modified_ns);
        }
    }
    writer.u8(u8::from(entry.marker));
    writer.count(entry.diagnostics.len());
    let optional = |writer: &mut Writer, text: Option<&str>| match text {
        None => writer.u8(0),
        Some(text) => {
            writer.u8(1);
            writer.text(text);
        }
    };
    for (diagnostic, line) in &entry.diagnostics {
        writer.text(&diagnostic.rule);
        writer.u8(match diagnostic.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Info => 2,
        });
        writer.text(&diagnostic.message);
        match diagnostic.span {
            None => writer.u8(0),
            Some(span) => {
                writer.u8(1);
                for value in [span.start, span.end, span.line, span.column] {
                    writer.u32(value);
                }
            }
        }
        optional(&mut writer, diagnostic.help.as_deref());
        match &diagnostic.fix {
            None => writer.u8(0),
            Some(fix) => {
                writer.u8(1);
                writer.text(&fix.description);
                writer.count(fix.edits.len());
                for edit in &fix.edits {
                    writer.u32(edit.start);
                    writer.u32(edit.end);
                    writer.text(&edit.replacement);
                }
            }
        }
        optional(&mut writer, line.as_deref());
    }
    writer.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostic(path: &str, fix: bool) -> Diagnostic {
        Diagnostic {
            rule: "text/trailing-whitespace".into(),
            severity: Severity::Warning,
            message: "trailing whitespace".into(),
            path: path.into(),
            span: Some(Span { start: 1, end: 3, line: 1, column: 2 }),
            help: Some("remove it".into()),
            fix: fix.then(|| Fix {
                description: "remove".into(),
                edits: vec![Edit { start: 1, end: 3, replacement: String::new() }],
            }),
        }
    }

    fn store(dir: &std::path::Path) -> Store {
        Store::at(Some(dir.join("store.bin")))
    }

    #[test]
    fn findings_survive_a_save_and_are_found_by_path() {
        let dir = tempfile::tempdir().unwrap();
        let stamp = Some(Stamp { size: 4, modified_ns: 7 });
        let mut first = store(dir.path());
        for path in ["b.txt", "a.txt", "c/d.txt"] {
            first.put(path, "digest", stamp, b"x  \n", &[&diagnostic(path, path == "a.txt")]);
        }
        first.put("clean.txt", "other", stamp, b"fine\n", &[]);
        first.save();

        let second = store(dir.path());
        let cached = second.get_fresh("a.txt", stamp).unwrap();
        assert_eq!(cached.diagnostics.len(), 1);
        let (found, line) = &cached.diagnostics[0];
        assert_eq!(found.path, "a.txt");
        assert_eq!(found.fix.as_ref().unwrap().edits.len(), 1);
        assert_eq!(line.as_deref(), Some("x  "));
        assert!(second.get_fresh("c/d.txt", stamp).is_some());
        assert!(second.get_fresh("clean.txt", stamp).unwrap().diagnostics.is_empty());
        assert!(second.get_fresh("a.txt", Some(Stamp { size: 4, modified_ns: 8 })).is_none());
        assert!(second.get_fresh("missing.txt", stamp).is_none());
    }

    #[test]
    fn a_content_hit_refreshes_the_stamp_and_keeps_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let mut first = store(dir.path());
        first.put("a.txt", "same", None, b"x\n", &[]);
        first.put("b.txt", "kept", Some(Stamp { size: 2, modified_ns: 1 }), b"y\n", &[]);
        first.save();

        let mut second = store(dir.path());
        let stamp = Some(Stamp { size: 2, modified_ns: 5 });
        assert!(second.get_fresh("a.txt", stamp).is_none());
        assert!(second.get("a.txt", "changed", stamp).is_none());
        assert!(second.get("a.txt", "same", stamp).is_some());
        second.save();

        let third = store(dir.path());
        assert!(third.get_fresh("a.txt", stamp).is_some());
        assert!(third.get_fresh("b.txt", Some(Stamp { size: 2, modified_ns: 1 })).is_some());
    }

    #[test]
    fn a_damaged_store_reads_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        let mut first = store(dir.path());
        first.put("a.txt", "d", None, b"x\n", &[]);
        first.save();
        let file = dir.path().join("store.bin");
        let (bytes, start) = store::read(&file, MAGIC).expect("an intact store").into_parts();
        assert!(index(&bytes[..bytes.len() - 3], start).is_none(), "a truncated payload");
        std::fs::write(&file, &bytes[..bytes.len() - 3]).unwrap();
        assert!(store(dir.path()).get("a.txt", "d", None).is_none(), "a truncated file");
        assert!(index(b"junk", 0).is_none());
    }

    #[test]
    fn times_too_close_to_the_run_are_not_trusted() {
        let file = tempfile::NamedTempFile::new().unwrap();
        let metadata = file.as_file().metadata().unwrap();
        let now = nanos(SystemTime::now()).unwrap();
        assert!(Stamp::of(&metadata, now).is_none());
        assert!(Stamp::of(&metadata, now + 2 * RACY.as_nanos()).is_some());
    }
}
