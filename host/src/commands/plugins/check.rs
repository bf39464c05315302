//! `workbench plugins check PATH...`: validate without running.

use std::path::PathBuf;

use crate::context::Context;
use crate::error::{Error, Exit};
use crate::plugins::Source;

pub fn run(context: &Context, paths: &[PathBuf]) -> Result<Exit, Error> {
    let runtime = context.runtime()?;
    let mut failed = false;
    for path in paths {
        let source = Source::File(path.clone());
        let result = std::fs::read(path)
            .map_err(|error| format!("cannot load plugin {}: cannot read it: {error}", path.display()))
            .and_then(|bytes| runtime.check(&source, &bytes).map_err(|error| error.to_string()));
        match result {
            Ok(prepared) => {
                let roles: Vec<&str> = prepared.contract.roles.iter().map(|role| role.name()).collect();
                outln!(
                    context,
                    "ok    {}: {} for workbench:plugin@{}",
                    path.display(),
                    roles.join(", "),
                    prepared.contract.version
                );
            }
            Err(message) => {
                failed = true;
                outln!(context, "FAIL  {message}");
            }
        }
    }
    Ok(if failed { Exit::PluginFailure } else { Exit::Success })
}
