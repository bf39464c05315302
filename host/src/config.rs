//! `workbench.toml`: every key optional, unknown keys refused by name.
//!
//! The file is found in the current directory or the nearest ancestor (like
//! `Cargo.toml`), or given with `--config`. Sections belong to commands:
//! `[detect]` to detect, `[site]` to build and serve, `[lint]` to lint, `[scaffold]` to scaffold,
//! `[projects]` to projects and make, `[plugins]` to the runtime.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::line_column::line_column;

pub const FILE_NAME: &str = "workbench.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    pub detect: DetectConfig,
    pub site: SiteConfig,
    pub lint: LintConfig,
    pub scaffold: ScaffoldConfig,
    pub plugins: PluginsConfig,
    pub projects: ProjectsConfig,
    /// Package namespace → the OCI registry (and path) its packages live
    /// under: `acme = "ghcr.io/acme-corp"` makes `acme:check@1.0.0`
    /// `oci://ghcr.io/acme-corp/acme/check:1.0.0`, as `wkg` maps them.
    pub registries: BTreeMap<String, String>,
    /// Where the file was read from; `None` when no file was found.
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct SiteConfig {
    /// Source directory, relative to the config file (default `site`).
    pub source: Option<PathBuf>,
    /// Output directory (default `build`).
    pub destination: Option<PathBuf>,
    /// Remove files in the destination that the build did not write.
    pub clean: Option<bool>,
    /// Globs of source paths to skip.
    pub ignore: Vec<String>,
    /// Site-wide metadata every step sees.
    pub metadata: toml::Table,
    /// The pipeline, in order.
    pub steps: Vec<StepConfig>,
}

/// A step: a plugin name, or a plugin with options.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum StepConfig {
    Name(String),
    WithOptions {
        plugin: String,
        #[serde(default)]
        options: toml::Table,
    },
}

impl StepConfig {
    pub fn plugin(&self) -> &str {
        match self {
            StepConfig::Name(name) | StepConfig::WithOptions { plugin: name, .. } => name,
        }
    }

    pub fn options(&self) -> Option<&toml::Table> {
        match self {
            StepConfig::Name(_) => None,
            StepConfig::WithOptions { options, .. } => Some(options),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct DetectConfig {
    /// Wappalyzer-format fingerprint files for the `fingerprints` plugin,
    /// relative to the config file.
    pub fingerprints: Vec<PathBuf>,
    /// Seconds for one fetch, redirects and body included (default 15).
    pub timeout: Option<f64>,
    /// Decoded body bytes kept per page, in MiB (default 8).
    pub max_body_mib: Option<u64>,
}

/// `[projects]`: the monorepo's projects, for `workbench projects` and
/// `workbench make`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ProjectsConfig {
    /// Globs of project directories (relative to the config file); default:
    /// every directory below it with a Makefile.
    pub include: Vec<String>,
    /// Globs of directories that are not projects, nor hold any.
    pub exclude: Vec<String>,
    /// Globs of paths whose change outside every project does not select
    /// them all under `--changed` (docs, a README).
    pub ignore_changes: Vec<String>,
    /// Project → the projects it depends on, besides those its own files
    /// name (Cargo.toml, package.json, go.mod, `$(MAKE) -C`).
    pub dependencies: BTreeMap<String, Vec<String>>,
    /// `[projects.cache]`: when `workbench make` may skip a target whose
    /// inputs are unchanged since it succeeded.
    pub cache: MakeCacheConfig,
}

/// `[projects.cache]` (docs/make.md, "Skipping work already done").
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct MakeCacheConfig {
    /// Use the cache without `--cache` (default false).
    pub enabled: bool,
    /// Targets that write nothing a later step needs, so skipping them
    /// loses nothing (default `test` and `lint`).
    pub targets: Vec<String>,
    /// Target → globs (relative to each project) of the files it writes:
    /// such a target is skipped only while those files are as it left them.
    pub outputs: BTreeMap<String, Vec<String>>,
    /// Environment variables whose values are inputs of every target.
    pub env: Vec<String>,
}

impl Default for MakeCacheConfig {
    fn default() -> MakeCacheConfig {
        MakeCacheConfig {
            enabled: false,
            targets: vec!["test".into(), "lint".into()],
            outputs: BTreeMap::new(),
            env: Vec::new(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct LintConfig {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// Rule id → `off`, `info`, `warning` or `error`.
    pub rules: BTreeMap<String, String>,
    /// `[[lint.overrides]]`: rule levels for paths matching globs; later
    /// ones win over earlier ones and over `[lint.rules]`.
    pub overrides: Vec<LintOverride>,
    /// What is shown in files that are not the repository's own (vendored,
    /// generated, test data): only errors, or everything.
    pub foreign_files: ForeignFiles,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ForeignFiles {
    /// Errors only: a warning there is someone else's to fix.
    #[default]
    Errors,
    All,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct LintOverride {
    pub paths: Vec<String>,
    pub rules: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ScaffoldConfig {
    /// Directories that hold templates, relative to the config file.
    pub templates: Vec<PathBuf>,
    /// Short names for templates: `node = "https://github.com/segmentio/khaos-node.git"`.
    pub aliases: BTreeMap<String, String>,
    /// Where scaffolded Rust plugins get workbench's SDK: a path to
    /// `guest-plugins/sdk` (relative to this file) or the workbench
    /// repository's git URL (`{{workbench.sdk}}` in templates).
    pub sdk: Option<String>,
    /// Template name → where it comes from: a folder, `git+URL#REF:FOLDER`,
    /// or `https://….tar.gz#sha256=…`; pinned in workbench.lock.
    pub sources: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct PluginsConfig {
    /// `.wasm` files or directories of them, relative to the config file.
    pub paths: Vec<PathBuf>,
    /// Wall-clock limit for one plugin call, in milliseconds.
    pub time_limit_ms: Option<u64>,
    /// Memory limit for one plugin instance, in MiB.
    pub memory_limit_mib: Option<u64>,
    /// Options per plugin name, passed to the plugin as a JSON object.
    pub options: BTreeMap<String, toml::Table>,
    /// Plugin name → where it comes from (a path, `https://…#sha256=…`,
    /// `git+URL#REF:PATH`, `oci://…`, `ns:name@version`); pinned in
    /// workbench.lock. Written by `workbench plugins add`.
    pub sources: BTreeMap<String, String>,
    /// The largest component a download may be, in MiB (default 256).
    pub max_download_mib: Option<u64>,
}

impl Config {
    /// Reads `explicit` if given, else the nearest `workbench.toml` from
    /// `start` upwards, else the defaults.
    pub fn discover(explicit: Option<&Path>, start: &Path) -> Result<Config> {
        if let Some(path) = explicit {
            return Config::read(path);
        }
        for dir in start.ancestors() {
            let candidate = dir.join(FILE_NAME);
            if candidate.is_file() {
                return Config::read(&candidate);
            }
        }
        Ok(Config::default())
    }

    pub fn read(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|error| {
            Error::input(format!("cannot read {}: {error}", path.display())).help("check the path given to --config")
        })?;
        let mut config = Config::parse(&text, path)?;
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        toml::from_str(text).map_err(|error| {
            let (line, column) = error.span().map_or((1, 1), |span| line_column(text, span.start));
            Error::input(format!("{}:{line}:{column}: {}", path.display(), error.message().trim_end())).help(format!(
                "fix or remove that key; every key of {FILE_NAME} is listed in README.md under \"Configuration\""
            ))
        })
    }

    /// The directory relative paths in the file are resolved against.
    pub fn base_dir(&self) -> PathBuf {
        self.path.as_deref().and_then(Path::parent).map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_defaults() {
        let config = Config::parse("", Path::new("workbench.toml")).unwrap();
        assert!(config.plugins.paths.is_empty());
        assert!(config.site.steps.is_empty());
    }

    #[test]
    fn design_sketch_parses() {
        let text = r#"
[site]
source = "site"
destination = "build"
steps = ["drafts", "markdown", { plugin = "layouts", options = { directory = "layouts" } }]

[lint]
include = ["**/Makefile", "**/*.mk"]
[lint.rules]
"make/phony-declared" = "error"

[scaffold]
templates = ["templates"]

[plugins]
paths = ["guest-plugins/build"]
time-limit-ms = 2000
"#;
        let config = Config::parse(text, Path::new("workbench.toml")).unwrap();
        assert_eq!(config.site.steps.len(), 3);
        assert_eq!(config.plugins.time_limit_ms, Some(2000));
        assert_eq!(config.lint.rules["make/phony-declared"], "error");
    }

    #[test]
    fn unknown_key_is_named_with_file_and_line() {
        let text = "[plugins]\npaths = []\ntimeout = 3\n";
        let error = Config::parse(text, Path::new("dir/workbench.toml")).unwrap_err();
        let message = error.message();
        assert!(message.starts_with("dir/workbench.toml:3:1: "), "{message}");
        assert!(message.contains("timeout"), "{message}");
    }
}
