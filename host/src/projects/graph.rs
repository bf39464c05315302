//! The dependency graph between projects: cycles (refused, named), the
//! projects a change reaches, and Graphviz output.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::Workspace;
use crate::error::Error;

impl Workspace {
    /// Refuses a dependency cycle, naming it: `a -> b -> a`.
    pub fn check_acyclic(&self) -> Result<(), Error> {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            Open,
            Done,
        }
        fn visit(workspace: &Workspace, at: usize, marks: &mut [Mark], stack: &mut Vec<usize>) -> Option<Vec<usize>> {
            marks[at] = Mark::Open;
            stack.push(at);
            for &(next, _) in &workspace.projects[at].dependencies {
                match marks[next] {
                    Mark::Open => {
                        let start = stack.iter().position(|&index| index == next).unwrap_or(0);
                        let mut cycle = stack[start..].to_vec();
                        cycle.push(next);
                        return Some(cycle);
                    }
                    Mark::New => {
                        if let Some(cycle) = visit(workspace, next, marks, stack) {
                            return Some(cycle);
                        }
                    }
                    Mark::Done => {}
                }
            }
            stack.pop();
            marks[at] = Mark::Done;
            None
        }
        let mut marks = vec![Mark::New; self.projects.len()];
        for start in 0..self.projects.len() {
            if marks[start] == Mark::New
                && let Some(cycle) = visit(self, start, &mut marks, &mut Vec::new())
            {
                let names: Vec<&str> = cycle.iter().map(|&index| self.projects[index].name.as_str()).collect();
                let edges: Vec<String> = cycle
                    .windows(2)
                    .map(|pair| {
                        let origin = self.projects[pair[0]]
                            .dependencies
                            .iter()
                            .find(|(to, _)| *to == pair[1])
                            .map(|(_, origin)| origin.to_string())
                            .unwrap_or_default();
                        format!("{} -> {} ({origin})", self.projects[pair[0]].name, self.projects[pair[1]].name)
                    })
                    .collect();
                return Err(Error::input(format!(
                    "the projects depend on each other in a cycle: {}",
                    names.join(" -> ")
                ))
                .help(format!("break one of these dependencies: {}", edges.join(", "))));
            }
        }
        Ok(())
    }

    /// `seeds` and every project that depends on one of them, directly or
    /// not: what a change to the seeds reaches.
    pub fn with_dependents(&self, seeds: &BTreeSet<usize>) -> BTreeSet<usize> {
        let mut reached = seeds.clone();
        loop {
            let before = reached.len();
            for (index, project) in self.projects.iter().enumerate() {
                if project.dependencies.iter().any(|(to, _)| reached.contains(to)) {
                    reached.insert(index);
                }
            }
            if reached.len() == before {
                return reached;
            }
        }
    }

    /// The graph in Graphviz's DOT language: an edge from each project to
    /// what it depends on, labelled with where that was stated.
    pub fn dot(&self) -> String {
        let mut out = String::from("digraph projects {\n  rankdir=LR;\n");
        for project in &self.projects {
            let _ = writeln!(out, "  {:?};", project.name);
        }
        for project in &self.projects {
            for (to, origin) in &project.dependencies {
                let _ = writeln!(
                    out,
                    "  {:?} -> {:?} [label={:?}];",
                    project.name,
                    self.projects[*to].name,
                    origin.to_string()
                );
            }
        }
        out.push_str("}\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::PathBuf;

    use super::super::dependencies::Origin;
    use super::super::{Project, Workspace};

    fn workspace(edges: &[(usize, usize)], count: usize) -> Workspace {
        let projects = (0..count)
            .map(|index| Project {
                name: format!("p{index}"),
                path: format!("p{index}"),
                dir: PathBuf::from(format!("/r/p{index}")),
                targets: BTreeSet::new(),
                dependencies: edges
                    .iter()
                    .filter(|(from, _)| *from == index)
                    .map(|(_, to)| (*to, Origin::Make))
                    .collect(),
            })
            .collect();
        Workspace { root: PathBuf::from("/r"), projects }
    }

    #[test]
    fn a_cycle_is_refused_with_its_path() {
        let error = workspace(&[(0, 1), (1, 2), (2, 1)], 3).check_acyclic().unwrap_err();
        assert_eq!(error.message(), "the projects depend on each other in a cycle: p1 -> p2 -> p1");
        assert!(workspace(&[(0, 1), (1, 2), (0, 2)], 3).check_acyclic().is_ok());
    }

    #[test]
    fn a_change_reaches_every_dependent() {
        let workspace = workspace(&[(1, 0), (2, 1), (3, 4)], 5);
        assert_eq!(workspace.with_dependents(&BTreeSet::from([0])), BTreeSet::from([0, 1, 2]));
    }
}
