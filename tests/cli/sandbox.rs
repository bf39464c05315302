//! Hostile plugins are contained: the sandbox refuses files, environment
//! and sockets, and limits turn loops, bombs and panics into named errors.

use crate::support::{Test, test_plugin, test_spec};

const SMALL_LIMITS: [&str; 4] = ["--time-limit-ms", "300", "--memory-limit-mib", "64"];

#[test]
fn every_misdeed_is_contained_as_the_spec_expects() {
    Test::new()
        .args(["plugins", "test"])
        .args(SMALL_LIMITS)
        .arg(test_plugin("hostile"))
        .arg(test_spec("hostile"))
        .run()
        .code(0)
        .stdout_has("9 passed, 0 failed");
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
        .arg(test_plugin("hostile"))
        .args(["spec.toml"])
        .run()
        .code(3)
        .stdout_has("plugin `hostile` failed in `lint-check.check`: exceeded its time limit of 300ms")
        .stdout_has("plugin `hostile` failed in `lint-check.check`: exceeded its memory limit of 64 MiB")
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
        .arg(test_plugin("hostile"))
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
        .arg(test_plugin("hostile"))
        .args(["spec.toml"])
        .run()
        .code(0)
        .stderr_has("hostile (stdout): hostile plugin writing to stdout")
        .stderr_has("hostile (stderr): hostile plugin writing to stderr");
    assert!(!run.stdout.contains("hostile plugin writing"), "{run}");
}
