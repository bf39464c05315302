//! `workbench plugins add SOURCE`: resolve a source, check the component
//! against the contract without running it, pin it in workbench.lock and
//! name it in `[plugins.sources]`.

use std::path::PathBuf;

use clap::Args;

use crate::context::Context;
use crate::error::{Error, Exit};
use crate::packages::{self, Fetcher, Lock, Spec, sources_table};

#[derive(Debug, Args)]
pub struct AddArgs {
    /// A path, https://…#sha256=…, git+URL#REF:PATH, oci://HOST/NAME:TAG (or @sha256:…), or ns:name@version.
    pub source: String,
    /// The name to add it under (default: from the source: file stem, repository or package name).
    #[arg(long)]
    pub name: Option<String>,
    /// The SHA-256 an https:// source must have (instead of #sha256= in the URL).
    #[arg(long, value_name = "HEX")]
    pub sha256: Option<String>,
    /// For a git repository URL (with an optional #REF): the component's path inside it.
    #[arg(long, value_name = "PATH")]
    pub path: Option<String>,
}

/// The source the arguments spell, in its one written form.
fn spec_of(args: &AddArgs) -> Result<Spec, String> {
    let mut text = args.source.clone();
    if let Some(sha256) = &args.sha256 {
        if !text.starts_with("https://") && !text.starts_with("http://") {
            return Err("--sha256 goes with an https:// source".into());
        }
        text = format!("{}#sha256={sha256}", text.split('#').next().unwrap_or(&text));
    }
    if let Some(path) = &args.path {
        let repository = text.strip_prefix("git+").unwrap_or(&text);
        let (url, reference) = repository.split_once('#').unwrap_or((repository, "HEAD"));
        text = format!("git+{url}#{reference}:{path}");
    }
    Spec::parse(&text)
}

/// The config to edit: the one found, else a new workbench.toml here.
pub(super) fn config_path(context: &Context) -> PathBuf {
    context.config.path.clone().unwrap_or_else(|| context.cwd().join(crate::config::FILE_NAME))
}

pub(super) fn refuse_when_locked(context: &Context, what: &str) -> Result<(), Error> {
    if context.global.locked {
        return Err(Error::input(format!("--locked: {what} would change workbench.lock"))
            .help("drop --locked to change the lock on purpose"));
    }
    if context.global.offline {
        return Err(
            Error::input(format!("--offline: {what} needs the network")).help("run it where the sources are reachable")
        );
    }
    Ok(())
}

pub fn run(context: &Context, args: &AddArgs) -> Result<Exit, Error> {
    refuse_when_locked(context, "plugins add")?;
    let spec = spec_of(args).map_err(|problem| {
        Error::input(format!("{}: {problem}", args.source)).help("see `workbench plugins add --help` for the forms")
    })?;
    let config = config_path(context);
    // A path is typed from here but written relative to workbench.toml.
    let spec = match spec {
        Spec::Path(path) => {
            let absolute = std::path::absolute(context.cwd().join(&path)).unwrap_or_else(|_| context.cwd().join(&path));
            let base = std::path::absolute(config.parent().unwrap_or(context.cwd())).unwrap_or_default();
            Spec::Path(absolute.strip_prefix(&base).map_or(absolute.clone(), std::path::Path::to_path_buf))
        }
        other => other,
    };
    let name = args.name.clone().unwrap_or_else(|| spec.default_name());
    crate::plugins::runtime::check_name(&name).map_err(|_| {
        Error::input(format!("`{name}` is not a plugin name (1 to 64 of a-z, 0-9, `-`, `_`)"))
            .help("pass --name with a plain name")
    })?;
    if let Some(existing) = context.config.plugins.sources.get(&name)
        && *existing != spec.to_string()
    {
        return Err(Error::input(format!("plugin `{name}` is already added from {existing}"))
            .help(format!("pass --name to add this one beside it, or `workbench plugins remove {name}` first")));
    }
    let runtime = context.runtime()?;
    let fetcher = Fetcher::new(context)?;
    let base = config.parent().map_or_else(|| context.cwd().to_path_buf(), std::path::Path::to_path_buf);
    let checked = packages::resolve(&fetcher, &runtime, &name, &spec, &base)
        .map_err(|problem| packages::source_error(&name, &spec, &problem))?;
    let lock_path = Lock::path_beside(&config);
    let _held = packages::hold(&config)?;
    let mut lock = Lock::read(&lock_path)?;
    let locked = checked.locked;
    lock.insert(locked.clone());
    // The lock first: a lock entry without a source is dropped by the next
    // run, a source without a lock entry would be fetched again.
    lock.write(&lock_path)?;
    sources_table::write(&config, &name, Some(&spec.to_string()))?;
    if !context.global.quiet {
        let pinned = locked.digest.as_deref().map_or_else(String::new, |digest| format!(", {digest}"));
        errln!(
            context,
            "added `{name}` ({} for workbench:plugin@{}{pinned}) from {spec} to {} and {}",
            locked.roles.join(", "),
            locked.wit,
            config.display(),
            lock_path.display()
        );
    }
    Ok(Exit::Success)
}
