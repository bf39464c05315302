//! One rule per Makefile convention. Each rule reads the parsed Makefile;
//! none re-parses text.

use workbench_plugin::lint_check::{Diagnostic, Edit, Findings, Fix, Rule, Severity, Span, edit, to_u32};

use std::collections::HashMap;

use crate::parser::{Item, Line, Makefile, RecipeLine};
use crate::{Conventions, MakeOptions};

macro_rules! rule {
    ($name:ident, $id:literal, $severity:ident, $fixable:literal, $summary:literal, $explanation:literal) => {
        const $name: &Rule = &Rule {
            id: $id,
            severity: Severity::$severity,
            summary: $summary,
            explanation: $explanation,
            fixable: $fixable,
        };
    };
}

rule!(
    RECIPE_SPACES,
    "make/recipe-spaces",
    Error,
    false,
    "recipe line indented with spaces",
    "make requires each recipe line to start with a tab (or `.RECIPEPREFIX`). A line indented with spaces after a rule is an error to GNU make (`missing separator`). Indent it with a tab."
);
rule!(
    CRLF,
    "make/crlf",
    Error,
    true,
    "CRLF line endings",
    "make keeps the carriage return as part of each line: recipes run commands with a stray `\\r` and variable values end in one. Save the Makefile with LF endings (and add `Makefile text eol=lf` to .gitattributes)."
);
rule!(
    VARS_AT_TOP,
    "make/vars-at-top",
    Warning,
    false,
    "variable assigned after the first rule",
    "Variables belong at the top, before the first rule, so a reader sees every knob in one place and overrides (`make CARGO=...`) are easy to find. Move the assignment up. Target-specific variables (`target: VAR = x`) are exempt."
);
rule!(
    TOOL_PATH,
    "make/tool-path",
    Warning,
    false,
    "tool run by its path instead of through a variable",
    "Run tools through variables defined at the top (`ESLINT ?= node_modules/.bin/eslint`, then `$(ESLINT)`), so a developer can override them and the paths live in one place."
);
rule!(
    QUIET_RECIPE,
    "make/quiet-recipe",
    Warning,
    true,
    "recipe line is echoed",
    "Recipes are quiet: start each line with `@` (or use `.SILENT`, or a `$(Q)`-style variable), and run tools in quiet mode, so that no output means success. The fix adds `@`."
);
rule!(
    DEFAULT_FIRST,
    "make/default-first",
    Warning,
    false,
    "the first target is not `default`",
    "`default` is the first target, so that a bare `make` does the usual thing (usually the same as `build`). Move `default:` above the other rules, or set `.DEFAULT_GOAL := default`."
);
rule!(
    DEFAULT_BUILDS,
    "make/default-builds",
    Warning,
    false,
    "`default` does not lead to `build`",
    "`default` usually equals `build`: write `default: build`."
);
rule!(
    MISSING_TARGET,
    "make/missing-target",
    Warning,
    false,
    "a conventional target is missing",
    "Every project offers the same entry points: `build`, `clean`, `lint` and `test` (configure the list with `required-targets`), plus `server` in web projects and `clean-deps` where dependencies are downloaded."
);
rule!(
    PHONY_DECLARED,
    "make/phony-declared",
    Warning,
    true,
    "conventional target not declared `.PHONY`",
    "A target that names no file belongs in `.PHONY`, or a file of that name (a `build/` directory, a `test` script) silently stops it from running. The fix appends it to the `.PHONY` line."
);
rule!(
    PHONY_NO_RULE,
    "make/phony-no-rule",
    Warning,
    false,
    "`.PHONY` names a target with no rule",
    "A `.PHONY` entry without a rule is a typo or a leftover; `make` would say `Nothing to be done`. Remove it or add the rule. `FORCE`, the usual name of a target that forces whatever depends on it, needs no rule."
);
rule!(
    CLEAN_DEPS,
    "make/clean-removes-deps",
    Warning,
    false,
    "`clean` deletes downloaded dependencies",
    "`clean` removes build output and transient files; deleting downloaded dependencies (node_modules, bower_components, vendor, .venv, .tox, component(1)'s components) is `clean-deps`'s job, so a `make clean` does not force a long re-download. A build's own output (a cargo `target/`, `dist/`) is `clean`'s."
);
rule!(
    TEST_LINTS,
    "make/test-runs-lint",
    Warning,
    false,
    "`test` does not run `lint` first",
    "`test` is the one entry point for tests and runs `lint` first: write `test: lint`."
);
rule!(
    BUILD_OUTPUT,
    "make/build-output",
    Warning,
    false,
    "build output written outside `build/`",
    "`build` writes into `build/`, so one directory holds every output and `clean` is one `rm -rf build`."
);

rule!(
    PREDEFINED_DEFAULT,
    "make/predefined-default",
    Warning,
    true,
    "`?=` on a variable make already defines",
    "GNU make predefines `RM` (`rm -f`), `CC` (`cc`), `CXX` (`g++`), `AR`, `LD` and other tool variables, so `RM ?= rm -rf` never takes effect: `make clean` runs `rm -f` and fails on a directory. Write `RM = rm -rf`; `make RM=...` on the command line still overrides it. The fix does that."
);

/// Variables GNU make 4 defines before reading a Makefile (`make -p -f /dev/null`, origin `default`).
const PREDEFINED: &[&str] = &[
    "AR",
    "ARFLAGS",
    "AS",
    "CC",
    "CO",
    "COFLAGS",
    "CPP",
    "CTANGLE",
    "CWEAVE",
    "CXX",
    "F77",
    "F77FLAGS",
    "FC",
    "GET",
    "LD",
    "LEX",
    "LINT",
    "M2C",
    "MAKEINFO",
    "OBJC",
    "OUTPUT_OPTION",
    "PC",
    "RM",
    "TANGLE",
    "TEX",
    "TEXI2DVI",
    "WEAVE",
    "YACC",
];

rule!(
    CONVENTIONS,
    "make/conventions",
    Info,
    false,
    "Make conventions not adopted; their findings are not shown",
    "The Make conventions (a `default` first target that builds, the same entry points in every project, quiet recipes, variables at the top, tools through variables...) are a profile a Makefile opts into by having a `default` target (or `.DEFAULT_GOAL := default`). In a Makefile without one only the rules about what make itself gets wrong apply (`recipe-spaces`, `crlf`, `predefined-default`, `phony-no-rule`), and this note counts the findings left out. Adopt the conventions with `default: build` as the first rule, set `conventions = \"all\"` under `[plugins.options.make]` to apply them everywhere, or `\"none\"` to apply them nowhere."
);

pub const RULES: &[&Rule] = &[
    RECIPE_SPACES,
    CRLF,
    VARS_AT_TOP,
    TOOL_PATH,
    QUIET_RECIPE,
    DEFAULT_FIRST,
    DEFAULT_BUILDS,
    MISSING_TARGET,
    PHONY_DECLARED,
    PHONY_NO_RULE,
    CLEAN_DEPS,
    TEST_LINTS,
    BUILD_OUTPUT,
    PREDEFINED_DEFAULT,
    CONVENTIONS,
];

/// A span over `len` bytes of a line's first physical line, from byte `at`.
fn span(line: &Line, at: usize, len: usize) -> Span {
    let at = at.min(line.first.len());
    let len = len.min(line.first.len() - at);
    Span {
        start: to_u32(line.offset + at),
        end: to_u32(line.offset + at + len),
        line: line.number,
        column: to_u32(line.first[..at].chars().count() + 1),
    }
}

fn whole_line(line: &Line) -> Span {
    let lead = line.first.len() - line.first.trim_start().len();
    span(line, lead, line.first.trim().len())
}

pub fn check(
    path: &str,
    text: &str,
    makefile: &Makefile,
    whole: bool,
    options: &MakeOptions,
    found: &mut Vec<Diagnostic>,
) {
    let mut report = Findings::new(path, found);
    // What make itself gets wrong, in any Makefile.
    recipe_spaces(makefile, &mut report);
    crlf(makefile, &mut report);
    predefined_default(makefile, &mut report);
    phony_no_rule(makefile, &mut report);
    match options.conventions {
        Conventions::All => conventions(makefile, text, whole, options, &mut report),
        Conventions::OptedIn if adopts_conventions(makefile) => {
            conventions(makefile, text, whole, options, &mut report);
        }
        Conventions::OptedIn => {
            // Counted, not shown: a Makefile that never took up the
            // conventions would otherwise bury its real errors (git's
            // Makefiles gave 2,148 of these).
            let mut hidden = Vec::new();
            conventions(makefile, text, whole, options, &mut Findings::new(path, &mut hidden));
            if !hidden.is_empty() {
                let what = if hidden.len() == 1 { "1 finding" } else { &format!("{} findings", hidden.len()) };
                let adopt = if whole {
                    "to adopt them, make `default: build` the first rule"
                } else {
                    "a fragment is read alone and does not adopt them through its includer"
                };
                report.add(
                    CONVENTIONS,
                    format!("{what} of the Make conventions not shown: this Makefile has not adopted them"),
                    None,
                    format!("{adopt}; to see them anyway, set `conventions = \"all\"` under `[plugins.options.make]`"),
                    None,
                );
            }
        }
        Conventions::None => {}
    }
}

/// A Makefile takes up the conventions by having their first target:
/// a `default` rule, or `.DEFAULT_GOAL` set to `default`.
fn adopts_conventions(makefile: &Makefile) -> bool {
    makefile.has_rule("default")
        || makefile
            .assignments()
            .any(|(_, assignment)| assignment.name == ".DEFAULT_GOAL" && assignment.value.trim() == "default")
}

/// The rules of workbench's Make conventions, which a Makefile opts into.
fn conventions(makefile: &Makefile, text: &str, whole: bool, options: &MakeOptions, report: &mut Findings<'_>) {
    vars_at_top(makefile, report);
    recipes(makefile, report);
    phony_declared(makefile, text, options, report);
    clean_and_build(makefile, text, report);
    if whole {
        default_goal(makefile, report);
        missing_targets(makefile, options, report);
        test_runs_lint(makefile, report);
    }
}

fn recipe_spaces(makefile: &Makefile, report: &mut Findings<'_>) {
    for item in &makefile.items {
        if let Item::SpaceIndentedRecipe(line) = item {
            report.add(
                RECIPE_SPACES,
                "recipe line is indented with spaces; make needs a tab",
                Some(span(line, 0, line.first.len() - line.first.trim_start().len())),
                "indent recipe lines with a tab",
                None,
            );
        }
    }
}

fn crlf(makefile: &Makefile, report: &mut Findings<'_>) {
    let Some(&(line, first)) = makefile.crlf_lines.first() else { return };
    let edits = makefile
        .crlf_lines
        .iter()
        .map(|&(_, at)| Edit { start: to_u32(at), end: to_u32(at + 1), replacement: String::new() })
        .collect();
    report.add(
        CRLF,
        format!("{} lines end with CRLF", makefile.crlf_lines.len()),
        Some(Span { start: to_u32(first), end: to_u32(first + 1), line, column: 1 }),
        "save the Makefile with LF line endings",
        Some(Fix { description: "convert CRLF to LF".into(), edits }),
    );
}

fn vars_at_top(makefile: &Makefile, report: &mut Findings<'_>) {
    let mut seen_rule = false;
    for item in &makefile.items {
        match item {
            Item::Rule(_, rule) if rule.target_variable.is_none() && !is_special(&rule.targets) => seen_rule = true,
            Item::Assignment(line, assignment) if seen_rule && assignment.name != ".DEFAULT_GOAL" => {
                report.add(
                    VARS_AT_TOP,
                    format!("`{}` is assigned after the first rule", assignment.name),
                    Some(whole_line(line)),
                    "move the assignment above the first rule",
                    None,
                );
            }
            _ => {}
        }
    }
}

fn predefined_default(makefile: &Makefile, report: &mut Findings<'_>) {
    for (line, assignment) in makefile.assignments() {
        if assignment.op != "?=" || !PREDEFINED.contains(&assignment.name.as_str()) {
            continue;
        }
        // The operator on the line as written, after the name.
        let Some(at) = line.first.find(&assignment.name).and_then(|name| {
            let after = name + assignment.name.len();
            line.first[after..].find("?=").map(|op| after + op)
        }) else {
            continue;
        };
        let start = to_u32(line.offset + at);
        report.add(
            PREDEFINED_DEFAULT,
            format!("`{} ?=` has no effect: make predefines `{}`", assignment.name, assignment.name),
            Some(span(line, at, 2)),
            format!("write `{} = {}`", assignment.name, assignment.value),
            Some(Fix {
                description: "replace `?=` with ` =`".into(),
                edits: vec![Edit { start, end: start + 2, replacement: " =".into() }],
            }),
        );
    }
}

/// `.PHONY`, `.SUFFIXES` and other special targets are declarations, also
/// behind references that are empty by default (lz4's `$(V)$(VERBOSE).SILENT`).
fn is_special(targets: &[String]) -> bool {
    targets
        .iter()
        .map(|target| after_references(target))
        .all(|target| target.starts_with('.') && target.chars().skip(1).all(|c| c.is_ascii_uppercase() || c == '_'))
}

/// Where the command starts after make's prefixes (`@`, `-`, `+`) and
/// whitespace, and whether one of them was `@`.
fn command_start(command: &str) -> (usize, bool) {
    let mut silent = false;
    for (index, c) in command.char_indices() {
        match c {
            '@' => silent = true,
            '-' | '+' | ' ' | '\t' => {}
            _ => return (index, silent),
        }
    }
    (command.len(), silent)
}

/// Folders whose programs a recipe should reach through a variable: what
/// package managers install and what builds write.
const TOOL_DIRS: [&str; 8] = [
    "node_modules/",
    "bower_components/",
    "jspm_packages/",
    ".venv/bin/",
    "venv/bin/",
    "vendor/bin/",
    "target/debug/",
    "target/release/",
];

/// Programs that run the script named after them (`node ./node_modules/.bin/mocha`).
const INTERPRETERS: [&str; 10] =
    ["node", "nodejs", "python", "python2", "python3", "sh", "bash", "ruby", "php", "perl"];

fn in_tool_dir(word: &str) -> bool {
    !word.contains('$')
        && TOOL_DIRS.iter().any(|dir| word.match_indices(dir).any(|(at, _)| at == 0 || word.as_bytes()[at - 1] == b'/'))
}

/// The programs a recipe line runs, with their byte offsets in it: the
/// first word of each command (`&&`, `||`, `;`, `|`), after `NAME=value`
/// settings and `env`/`exec`-style prefixes, and the script an interpreter
/// (or a `$(NODE)`-style variable) is given.
fn programs(command: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    // Words and command separators; a `$(...)` reference stays in its word.
    let mut words = Vec::new();
    let bytes = command.as_bytes();
    let (mut index, mut start) = (0, None);
    while index <= bytes.len() {
        let byte = bytes.get(index).copied().unwrap_or(b' ');
        if byte == b'$' && matches!(bytes.get(index + 1), Some(b'(' | b'{')) {
            start.get_or_insert(index);
            let close = if bytes[index + 1] == b'(' { b')' } else { b'}' };
            let mut depth = 0;
            while index < bytes.len() {
                match bytes[index] {
                    b'(' | b'{' => depth += 1,
                    b')' | b'}' if depth == 1 && bytes[index] == close => break,
                    b')' | b'}' => depth -= 1,
                    _ => {}
                }
                index += 1;
            }
            index += 1;
            continue;
        }
        let separator = matches!(byte, b'&' | b'|' | b';' | b'(' | b')');
        if byte.is_ascii_whitespace() || separator {
            if let Some(from) = start.take() {
                words.push((from, &command[from..index]));
            }
            if separator {
                words.push((index, "&&"));
            }
        } else if start.is_none() {
            start = Some(index);
        }
        index += 1;
    }
    let mut expecting = true;
    let mut interpreter = false;
    for (at, word) in words {
        if word == "&&" {
            expecting = true;
            interpreter = false;
            continue;
        }
        if interpreter {
            interpreter = false;
            if !word.starts_with('-') {
                found.push((at, word));
            }
            continue;
        }
        if !expecting {
            continue;
        }
        let setting = word
            .split_once('=')
            .is_some_and(|(name, _)| !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        if setting || matches!(word, "env" | "exec" | "time" | "nohup" | "command") {
            continue;
        }
        expecting = false;
        found.push((at, word));
        // `$(NODE) ./node_modules/.bin/mocha` runs mocha; `$(CP) target/release/x` runs cp.
        interpreter = INTERPRETERS.contains(&word)
            || leading_variable(word).is_some_and(|(name, rest)| {
                rest.is_empty() && INTERPRETERS.iter().any(|interpreter| interpreter.eq_ignore_ascii_case(name))
            });
    }
    found
}

fn recipes(makefile: &Makefile, report: &mut Findings<'_>) {
    // `.SILENT:` with no names, lz4's `$(V)$(VERBOSE).SILENT:` (silent
    // unless V is set), or `-s` in MAKEFLAGS silences every recipe.
    let silent_all = makefile.rules().any(|(_, rule)| {
        rule.targets.iter().any(|t| t == ".SILENT" || after_references(t) == ".SILENT") && rule.prerequisites.is_empty()
    });
    let assigned = makefile.assigned();
    let silent_all = silent_all
        || assigned
            .get("MAKEFLAGS")
            .into_iter()
            .flatten()
            .any(|value| value.split_whitespace().any(|flag| matches!(flag, "-s" | "--silent" | "--quiet" | "s")));
    let silent_targets: Vec<&String> = makefile
        .rules()
        .filter(|(_, rule)| rule.targets.iter().any(|t| t == ".SILENT"))
        .flat_map(|(_, rule)| &rule.prerequisites)
        .collect();
    for (_, rule) in makefile.rules() {
        if is_special(&rule.targets) {
            continue;
        }
        let silenced = silent_all || rule.targets.iter().any(|target| silent_targets.contains(&target));
        for recipe in &rule.recipe {
            let (start, at) = command_start(&recipe.command);
            let command = &recipe.command[start..];
            if command.is_empty() {
                continue;
            }
            let in_line = recipe_offset(recipe);
            if !silenced && !at && !quiet_by_variable(&assigned, command) {
                let fix = (!recipe.inline).then(|| Fix {
                    description: "prefix the line with `@`".into(),
                    edits: vec![Edit {
                        start: to_u32(recipe.line.offset + in_line + start),
                        end: to_u32(recipe.line.offset + in_line + start),
                        replacement: "@".into(),
                    }],
                });
                report.add(
                    QUIET_RECIPE,
                    "recipe line is echoed when it runs",
                    Some(span(&recipe.line, in_line + start, command.split_whitespace().next().unwrap_or("").len())),
                    "start the line with `@` so that no output means success",
                    fix,
                );
            }
            // Most lines name no such folder: only those are split into programs.
            let names_tool_dir = TOOL_DIRS.iter().any(|dir| command.contains(dir));
            let programs = if names_tool_dir { programs(command) } else { Vec::new() };
            for (at, tool) in programs.into_iter().filter(|(_, tool)| in_tool_dir(tool)) {
                report.add(
                    TOOL_PATH,
                    format!("`{tool}` is run by its path"),
                    Some(span(&recipe.line, in_line + start + at, tool.len())),
                    "define a variable at the top (e.g. `TOOL ?= ...`) and run `$(TOOL)`",
                    None,
                );
            }
        }
    }
}

/// The variable a command starts with (`$(Q)`, `${AT}`, `$Q`), and what follows it.
fn leading_variable(command: &str) -> Option<(&str, &str)> {
    let rest = command.strip_prefix('$')?;
    match rest.chars().next()? {
        open @ ('(' | '{') => {
            let close = if open == '(' { ')' } else { '}' };
            let end = rest.find(close)?;
            let name = &rest[1..end];
            (!name.contains([' ', ',', '$'])).then(|| (name, &rest[end + 1..]))
        }
        c if c.is_ascii_alphanumeric() || c == '_' => Some((&rest[..1], &rest[1..])),
        _ => None,
    }
}

/// Whether the variable a command starts with makes it quiet: its value in
/// this file starts with `@` (`CFSSL = @env cfssl`; through other
/// variables, as redis's `REDIS_CC = $(QUIET_CC)$(CC)` and `QUIET_CC = @printf`),
/// or is `@` unless verbose (`Q = $(if $(V),,@)`); a variable this file
/// does not set is judged by its name (`$(Q)`, `$(AT)`, `$(QUIET_CC)`...).
fn quiet_by_variable(assigned: &HashMap<&str, Vec<&str>>, command: &str) -> bool {
    quiet_at(assigned, command, 0)
}

fn quiet_at(assigned: &HashMap<&str, Vec<&str>>, command: &str, depth: usize) -> bool {
    let Some((name, _)) = leading_variable(command) else { return false };
    let Some(values) = assigned.get(name) else {
        // kbuild's and git's `$(QUIET_CC)`, `$(QUIET_LINK)`..., set in an included file.
        return matches!(name, "Q" | "AT" | "SILENT" | "V" | "QUIET" | "E" | "at" | "q") || name.starts_with("QUIET_");
    };
    depth < 6
        && values.iter().any(|value| {
            let value = value.trim_start_matches(['-', '+', ' ', '\t']);
            value.starts_with('@')
                || (value.starts_with("$(if ") && value.trim_end().ends_with(",@)"))
                || quiet_at(assigned, value, depth + 1)
        })
}

/// A name with the variable references before it removed: `$(V)$(VERBOSE).SILENT` is `.SILENT`.
fn after_references(name: &str) -> &str {
    let mut rest = name;
    while let Some((_, after)) = leading_variable(rest) {
        rest = after;
    }
    rest
}

/// Where the command starts within the first physical line.
fn recipe_offset(recipe: &RecipeLine) -> usize {
    if recipe.inline {
        recipe.line.first.find(';').map_or(0, |at| {
            at + 1 + (recipe.line.first[at + 1..].len() - recipe.line.first[at + 1..].trim_start().len())
        })
    } else {
        1
    }
}

/// The `.PHONY` rules' lines.
fn phony_lines(makefile: &Makefile) -> Vec<&Line> {
    makefile.rules().filter(|(_, rule)| rule.targets.iter().any(|t| t == ".PHONY")).map(|(line, _)| line).collect()
}

fn phony_declared(makefile: &Makefile, text: &str, options: &MakeOptions, report: &mut Findings<'_>) {
    let declared = makefile.phony();
    let phony_lines = phony_lines(makefile);
    // `.PHONY: $(filter test%,$(ALL))` may declare any name: nothing is said missing.
    if declared.iter().any(|name| name.contains('$')) {
        return;
    }
    let mut reported = Vec::new();
    for (line, rule) in makefile.rules() {
        for target in &rule.targets {
            if !options.conventional_targets.contains(target) || declared.contains(target) || reported.contains(target)
            {
                continue;
            }
            reported.push(target.clone());
            let fix = Some(phony_fix(&phony_lines, text, target));
            report.add(
                PHONY_DECLARED,
                format!("`{target}` is not declared `.PHONY`"),
                Some(span(line, line.first.find(target.as_str()).unwrap_or(0), target.len())),
                format!("add `{target}` to `.PHONY`"),
                fix,
            );
        }
    }
}

fn phony_no_rule(makefile: &Makefile, report: &mut Findings<'_>) {
    let values = makefile.values();
    for line in phony_lines(makefile) {
        let names = makefile.rules_for(".PHONY").filter(|(l, _)| *l == line).flat_map(|(_, r)| r.prerequisites.iter());
        let names: Vec<String> = names
            .flat_map(|name| values.expand(name).split_whitespace().map(str::to_string).collect::<Vec<_>>())
            .collect();
        for target in names {
            // `FORCE`, the GNU make manual's name for a target that forces
            // its dependents, works without a rule (git's Makefiles).
            if !makefile.has_rule(&target) && !target.contains('$') && target != "FORCE" {
                let at = line.first.find(target.as_str());
                report.add(
                    PHONY_NO_RULE,
                    format!("`.PHONY` names `{target}`, which has no rule"),
                    Some(at.map_or_else(|| whole_line(line), |at| span(line, at, target.len()))),
                    format!("remove `{target}` from `.PHONY`, or add a `{target}:` rule"),
                    None,
                );
            }
        }
    }
}

/// Appends to the last single-line `.PHONY` declaration, or adds one at
/// the end of the file.
fn phony_fix(phony_lines: &[&Line], text: &str, target: &str) -> Fix {
    let edit = if let Some(line) = phony_lines.iter().rev().find(|line| line.text == line.first) {
        let code_end = line.first.find('#').unwrap_or(line.first.len());
        let end = line.offset + line.first[..code_end].trim_end().len();
        edit(end, end, format!(" {target}"))
    } else {
        let newline = if text.ends_with('\n') || text.is_empty() { "" } else { "\n" };
        edit(text.len(), text.len(), format!("{newline}.PHONY: {target}\n"))
    };
    Fix { description: format!("declare `{target}` in `.PHONY`"), edits: vec![edit] }
}

/// Folders package managers download into. A build's output (`target/`,
/// `dist/`) is `clean`'s to remove, so it is not here.
const DEPENDENCY_DIRS: [&str; 9] =
    ["node_modules", "bower_components", "jspm_packages", "vendor", ".venv", "venv", ".tox", "Pods", ".bundle"];

/// Programs that delete what they are given.
const REMOVERS: [&str; 5] = ["rm", "$(RM)", "${RM}", "rimraf", "trash"];

/// The dependency folder a removal names, if any: its last path component,
/// with `components` counted where the file installs component(1) packages.
fn dependency_dir(word: &str, components: bool) -> Option<&str> {
    let base = word.trim_matches(['\'', '"']).trim_end_matches('/').rsplit('/').next()?;
    (DEPENDENCY_DIRS.contains(&base) || (components && base == "components")).then_some(base)
}

/// `clean` and the targets it depends on, as make runs them for `make clean`.
fn clean_rules(makefile: &Makefile) -> Vec<(&str, &crate::parser::Rule)> {
    let mut names = vec!["clean"];
    let mut rules = Vec::new();
    let mut index = 0;
    while index < names.len() && index < 64 {
        let name = names[index];
        for (_, rule) in makefile.rules_for(name) {
            rules.push((name, rule));
            for prerequisite in &rule.prerequisites {
                if !names.contains(&prerequisite.as_str()) {
                    names.push(prerequisite);
                }
            }
        }
        index += 1;
    }
    rules
}

fn clean_and_build(makefile: &Makefile, text: &str, report: &mut Findings<'_>) {
    let components = text.contains("component install") || text.contains("component-install");
    let values = makefile.values();
    for (through, rule) in clean_rules(makefile) {
        for recipe in &rule.recipe {
            let command = values.expand(&recipe.command);
            let mut reported = Vec::new();
            for part in command.split(['&', '|', ';']) {
                let mut words = part.split_whitespace().map(|word| word.trim_start_matches(['@', '-', '+']));
                if !words.next().is_some_and(|first| REMOVERS.contains(&first)) {
                    continue;
                }
                for dir in
                    words.filter(|word| !word.starts_with('-')).filter_map(|word| dependency_dir(word, components))
                {
                    if reported.contains(&dir) {
                        continue;
                    }
                    reported.push(dir);
                    let via = if through == "clean" { String::new() } else { format!(" (through `{through}`)") };
                    // The folder as written, or the whole line when a variable names it.
                    let at = recipe
                        .line
                        .first
                        .find(dir)
                        .map_or_else(|| whole_line(&recipe.line), |at| span(&recipe.line, at, dir.len()));
                    report.add(
                        CLEAN_DEPS,
                        format!("`clean` removes `{dir}`{via}, a dependency directory"),
                        Some(at),
                        format!("move the removal of `{dir}` to a `clean-deps` target"),
                        None,
                    );
                }
            }
        }
    }
    for (_, rule) in makefile.rules_for("build") {
        for recipe in &rule.recipe {
            let words: Vec<&str> = recipe.command.split_whitespace().collect();
            for pair in words.windows(2) {
                let [flag, path] = [pair[0], pair[1]];
                if !matches!(flag, "-o" | "--output" | "--out-dir" | "--outdir" | "--out" | ">") {
                    continue;
                }
                let path = path.trim_start_matches("./");
                if path.starts_with("build") || path.starts_with('$') || path.starts_with("/dev/") {
                    continue;
                }
                let at = recipe.line.first.find(pair[1]).unwrap_or(0);
                report.add(
                    BUILD_OUTPUT,
                    format!("`build` writes `{path}`, outside `build/`"),
                    Some(span(&recipe.line, at, pair[1].len())),
                    "write build output under `build/`",
                    None,
                );
            }
        }
    }
}

fn default_goal(makefile: &Makefile, report: &mut Findings<'_>) {
    let Some((goal, line)) = makefile.default_goal() else { return };
    if goal != "default" {
        report.add(
            DEFAULT_FIRST,
            format!("the default goal is `{goal}`, not `default`"),
            Some(whole_line(line)),
            "put a `default: build` rule before the others",
            None,
        );
        return;
    }
    let leads_to_build = makefile.rules_for("default").any(|(_, rule)| {
        rule.prerequisites.iter().any(|p| p == "build")
            || rule.recipe.iter().any(|r| r.command.contains("$(MAKE) build") || r.command.contains("make build"))
    });
    let default_rule = makefile.rules_for("default").next();
    if let (false, true, Some((line, _))) = (leads_to_build, makefile.has_rule("build"), default_rule) {
        report.add(
            DEFAULT_BUILDS,
            "`default` does not run `build`",
            Some(whole_line(line)),
            "write `default: build`",
            None,
        );
    }
}

fn missing_targets(makefile: &Makefile, options: &MakeOptions, report: &mut Findings<'_>) {
    // A Makefile that includes others may get its targets from them.
    if makefile.items.iter().any(|item| matches!(item, Item::Directive(_, d) if d.ends_with("include"))) {
        return;
    }
    for target in &options.required_targets {
        if !makefile.has_rule(target) {
            report.add(
                MISSING_TARGET,
                format!("no `{target}` target"),
                None,
                format!("add a `{target}:` rule (the list is the `required-targets` option)"),
                None,
            );
        }
    }
}

fn test_runs_lint(makefile: &Makefile, report: &mut Findings<'_>) {
    if !makefile.has_rule("lint") {
        return;
    }
    let Some((line, _)) = makefile.rules_for("test").next() else { return };
    let runs_lint = makefile.rules_for("test").any(|(_, rule)| {
        rule.prerequisites.iter().any(|p| p == "lint")
            || rule.recipe.iter().any(|r| r.command.contains("$(MAKE) lint") || r.command.contains("make lint"))
    });
    if !runs_lint {
        report.add(TEST_LINTS, "`test` does not run `lint` first", Some(whole_line(line)), "write `test: lint`", None);
    }
}
