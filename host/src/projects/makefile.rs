//! What a project's Makefile says, read without running make: the targets
//! it defines and the directories it runs make in (`$(MAKE) -C ../lib`).
//!
//! A Makefile that includes others, or makes rules with `$(eval ...)`, may
//! define targets this reading cannot see; for those, [`targets_from_make`]
//! asks make itself for its database, which is exact but costs a process.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};

/// The file names make looks for, in its order.
pub const NAMES: [&str; 3] = ["GNUmakefile", "makefile", "Makefile"];

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Makefile {
    /// Explicit targets, special (`.PHONY`) and pattern (`%.o`) ones left out.
    pub targets: BTreeSet<String>,
    /// Literal directories of `make -C DIR` / `$(MAKE) -C DIR` in recipes.
    pub sub_makes: Vec<String>,
    /// It includes other makefiles or evaluates rules, so `targets` may
    /// miss some.
    pub incomplete: bool,
}

/// Reads a Makefile's text.
pub fn read(text: &str) -> Makefile {
    let mut makefile = Makefile::default();
    let mut in_define = false;
    for line in logical_lines(text) {
        if line.starts_with('\t') {
            sub_makes(&line, &mut makefile.sub_makes);
            continue;
        }
        let line = strip_comment(&line);
        let trimmed = line.trim();
        let first = trimmed.split_whitespace().next().unwrap_or("");
        if in_define {
            in_define = first != "endef";
            continue;
        }
        match first {
            "define" => in_define = true,
            "include" | "-include" | "sinclude" => makefile.incomplete = true,
            _ if trimmed.contains("$(eval") || trimmed.contains("${eval") => makefile.incomplete = true,
            _ => {
                if let Some(targets) = rule_targets(trimmed) {
                    makefile.targets.extend(targets);
                }
                // A rule's recipe may follow a `;` on the same line.
                if let Some((_, recipe)) = trimmed.split_once(';') {
                    sub_makes(recipe, &mut makefile.sub_makes);
                }
            }
        }
    }
    makefile
}

/// The targets named before the `:` of a rule line, or `None` for a line
/// that is no rule (an assignment, a directive, a blank).
fn rule_targets(line: &str) -> Option<Vec<String>> {
    let colon = line.find(':')?;
    let (before, after) = (&line[..colon], &line[colon + 1..]);
    // `A := b`, `A ::= b`, `A = b:c` and `A ?= b` are assignments.
    if after.starts_with('=') || after.starts_with(":=") || before.contains('=') {
        return None;
    }
    let targets: Vec<String> = before
        .split_whitespace()
        .filter(|name| !name.starts_with('.') && !name.contains(['%', '$', '(', ')']))
        .map(str::to_string)
        .collect();
    Some(targets)
}

/// Lines with their backslash-newline continuations joined.
fn logical_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if let Some(continued) = line.strip_suffix('\\') {
            current.push_str(continued);
            current.push(' ');
        } else {
            current.push_str(line);
            lines.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

fn strip_comment(line: &str) -> &str {
    line.find('#').map_or(line, |at| &line[..at])
}

/// `-C DIR` after a `make`, `$(MAKE)` or `${MAKE}` in a recipe line.
fn sub_makes(recipe: &str, found: &mut Vec<String>) {
    let words: Vec<&str> = recipe.split_whitespace().collect();
    for (index, word) in words.iter().enumerate() {
        let word = word.trim_start_matches(['@', '-', '+']);
        if !matches!(word, "make" | "$(MAKE)" | "${MAKE}" | "gmake") {
            continue;
        }
        let mut rest = words[index + 1..].iter();
        while let Some(argument) = rest.next() {
            let dir = match *argument {
                "-C" | "--directory" => rest.next().copied(),
                other => {
                    other.strip_prefix("--directory=").or_else(|| other.strip_prefix("-C")).filter(|d| !d.is_empty())
                }
            };
            if let Some(dir) = dir {
                let dir = dir.trim_matches(['"', '\'']).trim_end_matches(';');
                if !dir.contains('$') && !dir.is_empty() {
                    found.push(dir.to_string());
                }
            }
            if matches!(*argument, "&&" | "||" | ";" | "|") {
                break;
            }
        }
    }
}

/// Every target make itself knows in `dir`, from its database (`make -pRrq`):
/// what included files and `$(eval)` define too. `None` when make cannot
/// be run or read.
pub fn targets_from_make(make: &str, dir: &Path) -> Option<BTreeSet<String>> {
    let output = Command::new(make)
        .args(["--no-print-directory", "-pRrq", ":"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let mut targets = BTreeSet::new();
    let mut in_files = false;
    let mut not_a_target = false;
    for line in text.lines() {
        if line.starts_with("# Files") {
            in_files = true;
        } else if line.starts_with("# Finished Make data base") {
            break;
        } else if in_files {
            if line == "# Not a target:" {
                not_a_target = true;
                continue;
            }
            if !line.starts_with(['#', '\t', ' ']) && !not_a_target {
                targets.extend(rule_targets(line).unwrap_or_default());
            }
            not_a_target = false;
        }
    }
    Some(targets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_targets_and_assignments_are_not() {
        let makefile = read(
            "CC := gcc\nA = b:c\nB ::= x\n.PHONY: build test\nbuild test: deps ; @echo hi\n\n%.o: %.c\n\t$(CC) -c $<\nclean-deps::\n\trm -rf x\n$(OUT): y\n",
        );
        let targets: Vec<&str> = makefile.targets.iter().map(String::as_str).collect();
        assert_eq!(targets, ["build", "clean-deps", "test"]);
        assert!(!makefile.incomplete);
    }

    #[test]
    fn recipes_and_defines_are_not_rules() {
        let makefile = read("define RULE\nfake: x\nendef\nreal:\n\techo a: b\n");
        assert_eq!(makefile.targets.iter().collect::<Vec<_>>(), ["real"]);
    }

    #[test]
    fn sub_makes_are_found_in_recipes() {
        let makefile =
            read("build:\n\t$(MAKE) -C ../lib build\n\t@make --directory=../tools && cd x\n\t${MAKE} -C$(DIR) all\n");
        assert_eq!(makefile.sub_makes, ["../lib", "../tools"]);
    }

    #[test]
    fn includes_and_evals_make_a_reading_incomplete() {
        assert!(read("-include common.mk\n").incomplete);
        assert!(read("$(eval $(call rules,x))\n").incomplete);
    }

    #[test]
    fn continuation_lines_join() {
        assert_eq!(read("build \\\n  test: x\n").targets.len(), 2);
    }
}
