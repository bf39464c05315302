//! cookiecutter templates against cookiecutter's own output: the trees in
//! tests/fixtures/scaffold/cookiecutter/expected were written by
//! cookiecutter 2.7.1 (`regenerate.sh` there).

use std::path::Path;

use crate::scaffold::{fixture, fixture_arg, read, same_tree, test};

fn same_as_cookiecutter(ours: &Path, name: &str) {
    same_tree(ours, &fixture(&format!("cookiecutter/expected/{name}")), "cookiecutter", &[".workbench-answers.toml"]);
}

#[test]
fn cookiecutter_template_renders_the_bytes_cookiecutter_wrote_with_every_default() {
    let test = test();
    test.run_with(["scaffold", &fixture_arg("cookiecutter/package"), "my_package", "--defaults"])
        .code(0)
        .stderr_has("hooks/pre_gen_project.py not run: a hook is code from the template's author; pass --trust")
        .stderr_has("hooks/post_gen_project.py not run");
    same_as_cookiecutter(&test.dir().join("my_package"), "defaults/my_package");
    let answers = read(test.dir().join("my_package/.workbench-answers.toml"));
    assert!(answers.contains("project_slug = \"my_package\""), "{answers}");
    assert!(
        !answers.contains("__module") && !answers.contains("trusted"),
        "settings and trust are not answers: {answers}"
    );
}

#[test]
fn cookiecutter_answers_and_hooks_with_trust_match_cookiecutter() {
    let test = test();
    test.run_with([
        "scaffold",
        &fixture_arg("cookiecutter/package"),
        "data_tools_kit",
        "--trust",
        "--defaults",
        "--set",
        "project_name=Data-Tools Kit",
        "--set",
        "author=Zoë Ørsted",
        "--set",
        "licence=none",
        "--set",
        "use_docs=yes",
        "--set",
        "python=3.11",
        "--set",
        "version=1.2.0",
    ])
    .code(0)
    .stderr_lacks("not run");
    same_as_cookiecutter(&test.dir().join("data_tools_kit"), "answered/data_tools_kit");
    assert!(read(test.dir().join("data_tools_kit/.workbench-answers.toml")).contains("trusted = true"));
}

#[test]
fn cookiecutter_whitespace_settings_and_newlines_match_cookiecutter() {
    let test = test();
    test.run_with(["scaffold", &fixture_arg("cookiecutter/trimmed"), "trim", "--defaults"]).code(0);
    same_as_cookiecutter(&test.dir().join("trim"), "trimmed/trim");
}

#[test]
fn a_failing_hook_stops_the_run_and_leaves_no_project() {
    let test = test();
    test.run_with([
        "scaffold",
        &fixture_arg("cookiecutter/package"),
        "nine",
        "--trust",
        "--defaults",
        "--set",
        "project_name=9 lives",
    ])
    .code(2)
    .stderr_has("'9_lives' is not a Python module name")
    .stderr_has("hooks/pre_gen_project.py failed (exit status 1)");
    assert!(!test.dir().join("nine").exists());
}

#[test]
fn a_cookiecutter_replay_file_is_a_values_file() {
    let test = test();
    let replay = serde_json::json!({
        "cookiecutter": {"project_name": "Replayed", "licence": "BSD-3-Clause", "use_ci": false, "_template": "x"},
        "_cookiecutter": {"project_name": "My Package"}
    });
    std::fs::write(test.dir().join("replay.json"), replay.to_string()).unwrap();
    test.run_with(["scaffold", &fixture_arg("cookiecutter/package"), "out", "--values", "replay.json", "--defaults"])
        .code(0)
        .stderr_lacks("asks no");
    let licence = read(test.dir().join("out/LICENSE"));
    assert!(licence.contains("BSD-3-Clause licence."), "{licence}");
    assert!(read(test.dir().join("out/README.md")).contains("No CI."));
    assert!(test.dir().join("out/replayed/__init__.py").is_file());
}

#[test]
fn cookiecutter_errors_name_the_file_and_what_to_do() {
    let test = test();
    let template = test.dir().join("t");
    std::fs::create_dir_all(template.join("{{cookiecutter.name}}")).unwrap();
    std::fs::write(template.join("{{cookiecutter.name}}/a.txt"), "{{ cookiecutter.nmae }}\n").unwrap();
    std::fs::write(template.join("cookiecutter.json"), r#"{"name": "x"}"#).unwrap();
    test.run_with(["scaffold", "./t", "out", "--defaults"])
        .code(2)
        .stderr_has("{{cookiecutter.name}}/a.txt:1: a value it uses is undefined")
        .stderr_has("help: fix the template there");
    assert!(!test.dir().join("out").exists());

    std::fs::write(template.join("cookiecutter.json"), r#"{"name": "x", "_extensions": ["local.Shout"]}"#).unwrap();
    test.run_with(["scaffold", "./t", "out", "--defaults"])
        .code(2)
        .stderr_has("`local.Shout`, a Python Jinja extension");

    std::fs::write(template.join("cookiecutter.json"), "{\"name\": \"x\",\n}").unwrap();
    test.run_with(["scaffold", "./t", "out", "--defaults"]).code(2).stderr_has("t/cookiecutter.json:2:");
}
