//! `workbench detect TARGET...`: fetch or read each page, parse it once,
//! hand the structured page to every detector plugin, and report the
//! services found with their settings and the evidence for each.

pub mod fetch;
mod fingerprints;
mod render;
mod report;
mod target;

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use clap::{Args, ValueEnum};
use url::Url;

use crate::context::Context;
use crate::error::{Error, Exit};
use crate::plugins::bindings::detector::{Detection, Page};
use crate::plugins::bindings::types::File;
use crate::plugins::{Plugin, PluginFailure, Role};
use crate::progress::Progress;
use fetch::{FetchSettings, Fetcher, Loaded};
use target::{Shard, Target};

/// Targets fetched and detected together: enough to keep the fetch threads
/// and the plugin calls busy, few enough that output streams. Files come
/// fast, so they go in bigger chunks: a detector's per-call setup (its
/// patterns compile in each fresh instance) is then paid over more pages.
const URL_CHUNK: usize = 32;
const FILE_CHUNK: usize = 1024;
/// A chunk of files also ends once their sizes (each counted up to the
/// body cap) reach this, so a list of big pages is not all held at once.
const FILE_CHUNK_BYTES: u64 = 64 << 20;
/// One detector call gets at most this much page text: every call starts a
/// fresh instance (its setup is paid per call), and the instance's memory
/// limit must hold the pages.
const BATCH_BYTES: usize = 16 << 20;
/// Pages are split over the cores only into batches at least this big.
/// Each batch's fresh instance first compiles the patterns its pages need:
/// about 50 ms of CPU when they need them all, which is longer than a
/// hundred pages take to detect, so smaller splits would buy a little wall
/// time for much CPU.
const MIN_BATCH_PAGES: usize = 256;
const DEFAULT_TIMEOUT_SECONDS: f64 = 15.0;
const DEFAULT_MAX_BODY_MIB: u64 = 8;
const MAX_REDIRECTS: u32 = 10;

#[derive(Debug, Args)]
pub struct DetectArgs {
    /// http(s) URLs, HTML files, or `-` for stdin.
    pub targets: Vec<String>,
    /// Read targets from this file, one a line (`#` comments); `-` for stdin.
    #[arg(long, value_name = "FILE")]
    pub list: Option<PathBuf>,
    /// Take only the i-th of n interleaved parts of the targets (e.g. 2/4).
    #[arg(long, value_name = "I/N")]
    pub shard: Option<Shard>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Fetch this many targets at once.
    #[arg(long, short = 'j', value_name = "N", default_value_t = 8)]
    pub jobs: usize,
    /// Seconds for one fetch, redirects and body included [default: 15].
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Decoded body kept per page, in MiB; the rest is not read [default: 8].
    #[arg(long, value_name = "MIB")]
    pub max_body_mib: Option<u64>,
    /// Wappalyzer-format fingerprint file for the `fingerprints` plugin; repeatable.
    #[arg(long, value_name = "FILE")]
    pub fingerprints: Vec<PathBuf>,
    /// The URL a file or stdin page was served from, to resolve its relative links.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<Url>,
    /// Detect on the DOM after the page's scripts ran, rendered by headless Chromium.
    #[arg(long)]
    pub render: bool,
    /// The Chromium (or Chrome) executable for --render [default: the first on PATH].
    #[arg(long, value_name = "PATH", env = "WORKBENCH_BROWSER")]
    pub browser: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table per target: service, category, settings, evidence.
    Human,
    /// One JSON document for the whole run (schema in docs/detect.md).
    Json,
    /// One JSON record per target, a line each, as targets finish.
    Ndjson,
}

/// A detector plugin, the options it gets and the files it asked to read.
struct Detector<'a> {
    plugin: &'a Plugin,
    options: String,
    files: Vec<File>,
}

/// What became of one target.
pub struct Record {
    pub target: String,
    pub outcome: Result<Found, String>,
}

pub struct Found {
    pub url: String,
    pub status: u16,
    pub encoding: &'static str,
    pub truncated: bool,
    /// Each detection with the plugin that made it.
    pub detections: Vec<(String, Detection)>,
    pub failures: Vec<PluginFailure>,
}

pub fn run(context: &Context, args: &DetectArgs) -> Result<Exit, Error> {
    let targets: Vec<Target> = targets(context, args)?
        .into_iter()
        .map(|target| match target {
            Target::File(path) => Target::File(context.resolve(&path).into_owned()),
            other => other,
        })
        .collect();
    let settings = fetch_settings(context, args)?;
    let fingerprint_files = fingerprint_files(context, args);
    let fingerprints = fingerprints::read(&fingerprint_files)?;

    let browser = if args.render {
        Some(render::Browser::find(
            args.browser.as_deref().map(|path| context.resolve(path)).as_deref(),
            context.var_os("PATH"),
        )?)
    } else {
        None
    };

    let runtime = context.runtime()?;
    let set = context.plugin_search(&runtime)?.load_playing(&runtime, Role::Detector);
    for failure in &set.failures {
        context.report(&Error::from(failure.clone()));
    }
    let Detectors { active: detectors, reads_fingerprints, all_described } =
        detectors(context, &set.plugins, &fingerprints)?;
    if !fingerprint_files.is_empty() && !reads_fingerprints {
        return Err(Error::input("--fingerprints needs a detector that reads fingerprint files, and none is loaded")
            .help("build workbench with `make build` to bundle the `fingerprints` detector, or add one with --plugin PATH"));
    }
    if detectors.is_empty() {
        return Err(Error::input("no detector plugins are loaded")
            .help("build workbench with `make build` to bundle the core detectors, or add one with --plugin PATH"));
    }

    let stdin_url = args.base_url.clone().unwrap_or_else(|| Url::parse("file:///dev/stdin").expect("a valid URL"));
    let fetcher = Fetcher::new(settings);
    let loader = Loader {
        context,
        fetcher: &fetcher,
        browser: browser.as_ref(),
        stdin_url: &stdin_url,
        timeout: settings.timeout,
    };
    let mut printer = report::Printer::new(context, args.format);
    let mut failed_targets = 0;
    let mut plugin_failed = !set.failures.is_empty() || !all_described;
    // A bar for a list; one page that takes long is already what it waits for.
    let progress = match targets.len() {
        0 | 1 => Progress::hidden(),
        len => Progress::new(context, Some(len as u64), "{spinner} [{bar:30}] {pos}/{len} pages ({elapsed})"),
    };
    for chunk in chunks(&targets, settings.max_body) {
        let loaded = load_all(&loader, chunk, args.jobs.max(1), &progress);
        let records = detect_all(&detectors, chunk, loaded);
        for record in records {
            match &record.outcome {
                Err(_) => failed_targets += 1,
                Ok(found) => plugin_failed |= !found.failures.is_empty(),
            }
            progress.suspend(|| printer.record(record));
        }
    }
    progress.finish();
    printer.finish();
    Ok(if plugin_failed {
        Exit::PluginFailure
    } else if failed_targets > 0 {
        Exit::Usage
    } else {
        Exit::Success
    })
}

/// The detectors that will see pages, and what their `describe`s said.
struct Detectors<'a> {
    active: Vec<Detector<'a>>,
    /// Some detector reads the user's fingerprint files.
    reads_fingerprints: bool,
    /// No `describe` failed (one that failed was reported and left out, as
    /// a failed call is, and the others go on).
    all_described: bool,
}

/// Each detector with its options and the files its `describe` asks for:
/// project files its `reads` globs name and, if it reads fingerprint files,
/// the user's.
fn detectors<'a>(context: &Context, plugins: &'a [Plugin], fingerprints: &[File]) -> Result<Detectors<'a>, Error> {
    let mut detectors = Vec::new();
    let (mut reads_fingerprints, mut all_described) = (false, true);
    for plugin in plugins.iter().filter(|plugin| plugin.plays(Role::Detector)) {
        let options = context.plugin_options(plugin.name())?;
        let info = match plugin.detector_describe(&options) {
            Ok(info) => info,
            Err(failure) => {
                let name = plugin.name();
                context.report(
                    &Error::from(failure)
                        .help(format!("fix the options of `{name}` under [plugins.options.{name}] in workbench.toml")),
                );
                all_described = false;
                continue;
            }
        };
        let label = format!("detector `{}`", plugin.name());
        let root = context.config.base_dir();
        let mut files: Vec<File> = crate::plugin_paths::read_project_files(&root, &info.reads, &label)?
            .into_iter()
            .map(|file| File { path: file.path, contents: file.contents })
            .collect();
        if info.fingerprints {
            reads_fingerprints = true;
            files.extend(fingerprints.iter().cloned());
        }
        // A detector that can find nothing without files is spared the pages.
        if files.is_empty() && !info.works_without_files {
            continue;
        }
        detectors.push(Detector { plugin, options, files });
    }
    Ok(Detectors { active: detectors, reads_fingerprints, all_described })
}

fn targets(context: &Context, args: &DetectArgs) -> Result<Vec<Target>, Error> {
    let mut targets = args.targets.iter().map(|text| Target::parse(text)).collect::<Result<Vec<_>, _>>()?;
    if let Some(list) = &args.list {
        targets.extend(target::read_list(list, context)?);
    }
    if targets.is_empty() {
        return Err(Error::input("nothing to detect: give a URL, a file, `-` for stdin, or --list FILE")
            .help("for example: workbench detect https://example.com/"));
    }
    if targets.iter().filter(|target| **target == Target::Stdin).count() > 1 {
        return Err(Error::input("stdin (`-`) can be a target only once")
            .help("read one page from stdin, and give the others as files or URLs"));
    }
    Ok(match args.shard {
        Some(shard) => shard.select(targets),
        None => targets,
    })
}

fn fetch_settings(context: &Context, args: &DetectArgs) -> Result<FetchSettings, Error> {
    let config = &context.config.detect;
    let seconds = args.timeout.or(config.timeout).unwrap_or(DEFAULT_TIMEOUT_SECONDS);
    let timeout = Duration::try_from_secs_f64(seconds).ok().filter(|timeout| !timeout.is_zero()).ok_or_else(|| {
        Error::input(format!("a timeout of {seconds} s is not possible")).help("give a positive number of seconds")
    })?;
    let mib = args.max_body_mib.or(config.max_body_mib).unwrap_or(DEFAULT_MAX_BODY_MIB);
    if mib == 0 || mib > 1024 {
        return Err(Error::input(format!("a body cap of {mib} MiB is out of range")).help("give 1 to 1024"));
    }
    Ok(FetchSettings { timeout, max_body: mib << 20, max_redirects: MAX_REDIRECTS, timeout_flag: "--timeout" })
}

fn fingerprint_files(context: &Context, args: &DetectArgs) -> Vec<PathBuf> {
    let base = context.config.base_dir();
    context
        .config
        .detect
        .fingerprints
        .iter()
        .map(|path| base.join(path))
        .chain(args.fingerprints.iter().cloned())
        .collect()
}

/// How a target becomes a document: fetched or read, then rendered if asked.
struct Loader<'a> {
    context: &'a Context,
    fetcher: &'a Fetcher,
    browser: Option<&'a render::Browser>,
    stdin_url: &'a Url,
    timeout: Duration,
}

impl Loader<'_> {
    fn load(&self, target: &Target) -> Result<Loaded, String> {
        let mut loaded = self.fetcher.load(target, self.stdin_url, self.context)?;
        let Some(browser) = self.browser else { return Ok(loaded) };
        // The browser loads the page itself; stdin has no URL it could load,
        // so it is handed over as a temporary file.
        let saved;
        let url = match target {
            Target::Url(url) => url.clone(),
            Target::File(path) => {
                Url::from_file_path(std::path::absolute(path).map_err(|error| format!("{}: {error}", path.display()))?)
                    .map_err(|()| format!("{} cannot be given to a browser", path.display()))?
            }
            Target::Stdin => {
                saved = tempfile::Builder::new()
                    .suffix(".html")
                    .tempfile()
                    .map_err(|error| format!("cannot save stdin for the browser: {error}"))?;
                std::fs::write(saved.path(), &loaded.document.body)
                    .map_err(|error| format!("cannot save stdin for the browser: {error}"))?;
                Url::from_file_path(saved.path()).map_err(|()| "cannot name the saved stdin as a URL".to_string())?
            }
        };
        loaded.document.body = browser.render(&url, self.timeout)?;
        loaded.encoding = "UTF-8";
        Ok(loaded)
    }
}

/// The targets in the groups they are loaded and detected in: `URL_CHUNK`
/// at a time when any is a URL, else up to `FILE_CHUNK` files holding up to
/// `FILE_CHUNK_BYTES` (a file that cannot be sized counts as empty here;
/// loading it reports why).
fn chunks(targets: &[Target], max_body: u64) -> Vec<&[Target]> {
    if targets.iter().any(|target| matches!(target, Target::Url(_))) {
        return targets.chunks(URL_CHUNK).collect();
    }
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (index, target) in targets.iter().enumerate() {
        let size = match target {
            Target::File(path) => std::fs::metadata(path).map_or(0, |metadata| metadata.len().min(max_body)),
            Target::Url(_) | Target::Stdin => 0,
        };
        if index > start && (index - start >= FILE_CHUNK || bytes + size > FILE_CHUNK_BYTES) {
            chunks.push(&targets[start..index]);
            start = index;
            bytes = 0;
        }
        bytes += size;
    }
    if start < targets.len() {
        chunks.push(&targets[start..]);
    }
    chunks
}

/// Loads every target of a chunk, `jobs` at a time; results in target order.
fn load_all(loader: &Loader, targets: &[Target], jobs: usize, progress: &Progress) -> Vec<Result<Loaded, String>> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<Loaded, String>>>> = Mutex::new((0..targets.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(targets.len()) {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(target) = targets.get(index) else { break };
                    let loaded = loader.load(target);
                    progress.inc(1);
                    results.lock().expect("no loader panics")[index] = Some(loaded);
                }
            });
        }
    });
    results
        .into_inner()
        .expect("no loader panics")
        .into_iter()
        .map(|result| result.expect("every target loaded"))
        .collect()
}

/// One detector's answer for one page.
type PageResult = Result<Vec<Detection>, PluginFailure>;

/// Every detector over every page, in batches (by bytes, and one per core
/// once there are `MIN_BATCH_PAGES` pages for each) spread over the cores;
/// `result[detector][page]`.
fn run_detectors(detectors: &[Detector], pages: &[Page]) -> Vec<Vec<PageResult>> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let batches_wanted = (pages.len() / MIN_BATCH_PAGES).clamp(1, threads);
    let per_batch = pages.len().div_ceil(batches_wanted).max(1);
    let mut batches: Vec<std::ops::Range<usize>> = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (index, page) in pages.iter().enumerate() {
        if index > start && (index - start >= per_batch || bytes + page.body.len() > BATCH_BYTES) {
            batches.push(start..index);
            start = index;
            bytes = 0;
        }
        bytes += page.body.len();
    }
    if start < pages.len() {
        batches.push(start..pages.len());
    }
    let jobs: Vec<(usize, std::ops::Range<usize>)> =
        (0..detectors.len()).flat_map(|detector| batches.iter().map(move |batch| (detector, batch.clone()))).collect();
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, usize, Vec<PageResult>)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads.min(jobs.len()) {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some((detector, batch)) = jobs.get(index) else { break };
                    let slice = &pages[batch.clone()];
                    let Detector { plugin, options, files } = &detectors[*detector];
                    let results = match plugin.detect(slice, options, files) {
                        Ok(results) => results,
                        Err(failure) => slice.iter().map(|_| Err(failure.clone())).collect(),
                    };
                    done.lock().expect("no detector thread panics").push((*detector, batch.start, results));
                }
            });
        }
    });
    let mut per_detector: Vec<Vec<Option<PageResult>>> =
        detectors.iter().map(|_| pages.iter().map(|_| None).collect()).collect();
    for (detector, start, results) in done.into_inner().expect("no detector thread panics") {
        for (offset, result) in results.into_iter().enumerate() {
            per_detector[detector][start + offset] = Some(result);
        }
    }
    per_detector
        .into_iter()
        .map(|results| results.into_iter().map(|result| result.expect("every page answered")).collect())
        .collect()
}

/// Parses the loaded pages and runs every detector over them, one call per
/// detector for the whole chunk, detectors in parallel.
fn detect_all(detectors: &[Detector], targets: &[Target], loaded: Vec<Result<Loaded, String>>) -> Vec<Record> {
    let mut pages: Vec<Page> = Vec::new();
    let mut slots: Vec<Result<(usize, &'static str, bool), String>> = Vec::new();
    for result in loaded {
        slots.push(result.map(|loaded| {
            pages.push(crate::page::parse(loaded.document));
            (pages.len() - 1, loaded.encoding, loaded.truncated)
        }));
    }
    let per_detector = run_detectors(detectors, &pages);
    targets
        .iter()
        .zip(slots)
        .map(|(target, slot)| Record {
            target: target.to_string(),
            outcome: slot.map(|(index, encoding, truncated)| {
                let page = &pages[index];
                let mut found = Found {
                    url: page.url.clone(),
                    status: page.status,
                    encoding,
                    truncated,
                    detections: Vec::new(),
                    failures: Vec::new(),
                };
                for (detector, results) in detectors.iter().zip(&per_detector) {
                    match &results[index] {
                        Err(failure) => found.failures.push(failure.clone()),
                        Ok(detections) => accept(detector.plugin.name(), detections, &mut found.detections),
                    }
                }
                found
                    .detections
                    .sort_by(|(_, a), (_, b)| (a.category.name(), &a.name).cmp(&(b.category.name(), &b.name)));
                found
            }),
        })
        .collect()
}

/// Adds a plugin's detections, refusing any without evidence, and merges a
/// service another plugin already found (its evidence and new settings).
fn accept(plugin: &str, detections: &[Detection], into: &mut Vec<(String, Detection)>) {
    for detection in detections {
        if detection.evidence.is_empty() {
            log::warn!("plugin `{plugin}` reported `{}` without evidence; ignored", detection.service);
            continue;
        }
        if let Some((_, existing)) = into.iter_mut().find(|(_, existing)| existing.service == detection.service) {
            for setting in &detection.settings {
                if !existing.settings.iter().any(|known| known.key == setting.key && known.value == setting.value) {
                    existing.settings.push(setting.clone());
                }
            }
            existing.evidence.extend(detection.evidence.iter().cloned());
            existing.confidence = existing.confidence.max(detection.confidence);
            existing.version = existing.version.take().or_else(|| detection.version.clone());
            existing.consent_gated &= detection.consent_gated;
        } else {
            into.push((plugin.to_string(), detection.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &std::path::Path, sizes: &[usize]) -> Vec<Target> {
        sizes
            .iter()
            .enumerate()
            .map(|(index, size)| {
                let path = dir.join(format!("page-{index}.html"));
                std::fs::write(&path, vec![b'x'; *size]).unwrap();
                Target::File(path)
            })
            .collect()
    }

    fn lengths(chunks: &[&[Target]]) -> Vec<usize> {
        chunks.iter().map(|chunk| chunk.len()).collect()
    }

    #[test]
    fn small_files_go_in_chunks_of_file_chunk() {
        let dir = tempfile::tempdir().unwrap();
        let targets = files(dir.path(), &vec![10; FILE_CHUNK + 5]);
        assert_eq!(lengths(&chunks(&targets, 8 << 20)), [FILE_CHUNK, 5]);
    }

    #[test]
    fn big_files_end_a_chunk_at_its_byte_budget() {
        let dir = tempfile::tempdir().unwrap();
        // Five sparse 40 MiB files, each counted as the 30 MiB body cap:
        // two fit in the 64 MiB budget.
        let targets = files(dir.path(), &[1; 5]);
        for target in &targets {
            let Target::File(path) = target else { unreachable!() };
            std::fs::File::options().write(true).open(path).unwrap().set_len(40 << 20).unwrap();
        }
        assert_eq!(lengths(&chunks(&targets, 30 << 20)), [2, 2, 1]);
    }

    #[test]
    fn a_url_among_the_targets_makes_chunks_of_url_chunk() {
        let dir = tempfile::tempdir().unwrap();
        let mut targets = files(dir.path(), &vec![10; 40]);
        targets.push(Target::Url(Url::parse("https://example.com/").unwrap()));
        assert_eq!(lengths(&chunks(&targets, 8 << 20)), [URL_CHUNK, 41 - URL_CHUNK]);
    }
}

#[cfg(test)]
mod in_process {
    use crate::error::Exit;
    use crate::testing::InProcess;

    #[test]
    fn detects_in_a_file_named_relative_to_the_current_directory() {
        let page = "<html><head>\n<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-8XK2M4P9QZ\"></script>\n</head></html>\n";
        let ran = InProcess::new().file("page.html", page).run(&["detect", "page.html", "--format", "json"]);
        assert_eq!(ran.exit, Exit::Success, "{}", ran.stderr);
        let report: serde_json::Value = serde_json::from_str(&ran.stdout).expect("a JSON report");
        let services: Vec<&str> = report["targets"][0]["detections"]
            .as_array()
            .expect("detections")
            .iter()
            .filter_map(|detection| detection["service"].as_str())
            .collect();
        assert!(services.contains(&"google-analytics-4"), "{}", ran.stdout);
    }

    #[test]
    fn reads_the_page_and_the_target_list_from_the_context_stdin() {
        let page = "<script src=\"https://www.googletagmanager.com/gtag/js?id=G-8XK2M4P9QZ\"></script>\n";
        let ran = InProcess::new().stdin(page).run(&["detect", "-", "--format", "ndjson"]);
        assert_eq!(ran.exit, Exit::Success, "{}", ran.stderr);
        assert!(ran.stdout.contains("G-8XK2M4P9QZ"), "{}", ran.stdout);
        let listed = InProcess::new().file("a.html", page).stdin("# one page\na.html\n");
        let ran = listed.run(&["detect", "--list", "-", "--format", "ndjson"]);
        assert_eq!(ran.exit, Exit::Success, "{}", ran.stderr);
        assert_eq!(ran.stdout.lines().count(), 1, "{}", ran.stdout);
    }
}
