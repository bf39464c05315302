//! `workbench plugins update [NAME]`: resolve sources afresh (a tag or a
//! branch may have moved) and pin what they give now.

use crate::context::Context;
use crate::error::{Error, Exit};
use crate::packages::{self, Fetcher, Lock};

pub fn run(context: &Context, only: Option<&str>) -> Result<Exit, Error> {
    super::add::refuse_when_locked(context, "plugins update")?;
    let sources = &context.config.plugins.sources;
    if let Some(name) = only
        && !sources.contains_key(name)
    {
        return Err(Error::input(format!("no plugin `{name}` in [plugins.sources]"))
            .help("`workbench plugins add SOURCE` adds one"));
    }
    let config = super::add::config_path(context);
    let lock_path = Lock::path_beside(&config);
    let _held = packages::hold(&config)?;
    let mut lock = Lock::read(&lock_path)?;
    let runtime = context.runtime()?;
    let fetcher = Fetcher::new(context)?;
    let base = context.config.base_dir();
    let mut changes = Vec::new();
    for (name, source) in sources.iter().filter(|(name, _)| only.is_none_or(|only| only == name.as_str())) {
        let spec = packages::parse_configured(name, source, &config)?;
        let checked = packages::resolve(&fetcher, &runtime, name, &spec, &base)
            .map_err(|problem| packages::source_error(name, &spec, &problem))?;
        let before = lock.get(name).and_then(|locked| locked.digest.clone());
        let after = checked.locked.digest.clone();
        changes.push(match (before, after) {
            (Some(before), Some(after)) if before == after => format!("`{name}` is up to date ({after})"),
            (Some(before), Some(after)) => format!("`{name}`: {before} -> {after}"),
            (None, Some(after)) => format!("`{name}`: pinned {after}"),
            (_, None) => format!("`{name}`: a path, read as it is"),
        });
        lock.insert(checked.locked);
    }
    if only.is_none() {
        lock.plugins.retain(|locked| sources.contains_key(&locked.name));
    }
    lock.write(&lock_path)?;
    if !context.global.quiet {
        for change in changes {
            errln!(context, "{change}");
        }
    }
    Ok(Exit::Success)
}
