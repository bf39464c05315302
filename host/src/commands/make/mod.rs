//! `workbench make TARGET [PROJECT...]`: `make TARGET` in each selected
//! project that has the target, several at once, each after the projects
//! it depends on; output grouped per project, a summary at the end.
//! `--changed [BASE]` selects the projects a change reaches, `--shard`
//! this machine's share of them; `--cache` skips what already succeeded on
//! the same inputs.

mod cache;
mod junit;
mod report;
mod schedule;

use std::collections::BTreeSet;
use std::path::Path;

use clap::{Args, ValueEnum};
use clap_complete::engine::ArgValueCompleter;

use crate::commands::completions::values;
use crate::context::Context;
use crate::error::{Error, Exit};
use crate::projects::{Workspace, make_program};
use schedule::{Outcome, Plan};

#[derive(Debug, Args)]
pub struct MakeArgs {
    /// The make target to run in each project, e.g. `test`.
    #[arg(add = ArgValueCompleter::new(values::targets))]
    pub target: String,
    /// Projects to run it in, by name or path [default: every project].
    #[arg(add = ArgValueCompleter::new(values::projects))]
    pub projects: Vec<String>,
    /// Run this many projects at once [default: the number of cores].
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Go on after a project fails (its dependents are still skipped).
    #[arg(long, short = 'k')]
    pub keep_going: bool,
    /// Only the projects with files changed since BASE (default HEAD), and those that depend on them.
    #[arg(long, value_name = "BASE", num_args = 0..=1, default_missing_value = "HEAD")]
    pub changed: Option<String>,
    /// Run only this machine's share of the selected projects, e.g. `2/4`
    /// on the second of four CI machines.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,
    /// Skip a target that already succeeded on the same inputs (see
    /// `[projects.cache]`); `--no-cache` turns it off.
    #[arg(long)]
    pub cache: bool,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Shard `index` (from 1) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

fn parse_shard(text: &str) -> Result<Shard, String> {
    let usage = || format!("`{text}` is not a shard: write I/N with 1 <= I <= N, e.g. 1/4");
    let (index, count) = text.split_once('/').ok_or_else(usage)?;
    let index: usize = index.trim().parse().map_err(|_| usage())?;
    let count: usize = count.trim().parse().map_err(|_| usage())?;
    if index == 0 || index > count {
        return Err(usage());
    }
    Ok(Shard { index, count })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Each project's output as it finishes, then a summary table.
    Human,
    /// As human, each project's output in a folded log group, and an
    /// error annotation per failed project (GitHub Actions).
    Github,
    /// One JSON document at the end, each project's output in it.
    Json,
    /// JUnit XML at the end: a testsuite per project.
    Junit,
}

pub fn run(context: &Context, args: &MakeArgs) -> Result<Exit, Error> {
    let workspace = Workspace::of(context)?;
    let selected = select(context, &workspace, args)?;
    let jobs = args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from)).max(1);
    let plan = Plan {
        workspace: &workspace,
        selected: &selected,
        target: &args.target,
        make: make_program(context),
        jobs,
        keep_going: args.keep_going,
    };
    let mut cache = cache::Cache::open(context, &workspace, &args.target, &plan.make, args.cache)?;
    let mut printer = report::Printer::new(context, args.format, &workspace, &args.target);
    let results = schedule::run(context, &plan, &mut cache, &mut printer)?;
    printer.finish(&results);
    let failed = results.iter().any(|result| matches!(result.outcome, Outcome::Failed(_) | Outcome::Interrupted));
    Ok(if failed { Exit::Findings } else { Exit::Success })
}

/// The projects named (default all), narrowed by `--changed` to those a
/// change reaches.
fn select(context: &Context, workspace: &Workspace, args: &MakeArgs) -> Result<BTreeSet<usize>, Error> {
    let mut selected: BTreeSet<usize> = if args.projects.is_empty() {
        (0..workspace.projects.len()).collect()
    } else {
        args.projects
            .iter()
            .map(|name| {
                workspace.find(name).ok_or_else(|| {
                    let known: Vec<&str> = workspace.projects.iter().map(|project| project.name.as_str()).collect();
                    Error::input(format!("no project `{name}`"))
                        .help(format!("name one of: {} (see `workbench projects`)", known.join(", ")))
                })
            })
            .collect::<Result<_, _>>()?
    };
    if let Some(base) = &args.changed {
        let changed = crate::git_changes::changed_paths(context.cwd(), base)?;
        let reached = reached_by(context, workspace, &changed)?;
        selected.retain(|index| reached.contains(index));
    }
    if let Some(shard) = args.shard {
        selected = share(&selected, shard);
    }
    Ok(selected)
}

/// Shard I of N takes every Nth selected project in path order, starting
/// at the Ith: the shares are as even as they can be and the same on every
/// machine. A dependency in another share is not waited for.
fn share(selected: &BTreeSet<usize>, shard: Shard) -> BTreeSet<usize> {
    selected
        .iter()
        .enumerate()
        .filter(|(position, _)| position % shard.count == shard.index - 1)
        .map(|(_, &index)| index)
        .collect()
}

/// The projects changed files fall in, and their dependents; all of them
/// when a file outside every project changed (the root Makefile, a shared
/// config), unless `[projects] ignore-changes` covers it.
fn reached_by(
    context: &Context,
    workspace: &Workspace,
    changed: &[std::path::PathBuf],
) -> Result<BTreeSet<usize>, Error> {
    let ignore = crate::globs::glob_set(&context.config.projects.ignore_changes, "[projects] ignore-changes")?;
    let mut seeds = BTreeSet::new();
    for path in changed {
        let Ok(relative) = path.strip_prefix(&workspace.root) else { continue };
        match workspace.owner(path) {
            Some(project) => {
                seeds.insert(project);
            }
            None if ignore.is_match(relative) => {}
            None => {
                log::info!("make: {} changed outside every project, so every project is selected", display(relative));
                return Ok((0..workspace.projects.len()).collect());
            }
        }
    }
    Ok(workspace.with_dependents(&seeds))
}

fn display(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod in_process {
    use crate::error::Exit;
    use crate::testing::InProcess;

    #[test]
    fn runs_the_target_in_each_project_and_sums_up() {
        let project = InProcess::new()
            .file("a/Makefile", "test:\n\t@echo from a\n")
            .file("b/Makefile", "test:\n\t@exit 4\n")
            .file("c/Makefile", "build:\n\t@true\n");
        let ran = project.run(&["make", "test", "--keep-going"]);
        assert_eq!(ran.exit, Exit::Findings, "{}", ran.stderr);
        assert!(ran.stdout.contains("> a: make test\nfrom a\n  ok in "), "{}", ran.stdout);
        assert!(ran.stdout.contains("failed (exit 2)"), "{}", ran.stdout);
        assert!(ran.stdout.contains("2 ran: 1 ok, 1 failed; 1 skipped"), "{}", ran.stdout);
    }

    #[test]
    fn shards_split_the_selection_evenly_and_completely() {
        let selected: std::collections::BTreeSet<usize> = (0..7).collect();
        let shards: Vec<Vec<usize>> = (1..=3)
            .map(|index| super::share(&selected, super::Shard { index, count: 3 }).into_iter().collect())
            .collect();
        assert_eq!(shards, [vec![0, 3, 6], vec![1, 4], vec![2, 5]]);
        assert_eq!(super::parse_shard("2/4"), Ok(super::Shard { index: 2, count: 4 }));
        for bad in ["0/4", "5/4", "1", "a/b", "1/0"] {
            assert!(super::parse_shard(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_project_that_does_not_exist_is_a_usage_error() {
        let ran = InProcess::new().file("a/Makefile", "test:\n").run(&["make", "test", "b"]);
        assert_eq!(ran.exit, Exit::Usage);
        assert!(ran.stderr.contains("no project `b`"), "{}", ran.stderr);
    }
}
