//! `workbench init --from metalsmith.json`: the workbench.toml a Metalsmith
//! project's own config translates to (see [`crate::metalsmith`]), written
//! beside it, never over an existing one.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;

use crate::context::Context;
use crate::error::{Error, Exit};
use crate::metalsmith;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The config to translate: a Metalsmith project's metalsmith.json.
    /// workbench.toml is written in the same folder.
    #[arg(long, value_name = "FILE", required = true)]
    pub from: PathBuf,
}

pub fn run(context: &Context, args: &InitArgs) -> Result<Exit, Error> {
    let from = context.resolve(&args.from);
    if from.file_name().and_then(|name| name.to_str()) != Some(metalsmith::FILE_NAME) {
        return Err(Error::input(format!("{}: init can translate a metalsmith.json only", args.from.display()))
            .help("pass a Metalsmith project's config: `workbench init --from metalsmith.json`"));
    }
    let translation = metalsmith::translate_file(&from)?;
    let dir = from.parent().filter(|dir| !dir.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), PathBuf::from);
    let target = dir.join(crate::config::FILE_NAME);
    if target.exists() {
        return Err(Error::input(format!("{} already exists; init leaves it as it is", target.display()))
            .help("move it aside to write a new one, or edit it by hand"));
    }
    let write = || -> std::io::Result<()> {
        let mut file = crate::leftovers::file_in(&dir, "init")?;
        file.write_all(translation.toml.as_bytes())?;
        file.as_file().sync_data()?;
        file.persist_noclobber(&target).map_err(|error| error.error)?;
        Ok(())
    };
    write().map_err(|error| {
        Error::input(format!("cannot write {}: {error}", target.display()))
            .help("check that the folder exists and is writable")
    })?;
    for warning in &translation.warnings {
        log::warn!("{warning}");
    }
    if !context.global.quiet {
        let steps = translation.toml.matches("[[site.steps]]").count();
        let _ = writeln!(
            context.stderr(),
            "wrote {} ({steps} steps from {}); run `workbench build{}` to build the site",
            target.display(),
            args.from.display(),
            if dir == Path::new(".") { String::new() } else { format!(" {}", dir.display()) }
        );
    }
    Ok(Exit::Success)
}
