//! The lint results cache: what a plugin said about a file, keyed by the
//! plugin's component digest, its options, the file's path and the SHA-256
//! of its contents. A lint-check result depends on nothing else (the host
//! batches files arbitrarily, so a check cannot rely on seeing two files
//! together), which is what makes this cache correct. Suppressions and
//! severities are applied after it, so config changes never go stale.
//!
//! One binary file per plugin and options under `$WORKBENCH_CACHE_DIR/lint/`,
//! written atomically at the end of a run; an unreadable or damaged one is
//! ignored and rewritten.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::PathBuf;

use serde_json::Value;

use crate::plugins::bindings::lint_check::Diagnostic;
use crate::plugins::{Plugin, cache::digest, json as wit_json};

/// Bumped whenever the stored shape changes.
const FORMAT: u64 = 4;

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

/// Tens of thousands of these are read on every warm run, so an entry
/// allocates nothing but its key in the common case (no diagnostics).
struct Entry {
    /// The SHA-256 of the contents, in hex.
    digest: [u8; 64],
    stamp: Option<Stamp>,
    /// The file holds a suppression comment, so it must be read to apply it.
    marker: bool,
    /// The diagnostics as JSON text; empty for none (most files).
    diagnostics: String,
}

impl Entry {
    fn new(digest: &str, stamp: Option<Stamp>, marker: bool, diagnostics: &str) -> Entry {
        let digest = digest.as_bytes().try_into().unwrap_or([0; 64]);
        let diagnostics = if diagnostics == "[]" { String::new() } else { diagnostics.to_string() };
        Entry { digest, stamp, marker, diagnostics }
    }

    fn diagnostics(&self) -> Option<Vec<Diagnostic>> {
        if self.diagnostics.is_empty() {
            return Some(Vec::new());
        }
        let values: Vec<Value> = serde_json::from_str(&self.diagnostics).ok()?;
        values.iter().map(wit_json::diagnostic_from).collect()
    }
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
            dir.join("lint").join(format!("{key}.bin"))
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
        Some((entry.diagnostics()?, entry.marker))
    }

    /// The cached diagnostics of `path` if its contents are unchanged; a
    /// hit refreshes the stamp so the next run need not read the file.
    pub fn get(&mut self, path: &str, contents_digest: &str, stamp: Option<Stamp>) -> Option<Vec<Diagnostic>> {
        let entry = self.entries.get_mut(path)?;
        if entry.digest != contents_digest.as_bytes() {
            return None;
        }
        let diagnostics = entry.diagnostics()?;
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
        let values: Vec<Value> = diagnostics.iter().map(|diagnostic| wit_json::diagnostic(diagnostic)).collect();
        let diagnostics = Value::Array(values).to_string();
        self.entries.insert(path.to_string(), Entry::new(digest, stamp, marker, &diagnostics));
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

/// The file on disk, binary (a JSON document of 10,000 entries took a warm
/// run 25 ms to parse): `MAGIC`, the entry count, then per entry its path,
/// content digest, stamp, marker and diagnostics (JSON text, parsed only
/// when the entry is used). Integers are little-endian; strings are a u32
/// length and UTF-8 bytes.
const MAGIC: &[u8; 8] = b"WBLINT04";

fn read(path: &std::path::Path) -> Option<HashMap<String, Entry>> {
    let bytes = std::fs::read(path).ok()?;
    let mut reader = Reader { bytes: bytes.strip_prefix(MAGIC.as_slice())? };
    let count = usize::try_from(reader.u64()?).ok()?;
    let mut entries = HashMap::with_capacity(count.min(1 << 20));
    for _ in 0..count {
        let path = reader.text()?.to_string();
        let digest = reader.text()?;
        let stamp = match reader.u8()? {
            0 => None,
            _ => Some(Stamp { size: reader.u64()?, modified_ns: reader.u128()? }),
        };
        let marker = reader.u8()? != 0;
        let diagnostics = reader.text()?;
        entries.insert(path, Entry::new(digest, stamp, marker, diagnostics));
    }
    reader.bytes.is_empty().then_some(entries)
}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.bytes.split_at_checked(len)?;
        self.bytes = rest;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|bytes| bytes[0])
    }

    fn u64(&mut self) -> Option<u64> {
        self.take(8)?.try_into().ok().map(u64::from_le_bytes)
    }

    fn u128(&mut self) -> Option<u128> {
        self.take(16)?.try_into().ok().map(u128::from_le_bytes)
    }

    fn text(&mut self) -> Option<&'a str> {
        let len = usize::try_from(u32::from_le_bytes(self.take(4)?.try_into().ok()?)).ok()?;
        std::str::from_utf8(self.take(len)?).ok()
    }
}

fn write(path: &std::path::Path, entries: &HashMap<String, Entry>) -> std::io::Result<()> {
    fn text(out: &mut Vec<u8>, text: &str) -> std::io::Result<()> {
        let len = u32::try_from(text.len()).map_err(std::io::Error::other)?;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(text.as_bytes());
        Ok(())
    }
    let dir = path.parent().expect("store paths have a parent");
    std::fs::create_dir_all(dir)?;
    let mut out = Vec::with_capacity(64 + entries.len() * 128);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(entries.len() as u64).to_le_bytes());
    for (file, entry) in entries {
        text(&mut out, file)?;
        text(&mut out, std::str::from_utf8(&entry.digest).unwrap_or_default())?;
        match entry.stamp {
            None => out.push(0),
            Some(stamp) => {
                out.push(1);
                out.extend_from_slice(&stamp.size.to_le_bytes());
                out.extend_from_slice(&stamp.modified_ns.to_le_bytes());
            }
        }
        out.push(u8::from(entry.marker));
        text(&mut out, if entry.diagnostics.is_empty() { "[]" } else { &entry.diagnostics })?;
    }
    let mut temp = crate::leftovers::file_in(dir, "cache")?;
    temp.write_all(&out)?;
    temp.persist(path).map_err(|error| error.error)?;
    Ok(())
}
