//! Running a command in-process, for the unit tests beside each command:
//! a temporary directory as the current directory, the variables a test
//! chooses, and stdout and stderr captured.
//!
//! The end-to-end suite (tests/cli) drives the real binary; these tests
//! pin what a command does through the [`Context`] seam alone.

use std::path::{Path, PathBuf};

use clap::Parser as _;

use crate::cli::{self, Cli};
use crate::context::{Capture, Context};
use crate::error::Exit;

/// One in-process run's outcome.
pub struct Ran {
    pub exit: Exit,
    pub stdout: String,
    pub stderr: String,
}

/// A temporary project directory to run commands in.
#[must_use]
pub struct InProcess {
    dir: tempfile::TempDir,
    _cache: tempfile::TempDir,
    vars: Vec<(String, String)>,
    stdin: Vec<u8>,
}

impl InProcess {
    /// An empty directory, and a cache of its own whose compiled
    /// components are shared with every other test, in-process and end to
    /// end (compiling the bundled plugins per test would take most of the
    /// suite's time).
    #[allow(clippy::new_without_default, reason = "each one makes a directory: not a default")]
    pub fn new() -> InProcess {
        warm_shared_cache();
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = tempfile::tempdir().expect("temp dir");
        let shared = repo_root().join("target/e2e-plugin-cache/compiled");
        std::fs::create_dir_all(&shared).expect("shared cache dir");
        std::os::unix::fs::symlink(&shared, cache.path().join("compiled")).expect("link the shared cache");
        let vars = vec![("WORKBENCH_CACHE_DIR".into(), cache.path().display().to_string())];
        InProcess { dir, _cache: cache, vars, stdin: Vec::new() }
    }

    /// Writes a file (creating its folders) under the directory.
    pub fn file(self, name: &str, contents: impl AsRef<[u8]>) -> InProcess {
        let path = self.dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("a file has a parent")).expect("mkdir");
        std::fs::write(path, contents).expect("write a fixture");
        self
    }

    /// Sets an environment variable as the command sees it.
    pub fn var(mut self, name: &str, value: &str) -> InProcess {
        self.vars.push((name.into(), value.into()));
        self
    }

    /// What the command reads on stdin.
    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> InProcess {
        self.stdin = bytes.into();
        self
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Parses `args` (without the program name) as the binary would and
    /// runs the command; a failure is reported to the captured stderr.
    pub fn run(&self, args: &[&str]) -> Ran {
        let (context, capture) = self.context(args);
        self.run_in(&context, &capture, args)
    }

    /// The context a run of `args` gets, for a test that needs its stop flag.
    pub fn context(&self, args: &[&str]) -> (Context, Capture) {
        let cli = parse(args);
        Context::capture(cli.global, self.dir.path(), self.vars.clone(), self.stdin.clone()).expect("a context")
    }

    /// Runs `args` in a context made by [`InProcess::context`].
    pub fn run_in(&self, context: &Context, capture: &Capture, args: &[&str]) -> Ran {
        let exit = match cli::run(context, parse(args).command) {
            Ok(exit) => exit,
            Err(error) => {
                context.report(&error);
                error.exit()
            }
        };
        Ran { exit, stdout: capture.stdout.text(), stderr: capture.stderr.text() }
    }
}

/// Compiles the bundled plugins into the shared cache once per test
/// process, before any test needs them: tests starting together would each
/// compile all of them at once, and take most of the suite's time doing it.
fn warm_shared_cache() {
    static WARM: std::sync::Once = std::sync::Once::new();
    WARM.call_once(|| {
        let cwd = tempfile::tempdir().expect("temp dir");
        let cache = repo_root().join("target/e2e-plugin-cache");
        let vars = [("WORKBENCH_CACHE_DIR", cache.display().to_string())];
        let args = ["plugins", "list"];
        let (context, _) = Context::capture(parse(&args).global, cwd.path(), vars, Vec::new()).expect("a context");
        // Whatever fails here fails again, with a message, in the test that needs it.
        let _ = cli::run(&context, parse(&args).command);
    });
}

fn parse(args: &[&str]) -> Cli {
    Cli::try_parse_from(std::iter::once("workbench").chain(args.iter().copied())).expect("arguments that parse")
}

/// The repository's root, for fixtures and the built test plugins.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("host/ has a parent").to_path_buf()
}
