//! Bundles the core plugins into the binary, so `workbench` works from any
//! directory with nothing else installed.
//!
//! Every `*.wasm` in `$WORKBENCH_BUNDLE_DIR` (default: `build/plugins` at the
//! repository root, where `make build` puts the core plugins) is embedded
//! with `include_bytes!`, beside its SHA-256 and the roles its exports name,
//! so no run hashes megabytes or compiles a plugin only to learn its roles.
//! Without that directory the binary bundles nothing and says so when it
//! lists its plugins; `make build` is the way to a full binary.

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

    let out = PathBuf::from(env::var("OUT_DIR").expect("set by cargo")).join("bundled.rs");
    fs::write(out, code).expect("OUT_DIR is writable");
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
