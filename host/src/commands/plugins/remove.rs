//! `workbench plugins remove NAME`: out of `[plugins.sources]` and
//! workbench.lock. The downloaded component stays in the shared cache
//! (other projects may use it) until `workbench cache prune`.

use crate::context::Context;
use crate::error::{Error, Exit};
use crate::packages::{Lock, sources_table};

pub fn run(context: &Context, name: &str) -> Result<Exit, Error> {
    if context.global.locked {
        return Err(Error::input("--locked: plugins remove would change workbench.lock")
            .help("drop --locked to change the lock on purpose"));
    }
    if !context.config.plugins.sources.contains_key(name) {
        let names: Vec<&str> = context.config.plugins.sources.keys().map(String::as_str).collect();
        return Err(Error::input(format!("no plugin `{name}` in [plugins.sources]")).help(if names.is_empty() {
            "nothing was added with `workbench plugins add`".to_string()
        } else {
            format!("added plugins: {}", names.join(", "))
        }));
    }
    let config = super::add::config_path(context);
    let lock_path = Lock::path_beside(&config);
    let _held = crate::packages::hold(&config)?;
    let mut lock = Lock::read(&lock_path)?;
    sources_table::write(&config, name, None)?;
    lock.remove(name);
    lock.write(&lock_path)?;
    if !context.global.quiet {
        errln!(context, "removed `{name}` from {} and {}", config.display(), lock_path.display());
    }
    Ok(Exit::Success)
}
