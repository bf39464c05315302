//! `workbench projects`: the monorepo's projects, the conventional targets
//! each answers and lacks, and what each depends on; `--graph` for the
//! dependency graph (text, or DOT for Graphviz).

use clap::{Args, ValueEnum};
use serde_json::json;

use crate::context::Context;
use crate::error::{Error, Exit};
use crate::projects::{CONVENTIONAL, Workspace};
use crate::terminal::printable;

#[derive(Debug, Args)]
pub struct ProjectsArgs {
    /// Print the dependency graph instead: one line per project, or DOT with --format dot.
    #[arg(long)]
    pub graph: bool,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    /// Graphviz's DOT (with --graph): `workbench projects --graph --format dot | dot -Tsvg`.
    Dot,
}

pub fn run(context: &Context, args: &ProjectsArgs) -> Result<Exit, Error> {
    let workspace = Workspace::of(context)?;
    match (args.graph, args.format) {
        (_, Format::Json) => outln!(context, "{:#}", json(&workspace)),
        (true, Format::Dot) => out!(context, "{}", workspace.dot()),
        (false, Format::Dot) => {
            return Err(Error::input("--format dot is for the graph")
                .help("add --graph: workbench projects --graph --format dot"));
        }
        (true, Format::Human) => print_graph(context, &workspace),
        (false, Format::Human) => print_table(context, &workspace),
    }
    Ok(Exit::Success)
}

fn json(workspace: &Workspace) -> serde_json::Value {
    let projects: Vec<_> = workspace
        .projects
        .iter()
        .map(|project| {
            json!({
                "name": project.name,
                "path": project.path,
                "targets": project.targets,
                "missing": CONVENTIONAL.iter().filter(|target| !project.has(target)).collect::<Vec<_>>(),
                "dependencies": project.dependencies.iter().map(|(to, origin)| json!({
                    "name": workspace.projects[*to].name,
                    "from": origin.to_string(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "version": 1, "root": workspace.root.display().to_string(), "projects": projects })
}

fn print_table(context: &Context, workspace: &Workspace) {
    if workspace.projects.is_empty() {
        outln!(context, "no projects: no directory below {} has a Makefile", workspace.root.display());
        outln!(
            context,
            "  a project is a directory with a Makefile, or what [projects] include names in workbench.toml"
        );
        return;
    }
    let rows: Vec<[String; 4]> = workspace
        .projects
        .iter()
        .map(|project| {
            let missing: Vec<&str> = CONVENTIONAL.iter().copied().filter(|target| !project.has(target)).collect();
            let depends: Vec<&str> =
                project.dependencies.iter().map(|(to, _)| workspace.projects[*to].name.as_str()).collect();
            [
                project.name.clone(),
                project.path.clone(),
                if missing.is_empty() { "-".into() } else { missing.join(" ") },
                depends.join(" "),
            ]
            .map(|cell| printable(&cell).into_owned())
        })
        .collect();
    out!(context, "{}", crate::table::render(["PROJECT", "PATH", "LACKS", "DEPENDS ON"], &rows, context.paint_out()));
}

fn print_graph(context: &Context, workspace: &Workspace) {
    for project in &workspace.projects {
        let edges: Vec<String> = project
            .dependencies
            .iter()
            .map(|(to, origin)| format!("{} ({origin})", workspace.projects[*to].name))
            .collect();
        if edges.is_empty() {
            outln!(context, "{}", printable(&project.name));
        } else {
            outln!(context, "{} -> {}", printable(&project.name), printable(&edges.join(", ")));
        }
    }
}

#[cfg(test)]
mod in_process {
    use crate::error::Exit;
    use crate::testing::InProcess;

    #[test]
    fn lists_projects_with_what_they_lack() {
        let ran = InProcess::new()
            .file("api/Makefile", "build test lint clean clean-deps server:\n")
            .file("web/Makefile", "test:\n\t$(MAKE) -C ../api test\n")
            .run(&["projects"]);
        assert_eq!(ran.exit, Exit::Success, "{}", ran.stderr);
        let lines: Vec<&str> = ran.stdout.lines().collect();
        assert_eq!(lines[1], "api      api   -");
        assert_eq!(lines[2], "web      web   build clean clean-deps lint server  api");
    }
}
