//! Command-line parsing and dispatch: parse, set up logging, build the
//! [`Context`] from the process, run the command, map its outcome to an
//! exit code.

use std::io::{IsTerminal as _, Write as _};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::commands;
use crate::context::{Context, Global};
use crate::error::{Error, Exit};
use crate::style::{self, Paint};

#[derive(Debug, Parser)]
#[command(
    name = "workbench",
    version,
    about = "One CLI for the everyday jobs of a repository of small projects; every feature is a WebAssembly plugin.",
    after_help = "Exit codes: 0 success, 1 findings (lint errors, a failed make target), 2 usage or input error, 3 plugin failure."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build a static site: source files through the `[site] steps` into the output.
    Build(commands::site::BuildArgs),
    /// Which third-party services web pages use, and the settings of each.
    Detect(commands::detect::DetectArgs),
    /// Write a commented workbench.toml for this repository (or translate a metalsmith.json with --from).
    Init(commands::init::InitArgs),
    /// Lint checks over a tree, from every lint-check plugin.
    Lint(commands::lint::LintArgs),
    /// Run a make target in every project (or those a change reaches), in dependency order.
    Make(commands::make::MakeArgs),
    /// The monorepo's projects: their targets and what each depends on.
    Projects(commands::projects::ProjectsArgs),
    /// A new project from a template: Khaos templates, or native ones with typed prompts.
    Scaffold(commands::scaffold::ScaffoldArgs),
    /// Build, serve on localhost, rebuild on change and reload the browser.
    Serve(commands::serve::ServeArgs),
    /// List, inspect, validate and test plugins.
    #[command(subcommand)]
    Plugins(commands::plugins::PluginsCommand),
    /// The shared cache folder, and pruning the downloaded plugins in it.
    #[command(subcommand)]
    Cache(commands::cache::CacheCommand),
    /// A shell completion script (bash, zsh, fish, elvish, powershell) on stdout.
    Completions(commands::completions::CompletionsArgs),
    /// Man pages for every command, written into a folder.
    Man(commands::man::ManArgs),
}

/// Parses the process arguments and runs; the binary's whole `main`.
pub fn main() -> ExitCode {
    // `COMPLETE=bash workbench` prints the dynamic completion registration;
    // the shell then calls back with COMPLETE set to complete a line. Either
    // way this answers and exits before anything else runs.
    clap_complete::CompleteEnv::with_factory(<Cli as clap::CommandFactory>::command).complete();
    let cli = match parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() { Exit::Usage.into() } else { Exit::Success.into() };
        }
    };
    let paint_err = Paint::new(style::enabled(
        cli.global.color,
        |name| std::env::var(name).ok().filter(|value| !value.is_empty()),
        std::io::stderr().is_terminal(),
    ));
    init_logging(&cli.global, paint_err);
    let context = match Context::from_process(cli.global) {
        Ok(context) => context,
        Err(error) => {
            crate::error::report(&error, paint_err, &mut std::io::stderr().lock());
            return error.exit().into();
        }
    };
    match run(&context, cli.command) {
        Ok(exit) => exit.into(),
        Err(error) => {
            context.report(&error);
            error.exit().into()
        }
    }
}

/// Runs one command in a context: what `main` does after parsing, and
/// what an in-process test calls.
pub fn run(context: &Context, command: Command) -> Result<Exit, Error> {
    match command {
        Command::Build(args) => commands::site::run(context, &args),
        Command::Detect(args) => commands::detect::run(context, &args),
        Command::Init(args) => commands::init::run(context, &args),
        Command::Lint(args) => commands::lint::run(context, &args),
        Command::Make(args) => commands::make::run(context, &args),
        Command::Projects(args) => commands::projects::run(context, &args),
        Command::Scaffold(args) => commands::scaffold::run(context, &args),
        Command::Serve(args) => commands::serve::run(context, &args),
        Command::Plugins(command) => commands::plugins::run(context, command),
        Command::Cache(command) => commands::cache::run(context, &command),
        Command::Completions(args) => commands::completions::run(context, &args),
        Command::Man(args) => commands::man::run(context, &args),
    }
}

/// Parses arguments, with clap's own help and usage errors coloured as
/// `--color` says. clap reads `NO_COLOR` and `CLICOLOR_FORCE` itself but
/// cannot see the flag before parsing, so the flag is looked for first.
fn parse(args: impl IntoIterator<Item = std::ffi::OsString>) -> Result<Cli, clap::Error> {
    let args: Vec<std::ffi::OsString> = args.into_iter().collect();
    let mut color = clap::ColorChoice::Auto;
    let mut words = args.iter().skip(1).map(|arg| arg.to_str().unwrap_or_default());
    while let Some(word) = words.next() {
        let value = match word.strip_prefix("--color") {
            Some("") => words.next().unwrap_or_default(),
            Some(rest) => rest.strip_prefix('=').unwrap_or_default(),
            None if word == "--" => break,
            None => continue,
        };
        color = match value {
            "always" => clap::ColorChoice::Always,
            "never" => clap::ColorChoice::Never,
            _ => clap::ColorChoice::Auto,
        };
    }
    let mut matches = <Cli as clap::CommandFactory>::command().color(color).try_get_matches_from(args)?;
    <Cli as clap::FromArgMatches>::from_arg_matches_mut(&mut matches)
}

fn init_logging(global: &Global, paint: Paint) {
    let level = match (global.quiet, global.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    // Only workbench's own messages and plugins' logs: wasmtime's and
    // cranelift's internals are noise for users.
    let default = format!("workbench={level},plugin={level}");
    env_logger::Builder::from_env(env_logger::Env::new().filter_or("WORKBENCH_LOG", default))
        // Shaped like every other message: `warning: ...`, coloured as
        // stderr's `--color` says (so the logger's own detection is off).
        .write_style(env_logger::WriteStyle::Always)
        .format(move |buf, record| {
            let label = match record.level() {
                log::Level::Error => "error:",
                log::Level::Warn => "warning:",
                log::Level::Info => "info:",
                log::Level::Debug => "debug:",
                log::Level::Trace => "trace:",
            };
            writeln!(buf, "{} {}", paint.label(label), record.args())
        })
        .init();
}
