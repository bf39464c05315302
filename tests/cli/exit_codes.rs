//! Exit codes, audited: README's table and `workbench --help` document the
//! same codes, every command returns only documented codes, and each code
//! is returned for the reason the table gives. One row per command and
//! situation; a new command adds its rows here.

use std::collections::BTreeSet;

use crate::support::{Test, repo_root, test_plugin};

struct Row {
    situation: &'static str,
    test: fn() -> Test,
    args: &'static [&'static str],
    code: i32,
}

fn empty() -> Test {
    Test::new()
}

fn failing_spec() -> Test {
    let spec = "[[case]]\nname = \"wrong line\"\nfiles = [{ path = \"a.txt\", contents = \"x \\n\" }]\n[case.expect]\ndiagnostics = [{ span = { line = 9 } }]\n";
    Test::new().file("spec.toml", spec).args(["--plugin"]).arg(test_plugin("test-lint"))
}

fn hanging_lint() -> Test {
    Test::new().file("hang.txt", "loop").args(["--plugin"]).arg(test_plugin("hostile-lint"))
}

fn monorepo() -> Test {
    Test::new().file("ok/Makefile", "test:\n\t@true\n").file("bad/Makefile", "test:\n\t@exit 4\n")
}

fn cycle() -> Test {
    monorepo().file("workbench.toml", "[projects.dependencies]\nok = [\"bad\"]\nbad = [\"ok\"]\n")
}

fn page() -> Test {
    Test::new().copy_from_repo("tests/fixtures/detect/pages", "pages")
}

const ROWS: &[Row] = &[
    Row { situation: "lint, a clean tree", test: || empty().file("notes.txt", "fine\n"), args: &["lint"], code: 0 },
    Row {
        situation: "lint, a merge conflict",
        test: || empty().copy_from_repo("examples/lint", "x"),
        args: &["lint", "x"],
        code: 1,
    },
    Row { situation: "lint, a flag it does not know", test: empty, args: &["lint", "--nope"], code: 2 },
    Row {
        situation: "lint, a plugin past its time limit",
        test: hanging_lint,
        args: &["lint", "--time-limit-ms", "300"],
        code: 3,
    },
    Row {
        situation: "build, a site",
        test: || empty().copy_from_repo("examples/site", "site"),
        args: &["build", "site"],
        code: 0,
    },
    Row { situation: "build, a folder that is not there", test: empty, args: &["build", "nowhere"], code: 2 },
    Row { situation: "detect, a saved page", test: page, args: &["detect", "pages/consent-gated.html"], code: 0 },
    Row { situation: "detect, a file that is not there", test: empty, args: &["detect", "missing.html"], code: 2 },
    Row { situation: "make, every target passes", test: monorepo, args: &["make", "test", "ok"], code: 0 },
    Row { situation: "make, a target fails", test: monorepo, args: &["make", "test"], code: 1 },
    Row { situation: "make, a project that does not exist", test: monorepo, args: &["make", "test", "nope"], code: 2 },
    Row { situation: "projects, a dependency cycle", test: cycle, args: &["projects"], code: 2 },
    Row { situation: "projects", test: monorepo, args: &["projects"], code: 0 },
    Row {
        situation: "scaffold, a template that does not exist",
        test: empty,
        args: &["scaffold", "no-such-template", "dest"],
        code: 2,
    },
    Row { situation: "plugins list", test: empty, args: &["plugins", "list"], code: 0 },
    Row {
        situation: "plugins test, a failing case",
        test: failing_spec,
        args: &["plugins", "test", "PLUGIN", "spec.toml"],
        code: 1,
    },
    Row {
        situation: "a config key that does not exist",
        test: || empty().file("workbench.toml", "[lint]\nnope = 1\n"),
        args: &["lint"],
        code: 2,
    },
    Row { situation: "completions", test: empty, args: &["completions", "zsh"], code: 0 },
    Row { situation: "no command", test: empty, args: &[], code: 2 },
];

/// The codes a line such as `| 2 | usage ...` or `0 success, 1 ...` lists.
fn readme_codes() -> BTreeSet<i32> {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let table = readme.split("## Exit codes").nth(1).expect("README has an Exit codes section");
    table
        .lines()
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .filter_map(|line| line.trim_start_matches('|').split('|').next()?.trim().parse().ok())
        .collect()
}

fn help_codes() -> BTreeSet<i32> {
    let help = Test::new().run_with(["--help"]).code(0).stdout;
    let line = help.lines().find(|line| line.starts_with("Exit codes:")).expect("--help lists exit codes");
    line.trim_start_matches("Exit codes:")
        .split(',')
        .filter_map(|part| part.split_whitespace().next()?.parse().ok())
        .collect()
}

#[test]
fn every_command_returns_only_documented_codes_for_the_documented_reasons() {
    let documented = readme_codes();
    assert_eq!(documented, BTreeSet::from([0, 1, 2, 3]), "README's table");
    assert_eq!(help_codes(), documented, "`workbench --help` and README disagree");
    let mut seen = BTreeSet::new();
    for row in ROWS {
        let test = (row.test)();
        let mut args: Vec<String> = Vec::new();
        // Builders that name a plugin put `--plugin PATH` first.
        args.extend(test_args(&test));
        for arg in row.args {
            args.push(if *arg == "PLUGIN" {
                test_plugin("test-lint").display().to_string()
            } else {
                (*arg).to_string()
            });
        }
        let run = test.run_args(&args);
        assert_eq!(run.code, row.code, "{}: wrong exit code\n{run}", row.situation);
        // detect reports a page it could not read among the results, on
        // stdout; every other command on stderr.
        let said = format!("{}{}", run.stderr, run.stdout);
        assert!(run.code != 2 || said.contains("error"), "{}: a usage error says `error`\n{run}", row.situation);
        seen.insert(run.code);
    }
    assert_eq!(seen, documented, "every documented code has a row that returns it");
}

fn test_args(test: &Test) -> Vec<String> {
    test.builder_args().to_vec()
}
