//! `workbench plugins list|info|check|test|conformance` and the plugins
//! from anywhere: `add|remove|update|fetch|push`.

mod add;
mod check;
mod conformance;
mod fetch;
mod info;
mod list;
mod push;
mod remove;
mod spec;
mod update;
mod wit;

use std::path::PathBuf;

use clap::Subcommand;

pub use crate::commands::Format;
use crate::context::Context;
use crate::error::{Error, Exit};

#[derive(Debug, Subcommand)]
pub enum PluginsCommand {
    /// Every plugin found: bundled, from workbench.toml, $WORKBENCH_PLUGIN_PATH and --plugin.
    List {
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// One plugin in full: roles, WIT version, source, cache state, and its services, rules, helpers or step settings.
    Info {
        /// The plugin's name (see `workbench plugins list`).
        #[arg(add = clap_complete::engine::ArgValueCompleter::new(crate::commands::completions::values::plugins))]
        name: String,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Validate components against the WIT contract without running them.
    Check {
        /// Component files (.wasm).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Run a plugin against spec files: inputs and the outputs they must give.
    Test {
        /// The component to test (.wasm).
        plugin: PathBuf,
        /// Spec files (.toml), or directories of them.
        #[arg(required = true)]
        specs: Vec<PathBuf>,
        /// human, or json: every case with its result (docs/json.md).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Add a plugin from a path, https://…#sha256=…, git+URL#REF:PATH, oci://… or ns:name@version: checked
    /// (never run), named in workbench.toml's [plugins.sources], pinned in workbench.lock.
    Add(add::AddArgs),
    /// Remove an added plugin from workbench.toml and workbench.lock.
    Remove {
        /// The name it was added under.
        name: String,
    },
    /// Resolve added plugins' sources afresh (a tag may have moved) and pin what they give now.
    Update {
        /// One plugin only (default: all).
        name: Option<String>,
    },
    /// Download every plugin workbench.lock pins into the cache, checked by digest (then --offline works).
    Fetch,
    /// Publish a component to an OCI registry (one application/wasm layer, as wkg does).
    Push {
        /// The component (.wasm).
        file: PathBuf,
        /// oci://HOST/NAMESPACE/NAME:TAG, or ns:name@version through [registries].
        target: String,
    },
    /// Write the WIT package this workbench speaks into a folder, to build plugins outside a workbench checkout.
    Wit {
        /// Where to write it.
        #[arg(default_value = "wit")]
        dir: PathBuf,
        /// Replace files that differ.
        #[arg(long)]
        force: bool,
    },
    /// Check components against the WIT contract's promises, whatever their language: empty, large and odd
    /// inputs, and the sandbox's limits. Exit 1 when a check fails.
    Conformance {
        /// Component files (.wasm).
        #[arg(required = true)]
        plugins: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

pub fn run(context: &Context, command: PluginsCommand) -> Result<Exit, Error> {
    let resolve =
        |paths: &[PathBuf]| -> Vec<PathBuf> { paths.iter().map(|path| context.resolve(path).into_owned()).collect() };
    match command {
        PluginsCommand::List { format } => list::run(context, format),
        PluginsCommand::Info { name, format } => info::run(context, &name, format),
        PluginsCommand::Check { paths, format } => check::run(context, &resolve(&paths), format),
        PluginsCommand::Test { plugin, specs, format } => {
            spec::run(context, &context.resolve(&plugin), &resolve(&specs), format)
        }
        PluginsCommand::Conformance { plugins, format } => conformance::run(context, &resolve(&plugins), format),
        PluginsCommand::Add(args) => add::run(context, &args),
        PluginsCommand::Remove { name } => remove::run(context, &name),
        PluginsCommand::Update { name } => update::run(context, name.as_deref()),
        PluginsCommand::Fetch => fetch::run(context),
        PluginsCommand::Wit { dir, force } => wit::run(context, &context.resolve(&dir), force),
        PluginsCommand::Push { file, target } => push::run(context, &context.resolve(&file), &target),
    }
}

/// Prints load failures and tells whether there were any.
fn report_load_failures(context: &Context, set: &crate::plugins::PluginSet) -> bool {
    for failure in &set.failures {
        context.report(&Error::from(failure.clone()));
    }
    !set.failures.is_empty()
}

#[cfg(test)]
mod in_process {
    use crate::error::Exit;
    use crate::testing::InProcess;

    #[test]
    fn lists_the_bundled_plugins_and_none_from_the_environment() {
        let ran = InProcess::new().run(&["plugins", "list", "--format", "json"]);
        assert_eq!(ran.exit, Exit::Success, "{}", ran.stderr);
        let list: serde_json::Value = serde_json::from_str(&ran.stdout).expect("JSON");
        let names: Vec<&str> =
            list["plugins"].as_array().unwrap().iter().filter_map(|plugin| plugin["name"].as_str()).collect();
        assert!(names.contains(&"markdown") && names.contains(&"services"), "{names:?}");
    }

    #[test]
    fn the_roles_read_at_build_time_are_the_roles_loading_finds() {
        let ran = InProcess::new().run(&["plugins", "list", "--format", "json"]);
        let list: serde_json::Value = serde_json::from_str(&ran.stdout).expect("JSON");
        let plugins = list["plugins"].as_array().expect("a list");
        assert_eq!(plugins.len(), crate::plugins::bundled::BUNDLED.len(), "{}", ran.stdout);
        for plugin in plugins {
            let name = plugin["name"].as_str().expect("a name");
            let mut found: Vec<&str> =
                plugin["roles"].as_array().expect("roles").iter().filter_map(serde_json::Value::as_str).collect();
            found.sort_unstable();
            // build.rs sorts the roles it reads.
            let built = crate::plugins::bundled::roles(name).expect("bundled under its own name");
            assert_eq!(built, found.as_slice(), "{name}");
        }
    }

    #[test]
    fn info_on_an_unknown_plugin_says_what_to_run() {
        let ran = InProcess::new().run(&["plugins", "info", "no-such-plugin"]);
        assert_eq!(ran.exit, Exit::Usage);
        assert!(ran.stderr.contains("no-such-plugin"), "{}", ran.stderr);
        assert!(ran.stderr.contains("help:"), "{}", ran.stderr);
    }
}
