//! Downloaded components, kept by the SHA-256 of their bytes in the cache
//! folder every project on the machine shares
//! (`$WORKBENCH_CACHE_DIR/components/sha256/HEX.wasm`).
//!
//! A download streams into a hidden temporary file beside the entries,
//! hashed and counted as it arrives and cut off at the size cap; only when
//! its digest is the one expected is it renamed into place. Two processes
//! fetching the same component rename the same bytes to the same name, so
//! neither ever sees a torn file. An entry is hashed again whenever it is
//! read: a file changed on disk is removed and fetched again, never run.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use crate::error::{Error, Result};

pub struct Store {
    dir: PathBuf,
    suffix: &'static str,
}

/// A download in progress.
pub struct Download {
    file: tempfile::NamedTempFile,
    hasher: Sha256,
    size: u64,
    cap: u64,
}

/// A finished, verified download.
pub struct Stored {
    pub digest: String,
    pub size: u64,
    pub bytes: Vec<u8>,
    /// The store did not hold these bytes before.
    pub fresh: bool,
}

impl Store {
    /// Components, `components/sha256/HEX.wasm`.
    pub fn new(cache_home: &Path) -> Store {
        Store { dir: cache_home.join("components").join("sha256"), suffix: ".wasm" }
    }

    /// Template archives, `archives/sha256/HEX.tar.gz`.
    pub fn archives(cache_home: &Path) -> Store {
        Store { dir: cache_home.join("archives").join("sha256"), suffix: ".tar.gz" }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn entry(&self, hex: &str) -> PathBuf {
        self.dir.join(format!("{hex}{}", self.suffix))
    }

    /// The bytes stored under this SHA-256, verified; `None` when absent or
    /// when the file no longer hashes to its name (then it is removed).
    pub fn get(&self, hex: &str) -> Option<Vec<u8>> {
        let path = self.entry(hex);
        let bytes = std::fs::read(&path).ok()?;
        if super::sha256_hex(&bytes) == hex {
            // Marks it used, for `cache prune`; failing that costs nothing now.
            let _ = std::fs::File::options()
                .write(true)
                .open(&path)
                .and_then(|file| file.set_modified(std::time::SystemTime::now()));
            Some(bytes)
        } else {
            log::warn!("{}: the cached component does not match its digest; fetching it again", path.display());
            let _ = std::fs::remove_file(&path);
            None
        }
    }

    /// Takes back an entry this run stored (a download that proved not to
    /// be a plugin), so a failed add leaves the cache as it was.
    pub fn forget(&self, stored: &Stored) {
        if stored.fresh
            && let Some(hex) = stored.digest.strip_prefix("sha256:")
        {
            let _ = std::fs::remove_file(self.entry(hex));
        }
    }

    pub fn contains(&self, hex: &str) -> bool {
        self.entry(hex).is_file()
    }

    /// Starts a download of at most `cap` bytes.
    pub fn download(&self, cap: u64) -> Result<Download> {
        std::fs::create_dir_all(&self.dir).map_err(|error| self.unwritable(&error))?;
        let file = crate::leftovers::file_in(&self.dir, "download").map_err(|error| self.unwritable(&error))?;
        Ok(Download { file, hasher: Sha256::new(), size: 0, cap })
    }

    /// Stores bytes already in memory (a git blob, a local file).
    pub fn put(&self, bytes: &[u8], expected: Option<&str>) -> Result<Stored, String> {
        let mut download = self.download(u64::MAX).map_err(|error| error.message().to_string())?;
        download.write_all(bytes).map_err(|error| error.to_string())?;
        self.commit(download, expected)
    }

    /// Checks the digest and renames the download into place. On a
    /// mismatch nothing is kept and the error names both digests.
    pub fn commit(&self, download: Download, expected: Option<&str>) -> Result<Stored, String> {
        let Download { mut file, hasher, size, .. } = download;
        let hex = crate::hex::encode(&hasher.finalize());
        if let Some(expected) = expected
            && expected != hex
        {
            return Err(format!("its SHA-256 is {hex}, not the expected {expected}"));
        }
        file.flush().map_err(|error| error.to_string())?;
        file.as_file().sync_data().map_err(|error| error.to_string())?;
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        let mut reader = file.reopen().map_err(|error| error.to_string())?;
        reader.read_to_end(&mut bytes).map_err(|error| error.to_string())?;
        // What was read back is what was hashed, or the disk lies.
        if super::sha256_hex(&bytes) != hex {
            return Err("the download changed on disk while it was written".into());
        }
        let entry = self.entry(&hex);
        let fresh = !entry.exists();
        file.persist(&entry).map_err(|error| format!("cannot store it in {}: {}", self.dir.display(), error.error))?;
        Ok(Stored { digest: format!("sha256:{hex}"), size, bytes, fresh })
    }

    /// Removes every entry whose digest is not in `keep` and that was not
    /// used within `unused_for`; returns how many entries and bytes went.
    pub fn prune(
        &self,
        keep: &std::collections::BTreeSet<String>,
        unused_for: std::time::Duration,
    ) -> std::io::Result<(usize, u64)> {
        let mut removed = (0, 0);
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(removed),
            Err(error) => return Err(error),
        };
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name();
            let Some(hex) = name.to_str().and_then(|name| name.strip_suffix(self.suffix)) else { continue };
            if keep.contains(hex) || !super::lock::is_sha256(hex) {
                continue;
            }
            let metadata = entry.metadata()?;
            let idle = metadata.modified().ok().and_then(|used| used.elapsed().ok()).unwrap_or_default();
            if idle < unused_for {
                continue;
            }
            let size = metadata.len();
            std::fs::remove_file(entry.path())?;
            removed.0 += 1;
            removed.1 += size;
        }
        Ok(removed)
    }

    fn unwritable(&self, error: &std::io::Error) -> Error {
        Error::input(format!("cannot write to the component cache {}: {error}", self.dir.display()))
            .help("make the folder writable, or point WORKBENCH_CACHE_DIR at one that is")
    }
}

/// The message for something larger than the download cap.
pub fn over_cap(size: u64, cap: u64) -> String {
    let size = if size >> 20 > cap >> 20 { format!("{} MiB", size >> 20) } else { "more".to_string() };
    format!("it is {size}, over the download limit of {} MiB (`[plugins] max-download-mib` raises it)", cap >> 20)
}

impl Download {
    pub fn size(&self) -> u64 {
        self.size
    }
}

impl Write for Download {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.size += bytes.len() as u64;
        if self.size > self.cap {
            return Err(std::io::Error::other(format!("{}; the download was stopped", over_cap(self.size, self.cap))));
        }
        self.hasher.update(bytes);
        self.file.write_all(bytes)?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_download_is_kept_only_under_its_own_digest() {
        let cache = tempfile::tempdir().unwrap();
        let store = Store::new(cache.path());
        let hex = crate::packages::sha256_hex(b"component");
        let error = store.put(b"component", Some(&"0".repeat(64))).err().unwrap();
        assert!(error.contains(&hex) && error.contains(&"0".repeat(64)), "{error}");
        assert!(!store.contains(&hex));
        let stored = store.put(b"component", Some(&hex)).unwrap();
        assert_eq!(stored.digest, format!("sha256:{hex}"));
        assert_eq!(store.get(&hex).unwrap(), b"component");
        // No temporary file is left beside the entry.
        assert_eq!(std::fs::read_dir(store.dir()).unwrap().count(), 1);
    }

    #[test]
    fn a_changed_entry_is_dropped_not_trusted() {
        let cache = tempfile::tempdir().unwrap();
        let store = Store::new(cache.path());
        let hex = store.put(b"component", None).unwrap().digest["sha256:".len()..].to_string();
        std::fs::write(store.dir().join(format!("{hex}.wasm")), b"tampered").unwrap();
        assert!(store.get(&hex).is_none());
        assert!(!store.contains(&hex));
    }

    #[test]
    fn the_cap_stops_a_download() {
        let cache = tempfile::tempdir().unwrap();
        let store = Store::new(cache.path());
        let mut download = store.download(4 << 20).unwrap();
        let chunk = vec![0_u8; 1 << 20];
        let mut written = 0;
        let error = loop {
            match download.write_all(&chunk) {
                Ok(()) => written += 1,
                Err(error) => break error,
            }
        };
        assert_eq!(written, 4);
        assert!(error.to_string().contains("over the download limit of 4 MiB"), "{error}");
    }

    #[test]
    fn prune_keeps_what_is_named() {
        let cache = tempfile::tempdir().unwrap();
        let store = Store::new(cache.path());
        let keep = store.put(b"keep", None).unwrap().digest["sha256:".len()..].to_string();
        store.put(b"drop", None).unwrap();
        assert_eq!(store.prune(&BTreeSet::new(), Duration::from_hours(1)).unwrap(), (0, 0), "used just now");
        let (count, bytes) = store.prune(&[keep.clone()].into_iter().collect(), std::time::Duration::ZERO).unwrap();
        assert_eq!((count, bytes), (1, 4));
        assert!(store.contains(&keep));
    }
}
