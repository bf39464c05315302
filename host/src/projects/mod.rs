//! The monorepo's projects: every directory below the root with a Makefile
//! (or what `[projects] include` names), the conventional targets each
//! answers, and the dependencies between them. `workbench projects` lists
//! them; `workbench make` runs a target over them in dependency order.

pub mod dependencies;
pub mod graph;
pub mod inputs;
pub mod makefile;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use crate::config::ProjectsConfig;
use crate::context::Context;
use crate::error::Error;
use dependencies::{Origin, Reference};

/// The targets every project is expected to answer (see the Make
/// conventions in README.md).
pub const CONVENTIONAL: [&str; 6] = ["build", "clean", "clean-deps", "lint", "server", "test"];

#[derive(Debug, Clone)]
pub struct Project {
    /// Its directory's name, or its path where two share a name.
    pub name: String,
    /// Relative to the root, `/`-separated.
    pub path: String,
    pub dir: PathBuf,
    pub targets: BTreeSet<String>,
    /// The projects it depends on (indices), and where each was stated.
    pub dependencies: Vec<(usize, Origin)>,
}

impl Project {
    pub fn has(&self, target: &str) -> bool {
        self.targets.contains(target)
    }
}

pub struct Workspace {
    pub root: PathBuf,
    /// Sorted by path.
    pub projects: Vec<Project>,
}

/// The make program: `$MAKE`, as make itself sets it, or `make`.
pub fn make_program(context: &Context) -> String {
    context.var("MAKE").filter(|make| !make.is_empty()).unwrap_or_else(|| "make".into())
}

impl Workspace {
    /// The projects below the directory of workbench.toml (or the current
    /// directory without one), checked for dependency cycles: what both
    /// `workbench projects` and `workbench make` work on.
    pub fn of(context: &Context) -> Result<Workspace, Error> {
        let root = context.resolve(&context.config.base_dir()).into_owned();
        let root = root.canonicalize().unwrap_or_else(|_| normalize(&root));
        let workspace = Workspace::discover(&root, &context.config.projects, &make_program(context))?;
        workspace.check_acyclic()?;
        Ok(workspace)
    }

    /// Finds the projects below `root` and what they depend on. `make` is
    /// the make program, asked for the targets of Makefiles that include
    /// others.
    pub fn discover(root: &Path, config: &ProjectsConfig, make: &str) -> Result<Workspace, Error> {
        let root = normalize(root);
        let dirs = project_dirs(&root, config)?;
        let mut projects = Vec::new();
        let mut manifests = Vec::new();
        for (path, dir, makefile_path) in dirs {
            let text = std::fs::read_to_string(&makefile_path).map_err(|error| {
                Error::input(format!("cannot read {}: {error}", makefile_path.display()))
                    .help("make the Makefile readable, or leave its directory out with [projects] exclude")
            })?;
            let makefile = makefile::read(&text);
            let mut targets = makefile.targets.clone();
            if makefile.incomplete
                && let Some(known) = makefile::targets_from_make(make, &dir)
            {
                targets.extend(known);
            }
            manifests.push(dependencies::read(&dir, &makefile)?);
            projects.push(Project { name: String::new(), path, dir, targets, dependencies: Vec::new() });
        }
        name_projects(&mut projects);
        let mut workspace = Workspace { root, projects };
        let npm_names: BTreeMap<String, usize> = manifests
            .iter()
            .enumerate()
            .filter_map(|(index, manifest)| manifest.npm_name.clone().map(|name| (name, index)))
            .collect();
        for (index, manifest) in manifests.into_iter().enumerate() {
            let mut found: Vec<(usize, Origin)> = manifest
                .references
                .into_iter()
                .filter_map(|(reference, origin)| {
                    let target = match reference {
                        Reference::Path(path) => workspace.owner(&normalize(&path)),
                        Reference::Package(name) => npm_names.get(&name).copied(),
                    };
                    target.map(|target| (target, origin))
                })
                .collect();
            found.retain(|(target, _)| *target != index);
            workspace.projects[index].dependencies = found;
        }
        workspace.declare(config)?;
        for project in &mut workspace.projects {
            project.dependencies.sort_unstable();
            project.dependencies.dedup_by_key(|(target, _)| *target);
        }
        Ok(workspace)
    }

    /// `[projects.dependencies]`: names or paths, each checked.
    fn declare(&mut self, config: &ProjectsConfig) -> Result<(), Error> {
        for (from, to) in &config.dependencies {
            let unknown = |name: &str| {
                Error::input(format!("[projects.dependencies] names `{name}`, which is not a project"))
                    .help("use a name or path `workbench projects` lists")
            };
            let from = self.find(from).ok_or_else(|| unknown(from))?;
            for name in to {
                let to = self.find(name).ok_or_else(|| unknown(name))?;
                if to != from {
                    self.projects[from].dependencies.push((to, Origin::Declared));
                }
            }
        }
        Ok(())
    }

    /// A project by name or by path.
    pub fn find(&self, name_or_path: &str) -> Option<usize> {
        let path = name_or_path.trim_end_matches('/').trim_start_matches("./");
        self.projects.iter().position(|project| project.name == name_or_path || project.path == path)
    }

    /// The innermost project whose directory holds `path` (absolute).
    pub fn owner(&self, path: &Path) -> Option<usize> {
        self.projects
            .iter()
            .enumerate()
            .filter(|(_, project)| path.starts_with(&project.dir))
            .max_by_key(|(_, project)| project.dir.components().count())
            .map(|(index, _)| index)
    }
}

/// (relative path, directory, its Makefile) for every project directory,
/// sorted by path. The walk honours `.gitignore` and skips `.git` and
/// `node_modules`; the root itself is the monorepo, not a project.
fn project_dirs(root: &Path, config: &ProjectsConfig) -> Result<Vec<(String, PathBuf, PathBuf)>, Error> {
    let include = crate::globs::glob_set(&config.include, "[projects] include")?;
    let exclude = crate::globs::glob_set(&config.exclude, "[projects] exclude")?;
    let relative =
        |path: &Path| -> String { path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/") };
    let mut found = Vec::new();
    let (walk_root, walk_exclude) = (root.to_path_buf(), exclude.clone());
    let walk = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .follow_links(false)
        // An excluded directory is not walked: nothing below it is a project.
        .filter_entry(move |entry| {
            let name = entry.file_name();
            let path = entry.path().strip_prefix(&walk_root).unwrap_or(entry.path());
            // `vendor/**` leaves out `vendor` itself too, as users mean it.
            let excluded =
                !path.as_os_str().is_empty() && (walk_exclude.is_match(path) || walk_exclude.is_match(path.join("-")));
            name != ".git" && name != "node_modules" && !excluded
        })
        .build();
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                log::warn!("projects: skipping: {error}");
                continue;
            }
        };
        if entry.depth() == 0 || !entry.file_type().is_some_and(|kind| kind.is_dir()) {
            continue;
        }
        let path = relative(entry.path());
        if !include.is_empty() && !include.is_match(&path) {
            continue;
        }
        let makefile = makefile::NAMES.iter().map(|name| entry.path().join(name)).find(|file| file.is_file());
        if let Some(makefile) = makefile {
            found.push((path, entry.path().to_path_buf(), makefile));
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(found)
}

/// Each project is called by its directory's name, unless another shares
/// it: then both go by their paths.
fn name_projects(projects: &mut [Project]) {
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    let short = |project: &Project| project.path.rsplit('/').next().unwrap_or(&project.path).to_string();
    for project in projects.iter() {
        *count.entry(short(project)).or_default() += 1;
    }
    for project in projects.iter_mut() {
        let name = short(project);
        project.name = if count[&name] > 1 { project.path.clone() } else { name };
    }
}

/// `a/./b/../c` → `a/c`, without touching the filesystem (the path may be
/// a dependency that does not exist).
pub fn normalize(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !normal.pop() {
                    normal.push("..");
                }
            }
            other => normal.push(other),
        }
    }
    normal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalize_lexically() {
        assert_eq!(normalize(Path::new("/r/a/./b/../c")), Path::new("/r/a/c"));
    }

    #[test]
    fn shared_names_fall_back_to_paths() {
        let project = |path: &str| Project {
            name: String::new(),
            path: path.into(),
            dir: PathBuf::from(path),
            targets: BTreeSet::new(),
            dependencies: Vec::new(),
        };
        let mut projects = [project("apps/api"), project("libs/api"), project("libs/ui")];
        name_projects(&mut projects);
        let names: Vec<&str> = projects.iter().map(|project| project.name.as_str()).collect();
        assert_eq!(names, ["apps/api", "libs/api", "ui"]);
    }
}
