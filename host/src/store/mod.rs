//! The one on-disk format of every cache workbench keeps: compiled
//! plugins, the build's step cache, lint's results and its remembered
//! walks.
//!
//! A stored file is an 8-byte magic (which cache, and the version of its
//! payload's shape), the payload's length (u64) and CRC-32, then the
//! payload. It is written to a hidden temporary file beside its place and
//! renamed there ([`crate::leftovers`] names it and sweeps up what a killed
//! run left), so a reader sees the old file or the new one, never half of
//! one. A file that is missing, of another cache or version, truncated or
//! altered reads as nothing: a cache only ever costs time.
//!
//! [`codec`] writes and reads the payloads themselves.

pub mod codec;

use std::io::Write as _;
use std::path::Path;

pub use codec::{Reader, Writer};

/// Which cache a file belongs to, and the version of its payload's shape:
/// bump the number whenever that shape changes.
pub type Magic = [u8; 8];

const HEADER_LEN: usize = 8 + 8 + 4;

/// A stored file as read, its header checked.
pub struct Stored {
    bytes: Vec<u8>,
}

impl Stored {
    pub fn payload(&self) -> &[u8] {
        &self.bytes[HEADER_LEN..]
    }

    /// The file's bytes and where the payload starts in them, for a reader
    /// that keeps offsets into the bytes rather than copying them.
    pub fn into_parts(self) -> (Vec<u8>, usize) {
        (self.bytes, HEADER_LEN)
    }
}

/// Reads the file at `path` if it is an intact one of `magic`'s cache.
pub fn read(path: &Path, magic: &Magic) -> Option<Stored> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => {
            if error.kind() != std::io::ErrorKind::NotFound {
                log::warn!("cannot read the cache file {}: {error}", path.display());
            }
            return None;
        }
    };
    if check(&bytes, magic).is_none() {
        log::debug!("ignoring {}: not an intact cache file of this version", path.display());
        return None;
    }
    Some(Stored { bytes })
}

/// The payload of `bytes`, if they are an intact file of `magic`'s cache.
pub fn check<'a>(bytes: &'a [u8], magic: &Magic) -> Option<&'a [u8]> {
    let header = bytes.get(..HEADER_LEN)?;
    if &header[..8] != magic {
        return None;
    }
    let len = u64::from_le_bytes(header[8..16].try_into().ok()?);
    let crc = u32::from_le_bytes(header[16..20].try_into().ok()?);
    let payload = &bytes[HEADER_LEN..];
    (u64::try_from(payload.len()).ok()? == len && crc32fast::hash(payload) == crc).then_some(payload)
}

/// Writes `payload` to `path` atomically under `magic`, making the folder
/// if needed. `durable` also waits for the bytes to reach the disk before
/// the rename (for entries costly to redo, and large).
pub fn write(path: &Path, magic: &Magic, payload: &[u8], durable: bool) -> std::io::Result<()> {
    let dir = path.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut file = crate::leftovers::file_in(dir, "cache")?;
    file.write_all(magic)?;
    file.write_all(&(payload.len() as u64).to_le_bytes())?;
    file.write_all(&crc32fast::hash(payload).to_le_bytes())?;
    file.write_all(payload)?;
    if durable {
        file.as_file().sync_data()?;
    }
    file.persist(path).map_err(|error| error.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAGIC: &Magic = b"WBTEST01";

    #[test]
    fn what_is_written_reads_back_and_nothing_else_does() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deep/er/entry.bin");
        write(&path, MAGIC, b"payload", false).unwrap();
        assert_eq!(read(&path, MAGIC).unwrap().payload(), b"payload");
        assert!(read(&path, b"WBTEST02").is_none(), "another version");
        assert!(read(&dir.path().join("missing"), MAGIC).is_none());
        let names: Vec<_> =
            std::fs::read_dir(path.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["entry.bin"], "no temporary file is left");
    }

    #[test]
    fn a_truncated_or_altered_file_reads_as_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("entry.bin");
        write(&path, MAGIC, b"payload", true).unwrap();
        let good = std::fs::read(&path).unwrap();
        std::fs::write(&path, &good[..good.len() - 1]).unwrap();
        assert!(read(&path, MAGIC).is_none());
        let mut altered = good.clone();
        *altered.last_mut().unwrap() ^= 1;
        std::fs::write(&path, &altered).unwrap();
        assert!(read(&path, MAGIC).is_none());
        std::fs::write(&path, &good[..5]).unwrap();
        assert!(read(&path, MAGIC).is_none());
    }
}
