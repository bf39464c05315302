//! A directory's walk, remembered between runs, as git's untracked cache
//! remembers untracked files: on a big tree the walk (a directory read and
//! ignore-file probes per folder) was a third of a warm lint.
//!
//! A listing is reused only when nothing it depends on has changed since:
//! every folder walked (adding, removing or renaming an entry changes its
//! modification time), the ignore files in them and above the root (their
//! contents), each `.git` and its `info/exclude`, and git's global excludes
//! file with the config files that name it. Each is compared by kind,
//! inode, size, and modification and change times; one difference and the
//! tree is walked afresh. A listing is not saved when the walk reported an
//! error, or when anything it depends on changed within two seconds
//! (`cache::RACY`) of the walk's start: a change that lands in the same
//! clock tick as the one recorded would not show (git calls such entries
//! "racily clean").
//!
//! The key holds the current directory, the root as given, the `[lint]`
//! globs and the environment variables that move git's config, so a
//! listing is never used for a walk it was not made by.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use super::cache::{is_racy, nanos};
use super::walk::Target;
use crate::store::{self, Magic, Reader, Writer};

/// Bumped whenever the stored shape or the validation changes.
const MAGIC: &Magic = b"WBWALK02";

/// The ignore files the walk reads in each folder (`ignore`'s defaults).
const IGNORE_FILES: [&str; 2] = [".gitignore", ".ignore"];

/// The environment variables that decide which git config files, and so
/// which global excludes file, the walk reads.
const GIT_ENVIRONMENT: [&str; 4] = ["HOME", "XDG_CONFIG_HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM"];

/// The values of those variables, read once through the context; unset
/// and empty are the same to git.
#[derive(Debug, Clone, Default)]
pub struct GitVars([Option<String>; 4]);

impl GitVars {
    pub fn read(lookup: impl Fn(&str) -> Option<String>) -> GitVars {
        GitVars(GIT_ENVIRONMENT.map(|name| lookup(name).filter(|value| !value.is_empty())))
    }

    fn path(&self, name: &str) -> Option<PathBuf> {
        let index = GIT_ENVIRONMENT.iter().position(|known| *known == name)?;
        self.0[index].as_ref().map(PathBuf::from)
    }
}

/// A path as the walk saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seen {
    kind: Kind,
    modified_ns: u128,
    changed_ns: u128,
    inode: u64,
    size: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Absent,
    File,
    Directory,
    Other,
    /// It could not be read: never equal to what a later look finds.
    Unreadable,
}

impl Kind {
    fn code(self) -> u8 {
        match self {
            Kind::Absent => 0,
            Kind::File => 1,
            Kind::Directory => 2,
            Kind::Other => 3,
            Kind::Unreadable => 4,
        }
    }

    fn from_code(code: u8) -> Option<Kind> {
        Some(match code {
            0 => Kind::Absent,
            1 => Kind::File,
            2 => Kind::Directory,
            3 => Kind::Other,
            4 => Kind::Unreadable,
            _ => return None,
        })
    }
}

impl Seen {
    fn bare(kind: Kind) -> Seen {
        Seen { kind, modified_ns: 0, changed_ns: 0, inode: 0, size: 0 }
    }

    /// `follow`: through a symlink, as the walk opens ignore files; not, as
    /// it lists folders.
    fn of(path: &Path, follow: bool) -> Seen {
        let metadata = if follow { std::fs::metadata(path) } else { std::fs::symlink_metadata(path) };
        let metadata = match metadata {
            Ok(metadata) => metadata,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Seen::bare(Kind::Absent),
            Err(_) => return Seen::bare(Kind::Unreadable),
        };
        let kind = if metadata.is_file() {
            Kind::File
        } else if metadata.is_dir() {
            Kind::Directory
        } else {
            Kind::Other
        };
        let Some(modified_ns) = metadata.modified().ok().and_then(nanos) else { return Seen::bare(Kind::Unreadable) };
        let (changed_ns, inode) = change_time_and_inode(&metadata);
        Seen { kind, modified_ns, changed_ns, inode, size: metadata.len() }
    }
}

#[cfg(unix)]
fn change_time_and_inode(metadata: &std::fs::Metadata) -> (u128, u64) {
    use std::os::unix::fs::MetadataExt as _;
    let changed = u128::try_from(metadata.ctime()).unwrap_or(0) * 1_000_000_000
        + u128::try_from(metadata.ctime_nsec()).unwrap_or(0);
    (changed, metadata.ino())
}

#[cfg(not(unix))]
fn change_time_and_inode(_: &std::fs::Metadata) -> (u128, u64) {
    (0, 0)
}

/// Collects what a walk depends on while it runs (from its threads).
pub struct Recorder {
    start_ns: u128,
    seen: Mutex<Vec<(String, bool, Seen)>>,
    trusted: AtomicBool,
}

impl Recorder {
    /// Starts recording a walk of `root`: the ignore files above it and
    /// git's global excludes are noted now.
    pub fn new(root: &Path, git: &GitVars) -> Recorder {
        let start_ns = nanos(SystemTime::now()).unwrap_or(0);
        let recorder = Recorder { start_ns, seen: Mutex::new(Vec::new()), trusted: AtomicBool::new(true) };
        match root.canonicalize() {
            Ok(absolute) => {
                for ancestor in absolute.ancestors().skip(1) {
                    recorder.ignore_files(ancestor, false);
                }
            }
            Err(_) => recorder.distrust(),
        }
        for path in git_config_files(git) {
            recorder.note(&path, true);
        }
        if let Some(excludes) = ignore::gitignore::gitconfig_excludes_path() {
            recorder.note(&excludes, true);
        }
        recorder
    }

    /// A folder the walk lists: itself (followed if it is the root) and
    /// the ignore files it may hold.
    pub fn folder(&self, dir: &Path, is_root: bool) {
        self.note(dir, is_root);
        self.ignore_files(dir, true);
    }

    /// Something went wrong in the walk: its listing is not kept, so the
    /// next run walks (and warns) again.
    pub fn distrust(&self) {
        self.trusted.store(false, Ordering::Relaxed);
    }

    /// `listed`: the folder's own stamp is kept, so an ignore file that is
    /// absent need not be: creating one would change that stamp.
    fn ignore_files(&self, dir: &Path, listed: bool) {
        let note_present = |path: &Path| {
            let seen = Seen::of(path, true);
            if !(listed && seen.kind == Kind::Absent) {
                self.keep(path, true, seen);
            }
            seen
        };
        for name in IGNORE_FILES {
            note_present(&dir.join(name));
        }
        let git = dir.join(".git");
        match note_present(&git).kind {
            Kind::Directory => {
                self.note(&git.join("info").join("exclude"), true);
            }
            // A worktree's `.git` file names its git folder, whose
            // `commondir` names where `info/exclude` lives (read as the
            // `ignore` crate reads them).
            Kind::File => {
                let first_line = |path: &Path| {
                    std::fs::read_to_string(path).ok().and_then(|text| text.lines().next().map(str::to_string))
                };
                let Some(git_dir) = first_line(&git).and_then(|line| line.strip_prefix("gitdir: ").map(PathBuf::from))
                else {
                    return;
                };
                let commondir = git_dir.join("commondir");
                if self.note(&commondir, true).kind == Kind::File
                    && let Some(line) = first_line(&commondir)
                {
                    let common = if line.starts_with('.') { git_dir.join(line) } else { PathBuf::from(line) };
                    self.note(&common.join("info").join("exclude"), true);
                }
            }
            _ => {}
        }
    }

    fn note(&self, path: &Path, follow: bool) -> Seen {
        let seen = Seen::of(path, follow);
        self.keep(path, follow, seen);
        seen
    }

    fn keep(&self, path: &Path, follow: bool, seen: Seen) {
        let racy = is_racy(seen.modified_ns, self.start_ns);
        match path.to_str() {
            Some(text) if !racy && seen.kind != Kind::Unreadable => {
                self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((
                    text.to_string(),
                    follow,
                    seen,
                ));
            }
            _ => self.distrust(),
        }
    }
}

/// The git config files that can name a global excludes file.
fn git_config_files(git: &GitVars) -> Vec<PathBuf> {
    let var = |name: &str| git.path(name);
    let mut files = Vec::new();
    files.extend(var("GIT_CONFIG_GLOBAL"));
    files.push(var("GIT_CONFIG_SYSTEM").unwrap_or_else(|| PathBuf::from("/etc/gitconfig")));
    let xdg = var("XDG_CONFIG_HOME").or_else(|| var("HOME").map(|home| home.join(".config")));
    if let Some(xdg) = xdg {
        files.push(xdg.join("git").join("config"));
        files.push(xdg.join("git").join("ignore"));
    }
    if let Some(home) = var("HOME") {
        files.push(home.join(".gitconfig"));
    }
    files
}

/// Where one root's listing is kept.
pub struct Listing {
    file: PathBuf,
}

impl Listing {
    /// The listing for walking `root` from `cwd` with these `[lint]` globs
    /// (`filters` describes them); `None` when caching is off.
    pub fn at(cache_dir: Option<&Path>, cwd: &Path, root: &Path, filters: &str, git: &GitVars) -> Option<Listing> {
        let mut key = format!("{MAGIC:?}\0{}\0{}\0{filters}", cwd.display(), root.display());
        for value in &git.0 {
            key.push('\0');
            key.push_str(value.as_deref().unwrap_or_default());
        }
        let digest = crate::plugins::cache::digest(key.as_bytes());
        Some(Listing { file: cache_dir?.join("lint").join("walks").join(format!("{digest}.bin")) })
    }

    /// The files of the last walk, if nothing it depends on has changed.
    pub fn load(&self) -> Option<Vec<Target>> {
        let stored = store::read(&self.file, MAGIC)?;
        let mut reader = Reader::new(stored.payload());
        let count = reader.count()?;
        let mut seen = Vec::with_capacity(count);
        for _ in 0..count {
            let path = Path::new(reader.text()?);
            let follow = reader.u8()? != 0;
            let kind = Kind::from_code(reader.u8()?)?;
            let stamp = Seen {
                kind,
                modified_ns: reader.u128()?,
                changed_ns: reader.u128()?,
                inode: reader.u64()?,
                size: reader.u64()?,
            };
            seen.push((path, follow, stamp));
        }
        let unchanged = crate::parallel::map(&seen, crate::parallel::cpu_threads(), |(path, follow, stamp)| {
            Seen::of(path, *follow) == *stamp
        });
        if unchanged.contains(&false) {
            return None;
        }
        let count = reader.count()?;
        let mut targets = Vec::with_capacity(count);
        for _ in 0..count {
            let path = PathBuf::from(reader.text()?);
            let display = reader.text()?.to_string();
            targets.push(Target { path, display });
        }
        reader.bytes.is_empty().then_some(targets)
    }

    /// Keeps the files a walk found, unless the walk cannot be trusted to
    /// be found again unchanged; a failure to write only costs time.
    pub fn save(&self, recorder: Recorder, targets: &[Target]) {
        if !recorder.trusted.load(Ordering::Relaxed) {
            let _ = std::fs::remove_file(&self.file);
            return;
        }
        let seen = recorder.seen.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut writer = Writer::with_capacity(64 + seen.len() * 96 + targets.len() * 96);
        writer.count(seen.len());
        for (path, follow, stamp) in &seen {
            writer.text(path);
            writer.u8(u8::from(*follow));
            writer.u8(stamp.kind.code());
            writer.u128(stamp.modified_ns);
            writer.u128(stamp.changed_ns);
            writer.u64(stamp.inode);
            writer.u64(stamp.size);
        }
        let Some(paths) = targets.iter().map(|target| target.path.to_str()).collect::<Option<Vec<&str>>>() else {
            return;
        };
        writer.count(targets.len());
        for (path, target) in paths.iter().zip(targets) {
            writer.text(path);
            writer.text(&target.display);
        }
        if let Err(error) = store::write(&self.file, MAGIC, &writer.out, false) {
            log::warn!("cannot write the lint cache at {}: {error}", self.file.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::time::Duration;

    use crate::commands::lint::cache::RACY;

    fn aged(path: &Path) {
        let old = SystemTime::now() - Duration::from_mins(1);
        std::fs::File::open(path).unwrap().set_modified(old).unwrap();
    }

    fn listed(dir: &Path) -> (Recorder, Vec<Target>) {
        let recorder = Recorder::new(dir, &GitVars::default());
        recorder.folder(dir, true);
        let target = Target { path: dir.join("a.txt"), display: "a.txt".into() };
        (recorder, vec![target])
    }

    #[test]
    fn a_listing_is_reused_until_its_folder_changes() {
        let dir = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "").unwrap();
        aged(dir.path());
        let listing = Listing::at(Some(cache.path()), dir.path(), dir.path(), "", &GitVars::default()).unwrap();
        let (recorder, targets) = listed(dir.path());
        listing.save(recorder, &targets);
        assert_eq!(listing.load().unwrap()[0].display, "a.txt");
        std::fs::write(dir.path().join("b.txt"), "").unwrap();
        assert!(listing.load().is_none(), "a new file must be found by a fresh walk");
    }

    #[test]
    fn an_edited_ignore_file_invalidates_the_listing() {
        let dir = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        let ignore = dir.path().join(".gitignore");
        std::fs::write(&ignore, "b.txt\n").unwrap();
        aged(&ignore);
        aged(dir.path());
        let listing = Listing::at(Some(cache.path()), dir.path(), dir.path(), "", &GitVars::default()).unwrap();
        let (recorder, targets) = listed(dir.path());
        listing.save(recorder, &targets);
        assert!(listing.load().is_some());
        std::fs::write(&ignore, "c.txt\n").unwrap();
        assert!(listing.load().is_none());
    }

    #[test]
    fn a_walk_of_just_changed_folders_is_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        let listing = Listing::at(Some(cache.path()), dir.path(), dir.path(), "", &GitVars::default()).unwrap();
        let (recorder, targets) = listed(dir.path());
        listing.save(recorder, &targets);
        assert!(listing.load().is_none(), "a folder changed within {RACY:?} of the walk may change again unseen");
    }

    #[test]
    fn the_key_holds_the_globs() {
        let a = Listing::at(Some(Path::new("/c")), Path::new("/w"), Path::new("."), "include=[]", &GitVars::default())
            .unwrap();
        let b = Listing::at(
            Some(Path::new("/c")),
            Path::new("/w"),
            Path::new("."),
            "include=[\"*.mk\"]",
            &GitVars::default(),
        )
        .unwrap();
        assert_ne!(a.file, b.file);
        assert!(Listing::at(None, Path::new("/w"), Path::new("."), "", &GitVars::default()).is_none());
    }
}
