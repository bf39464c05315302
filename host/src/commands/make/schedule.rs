//! Running `make TARGET` over the selected projects: up to `jobs` children
//! at once, each started once every selected project it depends on has
//! succeeded. Each child runs in a process group of its own with stdout
//! and stderr on one pipe, so its output is kept whole and in order, and
//! Ctrl-C reaches every child's whole group (a recipe's own children too).

use std::collections::BTreeMap;
use std::io::Read as _;
use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, kill_process_group};

use super::cache::{Cache, Key};
use super::report::Printer;
use crate::context::Context;
use crate::error::Error;
use crate::projects::Workspace;

/// After Ctrl-C, children get this long to stop before they are killed.
const GRACE: Duration = Duration::from_secs(5);
/// How often the loop looks at the stop flag while children run.
const TICK: Duration = Duration::from_millis(50);

pub struct Plan<'a> {
    pub workspace: &'a Workspace,
    pub selected: &'a std::collections::BTreeSet<usize>,
    pub target: &'a str,
    pub make: String,
    pub jobs: usize,
    pub keep_going: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// Succeeded before on the same inputs, so not run (`--cache`).
    Cached,
    /// make exited with this code (none: killed by a signal).
    Failed(Option<i32>),
    /// Not run, and why.
    Skipped(String),
    /// Stopped by Ctrl-C.
    Interrupted,
}

pub struct ProjectResult {
    pub project: usize,
    pub outcome: Outcome,
    pub output: Vec<u8>,
    pub elapsed: Duration,
}

impl ProjectResult {
    fn skipped(project: usize, reason: String) -> ProjectResult {
        ProjectResult { project, outcome: Outcome::Skipped(reason), output: Vec::new(), elapsed: Duration::ZERO }
    }
}

enum State {
    Waiting,
    Running { pid: Option<Pid>, started: Instant, key: Option<Key> },
    Done { ok: bool },
}

struct Finished {
    project: usize,
    status: std::io::Result<std::process::ExitStatus>,
    output: Vec<u8>,
}

/// Runs the plan; the results come in project order.
pub fn run(
    context: &Context,
    plan: &Plan<'_>,
    cache: &mut Option<Cache<'_>>,
    printer: &mut Printer<'_>,
) -> Result<Vec<ProjectResult>, Error> {
    let stop = context.stop_signal()?;
    let projects = &plan.workspace.projects;
    let mut results: BTreeMap<usize, ProjectResult> = BTreeMap::new();
    let mut states: BTreeMap<usize, State> = BTreeMap::new();
    for &index in plan.selected {
        if projects[index].has(plan.target) {
            states.insert(index, State::Waiting);
        } else {
            results.insert(index, ProjectResult::skipped(index, format!("no `{}` target", plan.target)));
        }
    }
    let total = states.len();
    let (sender, receiver) = mpsc::channel::<Finished>();
    let mut halted: Option<&str> = None;
    let mut interrupted: Option<Instant> = None;
    let mut killed = false;
    loop {
        let mut progress = false;
        if halted.is_none() {
            progress = start_ready(plan, cache, printer, &mut states, &mut results, &sender);
        }
        let running: Vec<(usize, Option<Pid>, Instant)> = states
            .iter()
            .filter_map(|(&index, state)| match state {
                State::Running { pid, started, .. } => Some((index, *pid, *started)),
                _ => None,
            })
            .collect();
        if running.is_empty() && !progress {
            break;
        }
        printer.status(
            &running.iter().map(|(index, _, started)| (*index, started.elapsed())).collect::<Vec<_>>(),
            total - states_waiting_or_running(&states),
            total,
        );
        // Nothing running: skipping made progress, so look again at once.
        if running.is_empty() {
            continue;
        }
        if let Ok(finished) = receiver.recv_timeout(TICK) {
            let result = finish(finished, &mut states, cache, interrupted.is_some());
            let ok = result.outcome == Outcome::Ok;
            printer.finished(&result);
            results.insert(result.project, result);
            if !ok && !plan.keep_going && halted.is_none() {
                halted = Some("stopped after a failure (--keep-going runs the rest)");
            }
        }
        if stop.load(Ordering::SeqCst) && interrupted.is_none() {
            interrupted = Some(Instant::now());
            halted = Some("interrupted");
            signal_all(&running, Signal::INT);
        }
        if !killed && interrupted.is_some_and(|at| at.elapsed() > GRACE) {
            killed = true;
            signal_all(&running, Signal::KILL);
        }
    }
    for (index, state) in states {
        if matches!(state, State::Waiting) {
            let reason = format!("not started: {}", halted.unwrap_or("a dependency did not succeed"));
            results.insert(index, ProjectResult::skipped(index, reason));
        }
    }
    Ok(results.into_values().collect())
}

fn states_waiting_or_running(states: &BTreeMap<usize, State>) -> usize {
    states.values().filter(|state| !matches!(state, State::Done { .. })).count()
}

/// Starts what may start; skips what a failed dependency blocks. Whether
/// anything changed.
fn start_ready(
    plan: &Plan<'_>,
    cache: &mut Option<Cache<'_>>,
    printer: &mut Printer<'_>,
    states: &mut BTreeMap<usize, State>,
    results: &mut BTreeMap<usize, ProjectResult>,
    sender: &mpsc::Sender<Finished>,
) -> bool {
    let projects = &plan.workspace.projects;
    let mut progress = false;
    let waiting: Vec<usize> =
        states.iter().filter(|(_, state)| matches!(state, State::Waiting)).map(|(&index, _)| index).collect();
    for index in waiting {
        let running = states.values().filter(|state| matches!(state, State::Running { .. })).count();
        let mut ready = true;
        for (dependency, _) in &projects[index].dependencies {
            match states.get(dependency) {
                // Not selected, or without the target (nothing to wait
                // for), or done.
                None | Some(State::Done { ok: true }) => {}
                Some(State::Done { ok: false }) => {
                    let reason = format!("needs {}, which did not succeed", projects[*dependency].name);
                    results.insert(index, ProjectResult::skipped(index, reason));
                    states.insert(index, State::Done { ok: false });
                    progress = true;
                    ready = false;
                    break;
                }
                Some(_) => ready = false,
            }
        }
        if ready && running < plan.jobs {
            progress = true;
            let key = cache.as_mut().and_then(|cache| cache.key(index));
            if let (Some(cache), Some(key)) = (cache.as_ref(), &key)
                && let Some(entry) = cache.lookup(index, key)
            {
                let result = ProjectResult {
                    project: index,
                    outcome: Outcome::Cached,
                    output: entry.output,
                    elapsed: entry.elapsed,
                };
                printer.finished(&result);
                results.insert(index, result);
                states.insert(index, State::Done { ok: true });
                continue;
            }
            let pid = spawn(plan, index, sender.clone());
            states.insert(index, State::Running { pid, started: Instant::now(), key });
        }
    }
    progress
}

/// `make --no-print-directory TARGET` in the project's directory, in its
/// own process group. A thread collects its output and reports its end.
fn spawn(plan: &Plan<'_>, index: usize, sender: mpsc::Sender<Finished>) -> Option<Pid> {
    use std::os::unix::process::CommandExt as _;
    let dir = &plan.workspace.projects[index].dir;
    let spawned = std::io::pipe().and_then(|(reader, writer)| {
        let mut command = Command::new(&plan.make);
        command
            .args(["--no-print-directory", plan.target])
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(writer.try_clone()?)
            .stderr(writer)
            .process_group(0);
        let child = command.spawn();
        // The command holds the pipe's write end: drop it, or the reader
        // never sees the end of the output.
        drop(command);
        Ok((child?, reader))
    });
    match spawned {
        Ok((mut child, mut reader)) => {
            let pid = i32::try_from(child.id()).ok().and_then(Pid::from_raw);
            std::thread::spawn(move || {
                let mut output = Vec::new();
                let _ = reader.read_to_end(&mut output);
                let status = child.wait();
                let _ = sender.send(Finished { project: index, status, output });
            });
            pid
        }
        Err(error) => {
            let message = format!("cannot run `{}` in {}: {error}\n", plan.make, dir.display());
            let _ = sender.send(Finished { project: index, status: Err(error), output: message.into_bytes() });
            None
        }
    }
}

fn finish(
    finished: Finished,
    states: &mut BTreeMap<usize, State>,
    cache: &mut Option<Cache<'_>>,
    interrupted: bool,
) -> ProjectResult {
    let (elapsed, key) = match states.remove(&finished.project) {
        Some(State::Running { started, key, .. }) => (started.elapsed(), key),
        _ => (Duration::ZERO, None),
    };
    let outcome = match &finished.status {
        Ok(status) if status.success() => Outcome::Ok,
        _ if interrupted => Outcome::Interrupted,
        Ok(status) => Outcome::Failed(status.code()),
        Err(_) => Outcome::Failed(None),
    };
    if let Some(cache) = cache {
        match key {
            Some(key) if outcome == Outcome::Ok => cache.record(finished.project, &key, &finished.output, elapsed),
            _ => cache.forget(finished.project),
        }
    }
    states.insert(finished.project, State::Done { ok: outcome == Outcome::Ok });
    ProjectResult { project: finished.project, outcome, output: finished.output, elapsed }
}

fn signal_all(running: &[(usize, Option<Pid>, Instant)], signal: Signal) {
    for pid in running.iter().filter_map(|(_, pid, _)| *pid) {
        // Already gone is fine: it finished as the signal was sent.
        let _ = kill_process_group(pid, signal);
    }
}
