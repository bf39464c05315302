//! `workbench lint` with the bundled `text` plugin (and test plugins).

use std::io::Write as _;

use crate::support::{Test, git, test_plugin};

#[test]
fn findings_show_the_source_line_and_a_caret() {
    Test::new()
        .file("notes.txt", "hello  \nworld\n")
        .args(["lint"])
        .run()
        .code(0)
        .stdout_has("warning[text/trailing-whitespace]: trailing whitespace\n --> notes.txt:1:6\n  |\n1 | hello  \n  |      ^^\n")
        .stdout_has("= help: remove the trailing whitespace (fixable)")
        .stdout_has("0 errors, 1 warning in 1 file checked");
}

#[test]
fn errors_exit_1() {
    Test::new()
        .file("merge.txt", "<<<<<<< HEAD\na\n=======\nb\n>>>>>>> topic\n")
        .args(["lint"])
        .run()
        .code(1)
        .stdout_has("error[text/conflict-marker]")
        .stdout_has("3 errors, 0 warnings");
}

#[test]
fn conflict_markers_git_reads_as_text_are_not_reported() {
    // git's own docs: seven-character examples, with conflict-marker-size=32 set for them.
    let example = "<<<<<<< HEAD\na\n=======\nb\n>>>>>>> topic\n";
    Test::new()
        .file(".gitattributes", "* whitespace=trail\n/docs/git-merge.adoc conflict-marker-size=32\n")
        .file("docs/git-merge.adoc", example)
        .file("docs/other.adoc", example)
        .args(["lint", "--format", "json"])
        .run()
        .code(1)
        .stdout_lacks("docs/git-merge.adoc")
        .stdout_has("docs/other.adoc");
}

#[test]
fn a_rule_that_fires_often_in_one_file_is_summed_up_after_ten() {
    let recipe = (0..15).map(|n| format!("\techo {n}\n")).collect::<Vec<_>>().concat();
    let test = Test::new().file("Makefile", format!(".PHONY: default build clean lint test\ndefault: build\nbuild:\n{recipe}clean:\n\t@true\nlint:\n\t@true\ntest: lint\n\t@true\n"));
    let run = test.run_with(["lint", "Makefile"]).code(0);
    let shown = run.stdout.matches("warning[make/quiet-recipe]").count();
    assert_eq!(shown, 10, "{}", run.stdout);
    run.stdout_has("note[make/quiet-recipe]: 5 more `make/quiet-recipe` in Makefile not shown")
        .stdout_has("`--format json` lists them all")
        .stdout_has("0 errors, 15 warnings");
    let json = test.run_with(["lint", "Makefile", "--format", "json"]).json();
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 15);
}

#[test]
fn max_warnings_turns_warnings_into_failure() {
    let test = Test::new().file("a.txt", "no newline");
    test.run_with(["lint"]).code(0);
    test.run_with(["lint", "--max-warnings", "0"]).code(1);
}

#[test]
fn config_sets_severities_and_turns_rules_off() {
    Test::new()
        .file(
            "workbench.toml",
            "[lint.rules]\n\"text/final-newline\" = \"error\"\n\"text/trailing-whitespace\" = \"off\"\n",
        )
        .file("a.txt", "x  \ny")
        .args(["lint"])
        .run()
        .code(1)
        .stdout_has("error[text/final-newline]")
        .stdout_has("1 error, 0 warnings");
}

#[test]
fn an_unknown_rule_in_config_is_named_with_the_known_ones() {
    Test::new()
        .file("workbench.toml", "[lint.rules]\n\"text/final-newlines\" = \"error\"\n")
        .args(["lint"])
        .run()
        .code(2)
        .stderr_has("names an unknown rule `text/final-newlines`")
        .stderr_has("known rules: text/trailing-whitespace");
}

#[test]
fn json_output_has_a_version_and_the_wit_shape() {
    let run = Test::new().file("a.txt", "x \n").args(["lint", "--format", "json"]).run().code(0);
    let document = run.json();
    assert_eq!(document["version"], 1);
    assert_eq!(document["summary"]["warnings"], 1);
    let diagnostic = &document["diagnostics"][0];
    assert_eq!(diagnostic["rule"], "text/trailing-whitespace");
    assert_eq!(diagnostic["span"]["line"], 1);
    assert_eq!(diagnostic["fix"]["edits"][0]["start"], 1);
}

#[test]
fn github_annotations_are_escaped() {
    Test::new()
        .file("a,b.txt", "x \n")
        .args(["lint", "--format", "github"])
        .run()
        .code(0)
        .stdout_has("::warning file=a%2Cb.txt,line=1,col=2,title=text/trailing-whitespace::trailing whitespace");
}

#[test]
fn explain_prints_the_rule() {
    Test::new()
        .args(["lint", "--explain", "text/byte-order-mark"])
        .run()
        .code(0)
        .stdout_has("text/byte-order-mark: UTF-8 file starts with a byte-order mark")
        .stdout_has("fixable:   yes");
    Test::new().args(["lint", "--explain", "text/nope"]).run().code(2).stderr_has("no rule `text/nope`");
}

#[test]
fn gitignore_and_exclude_leave_files_out() {
    Test::new()
        .file(".gitignore", "generated/\n")
        .file("workbench.toml", "[lint]\nexclude = [\"vendor/**\"]\n")
        .file("generated/a.txt", "x \n")
        .file("vendor/b.txt", "x \n")
        .file("src/c.txt", "fine\n")
        .args(["lint"])
        .run()
        .code(0)
        .stdout_has("0 errors, 0 warnings in 3 files checked");
}

#[test]
fn binary_non_utf8_and_linked_files_do_not_crash() {
    let test = Test::new()
        .file("blob.bin", [0u8, 159, 146, 150, 0, 1])
        .file("latin1.txt", b"caf\xe9 \n")
        .file("dir/.keep", "");
    #[cfg(unix)]
    std::os::unix::fs::symlink(test.dir(), test.dir().join("dir/loop")).expect("symlink");
    test.run_with(["lint"]).code(0).stdout_has("warning[text/trailing-whitespace]").stdout_has("latin1.txt:1:5");
}

#[test]
fn a_missing_path_is_an_input_error() {
    Test::new().args(["lint", "nowhere"]).run().code(2).stderr_has("nowhere: no such file or directory");
}

#[test]
fn a_hanging_plugin_fails_alone_and_the_others_still_report() {
    Test::new()
        .file("x.txt", "loop")
        .file("y.txt", "trailing \n")
        .plugin(test_plugin("hostile-lint"))
        .args(["lint", "--time-limit-ms", "300"])
        .run()
        .code(3)
        .stdout_has("warning[text/trailing-whitespace]")
        .stdout_has("y.txt:1:9")
        .stderr_has("error: plugin `hostile-lint` failed in `lint-check.check`: exceeded its time limit of 300ms");
}

#[test]
fn extra_plugins_add_their_rules() {
    Test::new()
        .file("a.txt", "x \n")
        .plugin(test_plugin("test-lint"))
        .args(["lint"])
        .run()
        .code(0)
        .stdout_has("warning[test/trailing-space]")
        .stdout_has("warning[text/trailing-whitespace]");
}

#[test]
fn quiet_prints_nothing_when_clean() {
    let run = Test::new().file("a.txt", "fine\n").args(["lint", "--quiet"]).run().code(0);
    assert_eq!(run.stdout, "", "{run}");
}

#[test]
fn a_named_path_is_linted_even_when_excluded() {
    let test =
        Test::new().file("workbench.toml", "[lint]\nexclude = [\"vendor/**\"]\n").file("vendor/lib/a.txt", "x \n");
    test.run_with(["lint"]).code(0).stdout_has("in 1 file checked");
    test.run_with(["lint", "vendor/lib"]).code(0).stdout_has("vendor/lib/a.txt:1:2");
}

/// The suppression marker, assembled so this file does not suppress itself.
const ALLOW: &str = concat!("workbench", ": allow(");

#[test]
fn fix_applies_safe_fixes_atomically_and_idempotently() {
    let test = Test::new()
        .file("Makefile", "a:\n\techo loud\nlint:\n\t@true\n")
        .file("notes.txt", "tail  \nend")
        .args(["lint", "--fix"]);
    test.run().code(0).stdout_has("fixed");
    let makefile = std::fs::read_to_string(test.dir().join("Makefile")).unwrap();
    assert!(makefile.contains("\t@echo loud\n"), "{makefile}");
    assert!(makefile.contains(".PHONY: lint\n"), "{makefile}");
    assert_eq!(std::fs::read_to_string(test.dir().join("notes.txt")).unwrap(), "tail\nend\n");
    let once = std::fs::read(test.dir().join("Makefile")).unwrap();
    test.run().code(0);
    assert_eq!(std::fs::read(test.dir().join("Makefile")).unwrap(), once, "a second --fix changed the file");
}

#[test]
fn diff_shows_fixes_without_writing() {
    let test = Test::new().file("notes.txt", "tail  \n").args(["lint", "--diff"]);
    test.run().code(1).stdout_has("--- a/notes.txt\n+++ b/notes.txt").stdout_has("-tail  \n+tail\n");
    assert_eq!(std::fs::read_to_string(test.dir().join("notes.txt")).unwrap(), "tail  \n");
}

#[test]
fn suppressions_allow_a_rule_with_a_reason() {
    let makefile = format!("a:\n\t# {ALLOW}make/quiet-recipe) -- the tool prints its own progress\n\techo loud\n");
    Test::new().file("rules.mk", makefile).args(["lint"]).run().code(0).stdout_has("0 errors, 0 warnings");
}

#[test]
fn unused_and_reasonless_suppressions_are_reported() {
    let makefile = format!("a:\n\t@true # {ALLOW}make/quiet-recipe)\n");
    Test::new()
        .file("rules.mk", makefile)
        .args(["lint"])
        .run()
        .code(0)
        .stdout_has("warning[workbench/unused-suppression]: `make/quiet-recipe` reports nothing here to allow")
        .stdout_has("warning[workbench/suppression-reason]");
}

#[test]
fn host_rules_have_explanations() {
    Test::new()
        .args(["lint", "--explain", "workbench/unused-suppression"])
        .run()
        .code(0)
        .stdout_has("reported by: workbench itself");
}

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    const SARIF: &str = "tests/fixtures/sarif/sarif-2.1.0-rtm.5.json";
    let run = Test::new()
        .file("Makefile", "a:\n\techo loud\n")
        .file("notes.txt", "tail  \nno newline")
        .plugin(test_plugin("hostile-lint"))
        .file("hang.txt", "loop")
        .args(["lint", "--format", "sarif", "--time-limit-ms", "300"])
        .run()
        .code(3);
    let document = run.json();
    let errors = crate::support::schema_violations(SARIF, &document);
    assert!(errors.is_empty(), "SARIF does not validate:\n{}\n{run}", errors.join("\n"));
    // The check has teeth: a level SARIF does not know is caught.
    let mut broken = document.clone();
    broken["runs"][0]["results"][0]["level"] = serde_json::json!("severe");
    assert!(crate::support::schema_violations(SARIF, &broken).iter().any(|e| e.contains("'severe'")));
    let results = document["runs"][0]["results"].as_array().unwrap();
    let quiet = results.iter().find(|r| r["ruleId"] == "make/quiet-recipe").expect("make/quiet-recipe result");
    assert_eq!(quiet["locations"][0]["physicalLocation"]["region"]["startLine"], 2);
    assert_eq!(quiet["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"], "@");
    assert_eq!(document["runs"][0]["invocations"][0]["executionSuccessful"], false);
}

#[test]
fn changed_lints_only_what_differs_from_a_revision() {
    let test = Test::new().file("old.txt", "old  \n").file("touched.txt", "fine\n");
    git(test.dir(), &["init", "-q"]);
    git(test.dir(), &["add", "."]);
    git(test.dir(), &["commit", "-q", "-m", "first"]);
    std::fs::write(test.dir().join("touched.txt"), "now sloppy  \n").unwrap();
    std::fs::write(test.dir().join("new.txt"), "also  \n").unwrap();
    let run = test.run_with(["lint", "--changed"]).code(0);
    assert!(run.stdout.contains("touched.txt:1:11") && run.stdout.contains("new.txt:1:5"), "{run}");
    assert!(!run.stdout.contains("old.txt"), "{run}");
    git(test.dir(), &["add", "."]);
    git(test.dir(), &["commit", "-q", "-m", "second"]);
    test.run_with(["lint", "--changed"]).code(0).stdout_has("in 0 files checked");
    let run = test.run_with(["lint", "--changed", "HEAD~1"]).code(0);
    assert!(run.stdout.contains("touched.txt") && !run.stdout.contains("old.txt"), "{run}");
    test.run_with(["lint", "--changed", "nope"]).code(2).stderr_has("--changed nope: not a revision");
}

#[test]
fn changed_outside_a_repository_says_so() {
    Test::new().file("a.txt", "x\n").args(["lint", "--changed"]).run().code(2).stderr_has("needs a git repository");
}

#[test]
fn a_warm_run_reuses_results_and_prints_the_same() {
    let test = Test::new().file("Makefile", "a:\n\techo loud\n").file("notes.txt", "x  \n").file("ok.txt", "fine\n");
    let cold = test.run_with(["lint", "--format", "json", "-vv"]).code(0);
    assert!(cold.stderr.contains("reused 0 of"), "{cold}");
    let warm = test.run_with(["lint", "--format", "json", "-vv"]).code(0).stderr_has("lint cache: reused 4 of 4");
    assert_eq!(cold.stdout, warm.stdout, "a cached run must print exactly what a fresh one does");
    std::fs::write(test.dir().join("ok.txt"), "now bad  \n").unwrap();
    let edited = test.run_with(["lint", "--format", "json", "-vv"]).code(0).stderr_has("reused 3 of 4");
    assert!(edited.stdout.contains("ok.txt"), "{edited}");
    let uncached = test.run_with(["lint", "--format", "json", "--no-cache"]).code(0);
    assert_eq!(uncached.stdout, edited.stdout);
}

#[test]
fn a_warm_run_shows_findings_with_the_lines_the_cache_kept() {
    let test = Test::new().file("Makefile", "a:\n\techo loud\n").file("notes.txt", "one\ntwo  \n");
    let cold = test.age().run_with(["lint"]).code(0).stdout_has("2 | two  \n");
    // Old times: the files' stamps are trusted, so their findings come
    // from the cache without the files being read.
    let warm = test.run_with(["lint", "-vv"]).code(0).stderr_has("reused 3 of 3");
    assert_eq!(cold.stdout, warm.stdout);
}

#[test]
fn a_remembered_walk_still_sees_added_removed_and_newly_ignored_files() {
    const REUSED: &str = "the walk of . is unchanged";
    let test = Test::new().file("a.txt", "x  \n").file("sub/b.txt", "y  \n").file(".gitignore", "nothing\n");
    test.age().run_with(["lint", "-vv"]).code(0).stderr_lacks(REUSED);
    test.run_with(["lint", "-vv"]).code(0).stderr_has(REUSED).stdout_has("sub/b.txt:1:2");

    std::fs::write(test.dir().join("sub/c.txt"), "z  \n").unwrap();
    test.run_with(["lint", "-vv"]).code(0).stderr_lacks(REUSED).stdout_has("sub/c.txt:1:2");
    test.age().run_with(["lint"]).code(0);
    std::fs::remove_file(test.dir().join("sub/b.txt")).unwrap();
    let run = test.run_with(["lint", "-vv"]).code(0).stderr_lacks(REUSED);
    assert!(!run.stdout.contains("sub/b.txt"), "{run}");

    test.age().run_with(["lint"]).code(0);
    test.run_with(["lint", "-vv"]).code(0).stderr_has(REUSED);
    // Edited in place: the folder's time stays, the ignore file's does not.
    std::fs::OpenOptions::new().write(true).open(test.dir().join(".gitignore")).unwrap().write_all(b"sub/\n").unwrap();
    let run = test.run_with(["lint", "-vv"]).code(0).stderr_lacks(REUSED);
    assert!(run.stdout.contains("a.txt") && !run.stdout.contains("sub/c.txt"), "{run}");
    test.run_with(["lint", "--no-cache", "-vv"]).code(0).stderr_lacks(REUSED);
}

#[test]
fn warm_runs_still_apply_and_report_suppressions() {
    let makefile = format!(
        "a:\n# {ALLOW}make/quiet-recipe) -- it prints progress\n\techo loud\n\t@true # {ALLOW}make/crlf) -- stale\n"
    );
    let test = Test::new().file("rules.mk", makefile);
    let cold = test.run_with(["lint"]).code(0);
    let warm = test.run_with(["lint", "-vv"]).code(0).stderr_has("reused 2 of 2");
    assert_eq!(cold.stdout, warm.stdout);
    assert!(
        warm.stdout.contains("`make/crlf` reports nothing here to allow")
            && !warm.stdout.contains("make/quiet-recipe]"),
        "{warm}"
    );
}

#[test]
fn overrides_set_levels_for_matching_paths() {
    let config = "[lint.rules]\n\"text/final-newline\" = \"error\"\n\n[[lint.overrides]]\npaths = [\"generated/**\"]\nrules = { \"text/final-newline\" = \"off\" }\n";
    let run = Test::new()
        .file("workbench.toml", config)
        .file("src/a.txt", "no newline")
        .file("generated/b.txt", "no newline")
        .args(["lint"])
        .run()
        .code(1);
    assert!(run.stdout.contains("error[text/final-newline]") && run.stdout.contains("src/a.txt"), "{run}");
    assert!(!run.stdout.contains("generated/b.txt"), "{run}");
    Test::new()
        .file("workbench.toml", "[[lint.overrides]]\npaths = [\"x/**\"]\nrules = { \"text/nope\" = \"off\" }\n")
        .args(["lint"])
        .run()
        .code(2)
        .stderr_has("[[lint.overrides]] #1 names an unknown rule `text/nope`");
}

#[test]
fn data_files_are_checked_for_syntax_and_duplicate_keys() {
    Test::new()
        .file("package.json", "{\n  \"name\": \"a\",\n  \"name\": \"b\"\n}\n")
        .file("config.toml", "[x\n")
        .args(["lint"])
        .run()
        .code(1)
        .stdout_has("error[data/duplicate-key]: duplicate key `name`")
        .stdout_has("error[data/syntax]")
        .stdout_has("config.toml:1:");
}

#[test]
fn files_over_32_mib_are_skipped_with_a_warning_and_the_rest_are_linted() {
    let test = Test::new().file("small.txt", "trailing space \n");
    // Sparse: 33 MiB on paper, nothing written.
    std::fs::File::create(test.dir().join("huge.txt")).expect("create").set_len(33 << 20).expect("set_len");
    test.run_with(["lint", "--format", "json", "."])
        .stderr_has("huge.txt: skipped, larger than 32 MiB")
        .stdout_has("text/trailing-whitespace");
}

#[test]
fn lint_loads_only_the_bundled_lint_checks_even_from_a_cold_cache() {
    let test = Test::new().private_cache().file("notes.txt", "fine\n").args(["-vv", "lint"]);
    let loaded = |run: &crate::support::Run| {
        run.stderr.matches("cache hit:").count() + run.stderr.matches("cache miss:").count()
    };
    let first = test.run().code(0);
    assert_eq!(loaded(&first), 3, "data, make and text only\n{first}");
    let second = test.run().code(0);
    assert_eq!(loaded(&second), 3, "data, make and text only\n{second}");
}

#[test]
fn same_named_files_outside_the_current_directory_are_all_linted() {
    let elsewhere = tempfile::tempdir().unwrap();
    for project in ["a", "b"] {
        std::fs::create_dir_all(elsewhere.path().join(project)).unwrap();
        std::fs::write(elsewhere.path().join(project).join("notes.txt"), "trailing \n").unwrap();
    }
    let a = elsewhere.path().join("a/notes.txt").display().to_string();
    let b = elsewhere.path().join("b/notes.txt").display().to_string();
    let run = Test::new().run_with(["lint", &a, &b]).code(0);
    assert!(run.stdout.contains("in 2 files checked"), "{run}");
    assert!(run.stdout.contains("a/notes.txt") && run.stdout.contains("b/notes.txt"), "{run}");
}
