//! Writing the output atomically: everything goes into a staging directory
//! beside the destination, which then takes the destination's place in one
//! `rename` (Linux: `renameat2(RENAME_EXCHANGE)`, so there is no moment
//! without a complete `build/`). A failed or killed build leaves the
//! previous output as it was; its staging directory is removed by the next
//! build.

use std::collections::{BTreeMap, BTreeSet, HashSet};
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
}

const STAGING: &str = "staging";
const OLD: &str = "old";

/// `.NAME.KIND-PID` beside the destination.
fn sibling(destination: &Path, kind: &str) -> PathBuf {
    let name = destination.file_name().map_or_else(|| "build".into(), |name| name.to_string_lossy().into_owned());
    destination.with_file_name(format!(".{name}.{kind}-{}", std::process::id()))
}

/// The staging and old directories this process would use, so the source
/// walk skips them when the output sits inside the source.
pub fn scratch_dirs(destination: &Path) -> [PathBuf; 2] {
    [sibling(destination, STAGING), sibling(destination, OLD)]
}

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
    remove_abandoned(destination);

    let staging = sibling(destination, STAGING);
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|error| io("remove", &staging, &error))?;
    }
    std::fs::create_dir(&staging).map_err(|error| io("create", &staging, &error))?;
    let result = fill(&staging, files, copies, destination, clean).and_then(|written| {
        swap(&staging, destination).map_err(|error| io("replace", destination, &error))?;
        Ok(written)
    });
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

fn fill(
    staging: &Path,
    files: &BTreeMap<String, SiteFile>,
    copies: &[Copy],
    destination: &Path,
    clean: bool,
) -> Result<Written, Error> {
    // Directories first (parents before children, so `create_dir` rarely
    // needs to make a parent), then files, each spread over threads: on a
    // real disk a build of many pages waits on metadata operations, not on
    // the CPU, and those overlap.
    let dirs: BTreeSet<&Path> =
        files.keys().filter_map(|path| Path::new(path).parent()).filter(|dir| !dir.as_os_str().is_empty()).collect();
    let dirs: Vec<&Path> = dirs.into_iter().collect();
    parallel::try_for_each(&dirs, |dir| {
        let target = staging.join(dir);
        std::fs::create_dir_all(&target).map_err(|error| io("create", &target, &error))
    })?;
    let files: Vec<&SiteFile> = files.values().collect();
    parallel::try_for_each(&files, |file| {
        let target = staging.join(&file.path);
        std::fs::write(&target, &file.contents).map_err(|error| io("write", &target, &error))
    })?;
    let mut made: HashSet<PathBuf> = HashSet::new();
    let mut ensure_parent = |path: &Path| -> Result<(), Error> {
        if let Some(dir) = path.parent()
            && !made.contains(dir)
        {
            std::fs::create_dir_all(dir).map_err(|error| io("create", dir, &error))?;
            made.insert(dir.to_path_buf());
        }
        Ok(())
    };
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
            let output = if copy.to.is_empty() { relative.to_path_buf() } else { Path::new(&copy.to).join(relative) };
            let target = staging.join(&output);
            if target.exists() {
                return Err(Error::input(format!(
                    "{}: {} is both copied from {} and written by the pipeline",
                    copy.step,
                    output.display(),
                    entry.path().display()
                ))
                .help("remove one of the two, or copy into another directory with the step's `destination` option"));
            }
            ensure_parent(&target)?;
            std::fs::copy(entry.path(), &target).map_err(|error| io("copy", entry.path(), &error))?;
            copied += 1;
        }
    }
    if !clean && destination.is_dir() {
        keep_old_files(destination, staging)?;
    }
    Ok(Written { files: files.len(), copied })
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
        let entry = entry.map_err(|error| Error::input(format!("cannot read {}: {error}", destination.display())))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry.path().strip_prefix(destination).unwrap_or(entry.path());
        let target = staging.join(relative);
        if target.exists() {
            continue;
        }
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|error| Error::input(format!("cannot create {}: {error}", dir.display())))?;
        }
        if std::fs::hard_link(entry.path(), &target).is_err() {
            std::fs::copy(entry.path(), &target)
                .map_err(|error| Error::input(format!("cannot copy {}: {error}", entry.path().display())))?;
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
            // `staging` now holds the previous output.
            return remove_tree(staging);
        }
    }
    // Elsewhere (or on a filesystem without the exchange): two renames, with
    // the previous output kept under `.NAME.old-PID` for the moment between.
    let old = sibling(destination, OLD);
    std::fs::rename(destination, &old)?;
    if let Err(error) = std::fs::rename(staging, destination) {
        let _ = std::fs::rename(&old, destination);
        return Err(error);
    }
    remove_tree(&old)
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
        if !(kind == STAGING || kind == OLD) {
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
