//! `wasm-kit`: the two commands a C or Zig plugin build needs, spelled as the
//! real tools spell them, so a Makefile can point at either:
//!
//! ```text
//! wasm-kit wit-bindgen c WIT_DIR [--world NAME] [--out-dir DIR]
//! wasm-kit wasm-tools component new CORE.wasm [-o OUT.wasm] [--adapt [NAME=]ADAPTER.wasm]
//! ```
//!
//! Why it exists: `cargo install wit-bindgen-cli wasm-tools` compiles two
//! large CLIs from source on every fresh CI machine. The same work is two
//! library calls (`wit-bindgen-c`, `wit-component`), built here once with the
//! rest of the workspace. Users with the real tools installed do not need it.
//!
//! One difference from `wasm-tools component new`: a core module importing
//! `wasi_snapshot_preview1` is adapted with the reactor adapter of wasmtime's
//! release line (bundled), without an `--adapt` flag.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use wit_bindgen_core::Files;
use wit_bindgen_core::wit_parser::Resolve;

const USAGE: &str = "usage:
  wasm-kit wit-bindgen c WIT_DIR [--world NAME] [--out-dir DIR]
  wasm-kit wasm-tools component new CORE.wasm [-o OUT.wasm] [--adapt [NAME=]ADAPTER.wasm]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("wasm-kit: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<()> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["wit-bindgen", "c", rest @ ..] => bindgen_c(&Flags::parse(rest, &["--world", "--out-dir"])?),
        ["wasm-tools", "component", "new", rest @ ..] => component_new(&Flags::parse(rest, &["-o", "--adapt"])?),
        _ => bail!("unknown command `{}`\n{USAGE}", words.join(" ")),
    }
}

/// One positional argument and `--flag value` pairs from a fixed set.
struct Flags<'a> {
    input: &'a str,
    values: Vec<(&'a str, &'a str)>,
}

impl<'a> Flags<'a> {
    fn parse(args: &[&'a str], known: &[&str]) -> Result<Flags<'a>> {
        let mut input = None;
        let mut values = Vec::new();
        let mut rest = args.iter();
        while let Some(&arg) = rest.next() {
            if let Some((flag, value)) = arg.split_once('=').filter(|(flag, _)| known.contains(flag)) {
                values.push((flag, value));
            } else if known.contains(&arg) {
                let value = rest.next().with_context(|| format!("{arg} needs a value\n{USAGE}"))?;
                values.push((arg, *value));
            } else if arg.starts_with('-') {
                bail!("unknown option `{arg}`\n{USAGE}");
            } else if input.replace(arg).is_some() {
                bail!("one input file or directory, please\n{USAGE}");
            }
        }
        Ok(Flags { input: input.with_context(|| format!("missing input\n{USAGE}"))?, values })
    }

    fn get(&self, flag: &str) -> Option<&'a str> {
        self.values.iter().rev().find(|(name, _)| *name == flag).map(|(_, value)| *value)
    }
}

fn bindgen_c(flags: &Flags) -> Result<()> {
    let mut resolve = Resolve::default();
    let (package, _) = resolve.push_path(flags.input).with_context(|| format!("reading WIT from {}", flags.input))?;
    let world = resolve.select_world(&[package], flags.get("--world"))?;
    let mut files = Files::default();
    wit_bindgen_c::Opts::default().build().generate(&mut resolve, world, &mut files)?;
    let out_dir = PathBuf::from(flags.get("--out-dir").unwrap_or("."));
    fs::create_dir_all(&out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    for (name, contents) in files.iter() {
        write(&out_dir.join(name), contents)?;
    }
    Ok(())
}

fn component_new(flags: &Flags) -> Result<()> {
    let module = fs::read(flags.input).with_context(|| format!("reading {}", flags.input))?;
    let mut encoder = wit_component::ComponentEncoder::default();
    encoder.validate(true).module(&module)?;
    if let Some(adapt) = flags.get("--adapt") {
        let (name, path) = adapt
            .split_once('=')
            .unwrap_or((wasi_preview1_component_adapter_provider::WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME, adapt));
        let adapter = fs::read(path).with_context(|| format!("reading adapter {path}"))?;
        encoder.adapter(name, &adapter)?;
    } else if imports_preview1(&module)? {
        encoder.adapter(
            wasi_preview1_component_adapter_provider::WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME,
            wasi_preview1_component_adapter_provider::WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
        )?;
    }
    let component = encoder.encode().with_context(|| format!("making a component of {}", flags.input))?;
    write(Path::new(flags.get("-o").context("-o OUT.wasm is required")?), &component)
}

fn imports_preview1(module: &[u8]) -> Result<bool> {
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        if let wasmparser::Payload::ImportSection(imports) = payload? {
            for import in imports.into_imports() {
                if import?.module == wasi_preview1_component_adapter_provider::WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME {
                    return Ok(true);
                }
            }
        }
    }
    Ok(false)
}

/// Written beside the target and renamed, so a failed run leaves no half file.
fn write(path: &Path, contents: &[u8]) -> Result<()> {
    let partial = path.with_extension("partial");
    fs::write(&partial, contents).with_context(|| format!("writing {}", partial.display()))?;
    fs::rename(&partial, path).with_context(|| format!("writing {}", path.display()))
}
