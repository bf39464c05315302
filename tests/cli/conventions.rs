//! What a Rust CLI is expected to ship besides its commands: colour that
//! follows `--color`, `NO_COLOR` and `CLICOLOR_FORCE`, `-q`, shell
//! completions (static scripts, and dynamic ones that know the projects
//! and templates where the shell is), man pages, and `make install`.

use std::path::Path;

use crate::support::{Test, repo_root};

const ESCAPE: &str = "\u{1b}[";

/// A tree with a lint warning, and a config error one flag away.
fn colourful() -> Test {
    Test::new().file("notes.txt", "hello  \n")
}

#[test]
fn colour_follows_the_flag_then_no_color_then_clicolor_force_and_a_pipe_gets_none() {
    let test = colourful();
    let lint = |flags: &[&str], env: &[(&str, &str)]| {
        let mut test = colourful();
        for (key, value) in env {
            test.set_env(key, value);
        }
        let args: Vec<String> = flags.iter().chain(&["lint"]).map(ToString::to_string).collect();
        test.run_args(&args).code(0).stdout
    };
    let plain = lint(&[], &[]);
    assert!(!plain.contains(ESCAPE), "auto in a pipe is plain:\n{plain}");
    assert!(plain.contains("warning[text/trailing-whitespace]"), "{plain}");
    let always = lint(&["--color", "always"], &[("NO_COLOR", "1")]);
    assert!(always.contains(&format!("{ESCAPE}1m{ESCAPE}33mwarning[text/trailing-whitespace]")), "{always:?}");
    assert!(always.contains(&format!("{ESCAPE}33m1 warning")), "the summary's count is coloured: {always:?}");
    assert!(!lint(&["--color=never"], &[("CLICOLOR_FORCE", "1")]).contains(ESCAPE));
    assert!(lint(&[], &[("CLICOLOR_FORCE", "1")]).contains(ESCAPE), "CLICOLOR_FORCE colours a pipe");
    assert!(!lint(&[], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]).contains(ESCAPE), "NO_COLOR wins");
    // Errors on stderr follow the same rules.
    test.run_with(["--color", "always", "--config", "missing.toml", "lint"])
        .code(2)
        .stderr_has(&format!("{ESCAPE}1m{ESCAPE}91merror:"))
        .stderr_has("help:");
    test.run_with(["--config", "missing.toml", "lint"]).code(2).stderr_has("error: ").stderr_lacks(ESCAPE);
    test.run_with(["--color", "sometimes", "lint"]).code(2).stderr_has("possible values: auto, always, never");
}

#[test]
fn a_terminal_gets_colour_unless_no_color_is_set() {
    for (no_color, coloured) in [(None, true), (Some("1"), false)] {
        let test = colourful();
        let mut command = test.command_for(&["lint"]);
        command.env("TERM", "xterm");
        if let Some(value) = no_color {
            command.env("NO_COLOR", value);
        }
        let mut session = rexpect::session::spawn_command(command, Some(20_000)).expect("spawn in a pty");
        let shown = session.exp_string("checked").expect("the summary");
        session.exp_eof().expect("exit");
        assert_eq!(shown.contains(ESCAPE), coloured, "NO_COLOR={no_color:?}: {shown:?}");
    }
}

#[test]
fn quiet_leaves_results_and_errors_and_drops_summaries_and_warnings() {
    let test = colourful();
    let lint = test.run_with(["lint", "-q"]).code(0);
    assert!(lint.stdout.contains("warning[text/trailing-whitespace]") && !lint.stdout.contains("checked"), "{lint}");
    test.run_with(["-q", "lint", "--fix"]).code(0).stdout_lacks("fixed").stdout_lacks("checked");
    assert_eq!(test.run_with(["lint", "--quiet"]).code(0).stdout, "", "nothing left to report, nothing printed");
    test.run_with(["-q", "--config", "missing.toml", "lint"]).code(2).stderr_has("error: ");
    test.run_with(["-q", "-v", "lint"]).code(2).stderr_has("cannot be used with");
}

/// Everything a command shows on a terminal (stdout and stderr are both
/// the pty), to its end.
fn on_a_terminal(test: &Test, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut command = test.command_for(args);
    command.env("TERM", "xterm");
    for (key, value) in env {
        command.env(key, value);
    }
    let mut session = rexpect::session::spawn_command(command, Some(60_000)).expect("spawn in a pty");
    session.exp_eof().expect("the command ends")
}

#[test]
fn long_work_shows_a_progress_bar_on_a_terminal_and_never_in_a_pipe_or_under_quiet() {
    // Detect: two pages that stall until the 2 s timeout.
    let server = crate::loopback::Server::start();
    let (stall, drip) = (server.url("/stall"), server.url("/drip"));
    let detect = ["detect", stall.as_str(), drip.as_str(), "--timeout", "2"];
    let test = Test::new();
    let shown = on_a_terminal(&test, &detect, &[]);
    assert!(shown.contains("/2 pages ("), "no bar for a slow list: {shown:?}");
    let quiet: Vec<&str> = ["-q"].into_iter().chain(detect).collect();
    let shown = on_a_terminal(&test, &quiet, &[]);
    assert!(!shown.contains("pages ("), "a bar under -q: {shown:?}");
    let piped: Vec<String> = detect.iter().map(ToString::to_string).collect();
    test.run_args(&piped).code(2).stderr_lacks("pages (").stderr_lacks(ESCAPE);

    // Lint on a cold cache: a check that hangs until its 1.5 s limit.
    let test = Test::new().plugin(crate::support::test_plugin("hostile-lint")).file("hang.txt", "loop");
    let mut lint: Vec<&str> = test.builder_args().iter().map(String::as_str).collect();
    lint.extend(["lint", "--time-limit-ms", "1500"]);
    let shown = on_a_terminal(&test, &lint, &[]);
    assert!(shown.contains("files checked ("), "no bar for a slow lint: {shown:?}");

    // Scaffold from git: the objects fetched, with the delay set to none.
    let test = Test::new();
    let repo = test.dir().join("repo");
    std::fs::create_dir_all(repo.join("template")).unwrap();
    std::fs::write(repo.join("template/a.txt"), "a\n").unwrap();
    crate::support::git(&repo, &["init", "-q", "-b", "main"]);
    crate::support::git(&repo, &["add", "."]);
    crate::support::git(&repo, &["commit", "-q", "-m", "v1"]);
    let url = format!("file://{}", repo.display());
    let shown = on_a_terminal(&test, &["scaffold", &url, "out"], &[("WORKBENCH_PROGRESS_DELAY_MS", "0")]);
    assert!(shown.contains("objects ("), "no bar for a git template: {shown:?}");
    assert!(test.dir().join("out/a.txt").is_file(), "{shown}");
}

#[test]
fn bash_accepts_the_static_completion_script() {
    let test = Test::new();
    let script = test.run_with(["completions", "bash"]).code(0).stdout;
    std::fs::write(test.dir().join("workbench.bash"), script).unwrap();
    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg("source ./workbench.bash && complete -p workbench")
        .current_dir(test.dir())
        .output()
        .expect("run bash");
    let registered = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && registered.contains("workbench"),
        "{registered}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    test.run_with(["completions", "tcsh"]).code(2).stderr_has("possible values");
}

/// What the dynamic completer offers for the last word of `line`.
fn candidates(test: &Test, line: &[&str]) -> Vec<String> {
    let output = test
        .command_for(&[["--"].as_slice(), line].concat())
        .env("COMPLETE", "fish")
        .output()
        .expect("run the completer");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).lines().map(|line| line.split('\t').next().unwrap().to_string()).collect()
}

#[test]
fn dynamic_completion_offers_the_projects_targets_and_templates_here() {
    let test = Test::new()
        .file("workbench.toml", "[scaffold]\ntemplates = [\"templates\"]\n")
        .file("apps/api/Makefile", "test:\n\ttrue\ndeploy-api:\n\ttrue\n")
        .file("apps/web/Makefile", "test:\n\ttrue\n")
        .file("templates/service/template.toml", "");
    assert_eq!(candidates(&test, &["workbench", "make", "de"]), ["deploy-api"]);
    assert!(candidates(&test, &["workbench", "make", "te"]).contains(&"test".to_string()));
    assert_eq!(candidates(&test, &["workbench", "make", "test", "w"]), ["web"]);
    assert_eq!(candidates(&test, &["workbench", "scaffold", "ser"]), ["service"]);
    assert!(candidates(&test, &["workbench", "plugins", "info", "mark"]).contains(&"markdown".to_string()));
    // The registration a shell sources.
    let output = test.command_for(&[]).env("COMPLETE", "bash").output().unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).contains("complete -o nospace"), "bash registration");
}

#[test]
fn man_pages_cover_every_command() {
    let test = Test::new();
    test.run_with(["man", "pages"]).code(0).stdout_has("man pages to");
    for page in ["workbench.1", "workbench-make.1", "workbench-plugins-list.1", "workbench-completions.1"] {
        let text = std::fs::read_to_string(test.dir().join("pages").join(page)).unwrap_or_else(|_| panic!("no {page}"));
        assert!(text.contains(".TH"), "{page} is no man page");
    }
    assert!(std::fs::read_to_string(test.dir().join("pages/workbench-make.1")).unwrap().contains("keep\\-going"));
    let leftovers: Vec<_> = std::fs::read_dir(test.dir().join("pages"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|entry| !entry.file_name().to_string_lossy().ends_with(".1"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn make_install_puts_the_binary_pages_and_completions_under_prefix_and_uninstall_removes_them() {
    let prefix = tempfile::tempdir().unwrap();
    let make = |target: &str| {
        // `-o build`: the binary under test is the one to install; make
        // must not build another.
        let output = std::process::Command::new("make")
            .args(["--no-print-directory", "-o", "build", target])
            .arg(format!("PREFIX={}", prefix.path().display()))
            .arg(format!("WORKBENCH={}", env!("CARGO_BIN_EXE_workbench")))
            .current_dir(repo_root())
            .output()
            .expect("run make");
        assert!(output.status.success(), "make {target}: {}", String::from_utf8_lossy(&output.stderr));
    };
    make("install");
    let installed = |path: &str| prefix.path().join(path);
    let version = std::process::Command::new(installed("bin/workbench")).arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("workbench "), "the installed binary runs");
    for path in [
        "share/man/man1/workbench.1",
        "share/man/man1/workbench-make.1",
        "share/bash-completion/completions/workbench",
        "share/zsh/site-functions/_workbench",
        "share/fish/vendor_completions.d/workbench.fish",
    ] {
        assert!(std::fs::metadata(installed(path)).is_ok_and(|file| file.len() > 0), "{path} is missing or empty");
    }
    make("uninstall");
    let left: Vec<_> = walkdir::WalkDir::new(prefix.path())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect();
    assert!(left.is_empty(), "uninstall left {left:?}");
    assert!(Path::new(env!("CARGO_BIN_EXE_workbench")).exists());
}
