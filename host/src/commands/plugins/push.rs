//! `workbench plugins push FILE oci://…`: publish a component to an OCI
//! registry as the component model's tools do (see
//! [`crate::packages::oci`]), after checking it meets the contract.

use std::path::Path;

use crate::context::Context;
use crate::error::{Error, Exit};
use crate::packages::{Fetcher, Spec, oci};
use crate::plugins::Source;

pub fn run(context: &Context, file: &Path, target: &str) -> Result<Exit, Error> {
    if context.global.offline {
        return Err(
            Error::input("--offline: plugins push needs the network").help("run it where the registry is reachable")
        );
    }
    let bytes = std::fs::read(file).map_err(|error| {
        Error::input(format!("cannot read {}: {error}", file.display()))
            .help("pass the path of a built component (.wasm)")
    })?;
    let fetcher = Fetcher::new(context)?;
    let reference = match Spec::parse(target) {
        Ok(Spec::Oci(reference)) => reference,
        Ok(spec @ Spec::Package { version: Some(_), .. }) => fetcher.package_reference(&spec).map_err(|problem| {
            Error::input(format!("{target}: {problem}")).help("add the namespace under [registries] in workbench.toml")
        })?,
        Ok(_) => {
            return Err(Error::input(format!("{target}: push publishes to an OCI registry"))
                .help("give oci://HOST/NAMESPACE/NAME:TAG, or ns:name@version with the namespace under [registries]"));
        }
        Err(problem) => {
            return Err(Error::input(format!("{target}: {problem}")).help("give oci://HOST/NAMESPACE/NAME:TAG"));
        }
    };
    if reference.contains('@') {
        return Err(Error::input(format!("oci://{reference}: push needs a tag, not a digest"))
            .help("give oci://HOST/NAMESPACE/NAME:TAG; the registry makes the digest"));
    }
    let runtime = context.runtime()?;
    let prepared = runtime
        .check(&Source::File(file.to_path_buf()), &bytes)
        .map_err(|error| Error::input(error.to_string()).help("push only what `workbench plugins check` accepts"))?;
    let (exports, imports) = prepared.world_names(runtime.engine());
    let created =
        chrono::DateTime::<chrono::Utc>::from(context.now()?).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let pushed = oci::push(&reference, bytes, &exports, &imports, &created, fetcher.auth()).map_err(|problem| {
        Error::input(format!("cannot push to oci://{reference}: {problem}"))
            .help("check the registry's address and that it is up; set WORKBENCH_REGISTRY_USERNAME and WORKBENCH_REGISTRY_PASSWORD if it needs a login")
    })?;
    let repository = reference
        .rsplit_once(':')
        .filter(|(repository, _)| repository.contains('/'))
        .map_or(reference.as_str(), |(repository, _)| repository);
    outln!(context, "oci://{repository}@{}", pushed.manifest_digest);
    if !context.global.quiet {
        errln!(
            context,
            "pushed {} as oci://{reference} (component {}); another repository adds it with `workbench plugins add oci://{reference}`",
            file.display(),
            pushed.layer_digest
        );
    }
    Ok(Exit::Success)
}
