//! `workbench init`: a commented workbench.toml for the repository in the
//! current folder, from what is there (a site folder, Makefiles,
//! templates/), and what to run next. `workbench init --from
//! metalsmith.json` writes instead the workbench.toml a Metalsmith
//! project's own config translates to (see [`crate::metalsmith`]). Either
//! way it is written beside, never over an existing one.

mod survey;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;

use crate::context::Context;
use crate::error::{Error, Exit};
use crate::metalsmith;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Translate a Metalsmith project's metalsmith.json instead; workbench.toml
    /// is written in the same folder.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
}

pub fn run(context: &Context, args: &InitArgs) -> Result<Exit, Error> {
    let Some(from) = &args.from else { return init_here(context) };
    let from = context.resolve(from);
    if from.file_name().and_then(|name| name.to_str()) != Some(metalsmith::FILE_NAME) {
        return Err(Error::input(format!("{}: init can translate a metalsmith.json only", from.display()))
            .help("pass a Metalsmith project's config: `workbench init --from metalsmith.json`"));
    }
    let translation = metalsmith::translate_file(&from)?;
    let dir = from.parent().filter(|dir| !dir.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), PathBuf::from);
    let target = write_new(&dir, &translation.toml)?;
    for warning in &translation.warnings {
        log::warn!("{warning}");
    }
    if !context.global.quiet {
        let steps = translation.toml.matches("[[site.steps]]").count();
        let _ = writeln!(
            context.stderr(),
            "wrote {} ({steps} steps from {}); run `workbench build{}` to build the site",
            target.display(),
            from.display(),
            if dir == Path::new(".") { String::new() } else { format!(" {}", dir.display()) }
        );
    }
    Ok(Exit::Success)
}

/// Writes workbench.toml into `dir`, never over one that is there.
fn write_new(dir: &Path, text: &str) -> Result<PathBuf, Error> {
    let target = dir.join(crate::config::FILE_NAME);
    if target.exists() {
        return Err(Error::input(format!("{} already exists; init leaves it as it is", target.display()))
            .help("move it aside to write a new one, or edit it by hand"));
    }
    let write = || -> std::io::Result<()> {
        let mut file = crate::leftovers::file_in(dir, "init")?;
        file.write_all(text.as_bytes())?;
        file.as_file().sync_data()?;
        file.persist_noclobber(&target).map_err(|error| error.error)?;
        Ok(())
    };
    write().map_err(|error| {
        Error::input(format!("cannot write {}: {error}", target.display()))
            .help("check that the folder exists and is writable")
    })?;
    Ok(target)
}

/// The plain form: survey the current folder, write what it found.
fn init_here(context: &Context) -> Result<Exit, Error> {
    let dir = context.cwd();
    let found = survey::Survey::of(dir);
    let target = write_new(dir, &found.config())?;
    if !context.global.quiet {
        errln!(context, "wrote {} for what is here: {}", crate::config::FILE_NAME, found.summary());
        for next in found.next_steps() {
            errln!(context, "  next: {next}");
        }
    }
    let _ = target;
    Ok(Exit::Success)
}
