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

use serde_json::{Map, Value, json};

use crate::plugins::bindings::lint_check::Diagnostic;
use crate::plugins::{Plugin, cache::digest, json as wit_json};

/// Bumped whenever the stored shape changes.
const FORMAT: u64 = 1;

pub struct Store {
    path: Option<PathBuf>,
    /// File path → (contents digest, diagnostics as JSON).
    entries: HashMap<String, (String, Vec<Value>)>,
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

    /// The cached diagnostics of `path` if its contents are unchanged.
    pub fn get(&self, path: &str, contents_digest: &str) -> Option<Vec<Diagnostic>> {
        let (stored, diagnostics) = self.entries.get(path)?;
        if stored != contents_digest {
            return None;
        }
        diagnostics.iter().map(wit_json::diagnostic_from).collect()
    }

    pub fn put(&mut self, path: &str, contents_digest: &str, diagnostics: &[&Diagnostic]) {
        if self.path.is_none() {
            return;
        }
        let values = diagnostics.iter().map(|diagnostic| wit_json::diagnostic(diagnostic)).collect();
        self.entries.insert(path.to_string(), (contents_digest.to_string(), values));
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

fn read(path: &std::path::Path) -> Option<HashMap<String, (String, Vec<Value>)>> {
    let document: Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    if document.get("format")?.as_u64()? != FORMAT {
        return None;
    }
    let files = document.get("files")?.as_object()?;
    let mut entries = HashMap::with_capacity(files.len());
    for (file, entry) in files {
        let digest = entry.get("digest")?.as_str()?.to_string();
        let diagnostics = entry.get("diagnostics")?.as_array()?.clone();
        entries.insert(file.clone(), (digest, diagnostics));
    }
    Some(entries)
}

fn write(path: &std::path::Path, entries: &HashMap<String, (String, Vec<Value>)>) -> std::io::Result<()> {
    let dir = path.parent().expect("store paths have a parent");
    std::fs::create_dir_all(dir)?;
    let files: Map<String, Value> = entries
        .iter()
        .map(|(file, (digest, diagnostics))| (file.clone(), json!({ "digest": digest, "diagnostics": diagnostics })))
        .collect();
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    serde_json::to_writer(&mut temp, &json!({ "format": FORMAT, "files": files }))?;
    temp.flush()?;
    temp.persist(path).map_err(|error| error.error)?;
    Ok(())
}
