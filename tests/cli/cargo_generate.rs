//! cargo-generate templates against cargo-generate's own output: the trees
//! in tests/fixtures/scaffold/cargo-generate/expected were written by
//! cargo-generate 0.23.14 (`regenerate.sh` there) with the same authors.

use std::path::Path;

use crate::scaffold::{fixture, fixture_arg, read, same_tree, test};
use crate::support::Test;

/// The authors regenerate.sh gives cargo-generate.
fn with_authors() -> Test {
    test().env("CARGO_NAME", "Ada Lovelace").env("CARGO_EMAIL", "ada@example.com")
}

fn same_as_cargo_generate(ours: &Path, name: &str) {
    same_tree(
        ours,
        &fixture(&format!("cargo-generate/expected/{name}")),
        "cargo-generate",
        &[".workbench-answers.toml"],
    );
}

/// The `app` fixture's project: the same files, and (git keeps no empty
/// folder) the empty `hooks/` cargo-generate leaves once its scripts are removed.
fn same_app_as_cargo_generate(ours: &Path, name: &str) {
    same_as_cargo_generate(ours, name);
    let hooks = ours.join("hooks");
    assert!(hooks.is_dir() && std::fs::read_dir(&hooks).unwrap().next().is_none(), "hooks/ is an empty folder");
}

#[test]
fn cargo_generate_template_renders_the_bytes_cargo_generate_wrote_with_every_default() {
    let test = with_authors();
    test.run_with([
        "scaffold",
        &fixture_arg("cargo-generate/app"),
        "my-app",
        "--defaults",
        "--set",
        "project-name=MyApp",
    ])
    .code(0);
    same_app_as_cargo_generate(&test.dir().join("my-app"), "defaults");
    let answers = read(test.dir().join("my-app/.workbench-answers.toml"));
    for answer in ["project-name = \"MyApp\"", "with_cli = true", "features = [\"log\"]", "cli_name = \"tool\""] {
        assert!(answers.contains(answer), "{answer} in {answers}");
    }
}

#[test]
fn cargo_generate_answers_and_commands_with_trust_match_cargo_generate() {
    let test = with_authors();
    test.run_with([
        "scaffold",
        &fixture_arg("cargo-generate/app"),
        "data-tools",
        "--defaults",
        "--trust",
        "--set",
        "project-name=Data Tools",
        "--set",
        "description=Data tools for teams",
        "--set",
        "licence=Apache-2.0",
        "--set",
        "with_cli=false",
        "--set",
        "features=serde,tokio",
        "--set",
        "run_command=true",
        "--set",
        "extra=hello",
    ])
    .code(0);
    same_app_as_cargo_generate(&test.dir().join("data-tools"), "answered");
}

#[test]
fn a_cargo_generate_system_command_without_trust_stops_before_anything_is_written() {
    let test = with_authors();
    test.run_with(["scaffold", &fixture_arg("cargo-generate/app"), "out", "--defaults", "--set", "run_command=true"])
        .code(2)
        .stderr_has("warning: the template asked to run `echo hello from a command`; not run")
        .stderr_has("hooks/post.rhai: the post hook failed")
        .stderr_has("`echo hello from a command`")
        .stderr_has("--trust");
    assert!(!test.dir().join("out").exists());
}

#[test]
fn a_cargo_generate_answer_outside_its_choices_or_regex_is_refused() {
    let test = with_authors();
    test.run_with(["scaffold", &fixture_arg("cargo-generate/app"), "out", "--defaults", "--set", "licence=GPL"])
        .code(2)
        .stderr_has("\"GPL\" is not a valid value for licence")
        .stderr_has("`licence` is one of MIT, Apache-2.0");
    test.run_with(["scaffold", &fixture_arg("cargo-generate/app"), "out", "--defaults", "--set", "description=lower"])
        .code(2)
        .stderr_has("`description` must match ^[A-Z]");
    assert!(!test.dir().join("out").exists());
}

#[test]
fn cargo_generate_placeholders_without_a_terminal_are_listed() {
    let test = with_authors();
    test.run_with(["scaffold", &fixture_arg("cargo-generate/app"), "out"])
        .code(2)
        .stderr_has("placeholders were not answered")
        .stderr_has("description: Describe the crate")
        .stderr_has("--defaults");
}

#[test]
fn a_cargo_generate_file_that_is_not_liquid_names_the_file_and_exclude() {
    let test = with_authors()
        .file("tpl/cargo-generate.toml", "[placeholders]\n")
        .file("tpl/Cargo.toml", "[package]\nname = \"{{project-name}}\"\n")
        .file("tpl/broken.md", "{% if %}\n")
        .file("tpl/logo.png", [0x89, b'P', b'N', b'G', 0xff, 0xfe]);
    test.run_with(["scaffold", "./tpl", "out", "--defaults"])
        .code(2)
        .stderr_has("substitution failed in 2 files")
        .stderr_has("broken.md:1:")
        .stderr_has("logo.png: stream did not contain valid UTF-8")
        .stderr_has("`exclude`");
    assert!(!test.dir().join("out").exists());
}

#[test]
fn a_cargo_generate_project_updates_from_a_newer_template() {
    let test = with_authors()
        .file("tpl/cargo-generate.toml", "[placeholders]\ngreeting = { prompt = \"Greeting\", default = \"Hello\" }\n")
        .file("tpl/README.md", "{{greeting}} from {{project-name}}\n");
    crate::scaffold::git(&test.dir().join("tpl"), &["init", "--quiet"]);
    crate::scaffold::git(&test.dir().join("tpl"), &["add", "--all"]);
    crate::scaffold::git(&test.dir().join("tpl"), &["commit", "--quiet", "--message", "v1"]);
    test.run_with(["scaffold", "./tpl", "proj", "--defaults", "--set", "greeting=Hi"]).code(0);
    assert_eq!(read(test.dir().join("proj/README.md")), "Hi from proj\n");
    std::fs::write(test.dir().join("tpl/README.md"), "{{greeting}} from {{project-name}}\n\nMore.\n").unwrap();
    std::fs::write(test.dir().join("tpl/NEW.md"), "new for {{crate_name}}\n").unwrap();
    crate::scaffold::git(&test.dir().join("tpl"), &["add", "--all"]);
    crate::scaffold::git(&test.dir().join("tpl"), &["commit", "--quiet", "--message", "v2"]);
    test.run_with(["scaffold", "--update", "proj"]).code(0);
    assert_eq!(read(test.dir().join("proj/README.md")), "Hi from proj\n\nMore.\n");
    assert_eq!(read(test.dir().join("proj/NEW.md")), "new for proj\n");
}

#[test]
fn cargo_generate_sub_templates_take_the_first_with_defaults_or_the_one_named() {
    let test = with_authors();
    let kinds = fixture_arg("cargo-generate/kinds");
    test.run_with(["scaffold", &kinds, "first-kind", "--defaults", "--set", "crate_type=lib"]).code(0);
    same_as_cargo_generate(&test.dir().join("first-kind"), "first-kind");
    test.run_with(["scaffold", &kinds, "named-kind", "--defaults", "--subdir", "bin"]).code(0);
    same_as_cargo_generate(&test.dir().join("named-kind"), "named-kind");
    test.run_with(["scaffold", &kinds, "unnamed"])
        .code(2)
        .stderr_has("the template holds several templates: lib, bin")
        .stderr_has("--subdir");
}

#[test]
fn a_cargo_generate_hook_or_filter_script_outside_the_template_is_refused() {
    let test = with_authors()
        .file("secret.rhai", "\"leaked\"")
        .file("tpl/cargo-generate.toml", "[hooks]\npre = [\"../secret.rhai\"]\n")
        .file("tpl/Cargo.toml", "[package]\nname = \"{{project-name}}\"\n")
        .file("filter/cargo-generate.toml", "[placeholders]\n")
        .file("filter/README.md", "{{ \"../secret.rhai\" | rhai }}\n");
    test.run_with(["scaffold", "./tpl", "out", "--defaults"])
        .code(2)
        .stderr_has("`../secret.rhai` is outside the template");
    assert!(!test.dir().join("out").exists());
    // A filter that fails leaves the text as it was, as in cargo-generate; the script is not read.
    test.run_with(["scaffold", "./filter", "out2", "--defaults"]).code(0).stderr_lacks("leaked");
    assert_eq!(read(test.dir().join("out2/README.md")), "{{ \"../secret.rhai\" | rhai }}\n");
}
