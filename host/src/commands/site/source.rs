//! Reading the source directory into the files the pipeline passes along:
//! every file under it except `[site] ignore` and the output, with its
//! front matter parsed. Binary files (not UTF-8, or holding a NUL byte)
//! keep their bytes untouched and get no front matter.

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

use globset::GlobSet;
use serde_json::{Map, Value};

use crate::error::Error;
use crate::front_matter;
use crate::parallel;
use crate::plugins::bindings::site_step::SiteFile;

/// What `serve` remembers of the last read: each file as parsed, with the
/// size, modification time and inode it had, so that a rebuild reads and
/// parses only the files that changed (the same test make and ESLint's
/// cache rely on). A one-shot build keeps nothing.
#[derive(Default)]
pub struct Remembered {
    files: HashMap<PathBuf, (Option<Stamp>, SiteFile)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Stamp {
    size: u64,
    modified_ns: i128,
    inode: u64,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let metadata = std::fs::metadata(path).ok()?;
        Some(Stamp {
            size: metadata.len(),
            modified_ns: i128::from(metadata.mtime()) * 1_000_000_000 + i128::from(metadata.mtime_nsec()),
            inode: metadata.ino(),
        })
    }
}

/// Reads `source`; `skip` are directories inside it never to read (the
/// output and its staging directories, when they sit inside the source).
/// With `remembered`, unchanged files are taken from the last read.
pub fn read(
    source: &Path,
    ignore: &GlobSet,
    skip: &[&Path],
    remembered: Option<&mut Remembered>,
) -> Result<Vec<SiteFile>, Error> {
    if !source.is_dir() {
        return Err(Error::input(format!("{}: the site's source directory does not exist", source.display()))
            .help("create it, or set `source` under [site] in workbench.toml"));
    }
    let mut found = Vec::new();
    let walker = walkdir::WalkDir::new(source).follow_links(false).sort_by_file_name().into_iter();
    for entry in walker.filter_entry(|entry| !skip.iter().any(|dir| entry.path() == *dir)) {
        let entry = entry.map_err(|error| {
            Error::input(format!("cannot read the site's source: {error}"))
                .help("check [site] source in workbench.toml and that the folder is readable")
        })?;
        let kind = entry.file_type();
        if kind.is_dir() || !(kind.is_file() || kind.is_symlink() && entry.path().is_file()) {
            continue;
        }
        let relative = entry.path().strip_prefix(source).unwrap_or(entry.path());
        let Some(path) = slash_path(relative) else {
            return Err(Error::input(format!("{}: the file name is not UTF-8", entry.path().display()))
                .help("rename the file; site paths become URLs and must be text"));
        };
        if !ignore.is_match(&path) {
            found.push((path, entry.into_path()));
        }
    }
    // Reading waits on the disk and front matter takes the CPU: both spread.
    let threads = std::thread::available_parallelism().map_or(2, usize::from).max(parallel::IO_THREADS / 2);
    let Some(remembered) = remembered else {
        return parallel::map(&found, threads, |(path, full)| read_one(path, full)).into_iter().collect();
    };
    let mut previous = std::mem::take(&mut remembered.files);
    // Stamped before reading: a write during the read changes the stamp,
    // so the next rebuild reads the file again. Unchanged files are moved
    // out of the last read afterwards, not copied here.
    let results = parallel::map(&found, threads, |(path, full)| {
        let stamp = Stamp::of(full);
        match previous.get(full) {
            Some((known, file)) if stamp.is_some() && stamp == *known && file.path == *path => Ok((stamp, None)),
            _ => read_one(path, full).map(|file| (stamp, Some(file))),
        }
    });
    let mut files = Vec::with_capacity(found.len());
    for ((_, full), result) in found.into_iter().zip(results) {
        let (stamp, file) = match result? {
            (stamp, Some(file)) => (stamp, file),
            (_, None) => previous.remove(&full).expect("an unchanged file was remembered"),
        };
        files.push(file.clone());
        remembered.files.insert(full, (stamp, file));
    }
    Ok(files)
}

fn read_one(path: &str, full: &Path) -> Result<SiteFile, Error> {
    let bytes = std::fs::read(full).map_err(|error| {
        Error::input(format!("{}: cannot read: {error}", full.display()))
            .help("make the file readable, or leave it out with [site] ignore")
    })?;
    site_file(path.to_string(), bytes, full)
}

/// One file: front matter split off when it is text.
pub fn site_file(path: String, bytes: Vec<u8>, shown: &Path) -> Result<SiteFile, Error> {
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) if !text.contains('\0') => text,
        _ => {
            return Ok(SiteFile {
                source: path.clone(),
                path,
                contents: bytes,
                metadata: Value::Object(Map::new()).to_string(),
            });
        }
    };
    match front_matter::split(text) {
        Ok((map, start)) => {
            let contents = if start == 0 { bytes } else { bytes[start..].to_vec() };
            Ok(SiteFile { source: path.clone(), path, contents, metadata: Value::Object(map).to_string() })
        }
        Err(error) => Err(Error::input(format!(
            "{}:{}:{}: bad front matter: {}",
            shown.display(),
            error.line,
            error.column,
            error.message
        ))
        .help("fix the block between the `---` (YAML) or `+++` (TOML) lines at the top of the file")),
    }
}

fn slash_path(relative: &Path) -> Option<String> {
    let mut parts = Vec::new();
    for component in relative.components() {
        parts.push(component.as_os_str().to_str()?);
    }
    Some(parts.join("/"))
}
