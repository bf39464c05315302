//! `workbench plugins push FILE oci://…`: publish a component to an OCI
//! registry as the component model's tools do (see
//! [`crate::packages::oci`]), after checking it meets the contract.

use std::path::Path;

use crate::context::Context;
use crate::error::{Error, Exit};
use crate::packages::{PushTarget, oci};
use crate::plugins::Source;

pub fn run(context: &Context, file: &Path, target: &str) -> Result<Exit, Error> {
    let target = PushTarget::new(context, "plugins push", target)?;
    let bytes = std::fs::read(file).map_err(|error| {
        Error::input(format!("cannot read {}: {error}", file.display()))
            .help("pass the path of a built component (.wasm)")
    })?;
    let runtime = context.runtime()?;
    let prepared = runtime
        .check(&Source::File(file.to_path_buf()), &bytes)
        .map_err(|error| Error::input(error.to_string()).help("push only what `workbench plugins check` accepts"))?;
    let (exports, imports) = prepared.world_names(runtime.engine());
    let described = oci::Described::Component { exports: &exports, imports: &imports };
    let next = format!("another repository adds it with `workbench plugins add oci://{}`", target.reference);
    target.push(context, bytes, &described, &next)?;
    Ok(Exit::Success)
}
