//! `workbench plugins fetch`: bring every plugin workbench.lock pins into
//! the cache, checked against its digest, so later runs (`--locked`,
//! `--offline`) need no network. Allowed under `--locked`: it fetches what
//! the lock says and changes nothing in it.

use crate::context::Context;
use crate::error::{Error, Exit};

pub fn run(context: &Context) -> Result<Exit, Error> {
    let runtime = context.runtime()?;
    let pinned = crate::packages::pinned_plugins_fetching(context, &runtime)?;
    if !context.global.quiet {
        errln!(
            context,
            "{} pinned plugin{} in the cache{}",
            pinned.fetched.len(),
            if pinned.fetched.len() == 1 { " is" } else { "s are" },
            if pinned.paths.is_empty() { String::new() } else { format!("; {} read from paths", pinned.paths.len()) }
        );
    }
    Ok(Exit::Success)
}
