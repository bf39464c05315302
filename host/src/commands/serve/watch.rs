//! File events under the project, debounced (editors write a file in
//! several steps), minus the output, the build's own scratch files and
//! reads (a build opens every source file; inotify reports that too).
//!
//! The project's top directory is watched on its own and each entry in it
//! recursively, except the output and its scratch directories: those are
//! replaced on every build, and watching them would cost an inotify watch
//! per output directory per build (tens of milliseconds at 10,000 pages).
//! A directory created at the top later is watched when it appears.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::error::Error;

/// Quiet time after the last change before a rebuild starts: an editor's
/// save (write a temporary file, rename it over the old one) takes a few
/// milliseconds; a longer wait is latency the user sees on every save.
const DEBOUNCE: Duration = Duration::from_millis(20);

pub struct Watcher {
    notify: std::cell::RefCell<RecommendedWatcher>,
    root: PathBuf,
    events: Receiver<notify::Result<notify::Event>>,
    /// Directories whose contents never trigger a build.
    ignored: Vec<PathBuf>,
    /// `…/.build.`: the spare, manifests and lock beside the output.
    scratch: String,
}

impl Watcher {
    pub fn start(root: &Path, destination: &Path) -> Result<Watcher, Error> {
        let (sender, events) = channel();
        let mut watcher = notify::recommended_watcher(sender).map_err(|error| {
            Error::input(format!("cannot watch {}: {error}", root.display()))
                .help("raise the inotify limit (fs.inotify.max_user_watches), or ignore large folders in [site] ignore")
        })?;
        watcher.watch(root, RecursiveMode::NonRecursive).map_err(|error| {
            Error::input(format!("cannot watch {}: {error}", root.display()))
                .help("raise the inotify limit (fs.inotify.max_user_watches), or ignore large folders in [site] ignore")
        })?;
        let name = destination.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        let scratch = normal(&destination.with_file_name(format!(".{name}."))).to_string_lossy().into_owned();
        let watcher = Watcher {
            notify: std::cell::RefCell::new(watcher),
            root: normal(root),
            events,
            ignored: vec![normal(destination), normal(&root.join(".git"))],
            scratch,
        };
        let entries = std::fs::read_dir(root).map_err(|error| {
            Error::input(format!("cannot watch {}: {error}", root.display()))
                .help("raise the inotify limit (fs.inotify.max_user_watches), or ignore large folders in [site] ignore")
        })?;
        for entry in entries.flatten() {
            watcher.watch_below(&entry.path())?;
        }
        Ok(watcher)
    }

    /// Watches a directory at the top of the project, unless it is ignored.
    fn watch_below(&self, path: &Path) -> Result<(), Error> {
        let path = normal(path);
        if !path.is_dir() || !self.relevant(&path) {
            return Ok(());
        }
        self.notify.borrow_mut().watch(&path, RecursiveMode::Recursive).map_err(|error| {
            Error::input(format!("cannot watch {}: {error}", path.display()))
                .help("raise the inotify limit (fs.inotify.max_user_watches), or ignore large folders in [site] ignore")
        })
    }

    /// The first relevant change within `timeout`, once changes have been
    /// quiet for [`DEBOUNCE`]; events during a build are drained by the
    /// next call, so one save is one rebuild.
    pub fn next(&self, timeout: Duration) -> Option<PathBuf> {
        let first = self.relevant_event(timeout)?;
        let mut quiet_until = Instant::now() + DEBOUNCE;
        while let Some(left) = quiet_until.checked_duration_since(Instant::now()) {
            if self.relevant_event(left).is_some() {
                quiet_until = Instant::now() + DEBOUNCE;
            }
        }
        Some(first)
    }

    fn relevant_event(&self, timeout: Duration) -> Option<PathBuf> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            match self.events.recv_timeout(left) {
                Ok(Ok(event)) => {
                    if matches!(event.kind, EventKind::Access(_)) {
                        continue;
                    }
                    if matches!(event.kind, EventKind::Create(_)) {
                        for path in event.paths.iter().filter(|path| normal(path).parent() == Some(&self.root)) {
                            if let Err(error) = self.watch_below(path) {
                                log::warn!("{}", error.message());
                            }
                        }
                    }
                    if let Some(path) = event.paths.into_iter().find(|path| self.relevant(path)) {
                        return Some(path);
                    }
                }
                Ok(Err(error)) => log::warn!("watching: {error}"),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    fn relevant(&self, path: &Path) -> bool {
        let path = normal(path);
        let text = path.to_string_lossy();
        let editor_scratch = text.ends_with('~') || text.ends_with(".swp") || text.ends_with(".swx");
        !editor_scratch
            && !text.starts_with(&self.scratch)
            && !self.ignored.iter().any(|ignored| path.starts_with(ignored))
    }
}

/// Absolute and without `.` segments: notify reports paths under the
/// watched root as given (`/project/./site/a.md` when watching `.`).
fn normal(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    absolute.components().filter(|component| !matches!(component, std::path::Component::CurDir)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_output_and_its_scratch_files_are_not_changes_whatever_the_spelling() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join(".");
        let watcher = Watcher::start(&root, &root.join("build")).unwrap();
        let base = dir.path().to_string_lossy().into_owned();
        for ignored in ["build/index.html", ".build.manifests/1-2.json", ".build.cache", ".git/index", "site/a.md~"] {
            assert!(!watcher.relevant(Path::new(&format!("{base}/./{ignored}"))), "{ignored}");
            assert!(!watcher.relevant(&dir.path().join(ignored)), "{ignored}");
        }
        assert!(watcher.relevant(Path::new(&format!("{base}/./site/a.md"))));
        assert!(watcher.relevant(&dir.path().join("layouts/page.html")));
    }

    #[test]
    fn changes_deep_in_the_project_and_in_new_top_directories_are_seen_but_not_the_outputs() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("site/posts/2026")).unwrap();
        std::fs::create_dir_all(dir.path().join("build/posts")).unwrap();
        let watcher = Watcher::start(dir.path(), &dir.path().join("build")).unwrap();
        std::fs::write(dir.path().join("build/posts/a.html"), "x").unwrap();
        assert_eq!(watcher.next(Duration::from_millis(300)), None, "the output is not watched");
        std::fs::write(dir.path().join("site/posts/2026/a.md"), "x").unwrap();
        assert!(watcher.next(Duration::from_secs(5)).unwrap().ends_with("site/posts/2026/a.md"));
        std::fs::create_dir(dir.path().join("layouts")).unwrap();
        assert!(watcher.next(Duration::from_secs(5)).is_some(), "a new top directory is a change");
        std::fs::write(dir.path().join("layouts/page.html"), "x").unwrap();
        assert!(watcher.next(Duration::from_secs(5)).unwrap().ends_with("layouts/page.html"));
        std::fs::write(dir.path().join("workbench.toml"), "x").unwrap();
        assert!(watcher.next(Duration::from_secs(5)).unwrap().ends_with("workbench.toml"));
    }
}
