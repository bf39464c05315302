//! Hostile plugins are contained: the sandbox refuses files, environment
//! and sockets, and limits turn loops, bombs and panics into named errors.

use crate::support::{Test, test_plugin, test_spec};

const SMALL_LIMITS: [&str; 4] = ["--time-limit-ms", "300", "--memory-limit-mib", "64"];

/// Issue 9: the same misdeeds (loops, bombs, panics, recursion, huge
/// output, strings that are not UTF-8, garbage passed to the log import,
/// files, environment, sockets) through a lint check, a detector and a
/// template helper.
#[test]
fn every_misdeed_is_contained_in_every_role_as_the_specs_expect() {
    for plugin in ["hostile-lint", "hostile-detector", "hostile-helper"] {
        Test::new()
            .args(["plugins", "test"])
            .args(SMALL_LIMITS)
            .arg(test_plugin(plugin))
            .arg(test_spec(plugin))
            .run()
            .code(0)
            .stdout_has("14 passed, 0 failed");
    }
}

#[test]
fn terminal_escapes_from_a_plugin_are_shown_not_obeyed() {
    let run = Test::new()
        .plugin(test_plugin("hostile-lint"))
        .file("x.txt", "escapes\n")
        .args(["lint", "x.txt"])
        .run()
        .code(0)
        .stdout_has("info[hostile-lint/outcome]: \\u{1b}[2J\\u{1b}]0;owned\\u{7}cleared");
    assert!(!run.stdout.contains('\u{1b}') && !run.stderr.contains('\u{1b}'), "{run}");
}

#[test]
fn a_hostile_detector_fails_its_page_by_name_and_detect_exits_3() {
    Test::new()
        .plugin(test_plugin("hostile-detector"))
        .stdin("<p>hi</p>")
        .args(["--time-limit-ms", "300", "detect", "-", "--base-url", "https://example.test/loop", "--format", "json"])
        .run()
        .code(3)
        .stdout_has("plugin `hostile-detector` failed in `detector.detect`: exceeded its time limit of 300ms");
}

#[test]
fn a_hostile_template_helper_stops_scaffold_before_it_writes() {
    let test = Test::new()
        .file("tpl/template.toml", "helpers = [\"hostile.wasm\"]\n")
        .file("tpl/template/README.md", "{{misbehave \"wild-pointer\"}}\n");
    std::fs::copy(test_plugin("hostile-helper"), test.dir().join("tpl/hostile.wasm")).expect("copy plugin");
    test.run_with(["scaffold", "tpl", "out"]).code(3).stderr_has(
        "plugin `hostile-helper` failed in `template-helper.call-many`: string pointer/length out of bounds",
    );
    assert!(!test.dir().join("out").exists(), "nothing written");
}

fn case(name: &str, misdeed: &str) -> String {
    format!("[[case]]\nname = \"{name}\"\nfiles = [{{ path = \"x\", contents = \"{misdeed}\" }}]\n")
}

#[test]
fn a_trapping_call_exits_3_and_the_other_cases_still_run() {
    let spec =
        [case("loops", "loop"), case("bombs", "memory"), case("panics", "panic"), case("behaves", "ok")].concat();
    let run = Test::new()
        .file("spec.toml", spec)
        .args(["plugins", "test"])
        .args(SMALL_LIMITS)
        .arg(test_plugin("hostile-lint"))
        .args(["spec.toml"])
        .run()
        .code(3)
        .stdout_has("plugin `hostile-lint` failed in `lint-check.check`: exceeded its time limit of 300ms")
        .stdout_has("plugin `hostile-lint` failed in `lint-check.check`: exceeded its memory limit of 64 MiB")
        .stdout_has("hostile plugin panicked on purpose")
        .stdout_has("ok    spec.toml › behaves")
        .stdout_has("1 passed, 3 failed");
    // The order of the cases is kept: the good one ran after the bad ones.
    assert!(run.stdout.find("› loops").unwrap() < run.stdout.find("› behaves").unwrap());
}

#[test]
fn the_time_limit_comes_from_config_too() {
    Test::new()
        .file("workbench.toml", "[plugins]\ntime-limit-ms = 200\n")
        .file("spec.toml", case("loops", "loop"))
        .args(["plugins", "test"])
        .arg(test_plugin("hostile-lint"))
        .args(["spec.toml"])
        .run()
        .code(3)
        .stdout_has("exceeded its time limit of 200ms")
        .stdout_has("raise `time-limit-ms` under [plugins]");
}

#[test]
fn plugin_output_reaches_the_log_not_stdout() {
    let run = Test::new()
        .file("spec.toml", case("prints", "stdout"))
        .args(["plugins", "test", "-v"])
        .arg(test_plugin("hostile-lint"))
        .args(["spec.toml"])
        .run()
        .code(0)
        .stderr_has("hostile-lint (stdout): hostile plugin writing to stdout")
        .stderr_has("hostile-lint (stderr): hostile plugin writing to stderr");
    assert!(!run.stdout.contains("hostile plugin writing"), "{run}");
}
