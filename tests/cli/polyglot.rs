//! The example plugins in JavaScript, Python, C and Zig (guest-plugins/examples/),
//! through their spec files and through the commands they serve.

use crate::support::{Test, polyglot_plugin, repo_root};

/// (component stem, source folder, role)
const EXAMPLES: [(&str, &str, &str); 4] = [
    ("js-detector", "js-detector", "detector"),
    ("py-lint", "py-lint", "lint-check"),
    ("reading-time", "c-reading-time", "site-step"),
    ("zig-helpers", "zig-helpers", "template-helper"),
];

#[test]
fn each_language_passes_its_spec() {
    for (stem, dir, role) in EXAMPLES {
        Test::new()
            .args(["plugins", "check"])
            .arg(polyglot_plugin(stem))
            .run()
            .code(0)
            .stdout_has(&format!("{role} for workbench:plugin@0.2.0"));
        Test::new()
            .args(["plugins", "test"])
            .arg(polyglot_plugin(stem))
            .arg(repo_root().join("guest-plugins/examples").join(dir).join("spec.toml"))
            .run()
            .code(0)
            .stdout_has(" 0 failed");
    }
}

#[test]
fn javascript_detector_reports_umami_and_its_website_id() {
    let run = Test::new()
        .plugin(polyglot_plugin("js-detector"))
        .file(
            "page.html",
            r#"<script defer src="https://umami.example.com/script.js" data-website-id="94db1cb1"></script>"#,
        )
        .args(["detect", "page.html", "--format", "json"])
        .run()
        .code(0);
    let document = run.json();
    let detections = document["targets"][0]["detections"].as_array().expect("detections");
    let umami = detections.iter().find(|d| d["service"] == "umami").unwrap_or_else(|| panic!("no umami\n{run}"));
    assert_eq!(umami["settings"][0]["value"], "94db1cb1", "{run}");
}

#[test]
fn python_lint_check_runs_in_workbench_lint() {
    Test::new()
        .plugin(polyglot_plugin("py-lint"))
        .file("pyproject.toml", "[project]\nname = \"x\"\n")
        .args(["lint"])
        .run()
        .code(0)
        .stdout_has("python/requires-python")
        .stdout_has("pyproject.toml:1:1");
}

#[test]
fn c_step_adds_reading_time_for_a_layout() {
    let test = Test::new()
        .plugin(polyglot_plugin("reading-time"))
        .file("site/post.md", "---\ntitle: Hi\n---\none two three four five\n")
        .file("layouts/page.html", "{{ title }}: {{ word_count }} words, {{ reading_minutes }} min")
        .file(
            "workbench.toml",
            "[site]\nsteps = [\"reading-time\", \"markdown\", { plugin = \"layouts\", options = { default = \"page.html\" } }]\n",
        )
        .args(["build"]);
    test.run().code(0);
    let page = std::fs::read_to_string(test.dir().join("build/post.html")).expect("build/post.html");
    assert_eq!(page.trim(), "Hi: 5 words, 1 min");
}

#[test]
fn zig_helpers_render_in_a_scaffolded_project() {
    let test = Test::new()
        .file("tpl/template.toml", "helpers = [\"zig-helpers.wasm\"]\n[[prompt]]\nname = \"title\"\n")
        .file("tpl/template/README.md", "{{slug title}}: {{plural 3 \"file\"}}, {{truncate title 6}}\n");
    std::fs::copy(polyglot_plugin("zig-helpers"), test.dir().join("tpl/zig-helpers.wasm")).expect("copy plugin");
    test.run_with(["scaffold", "tpl", "out", "--set", "title=Hello Zig World"]).code(0);
    let readme = std::fs::read_to_string(test.dir().join("out/README.md")).expect("out/README.md");
    assert_eq!(readme, "hello-zig-world: 3 files, Hello…\n");
}

#[test]
fn conformance_holds_in_every_language() {
    let mut test = Test::new().args(["plugins", "conformance"]);
    for (stem, _, _) in EXAMPLES {
        test = test.arg(polyglot_plugin(stem));
    }
    let rust = repo_root().join("build/plugins/text.wasm");
    let run = test.arg(rust).run().code(0).stdout_has(" 0 failed");
    // Each language's runtime is stopped by both limits, not merely fast enough to escape them.
    assert_eq!(run.stdout.matches("ok    sandbox: a 10 ms time limit stops a heavy call").count(), 5, "{run}");
    assert_eq!(run.stdout.matches("ok    sandbox: a 16 MiB memory limit stops a 64 MiB input").count(), 5, "{run}");
}

#[test]
fn conformance_names_each_broken_promise() {
    Test::new()
        .args(["plugins", "conformance"])
        .arg(crate::support::test_plugin("sloppy-lint"))
        .run()
        .code(1)
        .stdout_has(
            "FAIL  lint-check: an empty batch gives no diagnostics\n        it returned 1 diagnostic(s) for no files",
        )
        .stdout_has("rule `sloppy/undeclared` is not among describe()'s rules")
        .stdout_has("FAIL  lint-check: bytes that are not UTF-8 are answered\n        plugin `sloppy-lint` failed")
        .stdout_has("4 passed, 5 failed");
}
