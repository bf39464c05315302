//! The step cache: what a run of consecutive per-file steps made of one
//! file, keyed by the XXH3-128 hash of the file (path, source, contents,
//! metadata) and of everything else those steps see: each plugin's
//! component digest, its options, the project files it reads and the site
//! metadata. A per-file step may not depend on anything else (the host
//! batches files arbitrarily), which is what makes the cache correct; a
//! whole-set step always runs.
//!
//! Only a run's final outputs are kept, not each step's, so the cache stays
//! about the size of the output. It lives in memory for `serve` and in one
//! file beside the output (`.NAME.cache`) between builds, in the shared
//! [`crate::store`] format, written only when something changed; entries
//! that the last build did not use are dropped then. A damaged or foreign
//! file is ignored.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::plugins::bindings::site_step::SiteFile;
use crate::store::{self, Magic, Reader, Writer};

/// XXH3-128: a 128-bit hash is collision-free for any site's worth of
/// files by accident, and it is about ten times faster than a cryptographic
/// one on page-sized inputs; forging a collision would take writing the
/// project's own sources, which decide the output anyway.
pub type Key = [u8; 16];

/// The stored shape's version: bumped whenever it changes.
const MAGIC: &Magic = b"WBSTEP04";

#[derive(Default)]
pub struct StepCache {
    /// `None`: kept in memory only (or caching is off, see `enabled`).
    path: Option<PathBuf>,
    enabled: bool,
    entries: HashMap<Key, Vec<SiteFile>>,
    used: HashSet<Key>,
    dirty: bool,
    hits: usize,
    misses: usize,
}

impl StepCache {
    /// The cache beside a site's output, or none with `--no-cache`.
    pub fn for_site(site: &super::Site, no_cache: bool) -> StepCache {
        if no_cache { StepCache::disabled() } else { StepCache::open(super::output::cache_path(&site.destination)) }
    }

    /// A cache that remembers nothing (`--no-cache`).
    pub fn disabled() -> StepCache {
        StepCache::default()
    }

    /// The cache stored at `path`, or an empty one when there is none.
    pub fn open(path: PathBuf) -> StepCache {
        let entries = match store::read(&path, MAGIC) {
            Some(stored) => decode(stored.payload()).unwrap_or_else(|| {
                log::info!("ignoring the step cache at {}: not one this version wrote", path.display());
                HashMap::new()
            }),
            None => HashMap::new(),
        };
        StepCache { path: Some(path), enabled: true, entries, ..StepCache::default() }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The cached results for `keys`, copied out on `threads` threads
    /// (a warm rebuild of a large site copies most of its output here).
    pub fn get_all(&mut self, keys: &[Key], threads: usize) -> Vec<Option<Vec<SiteFile>>> {
        let entries = &self.entries;
        let found = crate::parallel::map(keys, threads, |key| entries.get(key).cloned());
        for (key, files) in keys.iter().zip(&found) {
            if files.is_some() {
                self.used.insert(*key);
                self.hits += 1;
            }
        }
        found
    }

    pub fn put(&mut self, key: Key, files: Vec<SiteFile>) {
        self.misses += 1;
        if self.enabled {
            self.used.insert(key);
            self.entries.insert(key, files);
            self.dirty = true;
        }
    }

    /// Called once a build succeeded: forgets what it did not use.
    pub fn finish(&mut self) {
        let before = self.entries.len();
        let used = std::mem::take(&mut self.used);
        self.entries.retain(|key, _| used.contains(key));
        self.dirty |= self.entries.len() != before;
        log::info!("step cache: {} hits, {} misses", self.hits, self.misses);
        self.hits = 0;
        self.misses = 0;
    }

    /// Stores the cache if anything changed (`serve` does so only when it
    /// stops, not after every rebuild). A failure only costs time.
    pub fn save(&mut self) {
        let (Some(path), true) = (&self.path, self.dirty) else { return };
        match store(path, &self.entries) {
            Ok(()) => self.dirty = false,
            Err(error) => log::warn!("cannot write the step cache at {}: {error}", path.display()),
        }
    }

    /// A failed build keeps everything for the next attempt.
    pub fn abandon(&mut self) {
        self.used.clear();
        self.hits = 0;
        self.misses = 0;
    }
}

/// Hashes the parts of a key, each length-prefixed so that no two
/// different part lists hash alike.
#[derive(Default)]
#[must_use]
pub struct KeyBuilder(xxhash_rust::xxh3::Xxh3);

impl KeyBuilder {
    pub fn part(mut self, bytes: &[u8]) -> KeyBuilder {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    pub fn file(self, file: &SiteFile) -> KeyBuilder {
        self.part(file.path.as_bytes()).part(file.source.as_bytes()).part(&file.contents).part(file.metadata.as_bytes())
    }

    pub fn finish(self) -> Key {
        self.0.digest128().to_le_bytes()
    }
}

fn store(path: &Path, entries: &HashMap<Key, Vec<SiteFile>>) -> std::io::Result<()> {
    let size: usize = entries.values().flatten().map(|file| file.contents.len() + file.metadata.len() + 64).sum();
    let mut writer = Writer::with_capacity(16 + size + entries.len() * 24);
    writer.count(entries.len());
    for (key, files) in entries {
        writer.u128(u128::from_le_bytes(*key));
        writer.count(files.len());
        for file in files {
            writer.text(&file.path);
            writer.text(&file.source);
            writer.long_bytes(&file.contents);
            writer.long_bytes(file.metadata.as_bytes());
        }
    }
    store::write(path, MAGIC, &writer.out, false)
}

fn decode(bytes: &[u8]) -> Option<HashMap<Key, Vec<SiteFile>>> {
    let mut reader = Reader::new(bytes);
    let count = reader.count()?;
    let mut entries = HashMap::with_capacity(count);
    for _ in 0..count {
        let key: Key = reader.u128()?.to_le_bytes();
        let files = reader.count()?;
        let mut list = Vec::with_capacity(files);
        for _ in 0..files {
            list.push(SiteFile {
                path: reader.text()?.to_string(),
                source: reader.text()?.to_string(),
                contents: reader.long_bytes()?.to_vec(),
                metadata: String::from_utf8(reader.long_bytes()?.to_vec()).ok()?,
            });
        }
        entries.insert(key, list);
    }
    reader.bytes.is_empty().then_some(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> SiteFile {
        SiteFile { path: path.into(), source: "src.md".into(), contents: contents.into(), metadata: "{}".into() }
    }

    #[test]
    fn entries_survive_a_round_trip_and_unused_ones_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".build.cache");
        let mut cache = StepCache::open(path.clone());
        let (kept, dropped) = (KeyBuilder::default().part(b"a").finish(), KeyBuilder::default().part(b"b").finish());
        cache.put(kept, vec![file("a.html", "<p>a</p>"), file("a.txt", "")]);
        cache.put(dropped, vec![]);
        cache.finish();
        cache.save();

        let mut cache = StepCache::open(path.clone());
        assert_eq!(cache.get_all(&[kept], 1)[0].as_ref().unwrap()[0].contents, b"<p>a</p>");
        cache.finish();
        cache.save();
        let mut cache = StepCache::open(path);
        let found = cache.get_all(&[dropped, kept], 1);
        assert!(found[0].is_none());
        assert_eq!(found[1].as_ref().unwrap().len(), 2);
    }

    #[test]
    fn a_damaged_file_is_an_empty_cache() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".build.cache");
        let mut cache = StepCache::open(path.clone());
        cache.put(KeyBuilder::default().part(b"a").finish(), vec![file("a.html", "x")]);
        cache.finish();
        cache.save();
        let payload = store::read(&path, MAGIC).expect("an intact file").payload().to_vec();
        for cut in [0, 8, 20, payload.len() - 1] {
            assert!(decode(&payload[..cut]).is_none(), "cut at {cut}");
        }
        let mut huge = payload.clone();
        huge[..8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(decode(&huge).is_none());
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert!(StepCache::open(path).get_all(&[KeyBuilder::default().part(b"a").finish()], 1)[0].is_none());
    }

    #[test]
    fn key_parts_do_not_run_together() {
        let ab = KeyBuilder::default().part(b"ab").part(b"").finish();
        let a_b = KeyBuilder::default().part(b"a").part(b"b").finish();
        assert_ne!(ab, a_b);
    }
}
