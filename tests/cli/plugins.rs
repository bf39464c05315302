use crate::support::{Test, test_plugin, test_spec};

/// (plugin name, which is also its component's file stem; role)
const ROLES: [(&str, &str); 4] = [
    ("test-detector", "detector"),
    ("test-helper", "template-helper"),
    ("test-lint", "lint-check"),
    ("test-step", "site-step"),
];

#[test]
fn version_matches_the_package() {
    Test::new().args(["--version"]).run().code(0).stdout_has(&format!("workbench {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn list_shows_every_role_with_its_wit_version() {
    let mut test = Test::new();
    for (name, _) in ROLES {
        test = test.plugin(test_plugin(name));
    }
    let run = test.args(["plugins", "list", "--format", "json"]).run().code(0);
    let document = run.json();
    let plugins = document["plugins"].as_array().expect("plugins array");
    for (name, role) in ROLES {
        let plugin = plugins.iter().find(|p| p["name"] == name).unwrap_or_else(|| panic!("{name} missing\n{run}"));
        assert_eq!(plugin["roles"], serde_json::json!([role]), "{run}");
        assert_eq!(plugin["wit"], "0.2.0");
    }
}

#[test]
fn each_role_runs_its_spec_end_to_end() {
    for (name, _) in ROLES {
        Test::new()
            .args(["plugins", "test"])
            .arg(test_plugin(name))
            .arg(test_spec(name))
            .run()
            .code(0)
            .stdout_has(" passed, 0 failed");
    }
}

#[test]
fn info_lists_what_each_role_offers() {
    Test::new()
        .plugin(test_plugin("test-lint"))
        .args(["plugins", "info", "test-lint"])
        .run()
        .code(0)
        .stdout_has("test/trailing-space")
        .stdout_has("(fixable)")
        .stdout_has("wit:      workbench:plugin@0.2.0");
    Test::new()
        .plugin(test_plugin("test-detector"))
        .args(["plugins", "info", "test-detector"])
        .run()
        .code(0)
        .stdout_has("example-analytics")
        .stdout_has("[site-id]");
    Test::new()
        .plugin(test_plugin("test-step"))
        .args(["plugins", "info", "test-step", "--format", "json"])
        .run()
        .code(0)
        .stdout_has("\"per-file\": true");
    Test::new()
        .plugin(test_plugin("test-helper"))
        .args(["plugins", "info", "test-helper"])
        .run()
        .code(0)
        .stdout_has("slug");
}

#[test]
fn info_on_an_unknown_name_lists_the_known_ones() {
    Test::new()
        .plugin(test_plugin("test-lint"))
        .args(["plugins", "info", "nope"])
        .run()
        .code(2)
        .stderr_has("error: no plugin named `nope`")
        .stderr_has("help: known plugins: ")
        .stderr_has("test-lint");
}

#[test]
fn plugins_come_from_config_and_environment_too() {
    let dir = test_plugin("test-lint").parent().expect("plugin dir").to_path_buf();
    let config = format!("[plugins]\npaths = [{:?}]\n", test_plugin("test-step").display().to_string());
    Test::new()
        .file("workbench.toml", config)
        .env("WORKBENCH_PLUGIN_PATH", &dir)
        .args(["plugins", "list"])
        .run()
        .code(0)
        .stdout_has("test-step")
        .stdout_has("test-lint")
        .stdout_has("hostile");
}

#[test]
fn check_validates_without_running() {
    Test::new()
        .args(["plugins", "check"])
        .arg(test_plugin("test-lint"))
        .arg(test_plugin("hostile-lint"))
        .run()
        .code(0)
        .stdout_has("lint-check for workbench:plugin@0.2.0");
}

#[test]
fn a_failing_expectation_shows_where_and_exits_1() {
    let spec = "[[case]]\nname = \"wrong line\"\nfiles = [{ path = \"a.txt\", contents = \"x \\n\" }]\n[case.expect]\ndiagnostics = [{ span = { line = 9 } }]\n";
    Test::new()
        .file("spec.toml", spec)
        .args(["plugins", "test"])
        .arg(test_plugin("test-lint"))
        .args(["spec.toml"])
        .run()
        .code(1)
        .stdout_has("FAIL  spec.toml › wrong line")
        .stdout_has("diagnostics[0].span.line: expected 9, got 1")
        .stdout_has("0 passed, 1 failed");
}

#[test]
fn core_plugins_pass_their_specs() {
    let root = crate::support::repo_root();
    let mut tested = 0;
    let dirs = ["guest-plugins/lint", "guest-plugins/detect", "guest-plugins/site"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(root.join(dir)).expect("plugin directory"))
        .map(|entry| entry.expect("entry").path());
    for dir in dirs {
        let spec = dir.join("spec.toml");
        if !spec.is_file() || !dir.join("Cargo.toml").is_file() {
            continue;
        }
        let name = dir.file_name().expect("name").to_string_lossy().into_owned();
        let wasm = root.join("build/plugins").join(format!("{name}.wasm"));
        assert!(wasm.is_file(), "{} is missing: run `make plugins`", wasm.display());
        Test::new().args(["plugins", "test"]).arg(&wasm).arg(&spec).run().code(0).stdout_has(" passed, 0 failed");
        tested += 1;
    }
    assert!(tested >= 18, "only {tested} core plugin specs found");
}

#[test]
fn the_text_plugin_is_bundled() {
    Test::new().args(["plugins", "list"]).run().code(0).stdout_has("text").stdout_has("bundled (text)");
}

/// Version skew (issue 8): a plugin built against workbench:plugin@0.2.1,
/// which adds a function, loads in this 0.2.0 host beside plugins built
/// against 0.2.0, and both run in one command.
#[test]
fn a_plugin_for_a_newer_minor_wit_runs_beside_older_plugins() {
    let skewed = || {
        Test::new()
            .plugin(test_plugin("skew-minor"))
            .plugin(test_plugin("test-lint"))
            .file("empty.txt", "")
            .file("spaced.txt", "x \n")
    };
    let listed = skewed().args(["plugins", "list"]).run().code(0);
    let row = listed.stdout.lines().find(|line| line.starts_with("skew-minor ")).map(str::split_whitespace);
    assert_eq!(
        row.map(|cells| cells.take(4).collect::<Vec<_>>()),
        Some(vec!["skew-minor", "0.1.0", "lint-check", "0.2.1"]),
        "{listed}"
    );
    skewed()
        .args(["lint"])
        .run()
        .code(0)
        .stdout_has("warning[skew/empty-file]: this file is empty")
        .stdout_has("warning[test/trailing-space]");
}

#[test]
fn a_plugin_for_the_next_major_wit_is_refused_saying_which_side_to_upgrade() {
    Test::new()
        .args(["plugins", "check"])
        .arg(crate::support::repo_root().join("build/refused-plugins/skew-major.wasm"))
        .run()
        .code(3)
        .stdout_has("was built for workbench:plugin@1.0.0, but this workbench speaks workbench:plugin@0.2.x or 0.1.x")
        .stdout_has("upgrade workbench to a version that speaks it");
}

/// Version skew: a plugin built for workbench:plugin@0.1.0 (the frozen
/// wit/v0.1.0, with wit-bindgen and no SDK) plays every role in this 0.2
/// host, its 0.1 strings read as 0.2's detector cases.
#[test]
fn a_plugin_built_for_wit_0_1_passes_its_spec_in_every_role() {
    let specs = crate::support::repo_root().join("guest-plugins/tests/wit-0-1/specs");
    let mut test = Test::new().args(["plugins", "test"]).arg(test_plugin("wit-0-1"));
    for role in ["detector", "lint-check", "site-step", "template-helper"] {
        test = test.arg(specs.join(format!("{role}.toml")));
    }
    test.run().code(0).stdout_has("4 passed, 0 failed");
    let run = Test::new().plugin(test_plugin("wit-0-1")).args(["plugins", "list", "--format", "json"]).run().code(0);
    let document = run.json();
    let plugin = document["plugins"].as_array().and_then(|all| all.iter().find(|p| p["name"] == "wit-0-1")).cloned();
    let plugin = plugin.unwrap_or_else(|| panic!("wit-0-1 missing\n{run}"));
    assert_eq!(plugin["wit"], "0.1.0");
    assert_eq!(plugin["roles"], serde_json::json!(["detector", "site-step", "template-helper", "lint-check"]));
}

#[test]
fn a_wit_0_1_plugin_detects_and_lints_beside_0_2_plugins() {
    let page = r#"<script src="https://cdn.example/old-widget.js" data-widget-id="w-1"></script>
<script src="https://www.googletagmanager.com/gtag/js?id=G-ABC123"></script>"#;
    let run = Test::new()
        .plugin(test_plugin("wit-0-1"))
        .file("page.html", page)
        .args(["detect", "--format", "json", "page.html"])
        .run()
        .code(0);
    let detections = run.json()["targets"][0]["detections"].clone();
    let service = |id: &str| {
        detections
            .as_array()
            .and_then(|all| all.iter().find(|detection| detection["service"] == id))
            .unwrap_or_else(|| panic!("{id} not found\n{run}"))
            .clone()
    };
    assert_eq!(service("old-widget")["category"], "chat");
    assert_eq!(service("old-widget")["settings"][0]["evidence"]["source"], "other");
    assert_eq!(service("google-analytics-4")["category"], "analytics");
    Test::new()
        .plugin(test_plugin("wit-0-1"))
        .plugin(test_plugin("test-lint"))
        .file("notes.txt", "TODO \n")
        .args(["lint"])
        .run()
        .code(0)
        .stdout_has("warning[wit-0-1/todo]: a TODO is left in")
        .stdout_has("warning[test/trailing-space]");
}
