//! Running the steps: each step gets the files its patterns match (the
//! others pass it by), either all at once or, for per-file steps, in
//! batches spread over the cores. Consecutive per-file steps form a chain
//! that each batch runs through in one go, so a file's result after the
//! chain can be cached (see [`super::cache`]). Every error names the step,
//! and the file when one file is to blame.

use std::collections::BTreeMap;

use globset::GlobSet;

use super::cache::{Key, KeyBuilder, StepCache};
use super::progress::Progress;
use crate::error::Error;
use crate::plugin_paths::check_output_path;
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

pub fn run(
    steps: &[Step<'_>],
    mut state: State,
    threads: usize,
    progress: &Progress,
    cache: &mut StepCache,
) -> Result<State, Error> {
    let mut rest = steps;
    while let Some(step) = rest.first() {
        if step.info.per_file {
            let len = rest.iter().take_while(|step| step.info.per_file).count();
            let (chain, after) = rest.split_at(len);
            rest = after;
            let names: Vec<&str> = chain.iter().map(|step| step.plugin.name()).collect();
            progress.steps(&names.join(", "), len as u64);
            // A file no step of the chain takes keeps its path, so none
            // ever will: it passes by untouched.
            let (taken, kept): (Vec<SiteFile>, Vec<SiteFile>) = std::mem::take(&mut state.files)
                .into_values()
                .partition(|file| chain.iter().any(|step| step.takes(&file.path)));
            state.files = kept.into_iter().map(|file| (file.path.clone(), file)).collect();
            let produced = run_chain(chain, taken, &state.metadata, threads, cache)?;
            place(&chain_label(chain), &mut state.files, produced)?;
        } else {
            rest = &rest[1..];
            progress.step(step.plugin.name());
            let (taken, kept): (Vec<SiteFile>, Vec<SiteFile>) =
                std::mem::take(&mut state.files).into_values().partition(|file| step.takes(&file.path));
            state.files = kept.into_iter().map(|file| (file.path.clone(), file)).collect();
            let site = Site { files: taken, metadata: std::mem::take(&mut state.metadata), reads: step.reads.clone() };
            let output = step.plugin.step_run(&site, &step.options).map_err(|failure| step_failed(step, &failure))?;
            state.metadata = output.metadata;
            check(step, &output.files)?;
            place(&step.label(), &mut state.files, output.files)?;
        }
    }
    Ok(state)
}

fn chain_label(chain: &[Step<'_>]) -> String {
    match chain {
        [step] => step.label(),
        [first, .., last] => {
            let names: Vec<String> = chain.iter().map(|step| format!("`{}`", step.plugin.name())).collect();
            format!("steps {}-{} ({})", first.position, last.position, names.join(", "))
        }
        [] => String::new(),
    }
}

/// What a plugin returned is checked before anything uses it.
fn check(step: &Step<'_>, files: &[SiteFile]) -> Result<(), Error> {
    for file in files {
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
    }
    Ok(())
}

/// Adds `produced` to `files`; two files on one path are an error that
/// names both sources.
fn place(label: &str, files: &mut BTreeMap<String, SiteFile>, produced: Vec<SiteFile>) -> Result<(), Error> {
    for file in produced {
        let source = file.source.clone();
        if let Some(previous) = files.insert(file.path.clone(), file) {
            let from = match (previous.source.as_str(), source.as_str()) {
                ("", _) | (_, "") => String::new(),
                (a, b) => format!(" (from {a} and {b})"),
            };
            return Err(Error::plugin(format!("{label} produced two files at {}{from}", previous.path))
                .help("two source files map to one output path: rename one, or give one its own `permalink:`"));
        }
    }
    Ok(())
}

/// A cheap shape check; the next step that reads the metadata parses it.
fn looks_like_object(text: &str) -> bool {
    let text = text.trim();
    text.starts_with('{') && text.ends_with('}')
}

/// Runs a chain of per-file steps over `files`: cached results first, the
/// rest in batches over the cores.
fn run_chain(
    chain: &[Step<'_>],
    files: Vec<SiteFile>,
    metadata: &str,
    threads: usize,
    cache: &mut StepCache,
) -> Result<Vec<SiteFile>, Error> {
    let mut produced = Vec::new();
    let misses = if cache.enabled() {
        let fingerprint = chain_fingerprint(chain, metadata);
        let keys =
            crate::parallel::map(&files, threads, |file| KeyBuilder::default().part(&fingerprint).file(file).finish());
        let found = cache.get_all(&keys, threads);
        let mut misses = Vec::new();
        for ((file, key), hit) in files.into_iter().zip(keys).zip(found) {
            match hit {
                Some(files) => produced.extend(files),
                None => misses.push((key, file)),
            }
        }
        misses
    } else {
        files.into_iter().map(|file| ([0; 16], file)).collect()
    };
    if misses.is_empty() {
        return Ok(produced);
    }
    let batches = batches(misses, threads);
    let results = crate::parallel::try_map(&batches, threads, |batch| run_batch(chain, batch, metadata))?;
    for (batch, outputs) in batches.into_iter().zip(results) {
        if cache.enabled() {
            remember(cache, batch, &outputs);
        }
        produced.extend(outputs);
    }
    Ok(produced)
}

/// Everything but the file that a chain's result depends on.
fn chain_fingerprint(chain: &[Step<'_>], metadata: &str) -> Key {
    let mut key = KeyBuilder::default().part(metadata.as_bytes());
    for step in chain {
        key = key.part(step.plugin.digest.as_bytes()).part(step.options.as_bytes());
        for read in &step.reads {
            key = key.part(read.path.as_bytes()).part(&read.contents);
        }
    }
    key.finish()
}

/// Caches each input's outputs, telling them apart by `source` (and by
/// path between inputs of one source, e.g. the pages of a paginated
/// listing). When an output cannot be traced to exactly one input,
/// nothing of the batch is cached: the results are still right, only not
/// reused.
fn remember(cache: &mut StepCache, batch: Vec<(Key, SiteFile)>, outputs: &[SiteFile]) {
    let mut by_source: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
    for (index, (_, input)) in batch.iter().enumerate() {
        by_source.entry(input.source.as_str()).or_default().push(index);
    }
    let mut owners: Vec<usize> = Vec::with_capacity(outputs.len());
    for output in outputs {
        let owner = match by_source.get(output.source.as_str()).map(Vec::as_slice) {
            Some(&[index]) => Some(index),
            Some(candidates) => {
                let mut same_path = candidates.iter().filter(|&&index| batch[index].1.path == output.path);
                match (same_path.next(), same_path.next()) {
                    (Some(&index), None) => Some(index),
                    _ => None,
                }
            }
            None => None,
        };
        let Some(owner) = owner else {
            log::debug!("not caching a batch: cannot tell which input made {}", output.path);
            return;
        };
        owners.push(owner);
    }
    let mut per_input: Vec<Vec<SiteFile>> = vec![Vec::new(); batch.len()];
    for (output, owner) in outputs.iter().zip(owners) {
        per_input[owner].push(output.clone());
    }
    for ((key, _), files) in batch.into_iter().zip(per_input) {
        cache.put(key, files);
    }
}

/// One batch through every step of the chain; a plugin failure is blamed
/// on a file by running the batch's files one at a time (cheap next to a
/// failed build), so the message can name it.
fn run_batch(chain: &[Step<'_>], batch: &[(Key, SiteFile)], metadata: &str) -> Result<Vec<SiteFile>, Error> {
    let files: Vec<SiteFile> = batch.iter().map(|(_, file)| file.clone()).collect();
    match through(chain, files, metadata) {
        Ok(files) => Ok(files),
        Err(Failed::Checked(error)) => Err(error),
        Err(Failed::Plugin(index, failure)) => {
            if batch.len() > 1 {
                for (_, file) in batch {
                    if let Err(failed) = through(chain, vec![file.clone()], metadata) {
                        return Err(match failed {
                            Failed::Checked(error) => error,
                            Failed::Plugin(index, failure) => on_file(&chain[index], &file.path, &failure),
                        });
                    }
                }
                Err(step_failed(&chain[index], &failure))
            } else if let Some((_, file)) = batch.first() {
                Err(on_file(&chain[index], &file.path, &failure))
            } else {
                Err(step_failed(&chain[index], &failure))
            }
        }
    }
}

enum Failed {
    /// The plugin of the chain's step at this index failed.
    Plugin(usize, PluginFailure),
    /// What a plugin returned broke a rule.
    Checked(Error),
}

fn through(chain: &[Step<'_>], files: Vec<SiteFile>, metadata: &str) -> Result<Vec<SiteFile>, Failed> {
    let mut files: BTreeMap<String, SiteFile> = files.into_iter().map(|file| (file.path.clone(), file)).collect();
    for (index, step) in chain.iter().enumerate() {
        let (taken, kept): (Vec<SiteFile>, Vec<SiteFile>) =
            std::mem::take(&mut files).into_values().partition(|file| step.takes(&file.path));
        files = kept.into_iter().map(|file| (file.path.clone(), file)).collect();
        if taken.is_empty() {
            continue;
        }
        let site = Site { files: taken, metadata: metadata.to_string(), reads: step.reads.clone() };
        let output =
            step.plugin.step_run_batch(&site, &step.options).map_err(|failure| Failed::Plugin(index, failure))?;
        check(step, &output.files).map_err(Failed::Checked)?;
        place(&step.label(), &mut files, output.files).map_err(Failed::Checked)?;
    }
    Ok(files.into_values().collect())
}

/// Splits files into batches of similar size, in path order.
fn batches(files: Vec<(Key, SiteFile)>, threads: usize) -> Vec<Vec<(Key, SiteFile)>> {
    let total: usize = files.iter().map(|(_, file)| file.contents.len() + file.metadata.len()).sum();
    let target = (total / (threads.max(1) * 4)).clamp(MIN_BATCH_BYTES, MAX_BATCH_BYTES);
    let mut batches = Vec::new();
    let mut batch = Vec::new();
    let mut bytes = 0;
    for (key, file) in files {
        bytes += file.contents.len() + file.metadata.len();
        batch.push((key, file));
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

    fn file(path: &str, size: usize) -> (Key, SiteFile) {
        (
            [0; 16],
            SiteFile { path: path.into(), source: path.into(), contents: vec![b'x'; size], metadata: "{}".into() },
        )
    }

    #[test]
    fn batches_keep_path_order_and_split_by_size() {
        let files: Vec<(Key, SiteFile)> = (0..100).map(|i| file(&format!("{i:03}.md"), 10_000)).collect();
        let batches = batches(files, 2);
        assert!(batches.len() >= 8, "{} batches", batches.len());
        let paths: Vec<String> = batches.iter().flatten().map(|(_, file)| file.path.clone()).collect();
        let mut sorted = paths.clone();
        sorted.sort();
        assert_eq!(paths, sorted);
        assert_eq!(paths.len(), 100);
    }

    fn made(path: &str, source: &str) -> SiteFile {
        SiteFile { path: path.into(), source: source.into(), contents: Vec::new(), metadata: "{}".into() }
    }

    #[test]
    fn outputs_are_cached_per_input_only_when_each_traces_to_one_input() {
        let dir = tempfile::tempdir().unwrap();
        let key = |n: u8| [n; 16];
        let batch = || {
            vec![
                (key(1), made("a.md", "a.md")),
                (key(2), made("b.md", "b.md")),
                (key(3), made("list/2.html", "list.md")),
                (key(4), made("list/3.html", "list.md")),
                (key(5), made("draft.md", "draft.md")),
            ]
        };
        let mut cache = StepCache::open(dir.path().join("cache"));
        let outputs = [
            made("a.html", "a.md"),
            made("b.html", "b.md"),
            made("list/2.html", "list.md"),
            made("list/3.html", "list.md"),
        ];
        remember(&mut cache, batch(), &outputs);
        let found = cache.get_all(&[key(1), key(2), key(3), key(4), key(5)], 1);
        let paths: Vec<Vec<&str>> =
            found.iter().map(|files| files.as_ref().unwrap().iter().map(|file| file.path.as_str()).collect()).collect();
        assert_eq!(paths, [vec!["a.html"], vec!["b.html"], vec!["list/2.html"], vec!["list/3.html"], vec![]]);

        let mut cache = StepCache::open(dir.path().join("other"));
        remember(&mut cache, batch(), &[made("a.html", "a.md"), made("merged.html", "")]);
        assert!(cache.get_all(&[key(1)], 1)[0].is_none(), "an output of unknown origin caches nothing");
        remember(&mut cache, batch(), &[made("list/4.html", "list.md")]);
        assert!(cache.get_all(&[key(3)], 1)[0].is_none(), "two inputs of one source, neither on the path");
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
