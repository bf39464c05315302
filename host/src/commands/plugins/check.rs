//! `workbench plugins check PATH...`: validate without running.

use std::path::PathBuf;

use super::Format;
use crate::context::Context;
use crate::error::{Error, Exit};
use crate::plugins::Source;
use crate::style;

pub fn run(context: &Context, paths: &[PathBuf], format: Format) -> Result<Exit, Error> {
    let runtime = context.runtime()?;
    let paint = context.paint_out();
    let mut failed = false;
    let mut checked = Vec::new();
    for path in paths {
        let source = Source::File(path.clone());
        let result = std::fs::read(path)
            .map_err(|error| format!("cannot load plugin {}: cannot read it: {error}", path.display()))
            .and_then(|bytes| runtime.check(&source, &bytes).map_err(|error| error.to_string()));
        failed |= result.is_err();
        match (format, result) {
            (Format::Json, result) => checked.push(serde_json::json!({
                "path": path.display().to_string(),
                "ok": result.is_ok(),
                "roles": result.as_ref().ok().map(|prepared| {
                    prepared.contract.roles.iter().map(|role| role.name()).collect::<Vec<_>>()
                }),
                "wit": result.as_ref().ok().map(|prepared| prepared.contract.version.to_string()),
                "error": result.err(),
            })),
            (Format::Human, Ok(_)) if context.global.quiet => {}
            (Format::Human, Ok(prepared)) => {
                let roles: Vec<&str> = prepared.contract.roles.iter().map(|role| role.name()).collect();
                outln!(
                    context,
                    "{}    {}: {} for workbench:plugin@{}",
                    paint.paint(style::OK, "ok"),
                    path.display(),
                    roles.join(", "),
                    prepared.contract.version
                );
            }
            (Format::Human, Err(message)) => outln!(context, "{}  {message}", paint.paint(style::ERROR, "FAIL")),
        }
    }
    if format == Format::Json {
        outln!(context, "{:#}", serde_json::json!({ "version": 1, "plugins": checked }));
    }
    Ok(if failed { Exit::PluginFailure } else { Exit::Success })
}
