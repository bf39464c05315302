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

/// The projects that ran (sorted) when `args` ran now; order.log emptied
/// first.
fn ran_now(test: &Test, args: &[&str]) -> Vec<String> {
    let _ = std::fs::remove_file(test.dir().join("order.log"));
    let args: Vec<String> = args.iter().map(ToString::to_string).collect();
    let run = test.run_args(&args);
    assert!(run.code == 0 || run.code == 1, "{run}");
    let mut ran = order(test);
    ran.sort();
    ran
}

#[test]
fn the_cache_skips_what_succeeded_and_any_change_to_an_input_reruns_it() {
    let mut test = monorepo()
        .file("workbench.toml", "[projects.cache]\nenabled = true\nenv = [\"MODE\"]\n")
        .file("common.mk", "FLAGS = 1\n")
        .file("solo/.gitignore", "*.log\n")
        .file("solo/data.txt", "one\n");
    let all = ["api", "core", "solo", "ui", "web"];
    let make = ["make", "test"];
    assert_eq!(ran_now(&test, &make), all, "the first run runs everything");
    std::fs::remove_file(test.dir().join("order.log")).unwrap();
    let run = test.run_with(["make", "test"]).code(0);
    assert!(order(&test).is_empty(), "{run}");
    run.stdout_has("> ui: make test (cached)\nui 1\nui 2\n").stdout_has("0 ran: 0 ok, 0 failed; 5 cached; 1 skipped");
    let dir = test.dir().to_path_buf();
    let write = |path: &str, text: &str| std::fs::write(dir.join(path), text).unwrap();

    write("libs/core/lib.rs", "fn main() {}\n");
    assert_eq!(ran_now(&test, &make), ["api", "core", "ui", "web"], "a new file reruns it and its dependents");
    write("libs/core/lib.rs", "fn main() { }\n");
    assert_eq!(ran_now(&test, &make), ["api", "core", "ui", "web"], "an edit");
    std::fs::rename(test.dir().join("solo/data.txt"), test.dir().join("solo/renamed.txt")).unwrap();
    assert_eq!(ran_now(&test, &make), ["solo"], "a rename, contents unchanged");
    std::fs::remove_file(test.dir().join("solo/renamed.txt")).unwrap();
    assert_eq!(ran_now(&test, &make), ["solo"], "a deletion");
    write("solo/run.sh", "#!/bin/sh\n");
    assert_eq!(ran_now(&test, &make), ["solo"], "an untracked file");
    std::fs::set_permissions(test.dir().join("solo/run.sh"), std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .unwrap();
    assert_eq!(ran_now(&test, &make), ["solo"], "the executable bit");
    write("solo/debug.log", "ignored\n");
    assert!(ran_now(&test, &make).is_empty(), "a file .gitignore leaves out is no input");
    write("common.mk", "FLAGS = 2\n");
    assert_eq!(ran_now(&test, &make), all, "a file outside every project");
    test.set_env("MODE", "fast");
    assert_eq!(ran_now(&test, &make), all, "a declared variable");
    test.set_env("UNDECLARED", "x");
    assert!(ran_now(&test, &make).is_empty(), "a variable not declared is no input");
    test.set_env("MAKEFLAGS", "-j2 --jobserver-auth=3,4");
    assert!(ran_now(&test, &make).is_empty(), "make's job server is no input");
    test.set_env("MAKEFLAGS", "-- VERBOSE=1");
    assert_eq!(ran_now(&test, &make), all, "a variable passed to make");
    assert_eq!(ran_now(&test, &["make", "test", "--no-cache"]), all, "--no-cache runs everything");
    // Another target has entries of its own: lint never ran.
    write("solo/Makefile", &format!("{}lint:\n\t@echo solo >> $(ORDER)\n", recipe("solo")));
    assert_eq!(ran_now(&test, &make), ["solo"]);
    assert_eq!(ran_now(&test, &["make", "lint"]), ["solo"], "lint has not run before");
    assert!(ran_now(&test, &["make", "lint"]).is_empty());
    // A failure is never remembered.
    write("solo/Makefile", "test:\n\t@echo solo >> $(ORDER)\n\t@exit 1\n");
    assert_eq!(ran_now(&test, &["make", "test", "solo"]), ["solo"]);
    assert_eq!(ran_now(&test, &["make", "test", "solo"]), ["solo"], "a failure runs again");
}

#[test]
fn a_target_with_declared_outputs_is_skipped_only_while_they_are_intact() {
    let test = Test::new()
        .file("workbench.toml", "[projects.cache]\nenabled = true\n[projects.cache.outputs]\nbuild = [\"dist/**\"]\n")
        .file("app/.gitignore", "dist/\n")
        .file("app/Makefile", "build:\n\t@mkdir -p dist && echo built > dist/out.txt && echo ran >> ../order.log\n")
        .file("other/Makefile", "build:\n\t@echo other\nclean:\n\t@echo cleaned\n");
    let ran = |test: &Test| {
        let _ = std::fs::remove_file(test.dir().join("order.log"));
        test.run_with(["make", "build", "app"]).code(0);
        std::fs::read_to_string(test.dir().join("order.log")).is_ok()
    };
    assert!(ran(&test), "the first run");
    assert!(!ran(&test), "outputs intact: cached");
    std::fs::write(test.dir().join("app/dist/out.txt"), "tampered\n").unwrap();
    assert!(ran(&test), "an output changed");
    std::fs::remove_dir_all(test.dir().join("app/dist")).unwrap();
    assert!(ran(&test), "the outputs are gone");
    assert!(!ran(&test));
    // A target neither listed nor with outputs is never cached, and asking
    // for the cache by flag says so.
    for _ in 0..2 {
        test.run_with(["make", "clean", "other", "--cache"])
            .code(0)
            .stdout_has("cleaned")
            .stdout_lacks("(cached)")
            .stderr_has("`clean` is not cached: list it in [projects.cache] targets");
    }
}

#[test]
fn ci_formats_junit_github_and_shards() {
    let failing = monorepo().file("solo/Makefile", "test:\n\t@echo 'solo <broke> & \x1b[31mred\x1b[0m'\n\t@exit 3\n");
    let run = failing.run_with(["make", "test", "--keep-going", "--format", "junit"]).code(1);
    let head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"workbench make test\" tests=\"6\" failures=\"1\" errors=\"0\" skipped=\"1\"";
    assert!(run.stdout.starts_with(head), "{run}");
    run.stdout_has("<testsuite name=\"solo\" tests=\"1\" failures=\"1\"")
        // `make` or `make[1]`, as make is run under make or not.
        .stdout_has("<failure message=\"make test exited with 2\">solo &lt;broke&gt; &amp; red\nmake")
        .stdout_has(": *** [Makefile:3: test] Error 3\n</failure>")
        .stdout_has("<testcase name=\"make test\" classname=\"tools/gen\" time=\"0.000\">\n      <skipped message=\"no `test` target\"/>");

    let run = failing.run_with(["make", "test", "--keep-going", "--format", "github"]).code(1);
    run.stdout_has("::group::> solo: make test\n")
        .stdout_has("::endgroup::\n")
        .stdout_has("::error file=solo/Makefile,title=make test failed in solo::solo: failed (exit 2)");

    let shard = |index: &str| -> Vec<String> {
        let run = monorepo().run_with(["make", "test", "--shard", index, "--format", "json"]).code(0);
        results(&run).into_keys().collect()
    };
    let (first, second) = (shard("1/2"), shard("2/2"));
    assert_eq!(first, ["api", "core", "solo"], "every other project in path order");
    assert_eq!(second, ["gen", "ui", "web"]);
    monorepo().args(["make", "test", "--shard", "3/2"]).run().code(2).stderr_has("write I/N with 1 <= I <= N");
}
