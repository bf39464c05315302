//! Running the steps: each step gets the files its patterns match (the
//! others pass it by), either all at once or, for per-file steps, in
//! batches spread over the cores. Every error names the step, and the file
//! when one file is to blame.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use globset::GlobSet;

use super::paths::check_output_path;
use super::progress::Progress;
use crate::error::Error;
use crate::plugins::bindings::site_step::{ProjectFile, Site, SiteFile, StepInfo};
use crate::plugins::{Cause, Plugin, PluginFailure};

/// A configured step, described and ready to run.
pub struct Step<'a> {
    /// 1-based position in `[site] steps`.
    pub position: usize,
    pub plugin: &'a Plugin,
    pub options: String,
    pub info: StepInfo,
    /// `None`: every file.
    pub patterns: Option<GlobSet>,
    pub reads: Vec<ProjectFile>,
}

impl Step<'_> {
    pub fn label(&self) -> String {
        format!("step {} (`{}`)", self.position, self.plugin.name())
    }

    fn takes(&self, path: &str) -> bool {
        self.patterns.as_ref().is_none_or(|set| set.is_match(path))
    }
}

/// The files between steps, by path, and the site metadata.
pub struct State {
    pub files: BTreeMap<String, SiteFile>,
    pub metadata: String,
}

/// Batches aim for this many bytes of contents, and at least four per
/// thread so a slow batch does not leave a core idle at the end.
const MAX_BATCH_BYTES: usize = 4 << 20;
const MIN_BATCH_BYTES: usize = 64 << 10;

pub fn run(steps: &[Step<'_>], mut state: State, threads: usize, progress: &Progress) -> Result<State, Error> {
    for step in steps {
        progress.step(step.plugin.name());
        let (taken, kept): (Vec<SiteFile>, Vec<SiteFile>) =
            std::mem::take(&mut state.files).into_values().partition(|file| step.takes(&file.path));
        state.files = kept.into_iter().map(|file| (file.path.clone(), file)).collect();
        let produced = if step.info.per_file {
            if taken.is_empty() {
                continue;
            }
            run_per_file(step, taken, &state.metadata, threads)?
        } else {
            let site = Site { files: taken, metadata: std::mem::take(&mut state.metadata), reads: step.reads.clone() };
            let output = step.plugin.step_run(&site, &step.options).map_err(|failure| step_failed(step, &failure))?;
            state.metadata = output.metadata;
            output.files
        };
        for file in produced {
            check_output_path(&file.path).map_err(|problem| {
                Error::plugin(format!("{} returned a file at {:?}: {problem}", step.label(), file.path))
                    .help("this is a bug in the plugin: report it to its author")
            })?;
            if !looks_like_object(&file.metadata) {
                return Err(Error::plugin(format!(
                    "{} returned metadata for {} that is not a JSON object",
                    step.label(),
                    file.path
                ))
                .help("this is a bug in the plugin: report it to its author"));
            }
            let source = file.source.clone();
            if let Some(previous) = state.files.insert(file.path.clone(), file) {
                let from = match (previous.source.as_str(), source.as_str()) {
                    ("", _) | (_, "") => String::new(),
                    (a, b) => format!(" (from {a} and {b})"),
                };
                return Err(Error::plugin(format!("{} produced two files at {}{from}", step.label(), previous.path))
                    .help("two source files map to one output path: rename one, or give one its own `permalink:`"));
            }
        }
    }
    Ok(state)
}

/// A cheap shape check; the next step that reads the metadata parses it.
fn looks_like_object(text: &str) -> bool {
    let text = text.trim();
    text.starts_with('{') && text.ends_with('}')
}

type BatchResult = Result<Vec<SiteFile>, Error>;

fn run_per_file(step: &Step<'_>, files: Vec<SiteFile>, metadata: &str, threads: usize) -> Result<Vec<SiteFile>, Error> {
    let batches: Vec<Mutex<Option<Vec<SiteFile>>>> =
        batches(files, threads).into_iter().map(|batch| Mutex::new(Some(batch))).collect();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, BatchResult)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads.min(batches.len()) {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(slot) = batches.get(index) else { break };
                    let files =
                        slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take().unwrap_or_default();
                    let site = Site { files, metadata: metadata.to_string(), reads: step.reads.clone() };
                    let result = match step.plugin.step_run(&site, &step.options) {
                        Ok(output) => Ok(output.files),
                        Err(failure) => Err(blame(step, site, &failure)),
                    };
                    let failed = result.is_err();
                    results.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((index, result));
                    if failed {
                        // Stop handing out batches: the build fails anyway.
                        next.store(usize::MAX / 2, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    results.sort_by_key(|(index, _)| *index);
    let mut produced = Vec::new();
    for (_, result) in results {
        produced.extend(result?);
    }
    Ok(produced)
}

/// Splits files into batches of similar size, in path order.
fn batches(files: Vec<SiteFile>, threads: usize) -> Vec<Vec<SiteFile>> {
    let total: usize = files.iter().map(|file| file.contents.len() + file.metadata.len()).sum();
    let target = (total / (threads.max(1) * 4)).clamp(MIN_BATCH_BYTES, MAX_BATCH_BYTES);
    let mut batches = Vec::new();
    let mut batch = Vec::new();
    let mut bytes = 0;
    for file in files {
        bytes += file.contents.len() + file.metadata.len();
        batch.push(file);
        if bytes >= target {
            batches.push(std::mem::take(&mut batch));
            bytes = 0;
        }
    }
    if !batch.is_empty() {
        batches.push(batch);
    }
    batches
}

/// A batch failed: find the file to blame by running the batch's files one
/// at a time (cheap next to a failed build), so the message can name it.
fn blame(step: &Step<'_>, site: Site, failure: &PluginFailure) -> Error {
    if site.files.len() > 1 {
        for file in site.files {
            let path = file.path.clone();
            let single = Site { files: vec![file], metadata: site.metadata.clone(), reads: site.reads.clone() };
            if let Err(failure) = step.plugin.step_run(&single, &step.options) {
                return on_file(step, &path, &failure);
            }
        }
        step_failed(step, failure)
    } else if let Some(file) = site.files.first() {
        on_file(step, &file.path, failure)
    } else {
        step_failed(step, failure)
    }
}

/// A plugin's own error names the file itself (the SDK's convention), so
/// only a trap, a timeout or a memory overrun gets the path added.
fn on_file(step: &Step<'_>, path: &str, failure: &PluginFailure) -> Error {
    match &failure.cause {
        Cause::Reported(message) => Error::plugin(format!("{}: {message}", step.label())).help(REPORTED_HELP),
        _ => Error::plugin(format!("{} failed on {path}: {failure}", step.label())).help(failure.help()),
    }
}

fn step_failed(step: &Step<'_>, failure: &PluginFailure) -> Error {
    match &failure.cause {
        Cause::Reported(message) => Error::plugin(format!("{}: {message}", step.label())).help(REPORTED_HELP),
        _ => Error::plugin(format!("{} failed: {failure}", step.label())).help(failure.help()),
    }
}

const REPORTED_HELP: &str = "fix the file named above, or the step's options under [site] steps in workbench.toml";

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, size: usize) -> SiteFile {
        SiteFile { path: path.into(), source: path.into(), contents: vec![b'x'; size], metadata: "{}".into() }
    }

    #[test]
    fn batches_keep_path_order_and_split_by_size() {
        let files: Vec<SiteFile> = (0..100).map(|i| file(&format!("{i:03}.md"), 10_000)).collect();
        let batches = batches(files, 2);
        assert!(batches.len() >= 8, "{} batches", batches.len());
        let paths: Vec<String> = batches.iter().flatten().map(|file| file.path.clone()).collect();
        let mut sorted = paths.clone();
        sorted.sort();
        assert_eq!(paths, sorted);
        assert_eq!(paths.len(), 100);
    }

    #[test]
    fn a_small_site_is_one_batch() {
        assert_eq!(batches(vec![file("a", 10), file("b", 10)], 2).len(), 1);
    }

    #[test]
    fn metadata_shape_check() {
        assert!(looks_like_object(" {\"a\":1} "));
        assert!(!looks_like_object("[1]"));
        assert!(!looks_like_object(""));
    }
}
