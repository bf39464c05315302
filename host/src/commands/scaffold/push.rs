//! `workbench scaffold TEMPLATE --push oci://HOST/NS/NAME:TAG`: publish a
//! template to an OCI registry, packed reproducibly as one `.tar.gz` layer
//! (see [`crate::packages::oci`]), after checking it reads as a template.
//! Another repository names the reference in `[scaffold.sources]`.

use crate::context::Context;
use crate::error::{Error, Exit, Result};
use crate::packages::{PushTarget, archive, oci};

use super::template::Template;

pub fn run(context: &Context, template: &str, subdir: Option<&str>, target: &str) -> Result<Exit> {
    let target = PushTarget::new(context, "scaffold --push", target)?;
    let loaded = super::load(context, template, subdir)?;
    let parsed = Template::from_tree(loaded.tree.clone(), &loaded.label)?;
    // The archive's top folder: the repository's last name, as a tag's
    // archive on a forge is named after its repository.
    let last = target.reference.rsplit('/').next().unwrap_or_default();
    let name = last.split(':').next().filter(|name| !name.is_empty()).unwrap_or("template");
    let files = loaded.tree.iter().map(|(path, entry)| (path.as_str(), entry.contents.as_slice(), entry.executable));
    let bytes = archive::write_tar_gz(files, name).map_err(|problem| {
        Error::input(format!("cannot pack template {}: {problem}", loaded.label)).help("check the template's files")
    })?;
    let described = oci::Described::Template { name, description: parsed.description.as_deref().unwrap_or_default() };
    let next = format!(
        "another repository uses it with `{name} = \"oci://{}\"` under [scaffold.sources] in workbench.toml",
        target.reference
    );
    target.push(context, bytes, &described, &next)?;
    Ok(Exit::Success)
}
