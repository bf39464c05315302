//! Where plugins come from, in the order later ones override earlier ones
//! of the same name: bundled, `[plugins.sources]` (as workbench.lock pins
//! them), `[plugins] paths` in workbench.toml, `$WORKBENCH_PLUGIN_PATH`,
//! then `--plugin`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::bundled::{self, BUNDLED};
use super::contract::Role;
use super::plugin::{Plugin, Source};
use super::runtime::{LoadError, Runtime};
use crate::config::Config;
use crate::packages::Pinned;

/// Every plugin that loaded, and every one that did not.
pub struct PluginSet {
    pub plugins: Vec<Plugin>,
    pub failures: Vec<LoadError>,
}

impl PluginSet {
    pub fn find(&self, name: &str) -> Option<&Plugin> {
        self.plugins.iter().find(|plugin| plugin.name() == name)
    }
}

/// A source and, for bundled and pinned plugins, its bytes.
type FoundSource = (Source, Option<Held>);

/// Bytes already in memory: in the binary, or fetched and verified.
#[derive(Clone)]
enum Held {
    Static(&'static [u8]),
    Shared(std::sync::Arc<[u8]>),
}

/// Where to look, gathered from the config, the environment and flags.
#[derive(Debug, Clone, Default)]
pub struct PluginSearch {
    pub bundled: bool,
    /// What workbench.lock pins, already checked against its digests.
    pub pinned: Pinned,
    pub config_paths: Vec<PathBuf>,
    pub env_path: Option<OsString>,
    pub cli_paths: Vec<PathBuf>,
}

impl PluginSearch {
    pub fn new(config: &Config, pinned: Pinned, cli_paths: &[PathBuf], env_path: Option<OsString>) -> PluginSearch {
        let base = config.base_dir();
        PluginSearch {
            bundled: true,
            pinned,
            config_paths: config.plugins.paths.iter().map(|path| base.join(path)).collect(),
            env_path,
            cli_paths: cli_paths.to_vec(),
        }
    }

    /// Sources in override order, with paths that do not exist reported.
    fn sources(&self) -> (Vec<FoundSource>, Vec<LoadError>) {
        let mut sources = Vec::new();
        let mut failures = Vec::new();
        if self.bundled {
            sources.extend(BUNDLED.iter().map(|(stem, bytes, ..)| (Source::Bundled(stem), Some(Held::Static(bytes)))));
        }
        sources.extend(
            self.pinned.fetched.iter().map(|(source, bytes)| (source.clone(), Some(Held::Shared(bytes.clone())))),
        );
        let env_paths: Vec<PathBuf> = self.env_path.iter().flat_map(std::env::split_paths).collect();
        let paths = self.pinned.paths.iter().chain(&self.config_paths).chain(&env_paths).chain(&self.cli_paths);
        for path in paths {
            match wasm_files(path) {
                Ok(files) => sources.extend(files.into_iter().map(|file| (Source::File(file), None))),
                Err(message) => failures.push(LoadError { source: Source::File(path.clone()), message }),
            }
        }
        (sources, failures)
    }

    /// Loads every plugin; failures are collected, not fatal.
    pub fn load(&self, runtime: &Runtime) -> PluginSet {
        let (sources, failures) = self.sources();
        load_sources(runtime, sources, failures)
    }

    /// Loads the plugins that may play `role`: bundled plugins of other
    /// roles are not loaded (compiling them would cost a cold `lint`
    /// seconds, and loading them a warm one more than linting an unchanged
    /// tree). Plugins from files are always loaded: only loading tells.
    pub fn load_playing(&self, runtime: &Runtime, role: Role) -> PluginSet {
        let (sources, failures) = self.sources();
        let chosen: Vec<FoundSource> = sources
            .into_iter()
            .filter(|(source, _)| match source {
                Source::Bundled(stem) => bundled::roles(stem).is_none_or(|roles| roles.contains(&role.name())),
                Source::File(_) | Source::Added { .. } => true,
            })
            .collect();
        load_sources(runtime, chosen, failures)
    }

    /// Loads what a command names (a build's steps) without compiling
    /// every bundled plugin: bundled plugins are skipped unless their file
    /// stem is a wanted name; plugins from files are always loaded, since
    /// only loading tells their names (and they override bundled ones).
    /// When a name is still missing, everything is loaded after all.
    pub fn load_named(&self, runtime: &Runtime, names: &[&str]) -> PluginSet {
        let (sources, failures) = self.sources();
        let wanted = |stem: &str| names.iter().any(|name| name.replace('-', "_") == stem.replace('-', "_"));
        let chosen: Vec<FoundSource> = sources
            .iter()
            .filter(|(source, _)| match source {
                Source::Bundled(stem) => wanted(stem),
                Source::File(_) | Source::Added { .. } => true,
            })
            .cloned()
            .collect();
        let set = load_sources(runtime, chosen, failures.clone());
        if names.iter().all(|name| set.find(name).is_some()) {
            return set;
        }
        load_sources(runtime, sources, failures)
    }
}

fn load_sources(runtime: &Runtime, sources: Vec<FoundSource>, mut failures: Vec<LoadError>) -> PluginSet {
    let mut plugins: Vec<Plugin> = Vec::new();
    for (source, bundled) in sources {
        let bytes = match (&bundled, &source) {
            (Some(Held::Static(bytes)), _) => std::borrow::Cow::Borrowed(*bytes),
            (Some(Held::Shared(bytes)), _) => std::borrow::Cow::Borrowed(&bytes[..]),
            (None, Source::File(path)) => match std::fs::read(path) {
                Ok(bytes) => std::borrow::Cow::Owned(bytes),
                Err(error) => {
                    failures.push(LoadError { source, message: format!("cannot read it: {error}") });
                    continue;
                }
            },
            (None, Source::Bundled(_) | Source::Added { .. }) => {
                unreachable!("bundled and pinned sources carry their bytes")
            }
        };
        match runtime.load(&source, &bytes) {
            Ok(plugin) => {
                if let Some(index) = plugins.iter().position(|p| p.name() == plugin.name()) {
                    log::info!(
                        "plugin `{}` from {} overrides the one from {}",
                        plugin.name(),
                        plugin.source,
                        plugins[index].source
                    );
                    plugins[index] = plugin;
                } else {
                    plugins.push(plugin);
                }
            }
            Err(error) => failures.push(error),
        }
    }
    PluginSet { plugins, failures }
}

/// A `.wasm` file, or the `.wasm` files directly inside a directory.
pub fn wasm_files(path: &Path) -> Result<Vec<PathBuf>, String> {
    let metadata = std::fs::metadata(path).map_err(|error| format!("cannot read it: {error}"))?;
    if metadata.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|error| format!("cannot list it: {error}"))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|file| file.extension().is_some_and(|ext| ext == "wasm") && file.is_file())
        .collect();
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {

    #[test]
    fn bundled_digests_from_the_build_match_the_bytes() {
        for (stem, bytes, digest, _) in BUNDLED {
            assert_eq!(*digest, crate::plugins::cache::digest(bytes), "{stem}");
        }
    }

    use super::*;

    #[test]
    fn directories_contribute_their_wasm_files_in_order() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.wasm", "a.wasm", "notes.txt"] {
            std::fs::write(dir.path().join(name), b"").unwrap();
        }
        let files = wasm_files(dir.path()).unwrap();
        let names: Vec<_> = files.iter().map(|f| f.file_name().unwrap().to_str().unwrap()).collect();
        assert_eq!(names, ["a.wasm", "b.wasm"]);
    }

    #[test]
    fn missing_path_is_reported_not_fatal() {
        let search = PluginSearch { cli_paths: vec!["/no/such/plugin.wasm".into()], ..PluginSearch::default() };
        let (sources, failures) = search.sources();
        assert!(sources.is_empty());
        assert_eq!(failures.len(), 1);
        assert!(failures[0].to_string().contains("/no/such/plugin.wasm"));
    }
}
