//! The lint results cache: what a plugin said about a file, keyed by the
//! plugin's component digest, its options, the file's path and the SHA-256
//! of its contents. A lint-check result depends on nothing else (the host
//! batches files arbitrarily, so a check cannot rely on seeing two files
//! together), which is what makes this cache correct. Suppressions and
//! severities are applied after it, so config changes never go stale.
//!
//! One JSON file per plugin and options under `$WORKBENCH_CACHE_DIR/lint/`,
//! written atomically at the end of a run; an unreadable or damaged one is
//! ignored and rewritten.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::PathBuf;

use serde_json::Value;

use crate::plugins::bindings::lint_check::Diagnostic;
use crate::plugins::{Plugin, cache::digest, json as wit_json};

/// Bumped whenever the stored shape changes.
const FORMAT: u64 = 3;

/// Size and modification time: when both match, the contents are taken
/// as unchanged without reading them (as ESLint's and ruff's caches do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub size: u64,
    pub modified_ns: u128,
}

impl Stamp {
    pub fn of(metadata: &std::fs::Metadata) -> Option<Stamp> {
        let modified = metadata.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
        Some(Stamp { size: metadata.len(), modified_ns: modified.as_nanos() })
    }
}

struct Entry {
    digest: String,
    stamp: Option<Stamp>,
    /// The file holds a suppression comment, so it must be read to apply it.
    marker: bool,
    diagnostics: Vec<Value>,
}

pub struct Store {
    path: Option<PathBuf>,
    entries: HashMap<String, Entry>,
    dirty: bool,
}

impl Store {
    /// The store for one plugin with these options; empty when `dir` is
    /// `None` (caching off).
    pub fn open(dir: Option<&std::path::Path>, plugin: &Plugin, options: &str) -> Store {
        let path = dir.map(|dir| {
            let key = digest(format!("{FORMAT}\0{}\0{options}", plugin.digest).as_bytes());
            dir.join("lint").join(format!("{key}.json"))
        });
        let entries = path.as_ref().and_then(|path| read(path)).unwrap_or_default();
        Store { path, entries, dirty: false }
    }

    /// The cached diagnostics of `path` if its size and modification time
    /// are unchanged, and whether the file holds a suppression.
    pub fn get_fresh(&self, path: &str, stamp: Option<Stamp>) -> Option<(Vec<Diagnostic>, bool)> {
        let entry = self.entries.get(path)?;
        if stamp.is_none() || entry.stamp != stamp {
            return None;
        }
        Some((entry.diagnostics.iter().map(wit_json::diagnostic_from).collect::<Option<_>>()?, entry.marker))
    }

    /// The cached diagnostics of `path` if its contents are unchanged; a
    /// hit refreshes the stamp so the next run need not read the file.
    pub fn get(&mut self, path: &str, contents_digest: &str, stamp: Option<Stamp>) -> Option<Vec<Diagnostic>> {
        let entry = self.entries.get_mut(path)?;
        if entry.digest != contents_digest {
            return None;
        }
        let diagnostics = entry.diagnostics.iter().map(wit_json::diagnostic_from).collect::<Option<_>>()?;
        if entry.stamp != stamp {
            entry.stamp = stamp;
            self.dirty = true;
        }
        Some(diagnostics)
    }

    pub fn put(&mut self, path: &str, digest: &str, stamp: Option<Stamp>, marker: bool, diagnostics: &[&Diagnostic]) {
        if self.path.is_none() {
            return;
        }
        let diagnostics = diagnostics.iter().map(|diagnostic| wit_json::diagnostic(diagnostic)).collect();
        self.entries.insert(path.to_string(), Entry { digest: digest.to_string(), stamp, marker, diagnostics });
        self.dirty = true;
    }

    /// Writes the store if anything changed; a failure only costs time.
    pub fn save(&self) {
        let (Some(path), true) = (&self.path, self.dirty) else { return };
        if let Err(error) = write(path, &self.entries) {
            log::warn!("cannot write the lint cache at {}: {error}", path.display());
        }
    }
}

/// The file on disk: typed, so loading does not build a tree of JSON
/// values for thousands of clean files.
#[derive(serde::Serialize, serde::Deserialize)]
struct Document {
    format: u64,
    files: Vec<Stored>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    path: String,
    digest: String,
    size: Option<u64>,
    /// Nanoseconds as text: JSON numbers lose precision past 2^53.
    modified_ns: Option<String>,
    marker: bool,
    diagnostics: Vec<Value>,
}

fn read(path: &std::path::Path) -> Option<HashMap<String, Entry>> {
    let document: Document = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    if document.format != FORMAT {
        return None;
    }
    let mut entries = HashMap::with_capacity(document.files.len());
    for stored in document.files {
        let stamp = match (stored.size, stored.modified_ns) {
            (Some(size), Some(modified)) => Some(Stamp { size, modified_ns: modified.parse().ok()? }),
            _ => None,
        };
        let entry = Entry { digest: stored.digest, stamp, marker: stored.marker, diagnostics: stored.diagnostics };
        entries.insert(stored.path, entry);
    }
    Some(entries)
}

fn write(path: &std::path::Path, entries: &HashMap<String, Entry>) -> std::io::Result<()> {
    let dir = path.parent().expect("store paths have a parent");
    std::fs::create_dir_all(dir)?;
    let files = entries
        .iter()
        .map(|(file, entry)| Stored {
            path: file.clone(),
            digest: entry.digest.clone(),
            size: entry.stamp.map(|stamp| stamp.size),
            modified_ns: entry.stamp.map(|stamp| stamp.modified_ns.to_string()),
            marker: entry.marker,
            diagnostics: entry.diagnostics.clone(),
        })
        .collect();
    // One write: serde_json writes token by token, and the file is unbuffered.
    let bytes = serde_json::to_vec(&Document { format: FORMAT, files })?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(&bytes)?;
    temp.persist(path).map_err(|error| error.error)?;
    Ok(())
}
