//! `workbench cache dir|prune`: the folder every project on the machine
//! shares, and reclaiming the downloaded plugins in it that nothing used
//! for a while (a component's file is touched each time it is loaded).

use std::time::Duration;

use clap::Subcommand;

use crate::context::Context;
use crate::error::{Error, Exit};
use crate::packages::{Lock, Store};

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Print the cache folder ($WORKBENCH_CACHE_DIR, else the platform's cache folder).
    Dir,
    /// Remove downloaded plugins not used for DAYS days; those this project's workbench.lock pins stay.
    Prune {
        /// Keep what was used within this many days (0 removes everything not pinned here).
        #[arg(long, value_name = "DAYS", default_value_t = 30)]
        older_than: u64,
    },
}

pub fn run(context: &Context, command: &CacheCommand) -> Result<Exit, Error> {
    let home = context
        .cache_home()
        .ok_or_else(|| Error::input("no cache folder on this machine").help("set WORKBENCH_CACHE_DIR"))?;
    match command {
        CacheCommand::Dir => outln!(context, "{}", home.display()),
        CacheCommand::Prune { older_than } => {
            let mut keep = std::collections::BTreeSet::new();
            if let Some(config) = &context.config.path {
                let lock = Lock::read(&Lock::path_beside(config))?;
                keep.extend(lock.plugins.iter().filter_map(|locked| locked.sha256().map(str::to_string)));
            }
            let store = Store::new(&home);
            let age = Duration::from_secs(older_than.saturating_mul(24 * 60 * 60));
            let (count, bytes) = store.prune(&keep, age).map_err(|error| {
                Error::input(format!("cannot prune {}: {error}", store.dir().display()))
                    .help("check the folder's permissions")
            })?;
            if !context.global.quiet {
                errln!(
                    context,
                    "removed {count} downloaded plugin{} ({} KiB) from {}",
                    if count == 1 { "" } else { "s" },
                    bytes >> 10,
                    store.dir().display()
                );
            }
        }
    }
    Ok(Exit::Success)
}
