//! `workbench man DIR`: a man page per command (`workbench.1`,
//! `workbench-make.1`, `workbench-plugins-list.1`, ...) generated from the
//! clap definitions by clap_mangen, for `make install` and packagers.
//! Each page is written atomically.

use std::path::PathBuf;

use clap::{Args, CommandFactory as _};

use crate::context::Context;
use crate::error::{Error, Exit};

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The folder to write the pages into (made if missing).
    pub dir: PathBuf,
}

pub fn run(context: &Context, args: &ManArgs) -> Result<Exit, Error> {
    let dir = context.resolve(&args.dir).into_owned();
    let cannot = |error: std::io::Error| {
        Error::input(format!("cannot write man pages into {}: {error}", dir.display()))
            .help("name a folder you can write to, e.g. `workbench man ./man`")
    };
    std::fs::create_dir_all(&dir).map_err(cannot)?;
    let written = write_pages(&dir).map_err(cannot)?;
    outln!(context, "wrote {written} man pages to {}", dir.display());
    Ok(Exit::Success)
}

/// Renders every page into a temporary folder beside `dir`, then renames
/// each into place: a reader sees an old page or a new one, never half.
fn write_pages(dir: &std::path::Path) -> std::io::Result<usize> {
    let staging = crate::leftovers::dir_in(dir, "man")?;
    clap_mangen::generate_to(crate::cli::Cli::command(), staging.path())?;
    let mut written = 0;
    for entry in std::fs::read_dir(staging.path())? {
        let entry = entry?;
        std::fs::rename(entry.path(), dir.join(entry.file_name()))?;
        written += 1;
    }
    Ok(written)
}
