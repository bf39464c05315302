//! Bundles the core plugins into the binary, so `workbench` works from any
//! directory with nothing else installed.
//!
//! Every `*.wasm` in `$WORKBENCH_BUNDLE_DIR` (default: `build/plugins` at the
//! repository root, where `make build` puts the core plugins) is embedded
//! with `include_bytes!`, beside its SHA-256 and the roles its exports name,
//! so no run hashes megabytes or compiles a plugin only to learn its roles.
//! Without that directory the binary bundles nothing and says so when it
//! lists its plugins; `make build` is the way to a full binary.
//!
//! The templates in `templates/` are embedded the same way (every file of
//! each template folder, with its executable bit), so `workbench scaffold
//! plugin-rust` works from any directory; so is the WIT package (`wit/`),
//! for plugins built outside this repository.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

use sha2::{Digest as _, Sha256};

fn main() {
    println!("cargo::rerun-if-env-changed=WORKBENCH_BUNDLE_DIR");
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let bundle_dir =
        env::var_os("WORKBENCH_BUNDLE_DIR").map_or_else(|| manifest_dir.join("../build/plugins"), PathBuf::from);
    println!("cargo::rerun-if-changed={}", bundle_dir.display());

    let mut plugins: Vec<(String, PathBuf)> = match fs::read_dir(&bundle_dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "wasm"))
            .map(|path| {
                let stem = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
                (stem, path)
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    plugins.sort();

    let mut code = String::from(
        "/// Core plugins embedded at build time: (file stem, component bytes,\n\
         /// SHA-256 of the bytes, roles its exports name).\n\
         pub static BUNDLED: &[(&str, &[u8], &str, &[&str])] = &[\n",
    );
    for (stem, path) in &plugins {
        println!("cargo::rerun-if-changed={}", path.display());
        let path = path.canonicalize().unwrap_or_else(|_| path.clone());
        let bytes = fs::read(&path).expect("read a bundled plugin");
        let digest = Sha256::digest(&bytes).iter().fold(String::new(), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        });
        let roles = roles(&bytes).unwrap_or_else(|error| panic!("{}: not a component: {error}", path.display()));
        writeln!(code, "    ({stem:?}, include_bytes!({:?}), {digest:?}, &{roles:?}),", path.display().to_string())
            .expect("writing to a String");
    }
    code.push_str("];\n");

    let out = PathBuf::from(env::var("OUT_DIR").expect("set by cargo"));
    fs::write(out.join("bundled.rs"), code).expect("OUT_DIR is writable");
    fs::write(out.join("templates.rs"), templates(&manifest_dir.join("../templates"))).expect("OUT_DIR is writable");
    fs::write(out.join("wit.rs"), wit(&manifest_dir.join("../wit"))).expect("OUT_DIR is writable");
}

/// `WIT`: (file name, bytes) of the WIT package's top-level files, which
/// `workbench plugins wit` writes out for plugins built outside this
/// repository (older versions in subfolders stay out).
fn wit(dir: &std::path::Path) -> String {
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .expect("the WIT package at wit/")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    let mut code = String::from(
        "/// The WIT package this workbench speaks: (file name, bytes).\npub static WIT: &[(&str, &[u8])] = &[\n",
    );
    for file in files {
        let name = file.file_name().expect("a file name").to_string_lossy().into_owned();
        let absolute = file.canonicalize().unwrap_or(file);
        writeln!(code, "    ({name:?}, include_bytes!({:?})),", absolute.display().to_string())
            .expect("writing to a String");
    }
    code.push_str("];\n");
    code
}

/// `TEMPLATES`: (name, [(path, bytes, executable)]) for each template
/// folder (one with template.toml, khaos.json or template/), sorted.
fn templates(root: &std::path::Path) -> String {
    use std::os::unix::fs::PermissionsExt as _;
    println!("cargo::rerun-if-changed={}", root.display());
    let mut code = String::from(
        "/// A file of an embedded template: (path, bytes, executable).\n\
         pub type TemplateFile = (&'static str, &'static [u8], bool);\n\
         /// Templates embedded at build time: (name, files).\n\
         pub static TEMPLATES: &[(&str, &[TemplateFile])] = &[\n",
    );
    let mut names: Vec<(String, PathBuf)> = fs::read_dir(root)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| (entry.file_name().to_string_lossy().into_owned(), entry.path()))
                .filter(|(name, path)| {
                    !name.starts_with('.')
                        && ["template.toml", "khaos.json", "template"].iter().any(|marker| path.join(marker).exists())
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    for (name, dir) in names {
        let mut files: Vec<PathBuf> = Vec::new();
        let mut pending = vec![dir.clone()];
        while let Some(folder) = pending.pop() {
            for entry in fs::read_dir(&folder).expect("read a template folder").filter_map(Result::ok) {
                let kind = entry.file_type().expect("a file type");
                if kind.is_dir() {
                    pending.push(entry.path());
                } else if kind.is_file() {
                    files.push(entry.path());
                }
            }
        }
        files.sort();
        writeln!(code, "    ({name:?}, &[").expect("writing to a String");
        for file in files {
            let relative = file.strip_prefix(&dir).expect("under its folder").to_string_lossy().replace('\\', "/");
            let executable = fs::metadata(&file).is_ok_and(|metadata| metadata.permissions().mode() & 0o111 != 0);
            let absolute = file.canonicalize().unwrap_or(file);
            writeln!(
                code,
                "        ({relative:?}, include_bytes!({:?}), {executable}),",
                absolute.display().to_string()
            )
            .expect("writing to a String");
        }
        code.push_str("    ]),\n");
    }
    code.push_str("];\n");
    code
}

/// The roles a component's top-level exports name
/// (`workbench:plugin/<role>@<version>`), as the host reads them at load.
fn roles(bytes: &[u8]) -> Result<Vec<String>, wasmparser::BinaryReaderError> {
    use wasmparser::{Parser, Payload};
    let mut roles = Vec::new();
    let mut depth = 0_usize;
    for payload in Parser::new(0).parse_all(bytes) {
        match payload? {
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => depth += 1,
            Payload::End(_) if depth == 0 => break,
            Payload::End(_) => depth -= 1,
            Payload::ComponentExportSection(exports) if depth == 0 => {
                for export in exports {
                    let name = export?.name.name;
                    if let Some(role) = name.strip_prefix("workbench:plugin/").and_then(|rest| rest.split('@').next())
                        && role != "meta"
                    {
                        roles.push(role.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    roles.sort();
    Ok(roles)
}
