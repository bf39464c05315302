//! `workbench plugins wit [DIR]`: write the WIT package this workbench
//! speaks, so a plugin can be built where no workbench checkout is (the
//! plugin templates' Makefiles call it when their `WIT` folder is missing).
//! A file that is there already is left alone when it is the same, and
//! refused when it differs unless `--force`.

use std::path::Path;

use crate::context::Context;
use crate::error::{Error, Exit};

include!(concat!(env!("OUT_DIR"), "/wit.rs"));

pub fn run(context: &Context, dir: &Path, force: bool) -> Result<Exit, Error> {
    std::fs::create_dir_all(dir).map_err(|error| {
        Error::input(format!("cannot make {}: {error}", dir.display())).help("check the path and its permissions")
    })?;
    let mut written = 0;
    for (name, bytes) in WIT {
        let path = dir.join(name);
        match std::fs::read(&path) {
            Ok(existing) if existing == *bytes => continue,
            Ok(_) if !force => {
                return Err(Error::input(format!(
                    "{} differs from the WIT this workbench ({}) speaks; left as it is",
                    path.display(),
                    env!("CARGO_PKG_VERSION")
                ))
                .help("pass --force to replace the folder's files with this workbench's"));
            }
            _ => {}
        }
        crate::packages::write_atomically(&path, bytes)?;
        written += 1;
    }
    if !context.global.quiet {
        errln!(context, "wrote {written} of the {} files of workbench:plugin into {}", WIT.len(), dir.display());
    }
    Ok(Exit::Success)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_embedded_package_is_the_repositorys() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../wit");
        for (name, bytes) in super::WIT {
            assert_eq!(std::fs::read(root.join(name)).unwrap(), *bytes, "{name}");
        }
        assert!(super::WIT.iter().any(|(name, _)| *name == "types.wit"));
    }
}
