//! What a command takes from the world, in one place: the config, the
//! global flags, the current directory, environment variables, the
//! standard streams (stdin too), the clock and the stop signal.
//!
//! Commands read none of these from the process themselves. The binary
//! builds a [`Context`] from the real process ([`Context::from_process`]);
//! a test builds one over a temporary directory, variables it chooses and
//! buffers it reads back ([`Context::capture`]), and runs any command
//! in-process (as dprint's `Environment` lets its commands be tested).

use std::ffi::{OsStr, OsString};
use std::io::{IsTerminal as _, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use clap::Args;

use crate::config::Config;
use crate::error::Error;
use crate::plugins::{Limits, PluginSearch, Runtime, RuntimeSettings};
use crate::style::{ColorChoice, Paint};

/// Flags every subcommand takes.
// Command-line switches are bools by nature.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone, Default, Args)]
pub struct Global {
    /// More output: -v info, -vv debug (cache hits, plugin stdout), -vvv trace.
    #[arg(short, long, action = clap::ArgAction::Count, global = true, conflicts_with = "quiet")]
    pub verbose: u8,
    /// Print results and errors only: no summaries, progress or warnings.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Colour output: auto (on a terminal, unless NO_COLOR is set or
    /// CLICOLOR_FORCE asks for it anywhere), always, never.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: ColorChoice,
    /// Read this config file instead of the nearest workbench.toml.
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Load a plugin (.wasm) or every plugin in a directory; repeatable.
    #[arg(long = "plugin", global = true, value_name = "PATH")]
    pub plugins: Vec<PathBuf>,
    /// Use no cache of results: lint every file, run every build step on
    /// every file and every make target (those caches are neither read nor
    /// written). Compiled plugins are still reused.
    #[arg(long, global = true)]
    pub no_cache: bool,
    /// Compile every plugin afresh, without reading or writing the cache of
    /// compiled plugins.
    #[arg(long, global = true)]
    pub no_plugin_cache: bool,
    /// Wall-clock limit for one plugin call, in milliseconds [default: 5000].
    #[arg(long, global = true, value_name = "MS")]
    pub time_limit_ms: Option<u64>,
    /// Memory limit for one plugin instance, in MiB [default: 512].
    #[arg(long, global = true, value_name = "MIB")]
    pub memory_limit_mib: Option<u64>,
    /// Use workbench.lock as it is: fail when it disagrees with
    /// workbench.toml or when a pinned plugin would have to be fetched (for CI).
    #[arg(long, global = true)]
    pub locked: bool,
    /// Touch no network: use only the plugins the cache holds, and list
    /// those it lacks.
    #[arg(long, global = true)]
    pub offline: bool,
}

/// Everything a command needs from the environment, built once.
pub struct Context {
    pub config: Config,
    pub global: Global,
    world: Arc<World>,
}

/// The parts of a context that stay the same when its config is re-read.
struct World {
    cwd: PathBuf,
    vars: Vars,
    stdin_is_terminal: bool,
    stdin: Mutex<Box<dyn Read + Send>>,
    stdout: Stream,
    stderr: Stream,
    stop: Stop,
}

enum Vars {
    Process,
    Fixed(Vec<(OsString, OsString)>),
}

enum Stop {
    /// Ctrl-C, through a handler installed the first time it is asked for.
    CtrlC(Mutex<Option<Arc<AtomicBool>>>),
    /// A flag the caller holds (a test, or an embedding program).
    Flag(Arc<AtomicBool>),
}

/// One output stream: where it goes, and whether a person is watching it.
struct Stream {
    sink: Mutex<Box<dyn Write + Send>>,
    terminal: bool,
}

impl Stream {
    fn new(sink: impl Write + Send + 'static, terminal: bool) -> Stream {
        Stream { sink: Mutex::new(Box::new(sink)), terminal }
    }
}

/// The writer a command prints to; holding it keeps other threads' lines
/// out of the middle of its own.
pub type Out<'a> = MutexGuard<'a, Box<dyn Write + Send>>;

/// Bytes written to a captured stream, readable while the command runs.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    /// What was written so far, as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What a captured context wrote, and the flag that stops a `serve`.
pub struct Capture {
    pub stdout: Captured,
    pub stderr: Captured,
    pub stop: Arc<AtomicBool>,
}

impl Context {
    /// The real process: its current directory, variables and streams,
    /// and the config found from there (or named by `--config`).
    pub fn from_process(global: Global) -> Result<Context, Error> {
        let cwd = std::env::current_dir().map_err(|error| {
            Error::input(format!("cannot read the current directory: {error}")).help("cd into a directory that exists")
        })?;
        let world = World {
            cwd,
            vars: Vars::Process,
            stdin_is_terminal: std::io::stdin().is_terminal(),
            stdin: Mutex::new(Box::new(std::io::stdin())),
            stdout: Stream::new(std::io::stdout(), std::io::stdout().is_terminal()),
            stderr: Stream::new(std::io::stderr(), std::io::stderr().is_terminal()),
            stop: Stop::CtrlC(Mutex::new(None)),
        };
        Context::in_world(global, world)
    }

    /// A context over `cwd` with exactly these variables, reading `stdin`
    /// and writing into buffers, with no terminal anywhere: for running
    /// commands in-process.
    pub fn capture<K, V>(
        global: Global,
        cwd: &Path,
        vars: impl IntoIterator<Item = (K, V)>,
        stdin: Vec<u8>,
    ) -> Result<(Context, Capture), Error>
    where
        K: Into<OsString>,
        V: Into<OsString>,
    {
        let capture = Capture {
            stdout: Captured::default(),
            stderr: Captured::default(),
            stop: Arc::new(AtomicBool::new(false)),
        };
        let world = World {
            cwd: cwd.to_path_buf(),
            vars: Vars::Fixed(vars.into_iter().map(|(key, value)| (key.into(), value.into())).collect()),
            stdin_is_terminal: false,
            stdin: Mutex::new(Box::new(std::io::Cursor::new(stdin))),
            stdout: Stream::new(capture.stdout.clone(), false),
            stderr: Stream::new(capture.stderr.clone(), false),
            stop: Stop::Flag(Arc::clone(&capture.stop)),
        };
        Ok((Context::in_world(global, world)?, capture))
    }

    fn in_world(global: Global, world: World) -> Result<Context, Error> {
        let mut context = Context { config: Config::default(), global, world: Arc::new(world) };
        let explicit = context.global.config.as_deref().map(|path| context.resolve(path).into_owned());
        context.config = Config::discover(explicit.as_deref(), context.cwd())?;
        Ok(context)
    }

    /// The same world with another config (a project's own, or one
    /// re-read while serving).
    #[must_use]
    pub fn with_config(&self, config: Config) -> Context {
        Context { config, global: self.global.clone(), world: Arc::clone(&self.world) }
    }

    /// The directory relative paths on the command line are taken from.
    pub fn cwd(&self) -> &Path {
        &self.world.cwd
    }

    /// A path the user typed, made usable from this process: relative
    /// paths are taken from [`Context::cwd`]. The process's own directory
    /// needs no joining, so messages keep showing the path as typed.
    pub fn resolve<'a>(&self, path: &'a Path) -> std::borrow::Cow<'a, Path> {
        match self.world.vars {
            Vars::Process => std::borrow::Cow::Borrowed(path),
            Vars::Fixed(_) => std::borrow::Cow::Owned(self.world.cwd.join(path)),
        }
    }

    /// An environment variable, `None` when unset.
    pub fn var_os(&self, name: &str) -> Option<OsString> {
        match &self.world.vars {
            Vars::Process => std::env::var_os(name),
            Vars::Fixed(vars) => vars.iter().find(|(key, _)| key == OsStr::new(name)).map(|(_, value)| value.clone()),
        }
    }

    /// An environment variable as text; unset, empty and non-UTF-8 are `None`.
    pub fn var(&self, name: &str) -> Option<String> {
        self.var_os(name).and_then(|value| value.into_string().ok()).filter(|value| !value.is_empty())
    }

    /// Standard input (a page or a target list given as `-`).
    pub fn stdin(&self) -> MutexGuard<'_, Box<dyn Read + Send>> {
        self.world.stdin.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Standard output.
    pub fn stdout(&self) -> Out<'_> {
        self.world.stdout.sink.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Standard error: progress, summaries, errors.
    pub fn stderr(&self) -> Out<'_> {
        self.world.stderr.sink.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn stdout_is_terminal(&self) -> bool {
        self.world.stdout.terminal
    }

    pub fn stderr_is_terminal(&self) -> bool {
        self.world.stderr.terminal
    }

    /// How to paint what goes to stdout (see [`crate::style::enabled`]).
    pub fn paint_out(&self) -> Paint {
        Paint::new(crate::style::enabled(self.global.color, |name| self.var(name), self.world.stdout.terminal))
    }

    /// How to paint what goes to stderr.
    pub fn paint_err(&self) -> Paint {
        Paint::new(crate::style::enabled(self.global.color, |name| self.var(name), self.world.stderr.terminal))
    }

    /// A person can answer questions: input and prompts are both a terminal.
    pub fn interactive(&self) -> bool {
        self.world.stdin_is_terminal && self.world.stderr.terminal
    }

    /// Prints an error the way every command does (see [`crate::error::report`]).
    pub fn report(&self, error: &Error) {
        crate::error::report(error, self.paint_err(), &mut *self.stderr());
    }

    /// The time to stamp on what a run makes: `SOURCE_DATE_EPOCH` when set
    /// (reproducible output, as reproducible builds define it), else now.
    pub fn now(&self) -> Result<SystemTime, Error> {
        let Some(text) = self.var("SOURCE_DATE_EPOCH") else { return Ok(SystemTime::now()) };
        let seconds: u64 = text.trim().parse().map_err(|_| {
            Error::input(format!("SOURCE_DATE_EPOCH={text} is not a number of seconds"))
                .help("unset it, or set it to a Unix time such as 1700000000")
        })?;
        SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(seconds)).ok_or_else(|| {
            Error::input(format!("SOURCE_DATE_EPOCH={text} is out of range"))
                .help("set SOURCE_DATE_EPOCH to a Unix time such as 1700000000, or unset it")
        })
    }

    /// Whether `SOURCE_DATE_EPOCH` fixes the time (see [`Context::now`]).
    pub fn fixed_time(&self) -> bool {
        self.var("SOURCE_DATE_EPOCH").is_some()
    }

    /// A flag that turns true when the user asks a long-running command to
    /// stop (Ctrl-C).
    pub fn stop_signal(&self) -> Result<Arc<AtomicBool>, Error> {
        match &self.world.stop {
            Stop::Flag(flag) => Ok(Arc::clone(flag)),
            Stop::CtrlC(installed) => {
                let mut installed = installed.lock().unwrap_or_else(PoisonError::into_inner);
                if let Some(flag) = &*installed {
                    return Ok(Arc::clone(flag));
                }
                let flag = Arc::new(AtomicBool::new(false));
                let set = Arc::clone(&flag);
                ctrlc::set_handler(move || set.store(true, Ordering::SeqCst)).map_err(|error| {
                    Error::input(format!("cannot handle Ctrl-C: {error}"))
                        .help("run workbench in a process that may handle signals")
                })?;
                *installed = Some(Arc::clone(&flag));
                Ok(flag)
            }
        }
    }

    /// Where workbench keeps its caches of results: `$WORKBENCH_CACHE_DIR`,
    /// else the platform cache directory; `None` with `--no-cache`.
    pub fn cache_dir(&self) -> Option<PathBuf> {
        if self.global.no_cache { None } else { self.cache_home() }
    }

    /// The same folder whatever `--no-cache` says, for what is stored
    /// there to work at all rather than to save time (git templates'
    /// clones).
    pub fn cache_home(&self) -> Option<PathBuf> {
        if let Some(dir) = self.var_os("WORKBENCH_CACHE_DIR").filter(|dir| !dir.is_empty()) {
            return Some(PathBuf::from(dir));
        }
        match self.world.vars {
            Vars::Process => dirs::cache_dir().map(|dir| dir.join("workbench")),
            Vars::Fixed(_) => None,
        }
    }

    /// The runtime, with the cache and limits from flags and config.
    pub fn runtime(&self) -> Result<Runtime, Error> {
        self.runtime_with(self.limits()?)
    }

    /// The runtime with the cache from flags and config and these limits.
    pub fn runtime_with(&self, limits: Limits) -> Result<Runtime, Error> {
        Runtime::new(&RuntimeSettings {
            // A compiled plugin depends only on its bytes and the engine,
            // so `--no-cache` (fresh results) keeps it.
            cache_dir: if self.global.no_plugin_cache { None } else { self.cache_home() },
            limits,
            perf_map: self.var_os("WORKBENCH_PERFMAP").is_some(),
        })
    }

    /// Plugin limits from flags and config.
    pub fn limits(&self) -> Result<Limits, Error> {
        let defaults = Limits::default();
        let time_ms = self.global.time_limit_ms.or(self.config.plugins.time_limit_ms);
        let memory_mib = self.global.memory_limit_mib.or(self.config.plugins.memory_limit_mib);
        if time_ms == Some(0) || memory_mib == Some(0) {
            return Err(
                Error::input("plugin limits must be above zero").help("raise time-limit-ms or memory-limit-mib")
            );
        }
        let memory = match memory_mib {
            Some(mib) => usize::try_from(mib).ok().and_then(|mib| mib.checked_mul(1 << 20)).ok_or_else(|| {
                Error::input(format!("memory limit of {mib} MiB is more than this machine can address"))
                    .help("give --memory-limit-mib a smaller number")
            })?,
            None => defaults.memory,
        };
        Ok(Limits { time: time_ms.map_or(defaults.time, Duration::from_millis), memory })
    }

    /// A plugin's `[plugins.options.NAME]` table as the JSON text it
    /// receives (`{}` when the user configured none).
    pub fn plugin_options(&self, name: &str) -> Result<String, Error> {
        match self.config.plugins.options.get(name) {
            None => Ok("{}".into()),
            Some(table) => serde_json::to_string(table).map_err(|error| {
                Error::input(format!("[plugins.options.{name}] in workbench.toml: {error}"))
                    .help("that table must hold values JSON can carry")
            }),
        }
    }

    /// Where to find plugins: bundled, pinned by workbench.lock, config,
    /// environment, flags. Brings the lock up to date with
    /// `[plugins.sources]` first (the runtime checks what that fetches).
    pub fn plugin_search(&self, runtime: &Runtime) -> Result<PluginSearch, Error> {
        let pinned = crate::packages::pinned_plugins(self, runtime)?;
        let cli_paths: Vec<PathBuf> = self.global.plugins.iter().map(|path| self.resolve(path).into_owned()).collect();
        Ok(PluginSearch::new(&self.config, pinned, &cli_paths, self.var_os("WORKBENCH_PLUGIN_PATH")))
    }

    /// [`Context::plugin_search`] with only what is at hand: no network,
    /// no lock written (shell completion).
    pub fn plugin_search_at_hand(&self) -> PluginSearch {
        let pinned = crate::packages::pinned_plugins_at_hand(self);
        let cli_paths: Vec<PathBuf> = self.global.plugins.iter().map(|path| self.resolve(path).into_owned()).collect();
        PluginSearch::new(&self.config, pinned, &cli_paths, self.var_os("WORKBENCH_PLUGIN_PATH"))
    }
}

/// `writeln!` to a context's stdout. A closed pipe (`workbench ... | head`)
/// is not an error worth a panic: the rest of the output is dropped.
#[macro_export]
macro_rules! outln {
    ($context:expr) => {{ let _ = ::std::io::Write::write_all(&mut *$context.stdout(), b"\n"); }};
    ($context:expr, $($arg:tt)*) => {{ let _ = ::std::writeln!($context.stdout(), $($arg)*); }};
}

/// `write!` to a context's stdout (see [`outln!`]).
#[macro_export]
macro_rules! out {
    ($context:expr, $($arg:tt)*) => {{ let _ = ::std::write!($context.stdout(), $($arg)*); }};
}

/// `writeln!` to a context's stderr (see [`outln!`]).
#[macro_export]
macro_rules! errln {
    ($context:expr) => {{ let _ = ::std::io::Write::write_all(&mut *$context.stderr(), b"\n"); }};
    ($context:expr, $($arg:tt)*) => {{ let _ = ::std::writeln!($context.stderr(), $($arg)*); }};
}
