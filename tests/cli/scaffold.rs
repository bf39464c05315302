//! `workbench scaffold`: Khaos templates against Khaos's own output, native
//! templates, answers from every source, safety, git sources and update.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{Test, repo_root, test_plugin};

/// 2026-03-04T05:06:07Z, the time the Khaos reference renders were made at.
pub const EPOCH: &str = "1772600767";

pub fn fixture(path: &str) -> PathBuf {
    repo_root().join("tests/fixtures/scaffold").join(path)
}

pub fn fixture_arg(path: &str) -> String {
    fixture(path).display().to_string()
}

/// Every file under `dir`, by relative path, with its bytes.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walk(dir)
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            (relative, std::fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().is_some_and(|name| name == ".git") {
                continue;
            }
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// workbench's project at `ours` holds exactly the files `tool` wrote at
/// `theirs_dir`, byte for byte and with the same executable bits; `ignore`
/// names workbench's own files, which the tool does not write.
pub fn same_tree(ours: &Path, theirs_dir: &Path, tool: &str, ignore: &[&str]) {
    use std::os::unix::fs::PermissionsExt as _;
    let mut files = tree(ours);
    files.retain(|(path, _)| !ignore.contains(&path.as_str()));
    let theirs = tree(theirs_dir);
    let paths = |files: &[(String, Vec<u8>)]| files.iter().map(|(path, _)| path.clone()).collect::<Vec<_>>();
    assert_eq!(paths(&files), paths(&theirs), "{}: the same files as {tool}'s", theirs_dir.display());
    for ((path, ours_bytes), (_, theirs_bytes)) in files.iter().zip(&theirs) {
        assert!(
            ours_bytes == theirs_bytes,
            "{path} differs from {tool}'s:\n--- ours\n{}\n--- {tool}\n{}",
            String::from_utf8_lossy(ours_bytes),
            String::from_utf8_lossy(theirs_bytes)
        );
        let executable = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o111 != 0;
        assert_eq!(executable(&ours.join(path)), executable(&theirs_dir.join(path)), "{path}: executable bit");
    }
}

pub fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref()).unwrap_or_else(|error| panic!("{}: {error}", path.as_ref().display()))
}

/// A test whose git identity is known and whose clock is fixed.
pub fn test() -> Test {
    let test = Test::new();
    let home = test.dir().join("home");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(home.join(".gitconfig"), "[user]\n\tname = Ada Lovelace\n\temail = ada@example.com\n").unwrap();
    test.env("HOME", &home).env("XDG_CONFIG_HOME", home.join(".config")).env("SOURCE_DATE_EPOCH", EPOCH)
}

pub fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .expect("run git");
    assert!(status.success(), "git {args:?} failed in {}", dir.display());
}

pub fn copy_tree(from: &Path, to: &Path) {
    for path in walk(from) {
        let target = to.join(path.strip_prefix(from).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&path, &target).unwrap();
    }
}

// --- Khaos ---

#[test]
fn khaos_template_renders_the_bytes_khaos_wrote() {
    let test = test();
    for name in ["my-lib", "other-lib"] {
        test.run_with([
            "scaffold",
            &fixture_arg("khaos/library"),
            name,
            "--values",
            &fixture_arg(&format!("khaos/{name}.toml")),
        ])
        .code(0)
        .stderr_has(&format!("created {}", test.dir().join(name).display()));
        let mut ours = tree(&test.dir().join(name));
        ours.retain(|(path, _)| path != ".workbench-answers.toml");
        let khaos = tree(&fixture(&format!("khaos/expected/{name}")));
        let paths = |files: &[(String, Vec<u8>)]| files.iter().map(|(path, _)| path.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&ours), paths(&khaos), "{name}: the same files");
        for ((path, ours), (_, theirs)) in ours.iter().zip(&khaos) {
            assert!(ours == theirs, "{name}/{path} differs from Khaos:\n{}", String::from_utf8_lossy(ours));
        }
    }
}

#[test]
fn khaos_questions_come_in_order_and_all_missing_ones_are_listed() {
    test()
        .run_with(["scaffold", &fixture_arg("khaos/library"), "out"])
        .code(2)
        .stderr_has("6 questions were not answered")
        .stderr_has("name (text)")
        .stderr_has("description (text): one line")
        .stderr_has("node (yes/no): Publish to npm?")
        .stderr_has("--defaults");
    let run = test().run_with(["scaffold", &fixture_arg("khaos/library"), "out"]);
    let order: Vec<&str> =
        run.stderr.lines().filter_map(|line| line.trim().split(' ').next()).filter(|w| !w.is_empty()).collect();
    let position = |name: &str| order.iter().position(|word| *word == name).unwrap();
    assert!(position("name") < position("description") && position("description") < position("owner"), "{run}");
}

// --- native ---

fn tool(test: &Test, extra: &[&str]) -> crate::support::Run {
    let mut args = vec!["scaffold".to_string(), fixture_arg("native/tool"), "out".into()];
    args.extend(extra.iter().map(ToString::to_string));
    test.run_args(&args)
}

#[test]
fn native_template_renders_typed_answers_conditions_and_literal_braces() {
    let test = test();
    tool(&test, &["--defaults", "--set", "name=my-tool", "--set", "features=json,cache"]).code(0);
    let out = test.dir().join("out");
    assert_eq!(
        read(out.join("Makefile")),
        "NAME := my-tool\nPORT := 8080\n\n.PHONY: build\n\nbuild:\n\t@echo $(NAME)\n"
    );
    assert_eq!(
        read(out.join(".github/workflows/ci.yml")).lines().last().unwrap(),
        "      - run: echo \"${{ github.sha }}\" ${{ runner.os }}"
    );
    assert!(read(out.join(".github/workflows/ci.yml")).contains("runs-on: ubuntu-latest"));
    assert_eq!(read(out.join("src/main.rs")), "fn main() {\n    my_tool::run();\n}\n");
    assert_eq!(read(out.join("my-tool.toml")), "name = \"my-tool\"\nauthor = \"Ada Lovelace <ada@example.com>\"\n");
    let readme = read(out.join("README.md"));
    assert!(readme.contains("Features: json cache\n"), "{readme}");
    assert!(readme.contains("JSON output is on."), "{readme}");
    assert!(readme.contains("on 2026-03-04 (2026)"), "{readme}");
    // Copied untouched: a `copy` glob, and a binary file.
    let template = fixture("native/tool/template");
    assert_eq!(
        std::fs::read(out.join("assets/logo.svg")).unwrap(),
        std::fs::read(template.join("assets/logo.svg")).unwrap()
    );
    assert_eq!(
        std::fs::read(out.join("assets/raw.bin")).unwrap(),
        std::fs::read(template.join("assets/raw.bin")).unwrap()
    );
    assert!(!out.join("notes.orig").exists(), "excluded by a glob");
    let answers = read(out.join(".workbench-answers.toml"));
    assert!(
        answers.contains("name = \"my-tool\"") && answers.contains("features = [\"json\", \"cache\"]"),
        "{answers}"
    );
}

#[test]
fn conditional_prompts_and_files_drop_out() {
    let test = test();
    tool(&test, &["--defaults", "--set", "name=x", "--set", "ci=no", "--set", "kind=lib"]).code(0);
    let out = test.dir().join("out");
    assert!(!out.join(".github").exists());
    assert!(!out.join("src/main.rs").exists());
    assert!(out.join("src/lib.rs").exists());
    assert!(!read(out.join(".workbench-answers.toml")).contains("ci_os"), "a question not asked has no answer");
}

#[test]
fn values_from_flags_and_files_are_validated_like_typed_ones() {
    tool(&test(), &["--defaults", "--set", "name=Bad Name"])
        .code(2)
        .stderr_has("--set name=Bad Name: `Bad Name` does not match the pattern")
        .stderr_has("help: `name` wants text matching");
    tool(&test(), &["--defaults", "--set", "name=x", "--set", "port=eighty"])
        .code(2)
        .stderr_has("`eighty` is not an integer");
    tool(&test(), &["--defaults", "--set", "name=x", "--set", "kind=app"])
        .code(2)
        .stderr_has("`app` is not one of cli, lib");
    tool(&test(), &["--defaults", "--set", "nmae=x"]).code(2).stderr_has("the template asks no `nmae`");
    let test = test().file("values.json", r#"{"name": "ok", "port": "80x"}"#);
    tool(&test, &["--defaults", "--values", "values.json"])
        .code(2)
        .stderr_has("values.json: `port`: `80x` is not an integer");
    assert!(!test.dir().join("out").exists(), "nothing written");
}

#[test]
fn without_a_terminal_every_missing_answer_is_listed() {
    tool(&test(), &[])
        .code(2)
        .stderr_has("7 questions were not answered (there is no terminal to ask on)")
        .stderr_has("name (text): the tool's name")
        .stderr_has("port (integer), has a default");
    // --defaults fills all but the one without a default.
    tool(&test(), &["--defaults"]).code(2).stderr_has("1 question was not answered").stderr_has("name (text)");
}

#[test]
fn an_answers_file_is_a_values_file_for_the_next_project() {
    let test = test();
    tool(&test, &["--defaults", "--set", "name=first", "--set", "port=9000"]).code(0);
    test.run_with(["scaffold", &fixture_arg("native/tool"), "again", "--values", "out/.workbench-answers.toml"])
        .code(0);
    assert_eq!(read(test.dir().join("out/Makefile")), read(test.dir().join("again/Makefile")));
}

// --- safety ---

#[test]
fn an_existing_folder_with_files_is_refused_and_force_deletes_nothing() {
    let test = test().file("out/keep.txt", "mine").file("out/Makefile", "my makefile");
    // Refused before any question is asked (none of them is answered here).
    tool(&test, &[]).code(2).stderr_has("already exists and is not empty").stderr_lacks("not answered");
    tool(&test, &["--defaults", "--set", "name=x"])
        .code(2)
        .stderr_has("already exists and is not empty")
        .stderr_has("--force");
    assert_eq!(read(test.dir().join("out/Makefile")), "my makefile");
    tool(&test, &["--defaults", "--set", "name=x", "--force"]).code(0).stderr_has("replaced Makefile");
    assert_eq!(read(test.dir().join("out/keep.txt")), "mine");
    assert!(read(test.dir().join("out/Makefile")).starts_with("NAME := x"));
    // An empty folder is fine without --force.
    let test = self::test();
    std::fs::create_dir(test.dir().join("out")).unwrap();
    tool(&test, &["--defaults", "--set", "name=y"]).code(0);
}

#[test]
fn a_rendered_path_that_escapes_the_destination_is_refused() {
    for dir in ["../../outside", "/tmp/abs", "a/../../b"] {
        let test = test();
        test.run_with(["scaffold", &fixture_arg("native/escape"), "out", "--set", &format!("dir={dir}")])
            .code(2)
            .stderr_has("which ")
            .stderr_has("must stay inside the destination");
        assert!(!test.dir().join("out").exists());
        assert!(!test.dir().parent().unwrap().join("outside").exists());
    }
    let test = test();
    test.run_with(["scaffold", &fixture_arg("native/escape"), "out", "--set", "dir=a/./b"]).code(0);
    assert_eq!(read(test.dir().join("out/a/b/x.txt")), "inside\n");
}

#[test]
fn a_template_link_pointing_outside_is_refused() {
    let test = test().file("secret.txt", "secret").file("t/template.toml", "").file("t/template/ok.txt", "ok");
    std::os::unix::fs::symlink(test.dir().join("secret.txt"), test.dir().join("t/template/leak.txt")).unwrap();
    test.run_with(["scaffold", "./t", "out"]).code(2).stderr_has("points outside the template");
    assert!(!test.dir().join("out").exists());
}

#[test]
fn no_staging_folder_is_left_behind_on_failure() {
    let test = test().file("t/template.toml", "").file("t/template/bad.txt", "{{#if}}");
    test.run_with(["scaffold", "./t", "out"]).code(2).stderr_has("t/template/bad.txt");
    let left: Vec<_> = std::fs::read_dir(test.dir()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.iter().all(|name| !name.to_string_lossy().starts_with(".workbench-scaffold")), "{left:?}");
}

// --- sources ---

#[test]
fn list_shows_templates_with_descriptions() {
    let test = test();
    copy_tree(&fixture("native/tool"), &test.dir().join("templates/tool"));
    copy_tree(&fixture("khaos/library"), &test.dir().join("templates/library"));
    test.run_with(["scaffold", "--list"])
        .code(0)
        .stdout_has(&format!("\ntool{}Fixture: every native feature at once\n", " ".repeat(11)))
        .stdout_has("library")
        .stdout_has(&format!("\nplugin-rust{}A workbench plugin in Rust", " ".repeat(4)))
        .stdout_has("(built in)");
    test.run_with(["scaffold", "tool", "out", "--defaults", "--set", "name=named"]).code(0);
    test.run_with(["scaffold", "nope", "out2"])
        .code(2)
        .stderr_has("no template named `nope` (known: library, plugin-c, plugin-js, plugin-python, plugin-rust, plugin-zig, service, site, tool)");
}

#[test]
fn git_url_with_a_tag_renders_that_version_and_git_makes_a_repository() {
    let test = test();
    let repo = test.dir().join("repo");
    copy_tree(&fixture("native/escape"), &repo);
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "v1"]);
    git(&repo, &["tag", "v1"]);
    std::fs::write(repo.join("template/{{dir}}/x.txt"), "changed\n").unwrap();
    git(&repo, &["commit", "-q", "-am", "v2"]);
    let url = format!("file://{}", repo.display());
    test.run_with(["scaffold", &format!("{url}#v1"), "old", "--set", "dir=d", "--git"]).code(0);
    assert_eq!(read(test.dir().join("old/d/x.txt")), "inside\n");
    let log =
        Command::new("git").args(["log", "--format=%an %s"]).current_dir(test.dir().join("old")).output().unwrap();
    assert!(String::from_utf8_lossy(&log.stdout).starts_with("Ada Lovelace Initial commit from template"), "{log:?}");
    test.run_with(["scaffold", &url, "new", "--set", "dir=d"]).code(0);
    assert_eq!(read(test.dir().join("new/d/x.txt")), "changed\n");
    test.run_with(["scaffold", &format!("{url}#nope"), "bad", "--set", "dir=d"])
        .code(2)
        .stderr_has("no branch, tag or commit `nope`");
}

// --- update ---

#[test]
fn update_merges_template_changes_with_user_edits() {
    let test = test();
    let repo = test.dir().join("repo");
    let files = repo.join("tpl/template");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(repo.join("tpl/template.toml"), "[[prompt]]\nname = \"name\"\n").unwrap();
    std::fs::write(files.join("a.txt"), "1 {{name}}\n2\n3\n4\n5\n").unwrap();
    std::fs::write(files.join("b.txt"), "shared line\n").unwrap();
    std::fs::write(files.join("c.txt"), "unchanged by you\n").unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "v1"]);
    test.run_with(["scaffold", "./repo/tpl", "proj", "--set", "name=p"]).code(0);
    let proj = test.dir().join("proj");
    assert!(read(proj.join(".workbench-answers.toml")).contains("commit = "));
    // The user edits a (line 1) and b; the template changes a (line 5), b, c, adds d.
    std::fs::write(proj.join("a.txt"), "1 p, edited\n2\n3\n4\n5\n").unwrap();
    std::fs::write(proj.join("b.txt"), "my line\n").unwrap();
    std::fs::write(files.join("a.txt"), "1 {{name}}\n2\n3\n4\n5 new\n").unwrap();
    std::fs::write(files.join("b.txt"), "their line\n").unwrap();
    std::fs::write(files.join("c.txt"), "changed by the template\n").unwrap();
    std::fs::write(files.join("d.txt"), "new file for {{name}}\n").unwrap();
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "v2"]);
    test.run_with(["scaffold", "--update", "proj"])
        .code(1)
        .stderr_has("merged a.txt")
        .stderr_has("CONFLICT (markers written) b.txt")
        .stderr_has("updated c.txt")
        .stderr_has("added d.txt")
        .stderr_has("1 file changed by both you and the template: b.txt");
    assert_eq!(read(proj.join("a.txt")), "1 p, edited\n2\n3\n4\n5 new\n");
    let b = read(proj.join("b.txt"));
    assert!(b.contains("<<<<<<< yours\nmy line\n=======\ntheir line\n>>>>>>> template (new)"), "{b}");
    assert_eq!(read(proj.join("c.txt")), "changed by the template\n");
    assert_eq!(read(proj.join("d.txt")), "new file for p\n");
    // The answers file now points at v2: a second update has nothing to do.
    std::fs::write(proj.join("b.txt"), "resolved\n").unwrap();
    test.run_with(["scaffold", "--update", "proj"]).code(0).stderr_has("is up to date");
    assert_eq!(read(proj.join("b.txt")), "resolved\n");
}

#[test]
fn update_without_a_recorded_commit_says_why() {
    let test = test().file("t/template.toml", "").file("t/template/a.txt", "a");
    test.run_with(["scaffold", "./t", "proj"]).code(0);
    test.run_with(["scaffold", "--update", "proj"]).code(2).stderr_has("records no template commit");
    test.run_with(["scaffold", "--update", "t"])
        .code(2)
        .stderr_has("--update works on a folder made by `workbench scaffold`");
}

// --- helper plugins ---

#[test]
fn a_template_helper_plugin_computes_values_in_the_sandbox() {
    let test = test()
        .file(
            "t/template.toml",
            "helpers = [\"helpers/strings.wasm\"]\n[[prompt]]\nname = \"title\"\n[[prompt]]\nname = \"file\"\ndefault = \"{{slug title}}\"\n",
        )
        .file("t/template/{{file}}.txt", "{{upper title}}\n");
    std::fs::create_dir_all(test.dir().join("t/helpers")).unwrap();
    std::fs::copy(test_plugin("test-helper"), test.dir().join("t/helpers/strings.wasm")).unwrap();
    test.run_with(["scaffold", "./t", "out", "--defaults", "--set", "title=Hello, World"]).code(0);
    assert_eq!(read(test.dir().join("out/hello-world.txt")), "HELLO, WORLD\n");
    // A failing helper call names the plugin.
    let test = self::test()
        .file("t/template.toml", "helpers = [\"helpers/strings.wasm\"]\n")
        .file("t/template/a.txt", "{{upper 3}}");
    std::fs::create_dir_all(test.dir().join("t/helpers")).unwrap();
    std::fs::copy(test_plugin("test-helper"), test.dir().join("t/helpers/strings.wasm")).unwrap();
    test.run_with(["scaffold", "./t", "out"])
        .code(3)
        .stderr_has("plugin `test-helper` failed")
        .stderr_has("`upper` takes one text argument");
}

// --- interactive ---

#[test]
fn questions_are_asked_on_a_terminal_with_defaults_shown() {
    let test = test();
    let mut command = test.command_for(&["scaffold", &fixture_arg("native/escape"), "out"]);
    command.env("TERM", "xterm");
    let mut session = rexpect::session::spawn_command(command, Some(20_000)).expect("spawn in a pty");
    session.exp_string("dir").expect("the question");
    session.send_line("answered").expect("answer");
    session.exp_string("created").expect("done");
    session.exp_eof().expect("exit");
    assert_eq!(read(test.dir().join("out/answered/x.txt")), "inside\n");
}

// --- bundled templates ---

#[test]
fn the_site_template_builds() {
    let test = test();
    test.run_with([
        "scaffold",
        &repo_root().join("templates/site").display().to_string(),
        "blog",
        "--defaults",
        "--set",
        "title=Field Notes",
    ])
    .code(0);
    test.run_with(["build", "blog"]).code(0);
    let index = read(test.dir().join("blog/build/index.html"));
    assert!(index.contains("<title>Home · Field Notes</title>"), "{index}");
    assert!(test.dir().join("blog/build/posts/hello/index.html").is_file());
}

#[test]
fn the_service_template_follows_the_makefile_conventions() {
    let test = test();
    test.run_with(["scaffold", &repo_root().join("templates/service").display().to_string(), "svc", "--defaults"])
        .code(0);
    assert!(read(test.dir().join("svc/LICENSE")).contains("Copyright (c) 2026 Ada Lovelace"));
    test.run_with(["lint", "svc"]).code(0).stdout_has("0 errors, 0 warnings");
    test.run_with([
        "scaffold",
        &repo_root().join("templates/service").display().to_string(),
        "svc2",
        "--defaults",
        "--set",
        "license=none",
    ])
    .code(0);
    assert!(!test.dir().join("svc2/LICENSE").exists());
    assert!(!read(test.dir().join("svc2/Cargo.toml")).contains("license"));
}

/// Scaffolds `templates/plugin-LANGUAGE` with this role and runs the
/// project's own `make test` (build, then its spec tests), with the
/// toolchains `make plugins` installed for the example plugins and no
/// network: JavaScript reuses the example's node_modules.
fn plugin_template_passes_its_own_tests(language: &str, role: &str) {
    let test = test();
    let template = repo_root().join("templates").join(format!("plugin-{language}")).display().to_string();
    let wit = format!("wit={}", repo_root().join("wit").display());
    test.run_with(["scaffold", &template, "my-plugin", "--defaults", "--set", &format!("role={role}"), "--set", &wit])
        .code(0);
    let project = test.dir().join("my-plugin");
    let venv = repo_root().join("guest-plugins/.venv/bin");
    let wasm_kit = repo_root().join("target/tools/wasm-kit");
    assert!(wasm_kit.is_file() && venv.is_dir(), "run `make plugins` first: it installs the guest toolchains");
    let mut make = Command::new("make");
    make.arg("test")
        .arg(format!("WORKBENCH={}", env!("CARGO_BIN_EXE_workbench")))
        .arg(format!("PYTHON={}", venv.join("python").display()))
        .arg(format!("COMPONENTIZE_PY={}", venv.join("componentize-py").display()))
        .arg(format!("WIT_BINDGEN={} wit-bindgen", wasm_kit.display()))
        .arg(format!("WASM_TOOLS={} wasm-tools", wasm_kit.display()))
        .current_dir(&project);
    if language == "js" {
        std::os::unix::fs::symlink(
            repo_root().join("guest-plugins/examples/js-detector/node_modules"),
            project.join("node_modules"),
        )
        .unwrap();
        make.arg("DEPS=");
    }
    let output = make.output().expect("run make");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "plugin-{language} ({role}): make test failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}

/// Slow (compiles a component): the plugin-rust template gives a project
/// whose `make test` builds the component and passes its spec tests.
#[test]
fn the_plugin_rust_template_builds_and_passes_its_tests() {
    let test = test();
    let template = repo_root().join("templates/plugin-rust").display().to_string();
    test.run_with(["scaffold", &template, "my-check", "--defaults", "--set", "role=lint-check"]).code(0);
    let project = test.dir().join("my-check");
    // The guest workspace's lock pins the same dependency versions, and its
    // target directory has them compiled already.
    std::fs::copy(repo_root().join("guest-plugins/Cargo.lock"), project.join("Cargo.lock")).unwrap();
    let output = Command::new("make")
        .arg("test")
        .arg(format!("WORKBENCH={}", env!("CARGO_BIN_EXE_workbench")))
        .current_dir(&project)
        .env("CARGO_TARGET_DIR", repo_root().join("guest-plugins/target"))
        .output()
        .expect("run make");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "make test failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("2 passed, 0 failed"), "{stdout}");
}

// One test per role and language: each builds a component that carries a
// whole interpreter, and one at a time they keep both cores busy beside the
// other tests instead of ending the suite as one long test.
//
// Each such build and its compile cost about 33 CPU-seconds, 8% of the
// end-to-end suite's CPU, so the JavaScript and Python templates are built
// in two roles each, between them all four: the lint check and site step in JavaScript, the detector and
// template helper in Python. The examples cover two more pairings
// (`js-detector`, `py-lint`: polyglot.rs), and the Rust SDK, C and Zig
// the rest of each role's bindings.
#[test]
fn the_plugin_js_template_passes_its_tests_as_a_lint_check() {
    plugin_template_passes_its_own_tests("js", "lint-check");
}

#[test]
fn the_plugin_js_template_passes_its_tests_as_a_site_step() {
    plugin_template_passes_its_own_tests("js", "site-step");
}

#[test]
fn the_plugin_python_template_passes_its_tests_as_a_detector() {
    plugin_template_passes_its_own_tests("python", "detector");
}

#[test]
fn the_plugin_python_template_passes_its_tests_as_a_template_helper() {
    plugin_template_passes_its_own_tests("python", "template-helper");
}

#[test]
fn the_plugin_c_template_passes_its_tests_in_both_roles() {
    for role in ["lint-check", "site-step"] {
        plugin_template_passes_its_own_tests("c", role);
    }
}

#[test]
fn the_plugin_zig_template_passes_its_tests_in_both_roles() {
    for role in ["lint-check", "template-helper"] {
        plugin_template_passes_its_own_tests("zig", role);
    }
}

#[test]
fn aliases_name_templates_and_cannot_loop() {
    let test = test().file(
        "workbench.toml",
        format!(
            "[scaffold.aliases]\ntool = {:?}\nloop-a = \"loop-b\"\nloop-b = \"loop-a\"\n",
            fixture_arg("native/tool")
        ),
    );
    test.run_with(["scaffold", "tool", "out", "--defaults", "--set", "name=aliased"]).code(0);
    assert!(read(test.dir().join("out/Makefile")).starts_with("NAME := aliased"));
    test.run_with(["scaffold", "loop-a", "out2"]).code(2).stderr_has("no template named `loop-b`");
}
