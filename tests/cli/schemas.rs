//! Every `--format json` document, from real runs, against its published
//! schema in docs/schemas (documented in docs/json.md).

use std::io::{BufRead as _, BufReader};

use serde_json::Value;

use crate::support::{Run, Test, repo_root, schema_violations, test_plugin, test_spec};

fn valid(schema: &str, document: &Value, run: &dyn std::fmt::Display) {
    let path = format!("docs/schemas/{schema}.v1.json");
    let errors = schema_violations(&path, document);
    assert!(errors.is_empty(), "{schema}: output does not match {path}:\n{}\n{run}", errors.join("\n"));
}

fn check(schema: &str, run: &Run) {
    valid(schema, &run.json(), run);
}

#[test]
fn lint_detect_make_and_projects_documents_match_their_schemas() {
    let test = Test::new()
        .file("notes.txt", "hello  \nno newline")
        .file("workbench.toml", "[projects]\n")
        .file("ok/Makefile", "test:\n\t@echo fine\n")
        .file("bad/Makefile", "test:\n\t@exit 3\n")
        .file("dep/Makefile", "test:\n\t@true\n")
        .file("dep/package.json", r#"{"name": "dep", "dependencies": {"bad": "file:../bad"}}"#)
        .file("bad/package.json", r#"{"name": "bad"}"#);
    let lint = test.run_with(["lint", "--format", "json"]).code(0);
    check("lint", &lint);
    // The check has teeth.
    let mut broken = lint.json();
    broken["summary"]["errors"] = serde_json::json!(-1);
    assert!(!schema_violations("docs/schemas/lint.v1.json", &broken).is_empty());

    check("make", &test.run_with(["make", "test", "--format", "json"]).code(1));
    check("projects", &test.run_with(["projects", "--format", "json"]).code(0));

    let pages = repo_root().join("tests/fixtures/detect/pages");
    let page = pages.join("ads-and-social.html").display().to_string();
    let missing = test.dir().join("missing.html").display().to_string();
    let detect = test.run_with(["detect", &page, &missing, "--format", "json"]);
    check("detect", &detect);
    let found = detect.json()["targets"].as_array().map_or(0, Vec::len);
    assert_eq!(found, 2, "a found page and a failed one: {detect}");
    let lines = test.run_with(["detect", &page, &missing, "--format", "ndjson"]);
    for line in lines.stdout.lines() {
        valid("detect-line", &serde_json::from_str(line).expect("a JSON line"), &lines);
    }
}

#[test]
fn plugins_documents_match_their_schemas() {
    let test = Test::new().plugin(test_plugin("test-lint"));
    check("plugins-list", &test.run_with(["plugins", "list", "--format", "json"]).code(0));
    check("plugins-info", &test.run_args(&args(&test, &["plugins", "info", "test-lint", "--format", "json"])).code(0));
    check("plugins-info", &test.run_with(["plugins", "info", "services", "--format", "json"]).code(0));
    let plugin = test_plugin("test-lint").display().to_string();
    let spec = test_spec("test-lint").display().to_string();
    let run = test.run_with(["plugins", "test", &plugin, &spec, "--format", "json"]).code(0);
    check("plugins-test", &run);
    assert!(run.json()["cases"].as_array().is_some_and(|cases| cases.iter().all(|case| case["result"] == "passed")));
    let missing = test.dir().join("missing.wasm").display().to_string();
    let checked = test.run_with(["plugins", "check", &plugin, &missing, "--format", "json"]).code(3);
    check("plugins-check", &checked);
    assert_eq!(checked.json()["plugins"][1]["ok"], false, "{checked}");
    let conformance = test.run_with(["plugins", "conformance", &plugin, "--format", "json"]).code(0);
    check("plugins-conformance", &conformance);
}

fn args(test: &Test, words: &[&str]) -> Vec<String> {
    test.builder_args().iter().cloned().chain(words.iter().map(ToString::to_string)).collect()
}

#[test]
fn build_scaffold_and_serve_documents_match_their_schemas() {
    let test = Test::new().copy_from_repo("examples/site", "site");
    let build = test.run_with(["build", "site", "--check", "--format", "json"]).code(0);
    check("build", &build);
    assert!(
        build.json()["links"]["links"].as_u64().is_some_and(|links| links > 100),
        "the example's links were checked"
    );
    assert!(build.json()["files"].as_array().is_some_and(|files| files.iter().any(|file| file == "index.html")));
    check("build", &test.run_with(["build", "site", "--dry-run", "--format", "json"]).code(0));
    // A failed build is a document too, with the error, and the same exit code.
    let broken = Test::new().file("workbench.toml", "[site]\nsteps = [\"no-such-step\"]\n").file("site/a.md", "# A\n");
    let failed = broken.run_with(["build", "--format", "json"]).code(2);
    check("build", &failed);
    assert_eq!(failed.json()["ok"], false);
    let dangling =
        Test::new().file("workbench.toml", "[site]\nsteps = [\"markdown\"]\n").file("site/a.md", "[x](/nowhere/)\n");
    let unchecked = dangling.run_with(["build", "--check", "--format", "json"]).code(1);
    check("build", &unchecked);
    assert_eq!(unchecked.json()["links"]["broken"][0]["target"], "/nowhere/");

    let listed = test.run_with(["scaffold", "--list", "--format", "json"]).code(0);
    check("scaffold-list", &listed);
    let template = repo_root().join("templates/site").display().to_string();
    check("scaffold", &test.run_with(["scaffold", &template, "new-site", "--defaults", "--format", "json"]).code(0));

    let mut serve = test
        .command_for(&["serve", "site", "--port", "0", "--format", "json"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start serve");
    let mut lines = BufReader::new(serve.stdout.take().expect("piped stdout")).lines();
    let mut next = || -> Value { serde_json::from_str(&lines.next().expect("a line").expect("read")).expect("JSON") };
    let first = next();
    valid("serve-line", &first, &first);
    assert_eq!(first["trigger"], "start");
    let index = test.dir().join("site/site/index.md");
    let text = std::fs::read_to_string(&index).unwrap();
    std::fs::write(&index, format!("{text}\nChanged.\n")).unwrap();
    let second = next();
    valid("serve-line", &second, &second);
    assert!(second["trigger"].as_str().is_some_and(|why| why.starts_with("changed")), "{second}");
    let _ = serve.kill();
    let _ = serve.wait();
}
