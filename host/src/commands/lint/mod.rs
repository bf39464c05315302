//! `workbench lint [PATH...]`: every lint-check plugin over the files it
//! asks for, in batches, in parallel; findings with the user's severities.

mod attributes;
mod cache;
mod fix;
mod foreign;
mod listing;
mod report;
mod severity;
mod suppress;
mod walk;

pub use suppress::scan as scan_suppressions;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::{Args, ValueEnum};
use globset::GlobSet;

use crate::config::ForeignFiles;
use crate::context::Context;
use crate::error::{Error, Exit};
use crate::plugins::bindings::lint_check::{CheckerInfo, Diagnostic};
use crate::plugins::bindings::types::{File, Severity};
use crate::plugins::{Plugin, PluginFailure, Role};
use crate::progress::Progress;
use report::Outcome;
use walk::Target;

/// Files larger than this are not read; the `text` plugin's size rule
/// reports files long before they get here.
const MAX_FILE_BYTES: u64 = 32 << 20;
/// A batch holds at most this many files or bytes: big enough that the
/// per-call cost vanishes, small enough to spread over the cores.
const BATCH_FILES: usize = 256;
const BATCH_BYTES: usize = 8 << 20;

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files or directories to lint [default: .]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Fail (exit 1) when there are more warnings than this.
    #[arg(long, value_name = "N")]
    pub max_warnings: Option<usize>,
    /// Lint only files changed against a git revision (default HEAD), untracked ones included.
    #[arg(long, value_name = "BASE", num_args = 0..=1, default_missing_value = "HEAD")]
    pub changed: Option<String>,
    /// Apply every safe fix, atomically, then report what is left.
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// Show the fixes as a unified diff instead of writing them (exit 1 if any).
    #[arg(long)]
    pub diff: bool,
    /// Explain a rule (e.g. `text/final-newline`) and exit.
    #[arg(long, value_name = "RULE")]
    pub explain: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics with the source line.
    Human,
    /// One JSON document (`version`, `diagnostics`, `failures`, `summary`).
    Json,
    /// GitHub Actions workflow annotations.
    Github,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
}

/// A lint-check plugin with what it told us about itself.
struct Checker<'a> {
    plugin: &'a Plugin,
    info: CheckerInfo,
    patterns: GlobSet,
    options: String,
}

pub fn run(context: &Context, args: &LintArgs) -> Result<Exit, Error> {
    let started = std::time::Instant::now();
    let runtime = context.runtime()?;
    let search = context.plugin_search(&runtime)?;
    let cache_dir = context.cache_dir();
    // Loading the plugins (mostly reading their compiled code) and walking
    // the tree need nothing from each other: on a warm run each takes a few
    // milliseconds, so they overlap.
    let (set, walked) = std::thread::scope(|scope| {
        let loading = scope.spawn(|| search.load_playing(&runtime, Role::LintCheck));
        let walked = args.explain.is_none().then(|| walk_targets(context, args, cache_dir.as_deref()));
        (loading.join().expect("loading plugins does not panic"), walked)
    });
    let mut failures: Vec<PluginFailure> = Vec::new();
    for failure in &set.failures {
        context.report(&Error::from(failure.clone()));
    }
    let load_failed = !set.failures.is_empty();

    let mut checkers = Vec::new();
    for plugin in set.plugins.iter().filter(|plugin| plugin.plays(Role::LintCheck)) {
        match plugin.lint_describe() {
            Ok(info) => {
                let patterns = walk::glob_set(&info.patterns, &format!("plugin `{}`", plugin.name()))?;
                let options = context.plugin_options(plugin.name())?;
                checkers.push(Checker { plugin, info, patterns, options });
            }
            Err(failure) => failures.push(failure),
        }
    }

    log::debug!("lint: {} checks described after {:?}", checkers.len(), started.elapsed());
    let (Some(walked), None) = (walked, &args.explain) else {
        return explain(context, &checkers, args.explain.as_deref().unwrap_or_default());
    };
    if checkers.is_empty() {
        return Err(Error::input("no lint-check plugins are loaded")
            .help("build workbench with `make build` to bundle the core checks, or add plugins with --plugin PATH"));
    }
    let severities = rule_severities(context, &checkers)?;
    let named = named_paths(context, &args.paths);
    let reading = Reading { severities: &severities, named: &named };
    let (cwd, targets) = walked?;
    log::debug!("lint: {} files walked after {:?}", targets.len(), started.elapsed());
    let mut stores: Vec<cache::Store> = checkers
        .iter()
        .map(|checker| cache::Store::open(cache_dir.as_deref(), checker.plugin, &checker.options))
        .collect();
    log::debug!("lint: results caches read after {:?}", started.elapsed());
    let read_found = args.fix || args.diff;
    // On a cold cache a large tree takes a while; a warm run is over
    // before the bar would show.
    let progress = Progress::new(context, Some(0), "{spinner} [{bar:30}] {pos}/{len} files checked ({elapsed})");
    let mut pass = lint_once(&checkers, &targets, reading, &mut stores, read_found, &progress);
    log::debug!("lint: linted after {:?}", started.elapsed());
    if args.diff {
        let changed = print_diffs(context, &pass);
        for failure in failures.iter().chain(&pass.outcome.failures) {
            context.report(&Error::from(failure.clone()));
        }
        let plugin_failed = load_failed || !failures.is_empty() || !pass.outcome.failures.is_empty();
        return Ok(exit(plugin_failed, changed > 0));
    }
    let mut fixed = 0;
    if args.fix {
        // A fix can make room for another (overlapping ones wait a pass);
        // a few passes reach the fixed point that makes `--fix` idempotent.
        for _ in 0..4 {
            let applied = apply_fixes(&pass, &targets)?;
            if applied == 0 {
                break;
            }
            fixed += applied;
            pass = lint_once(&checkers, &targets, reading, &mut stores, read_found, &progress);
        }
    }
    progress.finish();
    for store in &stores {
        store.save();
    }
    failures.extend(std::mem::take(&mut pass.outcome.failures));
    let Pass { outcome, sources, kept_lines } = pass;
    let outcome = Outcome { failures, ..outcome };

    match args.format {
        Format::Human => {
            let lines = report::Lines { sources: &sources, kept: &kept_lines };
            out!(context, "{}", report::human(&outcome, &lines, context.paint_out(), context.global.quiet));
        }
        Format::Json => out!(context, "{}", report::json(&outcome)),
        Format::Github => out!(context, "{}", report::github(&outcome)),
        Format::Sarif => out!(context, "{}", report::sarif(&outcome, &rule_metas(&checkers), &cwd)),
    }
    if fixed > 0 && args.format == Format::Human && !context.global.quiet {
        outln!(context, "fixed {fixed} problem{}", if fixed == 1 { "" } else { "s" });
    }
    if !matches!(args.format, Format::Json | Format::Sarif) {
        for failure in &outcome.failures {
            context.report(&Error::from(failure.clone()));
        }
    }

    let too_many_warnings = args.max_warnings.is_some_and(|max| outcome.count(Severity::Warning) > max);
    Ok(exit(load_failed || !outcome.failures.is_empty(), outcome.count(Severity::Error) > 0 || too_many_warnings))
}

/// A plugin failure outranks findings: the findings may be incomplete.
fn exit(plugin_failed: bool, findings: bool) -> Exit {
    if plugin_failed {
        Exit::PluginFailure
    } else if findings {
        Exit::Findings
    } else {
        Exit::Success
    }
}

/// The current directory and the files to lint in it: the paths named
/// (default `.`) walked, narrowed by `[lint]` globs and `--changed`.
fn walk_targets(
    context: &Context,
    args: &LintArgs,
    cache_dir: Option<&std::path::Path>,
) -> Result<(PathBuf, Vec<Target>), Error> {
    let cwd = context.cwd().to_path_buf();
    let roots: Vec<PathBuf> = if args.paths.is_empty() {
        vec![context.resolve(Path::new(".")).into_owned()]
    } else {
        args.paths.iter().map(|path| context.resolve(path).into_owned()).collect()
    };
    let git = listing::GitVars::read(|name| context.var(name));
    let lint = &context.config.lint;
    let filters = walk::Filters {
        include: walk::glob_set(&lint.include, "[lint] include in workbench.toml")?,
        exclude: walk::glob_set(&lint.exclude, "[lint] exclude in workbench.toml")?,
        written: format!("include={:?} exclude={:?}", lint.include, lint.exclude),
    };
    let mut targets = walk::walk(&roots, &cwd, &filters, cache_dir, &git)?;
    if let Some(base) = &args.changed {
        let changed = crate::git_changes::changed_files(&cwd, base)?;
        targets.retain(|target| target.path.canonicalize().is_ok_and(|path| changed.contains(&path)));
    }
    Ok((cwd, targets))
}

/// One lint of the tree: findings (after suppressions and severities),
/// the contents of the files it read, and the lines the cache kept for
/// findings in files it did not read.
struct Pass {
    outcome: Outcome,
    sources: HashMap<String, Arc<[u8]>>,
    kept_lines: report::KeptLines,
}

/// `read_found`: read every file with findings (fixes are made from the
/// contents); otherwise cached findings are shown with the lines the cache
/// kept, and their files are left unread.
/// The paths named on the command line, as displayed. Each is the user's
/// choice: its own folders do not make its files foreign (`workbench lint
/// vendor/lib`).
fn named_paths(context: &Context, paths: &[PathBuf]) -> Vec<String> {
    paths
        .iter()
        .map(|path| {
            let root = context.resolve(path);
            walk::display_path(&root, &root, context.cwd())
        })
        .collect()
}

/// What decides how a finding shows: the user's severities, and the paths
/// named on the command line (never foreign).
#[derive(Clone, Copy)]
struct Reading<'a> {
    severities: &'a severity::Severities,
    named: &'a [String],
}

fn lint_once(
    checkers: &[Checker],
    targets: &[Target],
    reading: Reading<'_>,
    stores: &mut [cache::Store],
    read_found: bool,
    progress: &Progress,
) -> Pass {
    let started = std::time::Instant::now();
    let files = wanted_files(targets, checkers);
    log::debug!("lint: {} files stated after {:?}", files.len(), started.elapsed());
    let files_checked = files.len();
    let mut sources = Sources::default();
    let mut kept_lines = report::KeptLines::default();

    // Results the cache still holds are taken as they are (without reading
    // the file when its size and time are unchanged); the rest are read,
    // and run unless their contents are what the cache knows.
    let mut found = Vec::new();
    let mut keep = |cached: cache::Cached, found: &mut Vec<Diagnostic>| {
        for (diagnostic, line) in cached.diagnostics {
            if let (Some(span), Some(line)) = (diagnostic.span, line) {
                kept_lines.keep(&diagnostic.path, span.line, line);
            }
            found.push(diagnostic);
        }
    };
    let mut stale: Vec<(&Wanted, usize)> = Vec::new();
    let mut marked: Vec<&Target> = Vec::new();
    let mut wanted = 0usize;
    for file in &files {
        for &index in &file.checkers {
            wanted += 1;
            match stores[index].get_fresh(&file.target.display, file.stamp) {
                Some(cached) => {
                    if cached.marker {
                        marked.push(file.target);
                    }
                    keep(cached, &mut found);
                }
                None => stale.push((file, index)),
            }
        }
    }
    sources.read(stale.iter().map(|(file, _)| file.target), true);
    sources.read(marked, false);
    let mut needed: Vec<HashSet<String>> = vec![HashSet::new(); checkers.len()];
    for (file, index) in stale {
        let Some(digest) = sources.digests.get(&file.target.display) else { continue };
        match stores[index].get(&file.target.display, digest, file.stamp) {
            Some(cached) => keep(cached, &mut found),
            None => {
                needed[index].insert(file.target.display.clone());
            }
        }
    }
    let rerun: usize = needed.iter().map(HashSet::len).sum();
    log::debug!("lint cache: reused {} of {wanted} plugin results after {:?}", wanted - rerun, started.elapsed());
    let jobs = batches(targets, &sources.bytes, &needed);
    progress.set_length(jobs.iter().map(|job| job.paths.len() as u64).sum());
    progress.set_position(0);
    let results = run_parallel(checkers, &jobs, &sources.bytes, progress);

    let by_display: HashMap<&str, &Wanted> = files.iter().map(|file| (file.target.display.as_str(), file)).collect();
    let mut failures = Vec::new();
    for (job, result) in jobs.iter().zip(results) {
        match result {
            Ok(diagnostics) => {
                let accepted = accept(&checkers[job.checker], job, diagnostics, &sources.bytes);
                for path in &job.paths {
                    let mine: Vec<&Diagnostic> = accepted.iter().filter(|d| &d.path == path).collect();
                    let stamp = by_display.get(path.as_str()).and_then(|file| file.stamp);
                    let contents = sources.bytes.get(path).map_or(&[][..], |bytes| &bytes[..]);
                    stores[job.checker].put(path, &sources.digests[path], stamp, contents, &mine);
                }
                found.extend(accepted);
            }
            Err(failure) => failures.push(failure),
        }
    }

    if read_found {
        sources
            .read(found.iter().filter_map(|diagnostic| Some(by_display.get(diagnostic.path.as_str())?.target)), false);
    }
    let sources = sources.bytes;
    let (diagnostics, foreign_hidden) = settle(found, &sources, &by_display, checkers, reading);
    Pass { outcome: Outcome { diagnostics, failures, files_checked, foreign_hidden }, sources, kept_lines }
}

/// What the plugins found, as the user sees it: suppressions applied first
/// (they name rules, whatever severity the user gave them), then the
/// config's severities, in path and position order. Every file that holds
/// a suppression was read: its marker is in the cache.
fn settle(
    mut found: Vec<Diagnostic>,
    sources: &HashMap<String, Arc<[u8]>>,
    by_display: &HashMap<&str, &Wanted>,
    checkers: &[Checker],
    Reading { severities, named }: Reading<'_>,
) -> (Vec<Diagnostic>, usize) {
    let mut by_file: HashMap<&str, Vec<suppress::Suppression>> = HashMap::new();
    for (path, bytes) in sources {
        let suppressions = suppress::scan(bytes);
        if !suppressions.is_empty() {
            by_file.insert(path.as_str(), suppressions);
        }
    }
    found.retain(|diagnostic| {
        !by_file.get_mut(diagnostic.path.as_str()).is_some_and(|s| suppress::allows(s, diagnostic))
    });
    // What git's attributes make of a line comes before the rule's reading of it.
    let mut attributes = attributes::Attributes::default();
    found.retain(|diagnostic| {
        !by_display
            .get(diagnostic.path.as_str())
            .is_some_and(|file| attributes.overrides(&diagnostic.rule, &file.target.path))
    });
    for (path, suppressions) in &by_file {
        let file = by_display.get(path);
        let checked = |rule: &str| {
            file.is_some_and(|file| {
                file.checkers.iter().any(|&index| checkers[index].info.rules.iter().any(|r| r.id == rule))
            })
        };
        found.extend(suppress::findings(path, suppressions, checked));
    }
    let mut diagnostics: Vec<Diagnostic> = found
        .into_iter()
        .filter_map(|mut diagnostic| match severities.level(&diagnostic.rule, &diagnostic.path) {
            Some(None) => None,
            Some(Some(severity)) => {
                diagnostic.severity = severity;
                Some(diagnostic)
            }
            None => Some(diagnostic),
        })
        .collect();
    // Files that are not the repository's own show their errors only.
    let mut foreign_hidden = 0;
    if severities.foreign_files == ForeignFiles::Errors {
        let mut foreign = foreign::Foreign::new(named);
        diagnostics.retain(|diagnostic| {
            let hide = diagnostic.severity != Severity::Error
                && by_display.get(diagnostic.path.as_str()).is_some_and(|file| {
                    let contents = sources.get(diagnostic.path.as_str()).map(|bytes| &bytes[..]);
                    foreign.is_foreign(&diagnostic.path, &file.target.path, contents, &mut attributes)
                });
            foreign_hidden += usize::from(hide);
            !hide
        });
    }
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| d.span.map_or((0, 0), |s| (s.line, s.column));
        (&a.path, key(a), &a.rule).cmp(&(&b.path, key(b), &b.rule))
    });
    (diagnostics, foreign_hidden)
}

/// The fixed contents of every file with fixes, and how many fixes.
fn fixed_files(pass: &Pass) -> Vec<(String, Vec<u8>, usize)> {
    let mut by_file: BTreeMap<&str, Vec<&crate::plugins::bindings::lint_check::Fix>> = BTreeMap::new();
    for diagnostic in &pass.outcome.diagnostics {
        if let Some(fix) = &diagnostic.fix {
            by_file.entry(diagnostic.path.as_str()).or_default().push(fix);
        }
    }
    let mut changed = Vec::new();
    for (path, fixes) in by_file {
        let Some(bytes) = pass.sources.get(path) else { continue };
        let (contents, applied) = fix::apply(bytes, &fixes);
        if applied > 0 && contents.as_slice() != &bytes[..] {
            changed.push((path.to_string(), contents, applied));
        }
    }
    changed
}

fn apply_fixes(pass: &Pass, targets: &[Target]) -> Result<usize, Error> {
    let mut applied = 0;
    for (path, contents, count) in fixed_files(pass) {
        let Some(file) = targets.iter().find(|target| target.display == path).map(|target| &target.path) else {
            continue;
        };
        fix::write_atomically(file, &contents).map_err(|error| {
            Error::input(format!("{path}: cannot write the fixed file: {error}"))
                .help("check the file's permissions; nothing was changed in it")
        })?;
        applied += count;
    }
    Ok(applied)
}

/// Prints a unified diff of what `--fix` would change; returns how many
/// files would change.
fn print_diffs(context: &Context, pass: &Pass) -> usize {
    let changed = fixed_files(pass);
    for (path, contents, _) in &changed {
        let before = String::from_utf8_lossy(&pass.sources[path.as_str()]).into_owned();
        let after = String::from_utf8_lossy(contents).into_owned();
        let diff = similar::TextDiff::from_lines(&before, &after);
        out!(context, "{}", diff.unified_diff().context_radius(2).header(&format!("a/{path}"), &format!("b/{path}")));
    }
    changed.len()
}

/// Every rule of the loaded plugins, then the host's own.
fn rule_metas(checkers: &[Checker]) -> Vec<report::RuleMeta> {
    let mut metas: Vec<report::RuleMeta> = checkers
        .iter()
        .flat_map(|checker| {
            checker.info.rules.iter().map(|rule| report::RuleMeta {
                id: rule.id.clone(),
                summary: rule.summary.clone(),
                explanation: rule.explanation.clone(),
                severity: rule.default_severity,
                plugin: checker.plugin.name().to_string(),
            })
        })
        .collect();
    metas.extend(suppress::HOST_RULES.iter().map(|(id, summary, explanation)| report::RuleMeta {
        id: (*id).to_string(),
        summary: (*summary).to_string(),
        explanation: (*explanation).to_string(),
        severity: Severity::Warning,
        plugin: "workbench".to_string(),
    }));
    metas
}

fn explain(context: &Context, checkers: &[Checker], id: &str) -> Result<Exit, Error> {
    if let Some((id, summary, explanation)) = suppress::HOST_RULES.iter().find(|(rule, _, _)| *rule == id) {
        outln!(
            context,
            "{id}: {summary}\n\nreported by: workbench itself\nseverity:    warning (by default)\nfixable:     no\n\n{explanation}"
        );
        return Ok(Exit::Success);
    }
    for checker in checkers {
        if let Some(rule) = checker.info.rules.iter().find(|rule| rule.id == id) {
            let fix = if rule.fixable { "yes" } else { "no" };
            outln!(context, "{}: {}", rule.id, rule.summary);
            outln!(context);
            outln!(context, "plugin:    {}", checker.plugin.name());
            outln!(context, "severity:  {} (by default)", crate::wit_json::severity(rule.default_severity));
            outln!(context, "fixable:   {fix}");
            outln!(context);
            outln!(context, "{}", rule.explanation);
            return Ok(Exit::Success);
        }
    }
    Err(Error::input(format!("no rule `{id}`")).help(suggest(checkers, id)))
}

fn suggest(checkers: &[Checker], id: &str) -> String {
    let ids: Vec<&str> = checkers.iter().flat_map(|c| c.info.rules.iter().map(|r| r.id.as_str())).collect();
    let prefix = id.split('/').next().unwrap_or(id);
    let close: Vec<&str> = ids.iter().copied().filter(|known| known.starts_with(prefix)).collect();
    let list = if close.is_empty() { ids } else { close };
    format!("known rules: {}", list.join(", "))
}

/// `[lint.rules]` and `[[lint.overrides]]`, checked against the rules the
/// loaded plugins declare.
fn rule_severities(context: &Context, checkers: &[Checker]) -> Result<severity::Severities, Error> {
    let config_name = context
        .config
        .path
        .as_ref()
        .map_or_else(|| crate::config::FILE_NAME.to_string(), |path| path.display().to_string());
    let known = |id: &str| {
        checkers.iter().any(|checker| checker.info.rules.iter().any(|rule| rule.id == id))
            || suppress::HOST_RULES.iter().any(|(rule, _, _)| *rule == id)
    };
    severity::Severities::from_config(&context.config.lint, &config_name, known, |id| suggest(checkers, id))
}

/// A file some checker wants.
struct Wanted<'a> {
    target: &'a Target,
    /// Size and modification time.
    stamp: Option<cache::Stamp>,
    /// Indices of the checkers that want it.
    checkers: Vec<usize>,
}

/// Every file some checker wants, with its size and time; files too
/// large or unreadable are left out with a warning.
fn wanted_files<'a>(targets: &'a [Target], checkers: &[Checker]) -> Vec<Wanted<'a>> {
    let run_start_ns = cache::nanos(std::time::SystemTime::now()).unwrap_or(0);
    // Matching each file against each checker's globs, and a `stat` per
    // file, are most of a warm run: both spread over threads. One a core,
    // not `IO_THREADS`: a `stat` of a file the kernel has cached is CPU
    // work, and on 2 cores 8 threads made a warm run about 3 ms slower.
    let found = crate::parallel::map(targets, crate::parallel::cpu_threads(), |target| {
        let wanting: Vec<usize> = (0..checkers.len()).filter(|&index| wants(&checkers[index], target)).collect();
        if wanting.is_empty() {
            return None;
        }
        Some((wanting, std::fs::metadata(&target.path)))
    });
    let mut files = Vec::with_capacity(targets.len());
    for (target, found) in targets.iter().zip(found) {
        let Some((wanting, stat)) = found else { continue };
        match stat {
            Ok(metadata) if metadata.len() > MAX_FILE_BYTES => {
                log::warn!("{}: skipped, larger than {} MiB", target.display, MAX_FILE_BYTES >> 20);
            }
            Ok(metadata) => {
                files.push(Wanted { target, stamp: cache::Stamp::of(&metadata, run_start_ns), checkers: wanting });
            }
            Err(error) => log::warn!("{}: skipped: {error}", target.display),
        }
    }
    files
}

/// The contents of the files a pass read, and the digests of those it
/// had to compare with the cache.
#[derive(Default)]
struct Sources {
    bytes: HashMap<String, Arc<[u8]>>,
    digests: HashMap<String, String>,
}

impl Sources {
    /// Reads the `targets` not read yet (with their digests when `digest`
    /// says), in parallel; an unreadable file is left out with a warning.
    fn read<'a>(&mut self, targets: impl IntoIterator<Item = &'a Target>, digest: bool) {
        let mut seen = HashSet::new();
        let unread: Vec<&Target> = targets
            .into_iter()
            .filter(|target| {
                let have =
                    self.bytes.contains_key(&target.display) && (!digest || self.digests.contains_key(&target.display));
                !have && seen.insert(target.display.as_str())
            })
            .collect();
        let read = crate::parallel::map(&unread, crate::parallel::IO_THREADS, |target| {
            std::fs::read(&target.path).map(|bytes| {
                let hash = digest.then(|| crate::plugins::cache::digest(&bytes));
                (bytes, hash)
            })
        });
        for (target, result) in unread.into_iter().zip(read) {
            match result {
                Ok((bytes, hash)) => {
                    if let Some(hash) = hash {
                        self.digests.insert(target.display.clone(), hash);
                    }
                    self.bytes.entry(target.display.clone()).or_insert_with(|| Arc::from(bytes));
                }
                Err(error) => log::warn!("{}: skipped: {error}", target.display),
            }
        }
    }
}

fn wants(checker: &Checker, target: &Target) -> bool {
    checker.info.patterns.is_empty() || checker.patterns.is_match(&target.display)
}

/// One call's worth of work: a checker and the files it gets.
struct Job {
    checker: usize,
    paths: Vec<String>,
}

/// `needed[i]` holds the paths checker `i` must run on.
fn batches(targets: &[Target], sources: &HashMap<String, Arc<[u8]>>, needed: &[HashSet<String>]) -> Vec<Job> {
    let mut jobs = Vec::new();
    for (index, paths) in needed.iter().enumerate() {
        let mut job = Job { checker: index, paths: Vec::new() };
        let mut bytes = 0;
        for target in targets.iter().filter(|target| paths.contains(&target.display)) {
            let Some(contents) = sources.get(&target.display) else { continue };
            if !job.paths.is_empty() && (job.paths.len() >= BATCH_FILES || bytes + contents.len() > BATCH_BYTES) {
                jobs.push(std::mem::replace(&mut job, Job { checker: index, paths: Vec::new() }));
                bytes = 0;
            }
            bytes += contents.len();
            job.paths.push(target.display.clone());
        }
        if !job.paths.is_empty() {
            jobs.push(job);
        }
    }
    // Biggest jobs first, so the last thread to finish is not stuck with one.
    jobs.sort_by_key(|job| std::cmp::Reverse(job.paths.len()));
    jobs
}

type JobResult = Result<Vec<Diagnostic>, PluginFailure>;

fn run_parallel(
    checkers: &[Checker],
    jobs: &[Job],
    sources: &HashMap<String, Arc<[u8]>>,
    progress: &Progress,
) -> Vec<JobResult> {
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, usize::from).min(jobs.len()).max(1);
    let mut results: BTreeMap<usize, JobResult> = BTreeMap::new();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(job) = jobs.get(index) else { break };
                        done.push((index, run_job(&checkers[job.checker], job, sources)));
                        progress.inc(job.paths.len() as u64);
                    }
                    done
                })
            })
            .collect();
        for worker in workers {
            results.extend(worker.join().expect("lint workers do not panic"));
        }
    });
    results.into_values().collect()
}

fn run_job(checker: &Checker, job: &Job, sources: &HashMap<String, Arc<[u8]>>) -> JobResult {
    let files: Vec<File> = job
        .paths
        .iter()
        .map(|path| File {
            path: path.clone(),
            contents: sources.get(path).map(|bytes| bytes.to_vec()).unwrap_or_default(),
        })
        .collect();
    checker.plugin.lint_check(&files, &checker.options)
}

/// Keeps what a plugin may report: its own rules, on files it was given,
/// with spans inside the file.
fn accept(
    checker: &Checker,
    job: &Job,
    found: Vec<Diagnostic>,
    sources: &HashMap<String, Arc<[u8]>>,
) -> Vec<Diagnostic> {
    let name = checker.plugin.name();
    let mut kept = Vec::new();
    for mut diagnostic in found {
        if !job.paths.contains(&diagnostic.path) {
            log::warn!("plugin `{name}` reported on `{}`, a file it was not given; dropped", diagnostic.path);
            continue;
        }
        if !checker.info.rules.iter().any(|rule| rule.id == diagnostic.rule) {
            log::warn!("plugin `{name}` reported undeclared rule `{}`; dropped", diagnostic.rule);
            continue;
        }
        let len = sources.get(&diagnostic.path).map_or(0, |bytes| bytes.len());
        if diagnostic.span.is_some_and(|span| span.start > span.end || span.end as usize > len || span.line == 0) {
            log::warn!("plugin `{name}` gave `{}` a span outside the file; shown without it", diagnostic.rule);
            diagnostic.span = None;
            diagnostic.fix = None;
        }
        kept.push(diagnostic);
    }
    kept
}

#[cfg(test)]
mod in_process {
    use crate::error::Exit;
    use crate::testing::InProcess;

    #[test]
    fn lints_the_current_directory_and_reports_on_stdout() {
        let project = InProcess::new().file("notes.txt", "fine\ntrailing \n").file("clean.txt", "clean\n");
        let ran = project.run(&["lint", "--format", "json"]);
        let report: serde_json::Value = serde_json::from_str(&ran.stdout).expect("a JSON report");
        let files: Vec<&str> =
            report["diagnostics"].as_array().unwrap().iter().filter_map(|d| d["path"].as_str()).collect();
        assert_eq!(files, ["notes.txt"], "{}", ran.stdout);
        assert!(matches!(ran.exit, Exit::Success | Exit::Findings), "{}", ran.stderr);
    }

    #[test]
    fn a_missing_path_is_an_input_error_naming_it() {
        let ran = InProcess::new().run(&["lint", "nowhere"]);
        assert_eq!(ran.exit, Exit::Usage);
        assert!(ran.stderr.starts_with("error: "), "{}", ran.stderr);
        assert!(ran.stderr.contains("nowhere: no such file or directory"), "{}", ran.stderr);
    }
}
