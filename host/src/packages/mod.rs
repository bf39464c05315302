//! Plugins from anywhere: the sources `[plugins.sources]` names, pinned
//! by `workbench.lock`, fetched into a content-addressed cache, checked by
//! digest before anything compiles, caches or runs them.
//!
//! - [`spec`]: the source forms (path, HTTPS, git, OCI, package);
//! - [`lock`], the lock file itself;
//! - [`store`]: downloads kept by digest;
//! - [`http`], [`git`], [`oci`]: one fetcher per kind of source.
//!
//! Commands see only [`Fetcher`] (resolve a source afresh, or fetch what
//! the lock pins) and [`pinned_plugins`] (what the lock adds to the plugin
//! search, with the checks `--locked` and `--offline` ask for).

pub mod archive;
pub mod git;
pub mod http;
pub mod lock;
pub mod oci;
pub mod sources_table;
pub mod spec;
pub mod store;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use lock::{Lock, Locked, LockedTemplate};
pub use spec::Spec;
pub use store::{Store, Stored};

use crate::context::Context;
use crate::error::{Error, Result};
use crate::plugins::{Runtime, Source};

/// The largest component workbench downloads (a Python component with its
/// interpreter is ~40 MiB); `[plugins] max-download-mib` changes it.
pub const DEFAULT_CAP_MIB: u64 = 256;

pub fn sha256_hex(bytes: &[u8]) -> String {
    crate::plugins::cache::digest(bytes)
}

/// Writes `path` in one rename ([`crate::leftovers::replace`]: its
/// permissions kept), or says which file could not be written.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::leftovers::replace(path, bytes, "write").map_err(|error| {
        Error::input(format!("cannot write {}: {error}", path.display())).help("check that the folder is writable")
    })
}

/// Held while a command reads, changes and writes workbench.toml and
/// workbench.lock, so two workbench processes changing them at once (two
/// `plugins add`, or a lint pinning a new source) take turns and neither
/// loses the other's entry. An advisory lock on the folder that holds
/// them: it stays the same file while both are replaced by rename.
pub struct Held(#[allow(dead_code, reason = "held for its lock, released on drop")] std::fs::File);

/// Waits for, then holds, the project folder of `config_path`.
pub fn hold(config_path: &Path) -> Result<Held> {
    let folder = config_path.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let file = std::fs::File::open(folder).and_then(|file| file.lock().map(|()| file)).map_err(|error| {
        Error::input(format!("cannot lock {} to change workbench.toml and workbench.lock: {error}", folder.display()))
            .help("check that the folder is readable")
    })?;
    Ok(Held(file))
}

/// Fetches sources: the network (or a git clone) on one side, the
/// content-addressed store on the other.
pub struct Fetcher {
    pub store: Store,
    cache_home: PathBuf,
    cap: u64,
    registries: BTreeMap<String, String>,
    auth: oci::Auth,
}

impl Fetcher {
    pub fn new(context: &Context) -> Result<Fetcher> {
        let cache_home = context.cache_home().ok_or_else(|| {
            Error::input("no cache folder for downloaded plugins").help("set WORKBENCH_CACHE_DIR to a writable folder")
        })?;
        let auth = match (context.var("WORKBENCH_REGISTRY_USERNAME"), context.var("WORKBENCH_REGISTRY_PASSWORD")) {
            (Some(user), Some(password)) => oci::Auth(Some((user, password))),
            _ => oci::Auth(None),
        };
        Ok(Fetcher {
            store: Store::new(&cache_home),
            cache_home,
            cap: context.config.plugins.max_download_mib.unwrap_or(DEFAULT_CAP_MIB).saturating_mul(1 << 20),
            registries: context.config.registries.clone(),
            auth,
        })
    }

    pub fn auth(&self) -> &oci::Auth {
        &self.auth
    }

    pub fn cap(&self) -> u64 {
        self.cap
    }

    /// The template archive `spec` names (an HTTPS `.tar.gz` with its
    /// sha256, or an OCI template artifact), checked against its digest:
    /// the one `pinned` gives, else the URL's. From the cache when it holds
    /// it, else fetched (unless `fetch` is false: then `None`).
    pub fn template_archive(
        &self,
        spec: &Spec,
        pinned: Option<&LockedTemplate>,
        fetch: bool,
    ) -> Result<Option<Archive>, String> {
        let store = Store::archives(&self.cache_home);
        let expected = match (pinned.and_then(LockedTemplate::sha256), spec) {
            (Some(hex), _) => Some(hex),
            (None, Spec::Url { sha256, .. }) => Some(sha256.as_str()),
            (None, _) => None,
        };
        if let (Some(hex), Some(pinned)) = (expected, pinned)
            && let Some(bytes) = store.get(hex)
        {
            return Ok(Some(Archive { resolved: pinned.resolved.clone(), sha256: hex.to_string(), bytes }));
        }
        if !fetch {
            return Ok(None);
        }
        // What the lock resolved is fetched again exactly: an OCI manifest
        // by its digest, not the tag, which may have moved.
        let target = match pinned {
            Some(pinned) if pinned.resolved.starts_with("oci://") => Spec::parse(&pinned.resolved)?,
            _ => spec.clone(),
        };
        let (resolved, stored) = match &target {
            Spec::Url { url, sha256 } => {
                (url.to_string(), http::download(url, expected.unwrap_or(sha256), &store, self.cap)?)
            }
            Spec::Oci(_) | Spec::Package { .. } => {
                let reference = match &target {
                    Spec::Oci(reference) => reference.clone(),
                    _ => self.package_reference(&target)?,
                };
                let (pinned, stored) = oci::pull(&reference, &oci::TEMPLATE, &self.auth, &store, expected, self.cap)?;
                (format!("oci://{pinned}"), stored)
            }
            Spec::Path(_) | Spec::Git { .. } => return Err(format!("{spec} is not an archive")),
        };
        let sha256 = stored.digest.trim_start_matches("sha256:").to_string();
        Ok(Some(Archive { resolved, sha256, bytes: stored.bytes }))
    }

    /// Where `target` (`oci://HOST/NS/NAME:TAG`, or `ns:name@version`
    /// through `[registries]`) says to push.
    pub fn push_reference(&self, target: &str) -> Result<String> {
        let reference = match Spec::parse(target) {
            Ok(Spec::Oci(reference)) => reference,
            Ok(spec @ Spec::Package { version: Some(_), .. }) => self.package_reference(&spec).map_err(|problem| {
                Error::input(format!("{target}: {problem}"))
                    .help("add the namespace under [registries] in workbench.toml")
            })?,
            Ok(_) => {
                return Err(Error::input(format!("{target}: push publishes to an OCI registry")).help(
                    "give oci://HOST/NAMESPACE/NAME:TAG, or ns:name@version with the namespace under [registries]",
                ));
            }
            Err(problem) => {
                return Err(Error::input(format!("{target}: {problem}")).help("give oci://HOST/NAMESPACE/NAME:TAG"));
            }
        };
        if reference.contains('@') {
            return Err(Error::input(format!("oci://{reference}: push needs a tag, not a digest"))
                .help("give oci://HOST/NAMESPACE/NAME:TAG; the registry makes the digest"));
        }
        Ok(reference)
    }

    /// Fetches `spec` (checking `expected`, a SHA-256 in hex, when given)
    /// and returns where exactly it came from, with the stored bytes.
    pub fn fetch(&self, spec: &Spec, expected: Option<&str>) -> Result<(String, Stored), String> {
        match spec {
            Spec::Path(path) => Err(format!("{} is a path, not fetched", path.display())),
            Spec::Url { url, sha256 } => {
                let stored = http::download(url, expected.unwrap_or(sha256), &self.store, self.cap)?;
                Ok((spec.to_string(), stored))
            }
            Spec::Git { url, reference, path } => {
                let commit = reference.as_deref().filter(|reference| is_commit(reference));
                let (commit, stored) = git::fetch(
                    url,
                    reference.as_deref(),
                    commit,
                    path,
                    &git::Places { cache_home: &self.cache_home, store: &self.store, cap: self.cap },
                    expected,
                )?;
                let pinned = Spec::Git { url: url.clone(), reference: Some(commit), path: path.clone() };
                Ok((pinned.to_string(), stored))
            }
            Spec::Oci(reference) => {
                let (pinned, stored) =
                    oci::pull(reference, &oci::COMPONENT, &self.auth, &self.store, expected, self.cap)?;
                Ok((format!("oci://{pinned}"), stored))
            }
            Spec::Package { .. } => {
                let reference = self.package_reference(spec)?;
                let (pinned, stored) =
                    oci::pull(&reference, &oci::COMPONENT, &self.auth, &self.store, expected, self.cap)?;
                Ok((format!("oci://{pinned}"), stored))
            }
        }
    }

    /// The OCI reference a package name maps to through `[registries]`:
    /// `ns:name@1.2.0` with `ns = "ghcr.io/acme"` is
    /// `ghcr.io/acme/ns/name:1.2.0`. Without a version, the highest
    /// release among the repository's tags.
    pub fn package_reference(&self, spec: &Spec) -> Result<String, String> {
        let Spec::Package { namespace, name, version } = spec else { unreachable!("called for packages") };
        let Some(registry) = self.registries.get(namespace) else {
            return Err(format!(
                "no registry for the namespace `{namespace}`; add `{namespace} = \"HOST/PATH\"` under [registries] in workbench.toml"
            ));
        };
        let repository = format!("{}/{namespace}/{name}", registry.trim_start_matches("oci://").trim_end_matches('/'));
        let version = if let Some(version) = version {
            version.clone()
        } else {
            let tags = oci::tags(&repository, &self.auth)?;
            tags.iter()
                .filter_map(|tag| semver::Version::parse(tag).ok().filter(|version| version.pre.is_empty()))
                .max()
                .ok_or_else(|| format!("{repository} has no release tag (x.y.z); name a version: {spec}@VERSION"))?
                .to_string()
        };
        Ok(format!("{repository}:{version}"))
    }

    /// The bytes of a plugin the lock pins: from the store, else (when
    /// `fetch` allows) fetched from where it was resolved and checked
    /// against the lock's digest.
    pub fn pinned(&self, locked: &Locked, fetch: bool) -> Result<Option<Vec<u8>>, String> {
        let hex = locked.sha256().ok_or("the lock gives it no digest")?;
        if let Some(bytes) = self.store.get(hex) {
            return Ok(Some(bytes));
        }
        if !fetch {
            return Ok(None);
        }
        let spec = Spec::parse(&locked.resolved)?;
        let (_, stored) = self.fetch(&spec, Some(hex))?;
        Ok(Some(stored.bytes))
    }
}

/// Where a `push` goes: checked before anything is read or packed.
pub struct PushTarget {
    fetcher: Fetcher,
    /// `HOST/NS/NAME:TAG`.
    pub reference: String,
}

impl PushTarget {
    /// `target` as `plugins push` and `scaffold --push` take it.
    pub fn new(context: &Context, command: &str, target: &str) -> Result<PushTarget> {
        if context.global.offline {
            return Err(Error::input(format!("--offline: {command} needs the network"))
                .help("run it where the registry is reachable"));
        }
        let fetcher = Fetcher::new(context)?;
        let reference = fetcher.push_reference(target)?;
        Ok(PushTarget { fetcher, reference })
    }

    /// Pushes `bytes`; prints the pinned reference on stdout, and on
    /// stderr what was pushed and `next`: how another repository uses it.
    pub fn push(&self, context: &Context, bytes: Vec<u8>, described: &oci::Described, next: &str) -> Result<()> {
        let reference = &self.reference;
        let created =
            chrono::DateTime::<chrono::Utc>::from(context.now()?).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let pushed = oci::push(reference, bytes, described, &created, self.fetcher.auth()).map_err(|problem| {
            Error::input(format!("cannot push to oci://{reference}: {problem}"))
                .help("check the registry's address and that it is up; set WORKBENCH_REGISTRY_USERNAME and WORKBENCH_REGISTRY_PASSWORD if it needs a login")
        })?;
        outln!(context, "{}", oci::pinned(reference, &pushed.manifest_digest));
        if !context.global.quiet {
            errln!(
                context,
                "pushed oci://{reference} ({} {}); {next}",
                match described {
                    oci::Described::Component { .. } => "component",
                    oci::Described::Template { .. } => "template archive",
                },
                pushed.layer_digest
            );
        }
        Ok(())
    }
}

/// A template archive, checked.
pub struct Archive {
    /// Where it came from exactly: the URL, or `oci://REPOSITORY@MANIFEST`.
    pub resolved: String,
    pub sha256: String,
    pub bytes: Vec<u8>,
}

fn is_commit(reference: &str) -> bool {
    reference.len() == 40 && reference.bytes().all(|byte| byte.is_ascii_hexdigit())
}

/// A fetched source resolved and checked: what goes into the lock.
pub struct Checked {
    pub locked: Locked,
    pub bytes: Option<Vec<u8>>,
}

/// Resolves `spec` for `name` afresh and checks the component against the
/// contract without running it; the lock entry it makes says what was found.
pub fn resolve(fetcher: &Fetcher, runtime: &Runtime, name: &str, spec: &Spec, base: &Path) -> Result<Checked, String> {
    if let Spec::Path(path) = spec {
        let full = base.join(path);
        let files = crate::plugins::sources::wasm_files(&full)?;
        if files.is_empty() {
            return Err(format!("{} holds no .wasm file", full.display()));
        }
        let mut roles = Vec::new();
        let mut wit = String::new();
        for file in &files {
            let bytes = std::fs::read(file).map_err(|error| format!("cannot read {}: {error}", file.display()))?;
            let prepared = runtime.check(&Source::File(file.clone()), &bytes).map_err(|error| error.message)?;
            roles.extend(prepared.contract.roles.iter().map(|role| role.name().to_string()));
            wit = prepared.contract.version.to_string();
        }
        roles.sort();
        roles.dedup();
        let locked = Locked {
            name: name.into(),
            source: spec.to_string(),
            resolved: spec.to_string(),
            digest: None,
            size: None,
            roles,
            wit,
        };
        return Ok(Checked { locked, bytes: None });
    }
    let (resolved, stored) = fetcher.fetch(spec, None)?;
    let hex = stored.digest.trim_start_matches("sha256:").to_string();
    let source = Source::Added { name: name.into(), origin: spec.to_string(), digest: hex };
    let prepared = match runtime.check(&source, &stored.bytes) {
        Ok(prepared) => prepared,
        Err(error) => {
            fetcher.store.forget(&stored);
            return Err(error.message);
        }
    };
    let mut roles: Vec<String> = prepared.contract.roles.iter().map(|role| role.name().to_string()).collect();
    roles.sort();
    let locked = Locked {
        name: name.into(),
        source: spec.to_string(),
        resolved,
        digest: Some(stored.digest.clone()),
        size: Some(stored.size),
        roles,
        wit: prepared.contract.version.to_string(),
    };
    Ok(Checked { locked, bytes: Some(stored.bytes) })
}

/// What the lock adds to the plugin search: fetched components (verified)
/// and paths.
#[derive(Debug, Clone, Default)]
pub struct Pinned {
    /// (source, bytes) of every fetched plugin.
    pub fetched: Vec<(Source, std::sync::Arc<[u8]>)>,
    pub paths: Vec<PathBuf>,
}

/// Reads `[plugins.sources]` and workbench.lock, brings the lock up to
/// date with the sources (unless `--locked` or `--offline` forbid it) and
/// returns the pinned plugins' bytes, each checked against its digest.
pub fn pinned_plugins(context: &Context, runtime: &Runtime) -> Result<Pinned> {
    pinned_with(context, runtime, !context.global.locked && !context.global.offline)
}

/// [`pinned_plugins`] for `plugins fetch`, whose job is fetching: only
/// `--offline` stops it.
pub fn pinned_plugins_fetching(context: &Context, runtime: &Runtime) -> Result<Pinned> {
    pinned_with(context, runtime, !context.global.offline)
}

/// What the cache already holds of what the lock pins, touching no network
/// and changing no file: for shell completion, which must answer at once.
pub fn pinned_plugins_at_hand(context: &Context) -> Pinned {
    let Some(config_path) = context.config.path.as_deref() else { return Pinned::default() };
    let Ok(lock) = Lock::read(&Lock::path_beside(config_path)) else { return Pinned::default() };
    let Ok(fetcher) = Fetcher::new(context) else { return Pinned::default() };
    let base = context.config.base_dir();
    let mut pinned = Pinned::default();
    for locked in &lock.plugins {
        match locked.sha256() {
            None => pinned.paths.push(base.join(&locked.source)),
            Some(hex) => {
                if let Some(bytes) = fetcher.store.get(hex) {
                    pinned.fetched.push((added(locked, hex), bytes.into()));
                }
            }
        }
    }
    pinned
}

/// How a plugin the lock pins is named in messages and found by the loader.
fn added(locked: &Locked, hex: &str) -> Source {
    Source::Added { name: locked.name.clone(), origin: locked.source.clone(), digest: hex.to_string() }
}

fn pinned_with(context: &Context, runtime: &Runtime, fetch: bool) -> Result<Pinned> {
    let sources = &context.config.plugins.sources;
    let Some(config_path) = context.config.path.as_deref() else { return Ok(Pinned::default()) };
    let lock_path = Lock::path_beside(config_path);
    if sources.is_empty() && !lock_path.exists() {
        return Ok(Pinned::default());
    }
    let mut lock = Lock::read(&lock_path)?;
    let base = context.config.base_dir();
    let stale: Vec<(&String, Spec)> = sources
        .iter()
        .filter(|(name, source)| lock.get(name).is_none_or(|locked| &locked.source != *source))
        .map(|(name, source)| Ok((name, parse_configured(name, source, config_path)?)))
        .collect::<Result<_>>()?;
    let extra: Vec<String> =
        lock.plugins.iter().filter(|locked| !sources.contains_key(&locked.name)).map(|l| l.name.clone()).collect();
    if !stale.is_empty() || !extra.is_empty() {
        let names: Vec<&str> =
            stale.iter().map(|(name, _)| name.as_str()).chain(extra.iter().map(String::as_str)).collect();
        if context.global.locked || context.global.offline {
            let flag = if context.global.locked { "--locked" } else { "--offline" };
            return Err(Error::input(format!(
                "{}: workbench.toml and {} disagree about {}; {flag} does not update the lock",
                config_path.display(),
                lock_path.display(),
                names.join(", ")
            ))
            .help("run `workbench plugins update` (with network) and commit workbench.lock"));
        }
        // Read again, in turn: another process may have pinned them meanwhile.
        let _held = hold(config_path)?;
        lock = Lock::read(&lock_path)?;
        let fetcher = Fetcher::new(context)?;
        for (name, spec) in &stale {
            if lock.get(name).is_some_and(|locked| Some(&locked.source) == sources.get(*name)) {
                continue;
            }
            let checked =
                resolve(&fetcher, runtime, name, spec, &base).map_err(|problem| source_error(name, spec, &problem))?;
            log::info!("pinned plugin `{name}` ({spec}) in {}", lock_path.display());
            lock.insert(checked.locked);
        }
        for name in &extra {
            lock.remove(name);
        }
        lock.write(&lock_path)?;
    }
    let mut pinned = Pinned::default();
    let mut missing = Vec::new();
    // Paths alone need no cache folder.
    let fetcher =
        if lock.plugins.iter().any(|locked| locked.digest.is_some()) { Some(Fetcher::new(context)?) } else { None };
    for locked in &lock.plugins {
        let (Some(hex), Some(fetcher)) = (locked.sha256(), &fetcher) else {
            pinned.paths.push(base.join(&locked.source));
            continue;
        };
        let bytes = fetcher.pinned(locked, fetch).map_err(|problem| {
            Error::input(format!("plugin `{}` ({}): {problem}", locked.name, locked.resolved)).help(help_for(&problem))
        })?;
        match bytes {
            Some(bytes) => pinned.fetched.push((added(locked, hex), bytes.into())),
            None => missing.push(format!("{} ({})", locked.name, locked.resolved)),
        }
    }
    if !missing.is_empty() {
        let flag = if context.global.offline { "--offline" } else { "--locked" };
        let store = fetcher.as_ref().map(|fetcher| fetcher.store.dir().display().to_string()).unwrap_or_default();
        return Err(Error::input(format!(
            "{flag}: {} not in the cache {store}: {}",
            if missing.len() == 1 { "this pinned plugin is" } else { "these pinned plugins are" },
            missing.join(", ")
        ))
        .help("run `workbench plugins fetch` where the network is reachable, then run again"));
    }
    Ok(pinned)
}

/// A `[plugins.sources]` value parsed, or an error naming the key.
pub fn parse_configured(name: &str, source: &str, config_path: &Path) -> Result<Spec> {
    Spec::parse(source).map_err(|problem| {
        Error::input(format!("{}: [plugins.sources] {name}: {problem}", config_path.display()))
            .help("fix the source, or remove it with `workbench plugins remove NAME`")
    })
}

/// A source that could not be fetched or checked, with what to do.
pub fn source_error(name: &str, spec: &Spec, problem: &str) -> Error {
    Error::input(format!("plugin `{name}` from {spec}: {problem}")).help(help_for(problem))
}

/// What to do about a fetch that failed this way.
fn help_for(problem: &str) -> &'static str {
    let lower = problem.to_ascii_lowercase();
    if problem.contains("expected") {
        "the bytes are not the ones pinned: check the source (it may have been replaced), or pin the new digest on purpose"
    } else if ["connection refused", "resolve", "in time", "dns error", "timed out"]
        .iter()
        .any(|cause| lower.contains(cause))
    {
        "check the address and that the server is up; run with --offline to use only what the cache holds"
    } else {
        "check the source; `workbench plugins check FILE` validates a component you have on disk"
    }
}
