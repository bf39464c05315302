//! Writing the output atomically: everything goes into a staging directory
//! beside the destination, which then takes the destination's place in one
//! `rename` (Linux: `renameat2(RENAME_EXCHANGE)`, so there is no moment
//! without a complete `build/`). A failed or killed build leaves the
//! previous output as it was.
//!
//! The staging directory is the output before last, kept as `.NAME.spare`:
//! a manifest (path → XXH3-128 digest, keyed by the directory's inode) says what it
//! holds, so a build writes only the files whose bytes differ, creates only
//! new directories and removes only stale files. An unchanged rebuild
//! writes nothing; on a disk where every `mkdir` costs, that is most of a
//! build. A manifest is deleted before its directory is touched and written
//! after it is complete, so a killed build leaves no manifest that lies: the
//! next build then starts the spare afresh. `clean = false` always starts
//! afresh (it hard-links files of the current output into the new one).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::parallel;
use crate::plugins::bindings::site_step::SiteFile;

fn io(what: &str, path: &Path, error: &std::io::Error) -> Error {
    Error::input(format!("cannot {what} {}: {error}", path.display()))
        .help("check the output directory's permissions and free space; the previous output is untouched")
}

/// A directory copied into the output as is (`static`).
pub struct Copy {
    pub from: PathBuf,
    /// Output-relative, `/`-separated; empty for the root.
    pub to: String,
    /// The step that asked, for messages.
    pub step: String,
}

pub struct Written {
    pub files: usize,
    pub copied: usize,
    /// Outputs whose bytes were already in the staging directory.
    pub unchanged: usize,
}

const OLD: &str = "old";

fn name_of(destination: &Path) -> String {
    destination.file_name().map_or_else(|| "build".into(), |name| name.to_string_lossy().into_owned())
}

/// `.NAME.KIND` beside the destination.
fn beside(destination: &Path, kind: &str) -> PathBuf {
    destination.with_file_name(format!(".{}.{kind}", name_of(destination)))
}

/// `.NAME.KIND-PID` beside the destination.
fn sibling(destination: &Path, kind: &str) -> PathBuf {
    destination.with_file_name(format!(".{}.{kind}-{}", name_of(destination), std::process::id()))
}

/// The step cache's file (see `super::cache`).
pub fn cache_path(destination: &Path) -> PathBuf {
    beside(destination, "cache")
}

/// What the build keeps beside the output, so the source walk skips them
/// when the output sits inside the source.
pub fn scratch_dirs(destination: &Path) -> [PathBuf; 5] {
    [
        beside(destination, "spare"),
        cache_path(destination),
        beside(destination, "manifests"),
        beside(destination, "lock"),
        sibling(destination, OLD),
    ]
}

/// Where an output's bytes come from.
enum Content<'a> {
    Bytes(&'a [u8]),
    Copied(PathBuf),
}

/// Path → XXH3-128 digest (hex) of what a directory holds.
type Manifest = BTreeMap<String, String>;

pub fn write(
    files: &BTreeMap<String, SiteFile>,
    copies: &[Copy],
    destination: &Path,
    clean: bool,
) -> Result<Written, Error> {
    if destination.exists() && !destination.is_dir() {
        return Err(Error::input(format!("{}: the output path is a file, not a directory", destination.display()))
            .help("move the file away, or set `destination` under [site] in workbench.toml"));
    }
    let parent = destination.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|error| io("create", parent, &error))?;
    let _lock = lock(destination)?;
    remove_abandoned(destination);

    let (plan, copied) = plan(files, copies)?;
    let hashes: Vec<String> = parallel::map(&plan, parallel::IO_THREADS, |(_, content)| match content {
        Content::Bytes(bytes) => Ok(digest(bytes)),
        Content::Copied(from) => {
            std::fs::read(from).map(|bytes| digest(&bytes)).map_err(|error| io("read", from, &error))
        }
    })
    .into_iter()
    .collect::<Result<_, _>>()?;
    let manifest: Manifest = plan.iter().zip(&hashes).map(|((path, _), hash)| (path.clone(), hash.clone())).collect();

    let staging = beside(destination, "spare");
    let manifests = beside(destination, "manifests");
    let previous = if clean { take_manifest(&staging, &manifests) } else { None };
    let previous = if let Some(previous) = previous {
        previous
    } else {
        if staging.exists() {
            remove_tree(&staging).map_err(|error| io("remove", &staging, &error))?;
        }
        std::fs::create_dir(&staging).map_err(|error| io("create", &staging, &error))?;
        Manifest::new()
    };
    let unchanged = fill(&staging, &plan, &manifest, &previous)?;
    if !clean && destination.is_dir() {
        keep_old_files(destination, &staging)?;
    } else {
        save_manifest(&staging, &manifests, &manifest);
    }
    swap(&staging, destination).map_err(|error| io("replace", destination, &error))?;
    // After a `clean = false` build the spare's files may be hard links into
    // the new output: no manifest may vouch for it, or a later build would
    // write through the links into `build/`.
    let trusted: &[&Path] = if clean { &[&staging, destination] } else { &[] };
    prune_manifests(&manifests, trusted);
    Ok(Written { files: files.len(), copied, unchanged })
}

/// Every output in path order: the pipeline's files, then the copied
/// directories' files (a clash between the two is an error).
fn plan<'a>(
    files: &'a BTreeMap<String, SiteFile>,
    copies: &[Copy],
) -> Result<(Vec<(String, Content<'a>)>, usize), Error> {
    let mut plan: BTreeMap<String, Content<'a>> =
        files.iter().map(|(path, file)| (path.clone(), Content::Bytes(&file.contents))).collect();
    let mut copied = 0;
    for copy in copies {
        if !copy.from.is_dir() {
            return Err(Error::input(format!("{}: {} is not a directory", copy.step, copy.from.display()))
                .help("create it, or fix the step's `source` option"));
        }
        for entry in walkdir::WalkDir::new(&copy.from).follow_links(true).sort_by_file_name() {
            let entry = entry.map_err(|error| io("read", &copy.from, &error.into()))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let relative = entry.path().strip_prefix(&copy.from).unwrap_or(entry.path());
            let Some(relative) = relative.to_str().map(|path| path.replace('\\', "/")) else { continue };
            let output = if copy.to.is_empty() { relative } else { format!("{}/{relative}", copy.to) };
            if plan.contains_key(&output) {
                return Err(Error::input(format!(
                    "{}: {output} is both copied from {} and written by the pipeline",
                    copy.step,
                    entry.path().display()
                ))
                .help("remove one of the two, or copy into another directory with the step's `destination` option"));
            }
            plan.insert(output, Content::Copied(entry.into_path()));
            copied += 1;
        }
    }
    Ok((plan.into_iter().collect(), copied))
}

/// Brings `staging` from what `previous` says it holds to `manifest`:
/// stale files out, new directories in, changed files written. Returns how
/// many outputs were already right.
fn fill(
    staging: &Path,
    plan: &[(String, Content<'_>)],
    manifest: &Manifest,
    previous: &Manifest,
) -> Result<usize, Error> {
    let stale: Vec<&String> = previous.keys().filter(|path| !manifest.contains_key(*path)).collect();
    parallel::try_for_each(&stale, |path| {
        let target = staging.join(path);
        match std::fs::remove_file(&target) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(io("remove", &target, &error)),
            _ => Ok(()),
        }
    })?;
    let wanted_dirs = parents(manifest.keys());
    // Directories that emptied, deepest first; one still in use stays.
    let mut emptied: Vec<String> =
        parents(stale.iter().copied()).into_iter().filter(|dir| !wanted_dirs.contains(dir)).collect();
    emptied.sort_by_key(|dir| std::cmp::Reverse(dir.matches('/').count()));
    for dir in emptied {
        let _ = std::fs::remove_dir(staging.join(dir));
    }
    let had_dirs = parents(previous.keys());
    // Parents before children, so `create_dir_all` rarely has to climb.
    let new_dirs: Vec<String> = wanted_dirs.into_iter().filter(|dir| !had_dirs.contains(dir)).collect();
    parallel::try_for_each(&new_dirs, |dir| {
        let target = staging.join(dir);
        std::fs::create_dir_all(&target).map_err(|error| io("create", &target, &error))
    })?;
    let changed: Vec<&(String, Content<'_>)> =
        plan.iter().filter(|(path, _)| previous.get(path) != manifest.get(path)).collect();
    parallel::try_for_each(&changed, |(path, content)| {
        let target = staging.join(path);
        match content {
            Content::Bytes(bytes) => std::fs::write(&target, bytes).map_err(|error| io("write", &target, &error)),
            Content::Copied(from) => std::fs::copy(from, &target).map(drop).map_err(|error| io("copy", from, &error)),
        }
    })?;
    Ok(plan.len() - changed.len())
}

/// Every directory that holds one of `paths` (`a/b/c.html` → `a`, `a/b`).
fn parents<'a>(paths: impl Iterator<Item = &'a String>) -> BTreeSet<String> {
    let mut dirs = BTreeSet::new();
    for path in paths {
        let mut end = path.len();
        while let Some(slash) = path[..end].rfind('/') {
            if !dirs.insert(path[..slash].to_string()) {
                break;
            }
            end = slash;
        }
    }
    dirs
}

/// What a manifest records of a file's bytes: XXH3-128, about ten times
/// faster than a cryptographic hash on page-sized inputs, which a rebuild
/// of thousands of pages feels. It guards against accidents (a stale
/// spare), not against an attacker, who would need to write the site's
/// own sources to exploit a collision.
fn digest(bytes: &[u8]) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
}

/// The manifest of `dir` (by inode), removed from disk before the caller
/// changes `dir`; `None` when there is none to trust.
fn take_manifest(dir: &Path, manifests: &Path) -> Option<Manifest> {
    let file = manifests.join(format!("{}.json", inode(dir)?));
    let text = std::fs::read_to_string(&file).ok()?;
    std::fs::remove_file(&file).ok()?;
    serde_json::from_str(&text).ok()
}

/// Records what `dir` now holds. A failure only costs the next build time.
fn save_manifest(dir: &Path, manifests: &Path, manifest: &Manifest) {
    let Some(inode) = inode(dir) else { return };
    let _ = std::fs::create_dir_all(manifests);
    let Ok(text) = serde_json::to_string(manifest) else { return };
    let file = manifests.join(format!("{inode}.json"));
    let temporary = manifests.join(format!("{inode}.json.tmp-{}", std::process::id()));
    if std::fs::write(&temporary, text).is_ok() {
        let _ = std::fs::rename(&temporary, &file);
    }
}

/// Keeps only the manifests of `dirs`.
fn prune_manifests(manifests: &Path, dirs: &[&Path]) {
    let keep: Vec<String> = dirs.iter().filter_map(|dir| inode(dir)).map(|inode| format!("{inode}.json")).collect();
    let Ok(entries) = std::fs::read_dir(manifests) else { return };
    for entry in entries.flatten() {
        if !keep.iter().any(|name| entry.file_name().to_str() == Some(name)) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn inode(path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let metadata = std::fs::symlink_metadata(path).ok()?;
        Some(format!("{}-{}", metadata.dev(), metadata.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// One build at a time per output (a `serve` and a `build` may race): an
/// exclusive `flock`, released when the process ends, however it ends.
fn lock(destination: &Path) -> Result<std::fs::File, Error> {
    let path = beside(destination, "lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|error| io("create", &path, &error))?;
    #[cfg(unix)]
    rustix::fs::flock(&file, rustix::fs::FlockOperation::LockExclusive)
        .map_err(|error| io("lock", &path, &error.into()))?;
    Ok(file)
}

/// Removes a tree, files spread over threads.
fn remove_tree(root: &Path) -> std::io::Result<()> {
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for entry in walkdir::WalkDir::new(root).follow_links(false) {
        let entry = entry?;
        if entry.file_type().is_dir() {
            dirs.push((entry.depth(), entry.into_path()));
        } else {
            files.push(entry.into_path());
        }
    }
    parallel::try_for_each(&files, |file| std::fs::remove_file(file).map_err(|error| io("remove", file, &error)))
        .map_err(|error| std::io::Error::other(error.message().to_string()))?;
    // Deepest first; each level's directories are empty once the one below is gone.
    dirs.sort_by_key(|(depth, _)| std::cmp::Reverse(*depth));
    for level in dirs.chunk_by(|a, b| a.0 == b.0) {
        parallel::try_for_each(level, |(_, dir)| std::fs::remove_dir(dir).map_err(|error| io("remove", dir, &error)))
            .map_err(|error| std::io::Error::other(error.message().to_string()))?;
    }
    Ok(())
}

/// `clean = false`: files of the previous output the build did not write
/// stay, as in Metalsmith (hard links where possible, so this is cheap).
fn keep_old_files(destination: &Path, staging: &Path) -> Result<(), Error> {
    for entry in walkdir::WalkDir::new(destination).follow_links(false) {
        let entry = entry.map_err(|error| {
            Error::input(format!("cannot read {}: {error}", destination.display()))
                .help("check that the output folder is readable, or remove it")
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry.path().strip_prefix(destination).unwrap_or(entry.path());
        let target = staging.join(relative);
        if target.exists() {
            continue;
        }
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(|error| {
                Error::input(format!("cannot create {}: {error}", dir.display()))
                    .help("check that the output folder is writable")
            })?;
        }
        if std::fs::hard_link(entry.path(), &target).is_err() {
            std::fs::copy(entry.path(), &target).map_err(|error| {
                Error::input(format!("cannot copy {}: {error}", entry.path().display()))
                    .help("check that the file is readable and the output folder writable")
            })?;
        }
    }
    Ok(())
}

/// Puts `staging` where `destination` is, in one step where the platform allows.
fn swap(staging: &Path, destination: &Path) -> std::io::Result<()> {
    if !destination.exists() {
        return std::fs::rename(staging, destination);
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, staging, CWD, destination, RenameFlags::EXCHANGE).is_ok() {
            // `staging` now holds the previous output: the next build's spare.
            return Ok(());
        }
    }
    // Elsewhere (or on a filesystem without the exchange): two renames, with
    // the previous output kept under `.NAME.old-PID` for the moment between,
    // then as the spare.
    let old = sibling(destination, OLD);
    std::fs::rename(destination, &old)?;
    if let Err(error) = std::fs::rename(staging, destination) {
        let _ = std::fs::rename(&old, destination);
        return Err(error);
    }
    // Kept as the spare.
    std::fs::rename(&old, staging)
}

/// Staging directories of builds that were killed (their process is gone).
fn remove_abandoned(destination: &Path) {
    let Some(parent) = destination.parent() else { return };
    let parent = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
    let Some(name) = destination.file_name().and_then(|name| name.to_str()) else { return };
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else { continue };
        let Some(rest) = file_name.strip_prefix(&format!(".{name}.")) else { continue };
        let Some((kind, pid)) = rest.split_once('-') else { continue };
        // `staging-PID`: what builds before the spare used.
        if !(kind == "staging" || kind == OLD) {
            continue;
        }
        let alive = pid.parse::<u32>().is_ok_and(|pid| pid == std::process::id() || process_alive(pid));
        if alive {
            continue;
        }
        // Killed between the two renames of `swap`: the old output is the
        // only complete one; put it back.
        if kind == OLD && !destination.exists() && std::fs::rename(entry.path(), destination).is_ok() {
            continue;
        }
        let _ = std::fs::remove_dir_all(entry.path());
    }
}

fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") { Path::new(&format!("/proc/{pid}")).exists() } else { true }
}
