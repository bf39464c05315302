//! copier templates against copier's own output: the trees in
//! tests/fixtures/scaffold/copier/expected were written by copier 9.19.1
//! (`regenerate.sh` there) from the template at `library`, named so.

use crate::scaffold::{copy_tree, fixture, git, read, same_tree, test};
use crate::support::Test;

/// A test with the fixture template at `library`, as copier was given it:
/// copier records the template as it was named (`_src_path: library`).
fn with_library() -> Test {
    let test = test();
    copy_tree(&fixture("copier/library"), &test.dir().join("library"));
    test
}

fn same_as_copier(test: &Test, name: &str) {
    same_tree(&test.dir().join(name), &fixture(&format!("copier/expected/{name}")), "copier", &[]);
}

#[test]
fn copier_template_renders_the_bytes_copier_wrote_with_every_default() {
    let test = with_library();
    test.run_with(["scaffold", "library", "defaults", "--defaults"])
        .code(0)
        .stderr_has("2 tasks in `_tasks` not run")
        .stderr_has("pass --trust")
        .stderr_has("Created My Library");
    same_as_copier(&test, "defaults");
    // git keeps no empty folder, so this one is checked by name: copier
    // makes `empty/` although its one file's name rendered empty.
    let empty = test.dir().join("defaults/empty");
    assert!(empty.is_dir() && std::fs::read_dir(&empty).unwrap().next().is_none(), "defaults/empty is an empty folder");
}

#[test]
fn copier_answers_and_tasks_with_trust_match_copier() {
    let test = with_library();
    test.run_with([
        "scaffold",
        "library",
        "answered",
        "--defaults",
        "--trust",
        "--set",
        "project_name=Data Tools",
        "--set",
        "licence=Apache-2.0",
        "--set",
        "with_docs=true",
        "--set",
        "python_versions=3.11",
        "--set",
        "port=9000",
        "--set",
        "features=[web]",
    ])
    .code(0)
    .stderr_lacks("not run")
    .stderr_has("Created Data Tools");
    same_as_copier(&test, "answered");
}

#[test]
fn a_copier_validator_message_stops_the_render() {
    let test = with_library();
    test.run_with(["scaffold", "library", "out", "--defaults", "--set", "slug=has spaces"])
        .code(2)
        .stderr_has("Validation error for question 'slug': no spaces in a slug")
        .stderr_has("help: give another answer");
    assert!(!test.dir().join("out").exists());
}

#[test]
fn copier_skip_if_exists_keeps_the_file_a_project_already_has() {
    let test = with_library();
    std::fs::create_dir_all(test.dir().join("out")).unwrap();
    std::fs::write(test.dir().join("out/notes.md"), "mine\n").unwrap();
    test.run_with(["scaffold", "library", "out", "--defaults", "--force"]).code(0);
    assert_eq!(read(test.dir().join("out/notes.md")), "mine\n");
    assert!(test.dir().join("out/README.md").is_file());
}

#[test]
fn copier_template_code_is_refused_by_name_and_bad_yaml_by_line() {
    let test = test();
    let template = test.dir().join("t");
    std::fs::create_dir_all(&template).unwrap();
    std::fs::write(template.join("a.txt.jinja"), "{{ name }}\n").unwrap();
    std::fs::write(template.join("copier.yml"), "_jinja_extensions:\n  - jinja2_time.TimeExtension\nname: x\n")
        .unwrap();
    test.run_with(["scaffold", "./t", "out", "--defaults"]).code(2).stderr_has("jinja2_time.TimeExtension");
    assert!(!test.dir().join("out").exists());

    std::fs::write(template.join("copier.yml"), "name: x\nage:\n  type: int\n  default: [\n").unwrap();
    test.run_with(["scaffold", "./t", "out", "--defaults"]).code(2).stderr_has("t/copier.yml:");
}

#[test]
fn a_copier_project_updates_from_copiers_answers_file_as_copier_update_does() {
    let test = test();
    let template = test.dir().join("tpl");
    copy_tree(&fixture("copier/versions/v1"), &template);
    git(&template, &["init", "-q", "-b", "main"]);
    git(&template, &["add", "--all"]);
    git(&template, &["commit", "-q", "-m", "v1"]);
    git(&template, &["tag", "v1"]);
    test.run_with(["scaffold", "tpl", "proj", "--defaults"]).code(0);
    let answers = read(test.dir().join("proj/.copier-answers.yml"));
    assert!(answers.contains("_commit: v1\n_src_path: tpl\n"), "{answers}");

    let edited =
        std::process::Command::new("sh").arg(fixture("copier/edit.sh")).arg(test.dir().join("proj")).status().unwrap();
    assert!(edited.success());
    git(&template, &["rm", "-q", "-r", "."]);
    copy_tree(&fixture("copier/versions/v2"), &template);
    git(&template, &["add", "--all"]);
    git(&template, &["commit", "-q", "-m", "v2"]);
    git(&template, &["tag", "v2"]);
    test.run_with(["scaffold", "--update", "proj", "--defaults"])
        .code(0)
        .stderr_has("removed old.txt")
        .stderr_has("merged README.md");
    same_tree(&test.dir().join("proj"), &fixture("copier/expected/updated"), "copier", &[]);
}

#[test]
fn a_copier_project_without_a_recorded_commit_cannot_update() {
    let test = with_library();
    test.run_with(["scaffold", "library", "proj", "--defaults"]).code(0);
    test.run_with(["scaffold", "--update", "proj"]).code(2).stderr_has("records no `_commit`");
}
