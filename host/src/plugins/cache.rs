//! The on-disk cache of compiled components.
//!
//! Compiling a component costs milliseconds (native languages) to seconds
//! (JavaScript, Python); loading the compiled artifact costs microseconds.
//! Entries are keyed by the component's SHA-256 and wasmtime's
//! precompile-compatibility hash (wasmtime version + engine settings), so a
//! new workbench or a changed engine config never loads stale code.
//!
//! Each entry is the payload wasmtime serialized, in the shared
//! [`crate::store`] format (magic, length, CRC-32; written atomically), so
//! readers never see half an entry; an entry that fails its checks
//! (truncated, bit-flipped, from another build) is recompiled and replaced,
//! never trusted and never a crash.

use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Component;

use crate::store::{self, Magic};

const MAGIC: &Magic = b"WBCWASM1";

/// What happened when a component was looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheState {
    /// Loaded from the cache without compiling.
    Hit,
    /// Compiled and stored.
    Stored,
    /// An entry existed but failed its checks; recompiled and replaced.
    Replaced,
    /// Compiled; the cache is off (`--no-plugin-cache`) or could not be written.
    Uncached,
}

impl CacheState {
    /// One word, for tables.
    pub fn short(self) -> &'static str {
        match self {
            CacheState::Hit => "cached",
            CacheState::Stored => "compiled",
            CacheState::Replaced => "recompiled",
            CacheState::Uncached => "uncached",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            CacheState::Hit => "cached (loaded without compiling)",
            CacheState::Stored => "compiled now, stored in the cache",
            CacheState::Replaced => "cache entry was corrupt, recompiled",
            CacheState::Uncached => "compiled now, cache off",
        }
    }
}

pub struct Cache {
    dir: Option<PathBuf>,
    engine_hash: String,
}

impl Cache {
    /// `dir` is `None` when caching is off.
    pub fn new(engine: &Engine, dir: Option<PathBuf>) -> Cache {
        let mut hasher = DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        Cache { dir, engine_hash: format!("{:016x}", hasher.finish()) }
    }

    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Where the compiled form of the component with this [`digest`]
    /// lives, when caching is on.
    pub fn entry_path(&self, digest: &str) -> Option<PathBuf> {
        self.dir.as_ref().map(|dir| dir.join("compiled").join(format!("{digest}-{}.cwasm", self.engine_hash)))
    }

    /// The compiled component for `bytes` (whose [`digest`] the caller has
    /// computed once), from the cache when possible.
    pub fn load_or_compile(
        &self,
        engine: &Engine,
        bytes: &[u8],
        digest: &str,
    ) -> wasmtime::Result<(Component, CacheState)> {
        let Some(path) = self.entry_path(digest) else {
            return Ok((Component::new(engine, bytes)?, CacheState::Uncached));
        };
        let mut state = CacheState::Stored;
        match fs::read(&path) {
            Ok(entry) => {
                if let Some(component) = load_entry(engine, &entry) {
                    log::debug!("cache hit: {}", path.display());
                    return Ok((component, CacheState::Hit));
                }
                log::debug!("cache entry failed its checks, recompiling: {}", path.display());
                state = CacheState::Replaced;
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                log::debug!("cache miss: {}", path.display());
            }
            Err(error) => log::warn!("cannot read cache entry {}: {error}", path.display()),
        }
        let component = Component::new(engine, bytes)?;
        match component.serialize().and_then(|payload| store_entry(&path, &payload)) {
            Ok(()) => Ok((component, state)),
            Err(error) => {
                log::warn!(
                    "cannot write the plugin cache at {}: {error:#}; compiling every run (set WORKBENCH_CACHE_DIR to a writable directory, or pass --no-plugin-cache)",
                    path.display()
                );
                Ok((component, CacheState::Uncached))
            }
        }
    }
}

/// SHA-256 of `bytes` in lowercase hex: a component's identity.
pub fn digest(bytes: &[u8]) -> String {
    crate::hex::encode(&Sha256::digest(bytes))
}

fn load_entry(engine: &Engine, entry: &[u8]) -> Option<Component> {
    let payload = store::check(entry, MAGIC)?;
    // SAFETY: the payload is exactly what `Component::serialize` wrote for
    // this engine configuration (the key includes the compatibility hash)
    // and its checksum matches, so it is not truncated or altered by
    // accident. wasmtime still checks its own header and version.
    #[allow(unsafe_code)]
    unsafe { Component::deserialize(engine, payload) }.ok()
}

/// Durable: an entry costs up to seconds to compile again.
fn store_entry(path: &Path, payload: &[u8]) -> wasmtime::Result<()> {
    Ok(store::write(path, MAGIC, payload, true)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The smallest valid component.
    const EMPTY_COMPONENT: &[u8] = b"\0asm\x0d\0\x01\0";

    fn cache(dir: &Path) -> (Engine, Cache) {
        let engine = crate::plugins::engine::new_engine(false).unwrap();
        let cache = Cache::new(&engine, Some(dir.to_path_buf()));
        (engine, cache)
    }

    #[test]
    fn second_load_is_a_hit() {
        let dir = tempfile::tempdir().unwrap();
        let (engine, cache) = cache(dir.path());
        let (_, first) = cache.load_or_compile(&engine, EMPTY_COMPONENT, &digest(EMPTY_COMPONENT)).unwrap();
        let (_, second) = cache.load_or_compile(&engine, EMPTY_COMPONENT, &digest(EMPTY_COMPONENT)).unwrap();
        assert_eq!((first, second), (CacheState::Stored, CacheState::Hit));
    }

    #[test]
    fn flipped_byte_is_recompiled_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let (engine, cache) = cache(dir.path());
        cache.load_or_compile(&engine, EMPTY_COMPONENT, &digest(EMPTY_COMPONENT)).unwrap();
        let path = cache.entry_path(&digest(EMPTY_COMPONENT)).unwrap();
        let mut entry = fs::read(&path).unwrap();
        let last = entry.len() - 1;
        entry[last] ^= 0xff;
        fs::write(&path, &entry).unwrap();
        let (_, state) = cache.load_or_compile(&engine, EMPTY_COMPONENT, &digest(EMPTY_COMPONENT)).unwrap();
        assert_eq!(state, CacheState::Replaced);
        let (_, state) = cache.load_or_compile(&engine, EMPTY_COMPONENT, &digest(EMPTY_COMPONENT)).unwrap();
        assert_eq!(state, CacheState::Hit);
    }

    #[test]
    fn truncated_entry_is_recompiled() {
        let dir = tempfile::tempdir().unwrap();
        let (engine, cache) = cache(dir.path());
        cache.load_or_compile(&engine, EMPTY_COMPONENT, &digest(EMPTY_COMPONENT)).unwrap();
        let path = cache.entry_path(&digest(EMPTY_COMPONENT)).unwrap();
        fs::write(&path, b"WBCWASM1").unwrap();
        let (_, state) = cache.load_or_compile(&engine, EMPTY_COMPONENT, &digest(EMPTY_COMPONENT)).unwrap();
        assert_eq!(state, CacheState::Replaced);
    }

    #[test]
    fn unwritable_cache_still_compiles() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        fs::write(&blocker, b"not a directory").unwrap();
        let (engine, cache) = cache(&blocker);
        let (_, state) = cache.load_or_compile(&engine, EMPTY_COMPONENT, &digest(EMPTY_COMPONENT)).unwrap();
        assert_eq!(state, CacheState::Uncached);
    }
}
