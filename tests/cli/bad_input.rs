//! Bad input gets a one-line error saying what and where, what to do next,
//! and the documented exit code; never a panic.

use crate::support::{Test, repo_root};

/// Compiles a component from its text form under tests/fixtures/components.
fn component(name: &str) -> Vec<u8> {
    let path = repo_root().join("tests/fixtures/components").join(format!("{name}.wat"));
    wat::parse_file(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

#[test]
fn a_missing_plugin_file_is_named() {
    Test::new()
        .plugin("nowhere/plugin.wasm")
        .args(["plugins", "list"])
        .run()
        .code(3)
        .stderr_has("error: cannot load plugin nowhere/plugin.wasm: cannot read it:");
}

#[test]
fn a_file_that_is_not_wasm_is_named() {
    Test::new()
        .file("notes.wasm", "hello")
        .plugin("notes.wasm")
        .args(["plugins", "list"])
        .run()
        .code(3)
        .stderr_has("notes.wasm: the file is not a WebAssembly binary");
}

#[test]
fn a_core_module_is_told_to_become_a_component() {
    Test::new()
        .file("core.wasm", b"\0asm\x01\0\0\0")
        .args(["plugins", "check", "core.wasm"])
        .run()
        .code(3)
        .stdout_has("is a core WebAssembly module, not a component; build it for the wasm32-wasip2 target");
}

#[test]
fn a_truncated_component_is_invalid_not_a_crash() {
    let mut bytes = component("newer-major");
    bytes.truncate(bytes.len() - 3);
    Test::new()
        .file("cut.wasm", bytes)
        .args(["plugins", "check", "cut.wasm"])
        .run()
        .code(3)
        .stdout_has("cut.wasm: not a valid component");
}

#[test]
fn a_plugin_for_a_newer_wit_says_to_upgrade_workbench() {
    Test::new()
        .file("newer.wasm", component("newer-major"))
        .args(["plugins", "check", "newer.wasm"])
        .run()
        .code(3)
        .stdout_has(
            "was built for workbench:plugin@0.3.0, but this workbench speaks workbench:plugin@0.2.x or 0.1.x; upgrade workbench",
        );
}

#[test]
fn a_plugin_for_an_older_wit_says_to_rebuild_it() {
    Test::new()
        .file("older.wasm", component("older-major"))
        .args(["plugins", "check", "older.wasm"])
        .run()
        .code(3)
        .stdout_has("was built for workbench:plugin@0.0.9")
        .stdout_has("rebuild the plugin against this workbench's wit/");
}

#[test]
fn a_component_that_is_no_plugin_lists_what_it_exports() {
    Test::new()
        .file("other.wasm", component("not-a-plugin"))
        .args(["plugins", "check", "other.wasm"])
        .run()
        .code(3)
        .stdout_has("is not a workbench plugin: it exports none of workbench:plugin's interfaces (it exports example:thing/api@1.0.0)");
}

#[test]
fn an_import_the_sandbox_does_not_grant_is_refused() {
    Test::new()
        .file("http.wasm", component("wants-http"))
        .args(["plugins", "check", "http.wasm"])
        .run()
        .code(3)
        .stdout_has("it needs an import workbench does not grant plugins")
        .stdout_has("wasi:http/outgoing-handler@0.2.0");
}

#[test]
fn a_bad_plugin_does_not_hide_the_good_ones() {
    Test::new()
        .file("newer.wasm", component("newer-major"))
        .plugin("newer.wasm")
        .plugin(crate::support::test_plugin("test-lint"))
        .args(["plugins", "list"])
        .run()
        .code(3)
        .stdout_has("test-lint")
        .stderr_has("cannot load plugin newer.wasm");
}

#[test]
fn malformed_config_is_named_with_line_and_column() {
    Test::new()
        .file("workbench.toml", "[plugins]\npaths = [\n")
        .args(["plugins", "list"])
        .run()
        .code(2)
        .stderr_has("error: ")
        .stderr_has("workbench.toml:")
        .stderr_has("help: fix or remove that key");
}

#[test]
fn an_unknown_config_key_is_named() {
    Test::new()
        .file("workbench.toml", "[plugins]\ntimeout = 3\n")
        .args(["plugins", "list"])
        .run()
        .code(2)
        .stderr_has("workbench.toml:2:1: unknown field `timeout`");
}

#[test]
fn config_is_found_in_a_parent_directory() {
    let test = Test::new().file("workbench.toml", "[plugins]\nbogus = 1\n").file("sub/dir/.keep", "");
    let sub = test.dir().join("sub/dir");
    let run = test.args(["plugins", "list", "--config"]).arg(sub.join("../../workbench.toml")).run();
    run.code(2).stderr_has("unknown field `bogus`");
}

#[test]
fn zero_limits_are_refused() {
    Test::new().args(["plugins", "list", "--time-limit-ms", "0"]).run().code(2).stderr_has("must be above zero");
}

#[test]
fn an_unknown_command_is_a_usage_error() {
    Test::new().args(["frobnicate"]).run().code(2);
}

#[test]
fn a_spec_with_a_typo_is_named_with_its_line() {
    Test::new()
        .file("spec.toml", "[[case]]\nname = \"x\"\nfiles = []\nexpct = 1\n")
        .args(["plugins", "test"])
        .arg(crate::support::test_plugin("test-lint"))
        .args(["spec.toml"])
        .run()
        .code(2)
        .stderr_has("spec.toml:4:1: unknown field `expct`");
}

#[test]
fn a_component_with_the_names_but_not_the_functions_is_refused() {
    Test::new()
        .file("hollow.wasm", component("hollow"))
        .args(["plugins", "check", "hollow.wasm"])
        .run()
        .code(3)
        .stdout_has("its exports do not match workbench:plugin@0.1.0")
        .stdout_has("does not have export `info`");
}
