//! Plugins from anywhere: `plugins add|remove|update|fetch|push`, the lock,
//! the content-addressed cache, `--locked` and `--offline`, against a real
//! OCI registry, a loopback HTTP server and `file://` git repositories.

use std::path::Path;

use crate::loopback::Server;
use crate::registry::Registry;
use crate::support::{Test, git, sha256_hex, test_plugin};

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref()).unwrap_or_default()
}

/// Every downloaded component in a test's cache.
fn stored(test: &Test) -> Vec<String> {
    let dir = test.cache_dir().join("components/sha256");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

/// A repository with a file for test-lint's rule to find.
fn repo() -> Test {
    Test::new().file("notes.txt", "trailing \n").file("workbench.toml", "# the team's config\n")
}

#[test]
fn a_pushed_component_is_added_pinned_and_linted_with_by_a_fresh_clone_without_the_registry() {
    let mut registry = Registry::start();
    let publisher = Test::new();
    let reference = registry.reference("team/test-lint:1.0.0");
    let pushed =
        publisher.run_with(["plugins", "push", test_plugin("test-lint").to_str().unwrap(), &reference]).code(0);
    assert!(pushed.stdout.trim().starts_with(&format!("oci://{}/team/test-lint@sha256:", registry.host)), "{pushed}");

    let first = repo();
    first
        .run_with(["plugins", "add", &reference])
        .code(0)
        .stderr_has("added `test-lint` (lint-check for workbench:plugin@");
    let config = read(first.dir().join("workbench.toml"));
    assert!(config.starts_with("# the team's config\n"), "{config}");
    assert!(config.contains(&format!("[plugins.sources]\ntest-lint = \"{reference}\"")), "{config}");
    let lock = read(first.dir().join("workbench.lock"));
    let digest = format!("sha256:{}", sha256_hex(&test_plugin("test-lint")));
    assert!(lock.contains(&format!("digest = \"{digest}\"")), "{lock}");
    assert!(lock.contains("roles = [\"lint-check\"]"), "{lock}");
    assert!(lock.contains(&format!("resolved = \"oci://{}/team/test-lint@sha256:", registry.host)), "{lock}");
    first.run_with(["lint"]).code(0).stdout_has("warning[test/trailing-space]");

    // A fresh clone: the same two files, the machine's cache, no registry.
    registry.stop();
    let clone = Test::new()
        .with_cache_of(&first)
        .file("notes.txt", "trailing \n")
        .file("workbench.toml", config)
        .file("workbench.lock", &lock);
    clone.run_with(["lint", "--locked"]).code(0).stdout_has("warning[test/trailing-space]");
    assert_eq!(read(clone.dir().join("workbench.lock")), lock, "--locked leaves the lock as it was");

    // A machine whose cache lacks it: --locked and --offline say so, and what to run.
    let bare = Test::new()
        .file("notes.txt", "trailing \n")
        .file("workbench.toml", read(first.dir().join("workbench.toml")))
        .file("workbench.lock", &lock);
    bare.run_with(["lint", "--locked"]).code(2).stderr_has("not in the cache").stderr_has("workbench plugins fetch");
    bare.run_with(["lint", "--offline"])
        .code(2)
        .stderr_has("--offline: this pinned plugin is not in the cache")
        .stderr_has("test-lint (oci://");
    // Without the flags it would fetch: with the registry down, it says so.
    bare.run_with(["lint"]).code(2).stderr_has("plugin `test-lint`").stderr_has("--offline");
    registry.restart();
    bare.run_with(["plugins", "fetch", "--locked"]).code(0).stderr_has("1 pinned plugin is in the cache");
    registry.stop();
    bare.run_with(["lint", "--locked"]).code(0).stdout_has("warning[test/trailing-space]");
    assert_eq!(stored(&bare), [format!("{}.wasm", &digest["sha256:".len()..])]);
}

#[test]
fn a_package_name_resolves_through_registries_to_the_highest_release() {
    let registry = Registry::start();
    let publisher = Test::new();
    for tag in ["0.9.0", "1.2.0", "1.10.0-rc.1"] {
        let target = registry.reference(&format!("acme/test-lint:{tag}"));
        publisher.run_with(["plugins", "push", test_plugin("test-lint").to_str().unwrap(), &target]).code(0);
    }
    let test = Test::new().file("workbench.toml", format!("[registries]\nacme = \"{}\"\n", registry.host));
    test.run_with(["plugins", "add", "acme:test-lint"]).code(0);
    let lock = read(test.dir().join("workbench.lock"));
    assert!(lock.contains("source = \"acme:test-lint\""), "{lock}");
    assert!(lock.contains(&format!("resolved = \"oci://{}/acme/test-lint@sha256:", registry.host)), "{lock}");
    test.run_with(["plugins", "add", "acme:nothing@1.0.0", "--name", "other"])
        .code(2)
        .stderr_has("plugin `other` from acme:nothing@1.0.0");
    Test::new()
        .run_with(["plugins", "add", "nowhere:test-lint@1.0.0"])
        .code(2)
        .stderr_has("add `nowhere = \"HOST/PATH\"` under [registries]");
}

#[test]
fn what_a_registry_serves_that_is_no_component_is_refused_and_nothing_is_kept() {
    let registry = Registry::start();
    // A wasm layer whose bytes are no component, pushed the registry's own way.
    let not_a_component = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(not_a_component.path(), b"\0asm\x01\0\0\0").unwrap();
    let target = format!("{}/team/broken:1.0.0", registry.host);
    let bytes = std::fs::read(not_a_component.path()).unwrap();
    workbench::packages::oci::push(
        &target,
        bytes,
        &workbench::packages::oci::Described::Component { exports: &[], imports: &[] },
        "2026-01-01T00:00:00Z",
        &workbench::packages::oci::Auth(None),
    )
    .expect("push raw bytes");
    let test = repo();
    let before = read(test.dir().join("workbench.toml"));
    test.run_with(["plugins", "add", &format!("oci://{target}")]).code(2).stderr_has("plugin `broken` from oci://");
    assert_eq!(read(test.dir().join("workbench.toml")), before);
    assert!(!test.dir().join("workbench.lock").exists());
    assert!(stored(&test).is_empty(), "{:?}", stored(&test));
    // `push` itself checks what it publishes.
    test.run_with(["plugins", "push", not_a_component.path().to_str().unwrap(), &format!("oci://{target}")])
        .code(2)
        .stderr_has("push only what `workbench plugins check` accepts");
    // A registry that is down, with the way forward.
    let down = Test::new();
    down.run_with(["plugins", "add", "oci://127.0.0.1:9/team/x:1.0.0"]).code(2).stderr_has("--offline");
}

#[test]
fn an_https_download_is_checked_against_its_digest_before_anything_keeps_it() {
    let server = Server::start();
    let component = std::fs::read(test_plugin("test-lint")).unwrap();
    let url = server.serve_file("test-lint.wasm", component);
    let good = sha256_hex(&test_plugin("test-lint"));
    let wrong = "0".repeat(64);
    let test = repo();
    let before = read(test.dir().join("workbench.toml"));
    test.run_with(["plugins", "add", &format!("{url}#sha256={wrong}")])
        .code(2)
        .stderr_has(&format!("its SHA-256 is {good}, not the expected {wrong}"));
    assert_eq!(read(test.dir().join("workbench.toml")), before);
    assert!(!test.dir().join("workbench.lock").exists() && stored(&test).is_empty());
    test.run_with(["plugins", "add", &url]).code(2).stderr_has("has no SHA-256");
    test.run_with(["plugins", "add", &format!("{}#sha256={good}", server.url("/cut"))]).code(2).stderr_has("cut short");
    test.run_with(["plugins", "add", &format!("{}#sha256={good}", server.url("/loop"))])
        .code(2)
        .stderr_has("redirect loop");
    std::fs::write(test.dir().join("workbench.toml"), "[plugins]\nmax-download-mib = 1\n").unwrap();
    test.run_with(["plugins", "add", &format!("{}#sha256={good}", server.url("/endless"))])
        .code(2)
        .stderr_has("over the download limit of 1 MiB");
    assert!(stored(&test).is_empty(), "{:?}", stored(&test));
    test.run_with(["plugins", "add", &url, "--sha256", &good, "--name", "trailing"]).code(0);
    test.run_with(["lint"]).code(0).stdout_has("warning[test/trailing-space]");
    // Plain HTTP leaves this machine never.
    test.run_with(["plugins", "add", &format!("http://example.com/x.wasm#sha256={good}")])
        .code(2)
        .stderr_has("plain HTTP");
}

#[test]
fn a_component_in_a_git_repository_is_pinned_by_commit() {
    let origin = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(origin.path().join("build")).unwrap();
    std::fs::copy(test_plugin("test-lint"), origin.path().join("build/lint.wasm")).unwrap();
    git(origin.path(), &["init", "-q"]);
    git(origin.path(), &["checkout", "-q", "-b", "release"]);
    git(origin.path(), &["add", "."]);
    git(origin.path(), &["commit", "-q", "-m", "release 1"]);
    let url = format!("file://{}", origin.path().display());
    let test = repo();
    test.run_with(["plugins", "add", &url, "--path", "build/lint.wasm"]).code(0);
    let lock = read(test.dir().join("workbench.lock"));
    assert!(lock.contains(&format!("source = \"git+{url}#HEAD:build/lint.wasm\"")), "{lock}");
    let commit = String::from_utf8(
        std::process::Command::new("git")
            .args(["rev-parse", "HEAD"])
            .current_dir(origin.path())
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(lock.contains(&format!("resolved = \"git+{url}#{}:build/lint.wasm\"", commit.trim())), "{lock}");
    test.run_with(["plugins", "add", &format!("git+{url}#release:missing.wasm"), "--name", "gone"])
        .code(2)
        .stderr_has("there is no `missing.wasm` at commit");
    test.run_with(["lint"]).code(0).stdout_has("warning[test/trailing-space]");
}

#[test]
fn the_lock_and_the_config_must_agree_under_locked_and_are_brought_together_without_it() {
    let test = repo();
    let plugin = test_plugin("test-lint");
    std::fs::copy(&plugin, test.dir().join("mine.wasm")).unwrap();
    test.run_with(["plugins", "add", "mine.wasm"]).code(0);
    let lock = read(test.dir().join("workbench.lock"));
    assert!(lock.contains("source = \"mine.wasm\"") && !lock.contains("digest"), "{lock}");
    // Added by hand to workbench.toml, not yet pinned.
    std::fs::copy(&plugin, test.dir().join("theirs.wasm")).unwrap();
    let config = read(test.dir().join("workbench.toml")) + "theirs = \"theirs.wasm\"\n";
    std::fs::write(test.dir().join("workbench.toml"), &config).unwrap();
    test.run_with(["lint", "--locked"])
        .code(2)
        .stderr_has("disagree about theirs")
        .stderr_has("workbench plugins update");
    assert_eq!(read(test.dir().join("workbench.lock")), lock);
    test.run_with(["lint"]).code(0);
    assert!(read(test.dir().join("workbench.lock")).contains("name = \"theirs\""));
    // The same name from a second source.
    test.run_with(["plugins", "add", "theirs.wasm", "--name", "mine"])
        .code(2)
        .stderr_has("`mine` is already added from mine.wasm");
    // A lock edited into nonsense.
    std::fs::write(test.dir().join("workbench.lock"), "version = 1\n[[plugin]]\nname = \"mine\"\nsource = 7\n")
        .unwrap();
    test.run_with(["lint"]).code(2).stderr_has("workbench.lock:4:").stderr_has("restore it from version control");
    std::fs::write(test.dir().join("workbench.lock"), &lock).unwrap();
    test.run_with(["plugins", "remove", "theirs"]).code(0);
    test.run_with(["plugins", "remove", "theirs"]).code(2).stderr_has("added plugins: mine");
    assert!(!read(test.dir().join("workbench.toml")).contains("theirs"));
}

#[test]
fn a_component_for_a_wit_major_this_workbench_cannot_speak_is_refused_at_add() {
    let test = Test::new();
    std::fs::copy(
        crate::support::repo_root().join("build/refused-plugins/skew-major.wasm"),
        test.dir().join("skew.wasm"),
    )
    .unwrap();
    test.run_with(["plugins", "add", "skew.wasm"]).code(2).stderr_has("plugin `skew` from skew.wasm");
    assert!(!test.dir().join("workbench.toml").exists());
}

#[test]
fn prune_removes_downloads_no_lock_here_pins() {
    let server = Server::start();
    let url = server.serve_file("a.wasm", std::fs::read(test_plugin("test-lint")).unwrap());
    let sha = sha256_hex(&test_plugin("test-lint"));
    let test = repo();
    test.run_with(["plugins", "add", &format!("{url}#sha256={sha}")]).code(0);
    test.run_with(["cache", "prune", "--older-than", "0"]).code(0).stderr_has("removed 0 downloaded plugins");
    test.run_with(["plugins", "remove", "a"]).code(0);
    test.run_with(["cache", "prune", "--older-than", "0"]).code(0).stderr_has("removed 1 downloaded plugin ");
    assert!(stored(&test).is_empty());
}

/// The whole way a team shares a plugin, from an empty folder outside
/// this checkout (slow: compiles a component): `init`, scaffold the
/// built-in plugin-rust template, build it, push it to a registry; add it
/// in a second repository and commit the lock; a fresh clone of that runs
/// `lint --locked` on the very bytes that were pushed, with the registry
/// gone.
#[test]
fn a_plugin_scaffolded_outside_the_checkout_travels_through_a_registry_to_a_fresh_clone() {
    let mut registry = Registry::start();
    let author = Test::new();
    author.run_with(["init"]).code(0).stderr_has("wrote workbench.toml").stderr_has("next: ");
    author.run_with(["scaffold", "--list"]).code(0).stdout_has("plugin-rust");
    let sdk = format!("sdk={}", crate::support::repo_root().join("guest-plugins/sdk").display());
    author
        .run_with(["scaffold", "plugin-rust", "my-check", "--defaults", "--set", "role=lint-check", "--set", &sdk])
        .code(0);
    let project = author.dir().join("my-check");
    std::fs::copy(crate::support::repo_root().join("guest-plugins/Cargo.lock"), project.join("Cargo.lock")).unwrap();
    let built = std::process::Command::new("make")
        .arg("build")
        .current_dir(&project)
        .env("CARGO_TARGET_DIR", crate::support::repo_root().join("guest-plugins/target"))
        .output()
        .expect("run make");
    assert!(built.status.success(), "make build failed: {}", String::from_utf8_lossy(&built.stderr));
    let component = project.join("build/my-check.wasm");
    let reference = registry.reference("team/my-check:0.1.0");
    author.run_with(["plugins", "push", component.to_str().unwrap(), &reference]).code(0);

    let team = Test::new().file("README.md", "TODO: write this\n");
    git(team.dir(), &["init", "-q"]);
    team.run_with(["plugins", "add", &reference]).code(0);
    git(team.dir(), &["add", "README.md", "workbench.toml", "workbench.lock"]);
    git(team.dir(), &["commit", "-q", "-m", "use my-check"]);
    let lock = read(team.dir().join("workbench.lock"));
    assert!(lock.contains(&format!("digest = \"sha256:{}\"", sha256_hex(&component))), "{lock}");

    registry.stop();
    let clone = Test::new().with_cache_of(&team);
    git(clone.dir(), &["clone", "-q", team.dir().to_str().unwrap(), "."]);
    clone.run_with(["lint", "--locked"]).code(0).stdout_has("my-check/todo-owner");
}

#[test]
fn the_built_in_rust_template_depends_on_the_sdk_by_git_outside_a_checkout() {
    let test = Test::new();
    test.run_with(["scaffold", "plugin-rust", "p", "--defaults"]).code(0);
    let manifest = read(test.dir().join("p/Cargo.toml"));
    assert!(manifest.contains("workbench-plugin = { git = \""), "{manifest}");
    assert!(manifest.contains(&format!("tag = \"v{}\"", env!("CARGO_PKG_VERSION"))), "{manifest}");
    let answers = read(test.dir().join("p/.workbench-answers.toml"));
    assert!(answers.contains("source = \"builtin:plugin-rust\""), "{answers}");
    // `[scaffold] sdk` overrides it.
    let test = Test::new().file("workbench.toml", "[scaffold]\nsdk = \"vendor/sdk\"\n");
    test.run_with(["scaffold", "plugin-rust", "p", "--defaults"]).code(0);
    let manifest = read(test.dir().join("p/Cargo.toml"));
    assert!(manifest.contains("workbench-plugin = { path = \"/"), "{manifest}");
    assert!(manifest.contains("vendor/sdk\" }"), "{manifest}");
}

#[test]
fn a_plugin_template_in_another_language_gets_the_wit_package_from_workbench_outside_a_checkout() {
    let test = Test::new();
    test.run_with(["scaffold", "plugin-c", "p", "--defaults"]).code(0);
    let project = test.dir().join("p");
    let makefile = read(project.join("Makefile"));
    assert!(makefile.contains("WIT         ?= wit\n"), "{makefile}");
    let made = std::process::Command::new("make")
        .arg("wit/types.wit")
        .arg(format!("WORKBENCH={}", env!("CARGO_BIN_EXE_workbench")))
        .current_dir(&project)
        .output()
        .expect("run make");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let repo_wit = crate::support::repo_root().join("wit");
    assert_eq!(read(project.join("wit/types.wit")), read(repo_wit.join("types.wit")));
    assert_eq!(read(project.join("wit/lint-check.wit")), read(repo_wit.join("lint-check.wit")));
    // A file of the user's is never replaced unasked.
    std::fs::write(project.join("wit/types.wit"), "// mine\n").unwrap();
    test.run_with(["plugins", "wit", "p/wit"]).code(2).stderr_has("differs").stderr_has("--force");
    assert_eq!(read(project.join("wit/types.wit")), "// mine\n");
    test.run_with(["plugins", "wit", "p/wit", "--force"]).code(0).stderr_has("wrote 1 of the");
    assert_eq!(read(project.join("wit/types.wit")), read(repo_wit.join("types.wit")));
}

#[test]
fn update_pins_what_a_moved_tag_names_now_and_says_what_changed() {
    let registry = Registry::start();
    let reference = registry.reference("team/check:stable");
    let publisher = Test::new();
    publisher.run_with(["plugins", "push", test_plugin("test-lint").to_str().unwrap(), &reference]).code(0);
    let test = repo();
    test.run_with(["plugins", "add", &reference, "--name", "check"]).code(0);
    let before = format!("sha256:{}", sha256_hex(&test_plugin("test-lint")));
    test.run_with(["plugins", "update"]).code(0).stderr_has(&format!("`check` is up to date ({before})"));
    // The tag moves to another component.
    publisher.run_with(["plugins", "push", test_plugin("sloppy-lint").to_str().unwrap(), &reference]).code(0);
    let after = format!("sha256:{}", sha256_hex(&test_plugin("sloppy-lint")));
    test.run_with(["plugins", "update", "check"]).code(0).stderr_has(&format!("`check`: {before} -> {after}"));
    assert!(read(test.dir().join("workbench.lock")).contains(&format!("digest = \"{after}\"")));
    test.run_with(["plugins", "update", "nothing"]).code(2).stderr_has("no plugin `nothing`");
    test.run_with(["plugins", "update", "--locked"]).code(2).stderr_has("--locked");
}
