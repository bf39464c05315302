//! `workbench build [DIR]`: a Metalsmith-style pipeline. The source
//! directory is read into files with metadata (front matter), every step in
//! `[site] steps` transforms the set in order, and the result replaces the
//! output directory atomically.
//!
//! - [`front_matter`]: YAML and TOML blocks;
//! - [`source`]: the source tree into files;
//! - [`pipeline`]: steps, per-file steps in parallel batches;
//! - [`cache`]: what per-file steps made of each file, for the next build;
//! - [`paths`]: what plugins may name and read;
//! - [`links`]: `--check`, every link reaching its target;
//! - [`output`]: staging and the atomic swap;
//! - [`progress`]: the bar on a terminal.

pub mod cache;
pub mod links;
pub mod output;
pub mod pipeline;
pub mod progress;
pub mod source;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;
use serde_json::{Map, Value};

pub use crate::commands::Format;
use crate::config::{Config, StepConfig};
use crate::context::Context;
use crate::error::{Error, Exit};
use crate::plugins::{PluginSet, Role, Runtime};
use cache::StepCache;
use pipeline::{State, Step};

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The project: a directory with a workbench.toml whose [site] section
    /// describes the site [default: the nearest workbench.toml's directory].
    pub dir: Option<PathBuf>,
    /// Run the whole pipeline and list what would be written, writing nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Set by `serve`, which reports rebuilds its own way; the user's
    /// `--quiet` is global.
    #[arg(skip)]
    pub quiet: bool,
    /// Check that every link in the built pages reaches a page or file of
    /// the build, and every `#fragment` an id on its page; a broken link
    /// fails the build before the output is replaced (exit 1).
    /// `--check=external` also fetches every http(s) link, concurrently.
    #[arg(long, value_enum, value_name = "WHICH", num_args = 0..=1, require_equals = true, default_missing_value = "internal")]
    pub check: Option<CheckLinks>,
    /// Seconds each external link may take with `--check=external`.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub check_timeout: f64,
    /// Threads for per-file steps [default: the number of cores].
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// human, or json: the files written, the steps, timings and any error
    /// as one document on stdout (docs/json.md).
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Which links `--check` follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckLinks {
    /// Links to the site's own pages and files, and their `#fragment`s.
    Internal,
    /// Those, and every http(s) link to another site (fetched).
    External,
}

/// The `[site]` section resolved against the project root.
pub struct Site {
    pub root: PathBuf,
    pub source: PathBuf,
    pub destination: PathBuf,
    pub clean: bool,
}

pub fn run(context: &Context, args: &BuildArgs) -> Result<Exit, Error> {
    let started = Instant::now();
    if !(args.check_timeout.is_finite() && args.check_timeout > 0.0) {
        return Err(Error::input(format!("--check-timeout {} is not a number of seconds above 0", args.check_timeout))
            .help("pass a time such as `--check-timeout 5`"));
    }
    let dir = args.dir.as_deref().map(|dir| context.resolve(dir));
    let project = project_context(context, dir.as_deref())?;
    let context = project.as_ref().unwrap_or(context);
    let site = resolve(&context.config, dir.as_deref(), &context.resolve(Path::new(".")))?;
    let mut caches = Caches::one_shot(&site, context.global.no_cache);
    let outcome = build(context, &site, args, &mut caches);
    caches.steps.save();
    if args.format == Format::Json {
        let document = json(outcome.as_ref(), &site, args.dry_run, started.elapsed());
        outln!(context, "{document:#}");
    }
    let outcome = outcome?;
    if let Some(report) = outcome.links.as_ref().filter(|report| !report.broken.is_empty()) {
        if args.format == Format::Human {
            print_broken(context, report);
        }
        return Ok(Exit::Findings);
    }
    if !args.quiet && !context.global.quiet && args.format == Format::Human {
        let mut stderr = context.stderr();
        let what = if args.dry_run { "would write" } else { "wrote" };
        let _ = writeln!(
            stderr,
            "{what} {} files{} to {} in {:.2}s ({} steps)",
            outcome.files,
            if outcome.copied > 0 { format!(" and copied {}", outcome.copied) } else { String::new() },
            shown(&site.destination),
            started.elapsed().as_secs_f64(),
            outcome.steps.len()
        );
        if let Some(report) = &outcome.links {
            let _ = writeln!(
                stderr,
                "checked {} links{} on {} page{}: none broken",
                report.links,
                if report.external > 0 { format!(" ({} external)", report.external) } else { String::new() },
                report.pages,
                if report.pages == 1 { "" } else { "s" }
            );
        }
    }
    Ok(Exit::Success)
}

/// Each broken link on a line of its own, then what happened to the output.
fn print_broken(context: &Context, report: &links::Report) {
    let paint = context.paint_err();
    let mut stderr = context.stderr();
    for broken in &report.broken {
        let from = if broken.source.is_empty() || broken.source == broken.page {
            String::new()
        } else {
            format!(" (from {})", broken.source)
        };
        let _ = writeln!(
            stderr,
            "{} {}:{}: broken link `{}`: {}{from}",
            paint.label("error:"),
            broken.page,
            broken.line,
            broken.target,
            broken.reason
        );
    }
    let pages: std::collections::BTreeSet<&str> = report.broken.iter().map(|broken| broken.page.as_str()).collect();
    let _ = writeln!(
        stderr,
        "{} broken link{} on {} page{} (of {} links checked); the output was not replaced",
        report.broken.len(),
        if report.broken.len() == 1 { "" } else { "s" },
        pages.len(),
        if pages.len() == 1 { "" } else { "s" },
        report.links
    );
}

pub struct Outcome {
    /// How many files were written (or would be, in a dry run).
    pub files: usize,
    pub copied: usize,
    /// Of those, how many were already there with the same bytes.
    pub unchanged: usize,
    /// The output's paths (not the copied folders' files).
    pub paths: Vec<String>,
    /// The steps' plugin names, in order.
    pub steps: Vec<String>,
    pub timings: Timings,
    /// What `--check` found; with a broken link nothing was written.
    pub links: Option<links::Report>,
}

/// Where a build's time went.
#[derive(Default)]
pub struct Timings {
    pub read: Duration,
    pub steps: Duration,
    pub write: Duration,
}

/// A build as one JSON document (version 1, docs/json.md): also one line
/// of `serve --format json`.
pub fn json(outcome: Result<&Outcome, &Error>, site: &Site, dry_run: bool, elapsed: Duration) -> Value {
    let ms = |duration: Duration| (duration.as_secs_f64() * 1e6).round() / 1e3;
    let mut document = serde_json::json!({
        "version": 1,
        "ok": outcome.is_ok(),
        "dry_run": dry_run,
        "destination": site.destination.display().to_string(),
        "timings_ms": { "total": ms(elapsed) },
    });
    if let Ok(outcome) = outcome
        && let Some(report) = &outcome.links
    {
        document["links"] = links_json(report);
        if !report.broken.is_empty() {
            document["ok"] = Value::Bool(false);
            document["error"] = serde_json::json!({
                "message": format!("{} broken links; the output was not replaced", report.broken.len()),
                "help": "fix the links, or the pages they point to, and build again",
                "exit": Exit::Findings as u8,
            });
            return document;
        }
    }
    match outcome {
        Ok(outcome) => {
            document["files"] = serde_json::json!(outcome.paths);
            document["written"] = serde_json::json!(outcome.files);
            document["unchanged"] = serde_json::json!(outcome.unchanged);
            document["copied"] = serde_json::json!(outcome.copied);
            document["steps"] = serde_json::json!(outcome.steps);
            let timings = &outcome.timings;
            document["timings_ms"]["read"] = serde_json::json!(ms(timings.read));
            document["timings_ms"]["steps"] = serde_json::json!(ms(timings.steps));
            document["timings_ms"]["write"] = serde_json::json!(ms(timings.write));
        }
        Err(error) => {
            document["error"] = serde_json::json!({
                "message": error.message(),
                "help": error.help_text(),
                "exit": error.exit() as u8,
            });
        }
    }
    document
}

fn links_json(report: &links::Report) -> Value {
    let broken: Vec<Value> = report
        .broken
        .iter()
        .map(|broken| {
            serde_json::json!({
                "page": broken.page,
                "source": broken.source,
                "line": broken.line,
                "target": broken.target,
                "reason": broken.reason,
            })
        })
        .collect();
    serde_json::json!({
        "pages": report.pages,
        "links": report.links,
        "external": report.external,
        "broken": broken,
    })
}

/// What one build leaves for the next.
pub struct Caches {
    pub steps: StepCache,
    /// The source files as last read (`serve` only).
    pub sources: Option<source::Remembered>,
    /// The step plugins as last loaded, while the config that chose them
    /// is unchanged and all are bundled (`serve` only; a plugin file could
    /// change under a running server).
    pub plugins: Option<Loaded>,
}

/// Plugins with the runtime they were loaded in: its epoch ticker is what
/// enforces their time limits, so the two live and die together.
pub struct Loaded {
    key: String,
    runtime: Runtime,
    set: PluginSet,
}

impl Caches {
    /// For one build: the step cache only.
    pub fn one_shot(site: &Site, no_cache: bool) -> Caches {
        Caches { steps: StepCache::for_site(site, no_cache), sources: None, plugins: None }
    }

    /// For `serve`: everything a rebuild can reuse.
    pub fn serving(site: &Site, no_cache: bool) -> Caches {
        Caches {
            steps: StepCache::for_site(site, no_cache),
            sources: Some(source::Remembered::default()),
            plugins: None,
        }
    }
}

/// The build itself, for `serve` too: read, run, write. The step cache is
/// updated only when the build succeeds (and is not a dry run).
pub fn build(context: &Context, site: &Site, args: &BuildArgs, caches: &mut Caches) -> Result<Outcome, Error> {
    let result = build_with(context, site, args, caches);
    if result.is_ok() && !args.dry_run {
        caches.steps.finish();
    } else {
        caches.steps.abandon();
    }
    result
}

fn build_with(context: &Context, site: &Site, args: &BuildArgs, caches: &mut Caches) -> Result<Outcome, Error> {
    let phase = Instant::now();
    let names: Vec<&str> = context.config.site.steps.iter().map(StepConfig::plugin).collect();
    let key = format!("{names:?} {:?} {:?}", context.config.plugins, context.global);
    let (runtime, set) = match caches.plugins.take() {
        Some(loaded) if loaded.key == key => (loaded.runtime, loaded.set),
        _ => {
            let runtime = context.runtime()?;
            let set = context.plugin_search(&runtime)?.load_named(&runtime, &names);
            (runtime, set)
        }
    };
    let result = build_with_plugins(context, site, args, caches, &set, phase);
    // Kept only by `serve`, the one that remembers sources too.
    if caches.sources.is_some() && set.plugins.iter().all(|plugin| plugin.source.is_immutable()) {
        caches.plugins = Some(Loaded { key, runtime, set });
    }
    result
}

fn build_with_plugins(
    context: &Context,
    site: &Site,
    args: &BuildArgs,
    caches: &mut Caches,
    set: &PluginSet,
    phase: Instant,
) -> Result<Outcome, Error> {
    let steps = describe_steps(context, site, set)?;
    log::debug!("loaded and described the steps in {:.1} ms", phase.elapsed().as_secs_f64() * 1e3);
    let progress = progress::Progress::new(steps.len(), crate::progress::after(context).filter(|_| !args.quiet));

    progress.step("reading");
    let ignore = crate::globs::glob_set(&context.config.site.ignore, "[site] ignore in workbench.toml")?;
    let scratch = output::scratch_dirs(&site.destination);
    let mut skip: Vec<&Path> = scratch.iter().map(PathBuf::as_path).collect();
    skip.push(&site.destination);
    let phase = Instant::now();
    let mut timings = Timings::default();
    let files = source::read(&site.source, &ignore, &skip, caches.sources.as_mut())?;
    timings.read = phase.elapsed();
    log::debug!("read {} source files in {:.1} ms", files.len(), phase.elapsed().as_secs_f64() * 1e3);
    let metadata = site_metadata(&context.config);
    let state = State { files: files.into_iter().map(|file| (file.path.clone(), file)).collect(), metadata };

    let threads = args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from)).max(1);
    let phase = Instant::now();
    let state = pipeline::run(&steps, state, threads, &progress, &mut caches.steps)?;
    timings.steps = phase.elapsed();
    log::debug!("ran the steps in {:.1} ms", phase.elapsed().as_secs_f64() * 1e3);
    let phase = Instant::now();
    let copies = copies(site, &steps)?;
    let steps: Vec<String> = steps.iter().map(|step| step.plugin.name().to_string()).collect();
    let links = if let Some(which) = args.check {
        progress.step("checking links");
        let external = (which == CheckLinks::External).then(|| links::External {
            timeout: Duration::from_secs_f64(args.check_timeout),
            threads: crate::parallel::IO_THREADS,
        });
        let report = links::check(&state.files, &copies, external, threads);
        if !report.broken.is_empty() {
            progress.finish();
            let paths = Vec::new();
            return Ok(Outcome { files: 0, copied: 0, unchanged: 0, paths, steps, timings, links: Some(report) });
        }
        Some(report)
    } else {
        None
    };

    progress.step("writing");
    let paths: Vec<String> = state.files.keys().cloned().collect();
    let outcome = if args.dry_run {
        progress.finish();
        if args.format == Format::Json {
            return Ok(Outcome { files: paths.len(), copied: 0, unchanged: 0, paths, steps, timings, links });
        }
        let mut stdout = context.stdout();
        for path in state.files.keys() {
            let _ = writeln!(stdout, "{path}");
        }
        for copy in &copies {
            let _ = writeln!(
                stdout,
                "{}/ (copied from {})",
                if copy.to.is_empty() { "." } else { &copy.to },
                shown(&copy.from)
            );
        }
        Outcome { files: paths.len(), copied: 0, unchanged: 0, paths, steps, timings, links }
    } else {
        let written = output::write(&state.files, &copies, &site.destination, site.clean);
        progress.finish();
        let written = written?;
        timings.write = phase.elapsed();
        log::debug!("wrote the output in {:.1} ms", phase.elapsed().as_secs_f64() * 1e3);
        log::info!(
            "output: {} files written, {} already there",
            written.files + written.copied - written.unchanged,
            written.unchanged
        );
        Outcome {
            files: written.files,
            copied: written.copied,
            unchanged: written.unchanged,
            paths,
            steps,
            timings,
            links,
        }
    };
    Ok(outcome)
}

/// With a DIR and no `--config`, the project's own workbench.toml rules.
/// A folder with no workbench.toml but a metalsmith.json (DIR, or the
/// current folder when no workbench.toml was found above it) builds from
/// that, translated (see [`crate::metalsmith`]).
pub fn project_context(context: &Context, dir: Option<&Path>) -> Result<Option<Context>, Error> {
    if context.global.config.is_some() {
        return Ok(None);
    }
    let here = context.resolve(Path::new("."));
    let dir = match dir {
        Some(dir) => dir,
        None if context.config.path.is_none() && here.join(crate::metalsmith::FILE_NAME).is_file() => &here,
        None => return Ok(None),
    };
    if !dir.is_dir() {
        return Err(Error::input(format!("{}: no such directory", dir.display()))
            .help("pass the directory that holds the site's workbench.toml"));
    }
    let file = dir.join(crate::config::FILE_NAME);
    let metalsmith = dir.join(crate::metalsmith::FILE_NAME);
    let config = if file.is_file() {
        Config::read(&file)?
    } else if metalsmith.is_file() {
        let (config, warnings) = crate::metalsmith::config(&metalsmith)?;
        for warning in warnings {
            log::warn!("{warning}");
        }
        log::info!(
            "building from {} (there is no workbench.toml); `workbench init --from {}` writes one",
            metalsmith.display(),
            metalsmith.display()
        );
        config
    } else {
        Config::default()
    };
    Ok(Some(context.with_config(config)))
}

/// Where things are: paths in `[site]` are relative to the config file's
/// directory (or DIR, or `here`, the current directory, when there is none).
pub fn resolve(config: &Config, dir: Option<&Path>, here: &Path) -> Result<Site, Error> {
    let root = match (&config.path, dir) {
        (Some(path), _) => path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        (None, Some(dir)) => dir.to_path_buf(),
        (None, None) => here.to_path_buf(),
    };
    let root = if root.as_os_str().is_empty() { PathBuf::from(".") } else { root };
    let source = root.join(config.site.source.as_deref().unwrap_or(Path::new("site")));
    let destination = root.join(config.site.destination.as_deref().unwrap_or(Path::new("build")));
    let same = |a: &Path, b: &Path| {
        let a = a.canonicalize().unwrap_or_else(|_| a.to_path_buf());
        let b = b.canonicalize().unwrap_or_else(|_| b.to_path_buf());
        (a, b)
    };
    let (canonical_source, canonical_destination) = same(&source, &destination);
    if canonical_destination == canonical_source || canonical_source.starts_with(&canonical_destination) {
        return Err(Error::input(format!(
            "[site] destination {} would replace the source {}",
            destination.display(),
            source.display()
        ))
        .help("choose a destination outside the source directory, e.g. `destination = \"build\"`"));
    }
    Ok(Site { root, source, destination, clean: config.site.clean.unwrap_or(true) })
}

fn site_metadata(config: &Config) -> String {
    let map: Map<String, Value> = config
        .site
        .metadata
        .clone()
        .into_iter()
        .map(|(key, value)| (key, crate::front_matter::toml_value(value)))
        .collect();
    Value::Object(map).to_string()
}

fn describe_steps<'a>(context: &Context, site: &Site, set: &'a PluginSet) -> Result<Vec<Step<'a>>, Error> {
    let mut steps = Vec::new();
    for (index, config) in context.config.site.steps.iter().enumerate() {
        let position = index + 1;
        let (name, options) = (config.plugin(), config.options());
        let plugin = find_step_plugin(set, name, position)?;
        let options = step_options(context, name, options);
        let label = format!("step {position} (`{name}`)");
        let info = plugin.step_describe(&options).map_err(|failure| {
            Error::from(failure.clone())
                .help(format!("fix the options of {label} under [site] steps in workbench.toml"))
        })?;
        let patterns = match &info.patterns {
            None => None,
            Some(globs) => Some(crate::globs::glob_set(globs, &label)?),
        };
        let reads = crate::plugin_paths::read_project_files(&site.root, &info.reads, &label)?;
        steps.push(Step { position, plugin, options, info, patterns, reads });
    }
    Ok(steps)
}

fn find_step_plugin<'a>(set: &'a PluginSet, name: &str, position: usize) -> Result<&'a crate::plugins::Plugin, Error> {
    if let Some(plugin) = set.find(name) {
        if plugin.plays(Role::SiteStep) {
            return Ok(plugin);
        }
        return Err(Error::input(format!("step {position}: plugin `{name}` is not a site-step plugin"))
            .help("list site steps with `workbench plugins list`"));
    }
    if let Some(failure) = set.failures.iter().find(|failure| failure.source.to_string().contains(name)) {
        return Err(Error::plugin(format!("step {position} (`{name}`): {failure}")).help(
            "fix or rebuild that plugin (`workbench plugins check FILE` says why it fails), or remove the step",
        ));
    }
    let mut known: Vec<&str> =
        set.plugins.iter().filter(|plugin| plugin.plays(Role::SiteStep)).map(crate::plugins::Plugin::name).collect();
    known.sort_unstable();
    Err(Error::input(format!("step {position}: no site-step plugin named `{name}`")).help(format!(
        "the site steps available are: {}; add others with --plugin PATH or [plugins] paths",
        known.join(", ")
    )))
}

/// `[plugins.options.NAME]` under the step's own `options`.
fn step_options(context: &Context, name: &str, own: Option<&toml::Table>) -> String {
    let mut merged = context.config.plugins.options.get(name).cloned().unwrap_or_default();
    if let Some(own) = own {
        merged.extend(own.clone());
    }
    let map: Map<String, Value> =
        merged.into_iter().map(|(key, value)| (key, crate::front_matter::toml_value(value))).collect();
    Value::Object(map).to_string()
}

fn copies(site: &Site, steps: &[Step<'_>]) -> Result<Vec<output::Copy>, Error> {
    let mut copies = Vec::new();
    for step in steps {
        for copy in &step.info.copies {
            let Some(from) = crate::plugin_paths::inside(&site.root, &copy.from) else {
                return Err(Error::plugin(format!(
                    "{} asks to copy {:?}, outside the project",
                    step.label(),
                    copy.from
                ))
                .help("copy only directories below the directory of workbench.toml"));
            };
            if !copy.to.is_empty() {
                crate::plugin_paths::check_output_path(&copy.to).map_err(|problem| {
                    Error::plugin(format!("{} asks to copy into {:?}: {problem}", step.label(), copy.to)).help("the step's `copies` must stay inside the output; fix its options or report it to the step's author")
                })?;
            }
            copies.push(output::Copy { from, to: copy.to.clone(), step: step.label() });
        }
    }
    Ok(copies)
}

fn shown(path: &Path) -> String {
    path.strip_prefix("./").unwrap_or(path).display().to_string()
}

#[cfg(test)]
mod in_process {
    use crate::error::Exit;
    use crate::testing::InProcess;

    #[test]
    fn builds_the_site_of_the_current_directory_into_its_destination() {
        let project = InProcess::new()
            .file(
                "workbench.toml",
                "[site]\nsource = \"site\"\ndestination = \"public\"\n\n[[site.steps]]\nplugin = \"markdown\"\n",
            )
            .file("site/index.md", "---\ntitle: Home\n---\n# Hello\n");
        let ran = project.run(&["build"]);
        assert_eq!(ran.exit, Exit::Success, "{}", ran.stderr);
        assert!(ran.stderr.starts_with("wrote 1 files to "), "{}", ran.stderr);
        let page = std::fs::read_to_string(project.dir().join("public/index.html")).expect("the page is written");
        assert!(page.contains(">Hello</h1>"), "{page}");
    }

    #[test]
    fn a_dry_run_lists_on_stdout_and_writes_nothing() {
        let project =
            InProcess::new().file("workbench.toml", "[[site.steps]]\nplugin = \"markdown\"\n").file("site/a.md", "a\n");
        let ran = project.run(&["build", "--dry-run"]);
        assert_eq!(ran.exit, Exit::Success, "{}", ran.stderr);
        assert_eq!(ran.stdout, "a.html\n");
        assert!(!project.dir().join("build").exists());
    }
}
