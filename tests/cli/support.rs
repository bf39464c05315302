//! A fluent builder for running the real `workbench` binary, after just's
//! test helper: each test gets its own working directory and plugin cache.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("host/ has a parent").to_path_buf()
}

/// A test plugin built by `make plugins` into build/test-plugins.
pub fn test_plugin(stem: &str) -> PathBuf {
    let path = repo_root().join("build/test-plugins").join(format!("{stem}.wasm"));
    assert!(path.is_file(), "{} is missing: run `make plugins` (or `make test`) first", path.display());
    path
}

/// An example plugin in another language, built by `make plugins` into
/// build/polyglot (js-detector, py-lint, reading-time, zig-helpers).
pub fn polyglot_plugin(stem: &str) -> PathBuf {
    let path = repo_root().join("build/polyglot").join(format!("{stem}.wasm"));
    assert!(path.is_file(), "{} is missing: run `make plugins` (or `make test`) first", path.display());
    path
}

/// The spec file beside a test plugin's source.
pub fn test_spec(plugin_dir: &str) -> PathBuf {
    repo_root().join("guest-plugins/tests").join(plugin_dir).join("spec.toml")
}

/// Runs git in `dir` (for tests of `--changed`), as a fixed author.
pub fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(status.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&status.stderr));
}

/// The hex SHA-256 of a file: how the cache names a component's entries.
pub fn sha256_hex(path: &Path) -> String {
    use sha2::Digest as _;
    use std::fmt::Write as _;
    let digest = sha2::Sha256::digest(std::fs::read(path).expect("read a component"));
    digest.iter().fold(String::new(), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}

/// Every way `document` breaks the JSON Schema at `schema` (a path under
/// the repository), as `message at /json/pointer`, by the reference
/// implementation (Python's jsonschema, in the virtualenv `make fetch`
/// makes), under the draft the schema's `$schema` names.
pub fn schema_violations(schema: &str, document: &serde_json::Value) -> Vec<String> {
    const VALIDATE: &str = "import json, sys\n\
        from jsonschema.validators import validator_for\n\
        schema = json.load(open(sys.argv[1]))\n\
        cls = validator_for(schema)\n\
        cls.check_schema(schema)\n\
        for e in cls(schema).iter_errors(json.load(sys.stdin)):\n\
        \x20   print(e.message, 'at', '/' + '/'.join(map(str, e.absolute_path)))\n";
    use std::io::Write as _;
    let python = repo_root().join("guest-plugins/.venv/bin/python");
    assert!(python.is_file(), "{} is missing: run `make fetch` first", python.display());
    let mut child = Command::new(python)
        .args(["-c", VALIDATE])
        .arg(repo_root().join(schema))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python runs");
    child.stdin.take().expect("stdin").write_all(document.to_string().as_bytes()).expect("write the document");
    let output = child.wait_with_output().expect("python ends");
    assert!(output.status.success(), "{schema} could not be checked: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).lines().map(str::to_string).collect()
}

/// Compiles the bundled, test and example plugins into the shared cache
/// once per test process, before any test needs them: tests starting
/// together would each compile all of them at once, and take most of the
/// suite's time doing it.
fn warm_shared_cache() {
    static WARM: std::sync::Once = std::sync::Once::new();
    WARM.call_once(|| {
        let cwd = tempfile::tempdir().expect("temp dir");
        let mut command = Command::new(env!("CARGO_BIN_EXE_workbench"));
        command.current_dir(cwd.path()).env("WORKBENCH_CACHE_DIR", repo_root().join("target/e2e-plugin-cache"));
        for dir in ["build/test-plugins", "build/polyglot"] {
            if repo_root().join(dir).is_dir() {
                command.arg("--plugin").arg(repo_root().join(dir));
            }
        }
        // Whatever fails here fails again, with a message, in the test that needs it.
        let _ = command.args(["plugins", "list"]).output();
    });
}

pub struct Test {
    dir: tempfile::TempDir,
    cache: tempfile::TempDir,
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Option<Vec<u8>>,
}

impl Test {
    /// A fresh directory, and a fresh cache whose compiled components are
    /// shared with every other test (and later runs): compiling the bundled
    /// plugins once per test would take most of the suite's time. Results
    /// caches (lint) stay private. Tests about the compiled cache itself use
    /// [`Test::private_cache`].
    pub fn new() -> Test {
        warm_shared_cache();
        let test = Test {
            dir: tempfile::tempdir().expect("temp dir"),
            cache: tempfile::tempdir().expect("temp dir"),
            args: Vec::new(),
            env: Vec::new(),
            stdin: None,
        };
        let shared = repo_root().join("target/e2e-plugin-cache/compiled");
        std::fs::create_dir_all(&shared).expect("shared cache dir");
        std::os::unix::fs::symlink(&shared, test.cache.path().join("compiled")).expect("link the shared cache");
        test
    }

    /// A cache of its own, for tests of the cache: empty but for the
    /// compiled bundled plugins, copied from the shared cache, so that only
    /// the plugins a test names are compiled in it.
    pub fn private_cache(mut self) -> Test {
        self.cache = tempfile::tempdir().expect("temp dir");
        let compiled = self.cache.path().join("compiled");
        std::fs::create_dir_all(&compiled).expect("cache dir");
        let bundled: Vec<String> = std::fs::read_dir(repo_root().join("build/plugins"))
            .map(|entries| entries.filter_map(Result::ok).map(|entry| sha256_hex(&entry.path())).collect())
            .unwrap_or_default();
        let shared = std::fs::read_dir(repo_root().join("target/e2e-plugin-cache/compiled"));
        for entry in shared.into_iter().flatten().filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            let compiled_entry = entry.path().extension().is_some_and(|ext| ext == "cwasm");
            if compiled_entry && bundled.iter().any(|digest| name.starts_with(digest.as_str())) {
                std::fs::copy(entry.path(), compiled.join(&name)).expect("copy a cache entry");
            }
        }
        self
    }

    /// Copies a directory of the repository (e.g. `examples/site`) into the
    /// test's directory under `name`: only what the repository would track,
    /// so what a user's own runs left there (`build/`, caches) stays out.
    pub fn copy_from_repo(self, repo_path: &str, name: &str) -> Test {
        let target = self.dir.path().join(name);
        std::fs::create_dir_all(&target).expect("mkdir");
        copy_from_repo_tree(&repo_root().join(repo_path), &target);
        self
    }

    /// Shares the cache of an earlier test run (to observe cache hits).
    pub fn with_cache_of(mut self, other: &Test) -> Test {
        self.cache = tempfile::tempdir().expect("temp dir");
        copy_dir(other.cache.path(), self.cache.path());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Test
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.args.extend(args.into_iter().map(|arg| arg.as_ref().to_string()));
        self
    }

    pub fn arg(self, arg: impl AsRef<Path>) -> Test {
        let arg = arg.as_ref().display().to_string();
        self.args([arg])
    }

    pub fn plugin(self, path: impl AsRef<Path>) -> Test {
        self.args(["--plugin"]).arg(path)
    }

    pub fn env(mut self, key: &str, value: impl AsRef<Path>) -> Test {
        self.env.push((key.to_string(), value.as_ref().display().to_string()));
        self
    }

    /// The arguments the builder gathered (such as `--plugin PATH`), for a
    /// run that appends its own.
    pub fn builder_args(&self) -> &[String] {
        &self.args
    }

    /// Sets (or replaces) a variable between two runs of the same test.
    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.retain(|(name, _)| name != key);
        self.env.push((key.to_string(), value.to_string()));
    }

    /// Feeds these bytes to the command's stdin.
    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Test {
        self.stdin = Some(bytes.into());
        self
    }

    /// Writes a file into the working directory.
    pub fn file(self, name: &str, contents: impl AsRef<[u8]>) -> Test {
        let path = self.dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("file has a parent")).expect("mkdir");
        std::fs::write(path, contents).expect("write fixture");
        self
    }

    /// Moves the modification time of everything in the test's directory
    /// a minute back, as if nothing there had changed lately: a lint run
    /// trusts only times at least two seconds old.
    pub fn age(&self) -> &Test {
        fn age(path: &Path, when: std::time::SystemTime) {
            if path.is_dir() {
                for entry in std::fs::read_dir(path).expect("read dir") {
                    age(&entry.expect("entry").path(), when);
                }
            }
            std::fs::File::open(path).and_then(|file| file.set_modified(when)).expect("set the time");
        }
        age(self.dir.path(), std::time::SystemTime::now() - std::time::Duration::from_mins(1));
        self
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn cache_dir(&self) -> &Path {
        self.cache.path()
    }

    /// Runs with these arguments instead of the builder's.
    pub fn run_with<const N: usize>(&self, args: [&str; N]) -> Run {
        let args: Vec<String> = args.iter().map(ToString::to_string).collect();
        self.run_args(&args)
    }

    pub fn run(&self) -> Run {
        self.run_args(&self.args)
    }

    /// Starts the command in the background, stderr piped (for `serve`).
    pub fn spawn(&self) -> std::process::Child {
        self.command(&self.args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start workbench")
    }

    /// The command a run would start, for driving it another way (a pty).
    pub fn command_for(&self, args: &[&str]) -> Command {
        let args: Vec<String> = args.iter().map(ToString::to_string).collect();
        self.command(&args)
    }

    fn command(&self, args: &[String]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_workbench"));
        command
            .args(args)
            .current_dir(self.dir.path())
            .env("WORKBENCH_CACHE_DIR", self.cache.path())
            .env_remove("WORKBENCH_PLUGIN_PATH")
            .env_remove("WORKBENCH_LOG")
            .env_remove("RUST_BACKTRACE")
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR")
            .env_remove("CLICOLOR_FORCE");
        for (key, value) in &self.env {
            command.env(key, value);
        }
        command
    }

    pub fn run_args(&self, args: &[String]) -> Run {
        let mut command = self.command(args);
        let output = match &self.stdin {
            None => command.stdin(std::process::Stdio::null()).output().expect("run workbench"),
            Some(bytes) => {
                command
                    .stdin(std::process::Stdio::piped())
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped());
                let mut child = command.spawn().expect("run workbench");
                let mut stdin = child.stdin.take().expect("piped stdin");
                let bytes = bytes.clone();
                let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, &bytes));
                let output = child.wait_with_output().expect("run workbench");
                let _ = writer.join();
                output
            }
        };
        Run::new(args, &output)
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    args: String,
}

impl Run {
    fn new(args: &[String], output: &Output) -> Run {
        let run = Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            args: args.join(" "),
        };
        // No path of the CLI may end in a Rust panic or a backtrace.
        assert!(!run.stderr.contains("panicked at") || run.stderr.contains("the plugin said"), "{run}");
        assert!(
            !run.stderr.contains("RUST_BACKTRACE")
                || run.stderr.contains("the plugin said")
                || run.stderr.contains("(stderr)"),
            "{run}"
        );
        run
    }

    pub fn code(self, expected: i32) -> Run {
        assert_eq!(self.code, expected, "wrong exit code\n{self}");
        self
    }

    pub fn stdout_has(self, needle: &str) -> Run {
        assert!(self.stdout.contains(needle), "stdout lacks {needle:?}\n{self}");
        self
    }

    pub fn stdout_lacks(self, needle: &str) -> Run {
        assert!(!self.stdout.contains(needle), "stdout has {needle:?}\n{self}");
        self
    }

    pub fn stderr_has(self, needle: &str) -> Run {
        assert!(self.stderr.contains(needle), "stderr lacks {needle:?}\n{self}");
        self
    }

    pub fn stderr_lacks(self, needle: &str) -> Run {
        assert!(!self.stderr.contains(needle), "stderr has {needle:?}\n{self}");
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|error| panic!("stdout is not JSON: {error}\n{self}"))
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "$ workbench {}\n[exit {}]\n--- stdout\n{}\n--- stderr\n{}",
            self.args, self.code, self.stdout, self.stderr
        )
    }
}

/// Copies a repository folder minus what its `.gitignore` files leave out
/// (the repository's own rules, not the user's global ones).
fn copy_from_repo_tree(from: &Path, to: &Path) {
    let walk = ignore::WalkBuilder::new(from)
        .hidden(false)
        .require_git(false)
        .git_global(false)
        .git_exclude(false)
        .parents(true)
        .filter_entry(|entry| entry.file_name() != ".git")
        .build();
    for entry in walk {
        let entry = entry.expect("walk a fixture");
        let relative = entry.path().strip_prefix(from).expect("inside the folder");
        let target = to.join(relative);
        if entry.file_type().is_some_and(|kind| kind.is_dir()) {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// Copies a directory whole (a test's own cache).
fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read directory to copy") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        let kind = entry.file_type().expect("type");
        if kind.is_symlink() {
            // The shared cache of compiled plugins stays shared.
            let link = std::fs::read_link(entry.path()).expect("read a link");
            std::os::unix::fs::symlink(link, target).expect("copy a link");
        } else if kind.is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}
