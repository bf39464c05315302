//! `workbench projects` and `workbench make` over generated monorepos.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::support::{Test, git};

/// A recipe that says which project ran, line by line, and records the
/// order projects ran in (in `$ORDER`).
fn recipe(name: &str) -> String {
    format!("test:\n\t@echo {name} 1\n\t@echo {name} 2\n\t@echo {name} >> $(ORDER)\n")
}

/// core <- ui <- web (package.json), core <- api (go.mod), core <- gen
/// (`$(MAKE) -C`, and gen has no `test`), solo alone.
fn monorepo() -> Test {
    let test = Test::new()
        .file("workbench.toml", "")
        .file(".gitignore", "order.log\n")
        .file("Makefile", "all:\n\t@echo the root is no project\n")
        .file("libs/core/Makefile", format!("build:\n\t@echo built\n{}", recipe("core")))
        .file("libs/core/Cargo.toml", "[package]\nname = \"core\"\n")
        .file("libs/ui/Makefile", recipe("ui"))
        .file("libs/ui/package.json", r#"{"name": "ui", "dependencies": {"core": "file:../core"}}"#)
        .file("apps/web/Makefile", recipe("web"))
        .file("apps/web/package.json", r#"{"name": "web", "dependencies": {"ui": "workspace:*"}}"#)
        .file("apps/api/Makefile", recipe("api"))
        .file("apps/api/go.mod", "module api\n\nreplace example.com/core => ../../libs/core\n")
        .file("tools/gen/Makefile", "build:\n\t$(MAKE) -C ../../libs/core build\n")
        .file("solo/Makefile", recipe("solo"));
    let order = test.dir().join("order.log");
    test.env("ORDER", order)
}

fn order(test: &Test) -> Vec<String> {
    std::fs::read_to_string(test.dir().join("order.log")).unwrap_or_default().lines().map(str::to_string).collect()
}

fn before(order: &[String], first: &str, then: &str) -> bool {
    let at = |name: &str| {
        order.iter().position(|ran| ran == name).unwrap_or_else(|| panic!("{name} did not run: {order:?}"))
    };
    at(first) < at(then)
}

fn results(run: &crate::support::Run) -> BTreeMap<String, String> {
    run.json()["projects"]
        .as_array()
        .expect("projects")
        .iter()
        .map(|project| (project["name"].as_str().unwrap().to_string(), project["result"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn projects_lists_targets_gaps_and_the_dependencies_manifests_state() {
    let run = monorepo().args(["projects", "--format", "json"]).run().code(0);
    let document = run.json();
    let projects = document["projects"].as_array().expect("projects");
    let names: Vec<&str> = projects.iter().map(|project| project["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["api", "web", "core", "ui", "solo", "gen"], "the root is no project\n{run}");
    let project = |name: &str| projects.iter().find(|project| project["name"] == name).unwrap().clone();
    let depends = |name: &str| -> Vec<String> {
        project(name)["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|dependency| {
                format!("{} ({})", dependency["name"].as_str().unwrap(), dependency["from"].as_str().unwrap())
            })
            .collect()
    };
    assert_eq!(depends("ui"), ["core (package.json)"]);
    assert_eq!(depends("web"), ["ui (package.json)"]);
    assert_eq!(depends("api"), ["core (go.mod)"]);
    assert_eq!(depends("gen"), ["core (Makefile)"]);
    assert!(depends("core").is_empty());
    assert_eq!(project("core")["targets"], serde_json::json!(["build", "test"]));
    assert!(project("gen")["missing"].as_array().unwrap().contains(&serde_json::json!("test")));
    monorepo().args(["projects"]).run().code(0).stdout_has("PROJECT").stdout_has("apps/web");
    monorepo().args(["projects", "--graph"]).run().code(0).stdout_has("web -> ui (package.json)");
    monorepo().args(["projects", "--graph", "--format", "dot"]).run().code(0).stdout_has("\"web\" -> \"ui\"");
}

#[test]
fn make_runs_each_project_after_what_it_depends_on() {
    let test = monorepo();
    let run = test.run_with(["make", "test", "-j", "4"]).code(0);
    let ran = order(&test);
    assert!(before(&ran, "core", "ui") && before(&ran, "ui", "web") && before(&ran, "core", "api"), "{ran:?}\n{run}");
    assert_eq!(ran.len(), 5, "{ran:?}");
    // Grouped: a project's lines stand together under its header.
    run.stdout_has("> ui: make test\nui 1\nui 2\n")
        .stdout_has("skipped: no `test` target")
        .stdout_has("5 ran: 5 ok, 0 failed; 1 skipped");
}

#[test]
fn named_projects_run_alone() {
    let test = monorepo();
    test.run_with(["make", "test", "web", "libs/core"]).code(0);
    let mut ran = order(&test);
    ran.sort();
    assert_eq!(ran, ["core", "web"], "only the named ones, not what web depends on");
    monorepo().args(["make", "test", "nope"]).run().code(2).stderr_has("no project `nope`").stderr_has("api, web");
}

#[test]
fn a_failure_skips_its_dependents_and_stops_the_rest_unless_keep_going() {
    let failing = || monorepo().file("libs/core/Makefile", "test:\n\t@echo core broke\n\t@exit 3\n");
    let test = failing();
    let run = test.run_with(["make", "test", "-j", "1", "--format", "json"]).code(1);
    let results = results(&run);
    assert_eq!(results["core"], "failed", "{run}");
    assert_eq!(results["solo"], "skipped", "not started after the failure\n{run}");
    assert!(order(&test).is_empty(), "{:?}", order(&test));

    let test = failing();
    let run = test.run_with(["make", "test", "-j", "1", "--keep-going"]).code(1);
    assert_eq!(order(&test), ["solo"], "{run}");
    run.stdout_has("core broke").stdout_has("failed (exit 2)").stdout_has("skipped: needs core, which did not succeed");
}

#[test]
fn a_dependency_cycle_is_refused_naming_it() {
    monorepo()
        .file("workbench.toml", "[projects.dependencies]\ncore = [\"web\"]\n")
        .args(["make", "test"])
        .run()
        .code(2)
        .stderr_has("in a cycle: core -> web -> ui -> core")
        .stderr_has("core -> web (workbench.toml)");
}

#[test]
fn changed_selects_what_a_change_reaches() {
    let test =
        monorepo().file("README.md", "docs\n").file("libs/ui/style.css", "a {}\n").file("apps/api/main.go", "x\n");
    git(test.dir(), &["init", "-q"]);
    git(test.dir(), &["add", "."]);
    git(test.dir(), &["commit", "-q", "-m", "first"]);
    let selected = |test: &Test| -> Vec<String> {
        let run = test.run_with(["make", "test", "--changed", "--format", "json"]).code(0);
        results(&run).into_iter().filter(|(_, result)| result == "ok").map(|(name, _)| name).collect()
    };
    assert!(selected(&test).is_empty(), "nothing changed");
    std::fs::write(test.dir().join("libs/ui/style.css"), "b {}\n").unwrap();
    assert_eq!(selected(&test), ["ui", "web"], "a change reaches the dependents");
    std::fs::write(test.dir().join("apps/api/new.go"), "untracked\n").unwrap();
    assert_eq!(selected(&test), ["api", "ui", "web"], "untracked files count");
    git(test.dir(), &["add", "."]);
    git(test.dir(), &["commit", "-q", "-m", "second"]);
    git(test.dir(), &["mv", "apps/api/main.go", "solo/main.go"]);
    assert_eq!(selected(&test), ["api", "solo"], "a rename touches both sides");
    git(test.dir(), &["commit", "-q", "-m", "third"]);
    std::fs::remove_file(test.dir().join("libs/core/Cargo.toml")).unwrap();
    assert_eq!(selected(&test), ["api", "core", "ui", "web"], "a deletion counts");
    git(test.dir(), &["commit", "-q", "-am", "fourth"]);
    std::fs::write(test.dir().join("README.md"), "more docs\n").unwrap();
    assert_eq!(selected(&test).len(), 5, "a change outside every project selects all");
    std::fs::write(test.dir().join("workbench.toml"), "[projects]\nignore-changes = [\"*.md\", \"workbench.toml\"]\n")
        .unwrap();
    assert!(selected(&test).is_empty(), "unless ignore-changes covers it");
}

#[test]
fn ctrl_c_stops_every_child_and_leaves_nothing_running() {
    use rustix::process::{Pid, Signal, kill_process, test_kill_process};
    let test = Test::new().file("slow/Makefile", "test:\n\t@sleep 60 & echo $$! > pid; wait\n");
    let mut child = test.command_for(&["make", "test"]).stdout(std::process::Stdio::null()).spawn().expect("start");
    let pid_file = test.dir().join("slow/pid");
    let sleeper = poll(Duration::from_secs(20), || {
        std::fs::read_to_string(&pid_file).ok().and_then(|text| text.trim().parse::<i32>().ok()).and_then(Pid::from_raw)
    })
    .expect("the recipe started");
    let workbench = Pid::from_raw(i32::try_from(child.id()).unwrap()).unwrap();
    kill_process(workbench, Signal::INT).expect("send Ctrl-C");
    let status = poll(Duration::from_secs(20), || child.try_wait().ok().flatten()).expect("workbench stopped");
    assert_eq!(status.code(), Some(1));
    let gone = poll(Duration::from_secs(20), || test_kill_process(sleeper).is_err().then_some(()));
    assert!(gone.is_some(), "the recipe's child is still running");
}

/// Polls `check` until it gives a value or `limit` passes.
fn poll<T>(limit: Duration, mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    loop {
        if let Some(value) = check() {
            return Some(value);
        }
        if start.elapsed() > limit {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn excluded_directories_and_broken_manifests_do_not_stop_the_listing() {
    let run = monorepo()
        .file("workbench.toml", "[projects]\nexclude = [\"tools/**\"]\n")
        .file("libs/ui/package.json", "{\"name\": {{name}}}")
        .args(["projects", "--format", "json"])
        .run()
        .code(0)
        .stderr_has("libs/ui/package.json:1:")
        .stderr_has("its dependencies are not counted");
    let document = run.json();
    let names: Vec<&str> =
        document["projects"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["api", "web", "core", "ui", "solo"], "tools/gen is excluded with tools itself\n{run}");
}
