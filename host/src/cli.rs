//! Command-line parsing and the top-level dispatch: parse, set up logging,
//! run the command, map its outcome to an exit code.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::commands;
use crate::config::Config;
use crate::error::{Error, Exit};
use crate::plugins::{Cache, Limits, PluginSearch, Runtime, RuntimeSettings};

#[derive(Debug, Parser)]
#[command(
    name = "workbench",
    version,
    about = "One CLI for the everyday jobs of a repository of small projects; every feature is a WebAssembly plugin.",
    after_help = "Exit codes: 0 success, 1 findings, 2 usage or input error, 3 plugin failure."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Args)]
pub struct Global {
    /// More output: -v info, -vv debug (cache hits, plugin stdout), -vvv trace.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Read this config file instead of the nearest workbench.toml.
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Load a plugin (.wasm) or every plugin in a directory; repeatable.
    #[arg(long = "plugin", global = true, value_name = "PATH")]
    pub plugins: Vec<PathBuf>,
    /// Use no cache: compile plugins afresh, lint every file and run every
    /// build step on every file (the caches are neither read nor written).
    #[arg(long, global = true)]
    pub no_cache: bool,
    /// Wall-clock limit for one plugin call, in milliseconds [default: 5000].
    #[arg(long, global = true, value_name = "MS")]
    pub time_limit_ms: Option<u64>,
    /// Memory limit for one plugin instance, in MiB [default: 512].
    #[arg(long, global = true, value_name = "MIB")]
    pub memory_limit_mib: Option<u64>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build a static site: source files through the `[site] steps` into the output.
    Build(commands::build::BuildArgs),
    /// Which third-party services web pages use, and the settings of each.
    Detect(commands::detect::DetectArgs),
    /// Lint checks over a tree, from every lint-check plugin.
    Lint(commands::lint::LintArgs),
    /// A new project from a template: Khaos templates, or native ones with typed prompts.
    Scaffold(commands::scaffold::ScaffoldArgs),
    /// Build, serve on localhost, rebuild on change and reload the browser.
    Serve(commands::serve::ServeArgs),
    /// List, inspect, validate and test plugins.
    #[command(subcommand)]
    Plugins(commands::plugins::PluginsCommand),
}

/// Everything a command needs from the environment, built once.
pub struct Context {
    pub config: Config,
    pub global: Global,
}

impl Context {
    /// The runtime, with the cache and limits from flags and config.
    pub fn runtime(&self) -> Result<Runtime, Error> {
        self.runtime_with(self.limits()?)
    }

    /// The runtime with the cache from flags and config and these limits.
    pub fn runtime_with(&self, limits: Limits) -> Result<Runtime, Error> {
        let cache_dir = if self.global.no_cache { None } else { Cache::default_dir() };
        Runtime::new(&RuntimeSettings { cache_dir, limits })
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
            Some(table) => serde_json::to_string(table)
                .map_err(|error| Error::input(format!("[plugins.options.{name}] in workbench.toml: {error}"))),
        }
    }

    /// Where to find plugins: bundled, config, environment, flags.
    pub fn plugin_search(&self) -> PluginSearch {
        PluginSearch::new(&self.config, &self.global.plugins, std::env::var_os("WORKBENCH_PLUGIN_PATH"))
    }
}

/// Parses the process arguments and runs; the binary's whole `main`.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() { Exit::Usage.into() } else { Exit::Success.into() };
        }
    };
    init_logging(cli.global.verbose);
    match run(cli) {
        Ok(exit) => exit.into(),
        Err(error) => {
            report(&error);
            error.exit().into()
        }
    }
}

pub fn run(cli: Cli) -> Result<Exit, Error> {
    let cwd =
        std::env::current_dir().map_err(|error| Error::input(format!("cannot read the current directory: {error}")))?;
    let config = Config::discover(cli.global.config.as_deref(), &cwd)?;
    let context = Context { config, global: cli.global };
    match cli.command {
        Command::Build(args) => commands::build::run(&context, &args),
        Command::Detect(args) => commands::detect::run(&context, &args),
        Command::Lint(args) => commands::lint::run(&context, &args),
        Command::Scaffold(args) => commands::scaffold::run(&context, &args),
        Command::Serve(args) => commands::serve::run(&context, &args),
        Command::Plugins(command) => commands::plugins::run(&context, command),
    }
}

/// Prints an error the way every command does: `error: ...` then `help: ...`.
pub fn report(error: &Error) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "error: {}", error.message());
    if let Some(help) = error.help_text() {
        let _ = writeln!(stderr, "  help: {help}");
    }
}

fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    // Only workbench's own messages and plugins' logs: wasmtime's and
    // cranelift's internals are noise for users.
    let default = format!("workbench={level},plugin={level}");
    env_logger::Builder::from_env(env_logger::Env::new().filter_or("WORKBENCH_LOG", default))
        .format_timestamp(None)
        .format_target(false)
        .init();
}
