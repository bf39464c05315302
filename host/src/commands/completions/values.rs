//! Values the dynamic completions (`COMPLETE=SHELL workbench`) offer where
//! the shell is: the projects and make targets of the monorepo, template
//! names, plugin names. Each reads the world as a run in that directory
//! would; anything that fails offers nothing rather than an error in the
//! middle of a command line.

use std::collections::BTreeSet;
use std::ffi::OsStr;

use clap_complete::engine::CompletionCandidate;

use crate::context::{Context, Global};
use crate::projects::{CONVENTIONAL, Workspace};

fn context() -> Option<Context> {
    Context::from_process(Global::default()).ok()
}

fn matching(current: &OsStr, values: impl IntoIterator<Item = String>) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy();
    values.into_iter().filter(|value| value.starts_with(current.as_ref())).map(CompletionCandidate::new).collect()
}

/// The monorepo's project names (`workbench make TARGET PROJECT...`).
pub fn projects(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(workspace) = context().and_then(|context| Workspace::of(&context).ok()) else { return Vec::new() };
    matching(current, workspace.projects.into_iter().map(|project| project.name))
}

/// The conventional targets and every target a project has.
pub fn targets(current: &OsStr) -> Vec<CompletionCandidate> {
    let mut targets: BTreeSet<String> = CONVENTIONAL.iter().map(ToString::to_string).collect();
    if let Some(workspace) = context().and_then(|context| Workspace::of(&context).ok()) {
        targets.extend(workspace.projects.into_iter().flat_map(|project| project.targets));
    }
    matching(current, targets)
}

/// The named templates `scaffold --list` shows.
pub fn templates(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(context) = context() else { return Vec::new() };
    let mut names: Vec<String> = context.config.scaffold.aliases.keys().cloned().collect();
    names.extend(
        crate::commands::scaffold::source::list(&context.config, context.cwd()).into_iter().map(|listed| listed.name),
    );
    matching(current, names)
}

/// The names of the plugins that load (from the compiled cache: fast).
pub fn plugins(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(context) = context() else { return Vec::new() };
    let Ok(runtime) = context.runtime() else { return Vec::new() };
    let set = context.plugin_search_at_hand().load(&runtime);
    matching(current, set.plugins.iter().map(|plugin| plugin.name().to_string()))
}
