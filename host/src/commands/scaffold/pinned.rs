//! Templates named in `[scaffold.sources]`, pinned in workbench.lock the
//! way plugins are: a folder (read as it is, like a plugin's path),
//! `git+URL#REF:FOLDER` (pinned by the commit the ref named), or
//! `https://….tar.gz#sha256=…` (pinned by that digest, checked before the
//! archive is read, and every entry checked as it is unpacked: see
//! [`crate::packages::archive`]), or a template artifact in an OCI registry
//! (`oci://…` or `ns:name@version`, as `scaffold --push` writes it; pinned
//! by manifest and archive digest). `--locked` and `--offline` mean what
//! they mean for plugins.

use std::path::Path;

use super::source::{self, Loaded, Origin};
use super::template::{Entry, Tree};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::packages::{Fetcher, Lock, LockedTemplate, Spec, archive};
use crate::progress::Progress;

pub fn load(context: &Context, name: &str, source: &str, progress: &Progress) -> Result<Loaded> {
    let config_path = context.config.path.clone().unwrap_or_else(|| context.cwd().join(crate::config::FILE_NAME));
    let spec = Spec::parse(source).map_err(|problem| {
        Error::input(format!("{}: [scaffold.sources] {name}: {problem}", config_path.display()))
            .help("fix the source: a folder, git+URL#REF:FOLDER, https://….tar.gz#sha256=… or oci://HOST/NS/NAME:TAG")
    })?;
    let lock = Lock::read(&Lock::path_beside(&config_path))?;
    let pinned = lock.templates.iter().find(|locked| locked.name == name && locked.source == source).cloned();
    let may_pin = !context.global.locked && !context.global.offline;
    let unpinned = |what: &str| {
        let flag = if context.global.locked { "--locked" } else { "--offline" };
        Error::input(format!("template `{name}` ({source}) {what}; {flag} does not change workbench.lock")).help(
            "run `workbench scaffold` once without the flag, where the source is reachable, and commit workbench.lock",
        )
    };
    match &spec {
        Spec::Path(path) => source::load_dir(&config_path.parent().unwrap_or(Path::new(".")).join(path), name),
        Spec::Url { .. } | Spec::Oci(_) | Spec::Package { .. } => {
            if pinned.is_none() && !may_pin {
                return Err(unpinned("is not pinned in workbench.lock"));
            }
            let fetcher = Fetcher::new(context)?;
            let fetched = fetcher
                .template_archive(&spec, pinned.as_ref(), may_pin)
                .map_err(|problem| fetch_error(name, &spec, &problem))?
                .ok_or_else(|| unpinned("is not in the cache and would have to be fetched"))?;
            let files = archive::read_tar_gz(&fetched.bytes, fetcher.cap())
                .map_err(|problem| fetch_error(name, &spec, &problem))?;
            if pinned.is_none() {
                pin(
                    context,
                    &config_path,
                    LockedTemplate {
                        name: name.into(),
                        source: source.into(),
                        resolved: fetched.resolved.clone(),
                        digest: Some(format!("sha256:{}", fetched.sha256)),
                    },
                )?;
            }
            let tree: Tree = files
                .into_iter()
                .map(|(path, (contents, executable))| (path, Entry { contents, executable }))
                .collect();
            let origin = Origin { source: spec.to_string(), reference: None, subdir: None, commit: None };
            Ok(Loaded { origin, label: name.to_string(), tree, repo_root: None, described: None })
        }
        Spec::Git { url, reference, path } => {
            let subdir = (path != ".").then(|| path.trim_matches('/').to_string());
            let origin = Origin { source: url.clone(), reference: reference.clone(), subdir, commit: None };
            let commit = pinned.as_ref().map(|locked| locked.resolved.clone());
            if commit.is_none() && !may_pin {
                return Err(unpinned("is not pinned in workbench.lock"));
            }
            let loaded = source::load_git(origin, commit.as_deref(), context.cache_home().as_deref(), progress)?;
            if commit.is_none() {
                let resolved = loaded.origin.commit.clone().unwrap_or_default();
                pin(
                    context,
                    &config_path,
                    LockedTemplate { name: name.into(), source: source.into(), resolved, digest: None },
                )?;
            }
            Ok(loaded)
        }
    }
}

/// Writes `template` into the lock, read again in turn (another process
/// may have changed it), dropping entries `[scaffold.sources]` no longer
/// names or names another source for.
fn pin(context: &Context, config_path: &Path, template: LockedTemplate) -> Result<()> {
    let lock_path = Lock::path_beside(config_path);
    let _held = crate::packages::hold(config_path)?;
    let mut lock = Lock::read(&lock_path)?;
    let sources = &context.config.scaffold.sources;
    lock.templates.retain(|old| sources.get(&old.name) == Some(&old.source));
    lock.insert_template(template);
    lock.write(&lock_path)
}

fn fetch_error(name: &str, spec: &Spec, problem: &str) -> Error {
    Error::input(format!("template `{name}` from {spec}: {problem}"))
        .help("check the source; an archive must be a .tar.gz of the template folder, with the sha256 of its bytes")
}
