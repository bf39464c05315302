//! Per-language plugin costs: the same lint check (the `todo-owner` rule of
//! every `templates/plugin-*`) as a component in Rust, JavaScript, Python, C
//! and Zig, measured side by side in one run: size, first compile, cached
//! load, fresh instance + `meta.info`, and one check of 1,000 small files.
//!
//! Run: `bench/polyglot/run.sh` (scaffolds and builds the five components,
//! then runs this with their paths). Medians; the machine is noisy.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use workbench::plugins::bindings::types::File;
use workbench::plugins::{Cache, Limits, Runtime, RuntimeSettings, Source};

fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    f(); // warm up
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let paths: Vec<PathBuf> =
        std::env::args().skip(1).filter(|arg| !arg.starts_with("--")).map(PathBuf::from).collect();
    assert!(!paths.is_empty(), "pass component paths; bench/polyglot/run.sh builds and passes them");
    let cache_dir = tempfile::tempdir().expect("temp dir");
    let settings =
        RuntimeSettings { cache_dir: Some(cache_dir.path().to_path_buf()), limits: Limits::default(), perf_map: false };
    let runtime = Runtime::new(&settings).expect("runtime");
    let engine = runtime.engine().clone();
    let uncached = Cache::new(&engine, None);
    let files: Vec<File> = (0..1000)
        .map(|i| File {
            path: format!("src/file-{i}.md"),
            contents: format!("# Notes {i}\n\nSome text.\n// TODO: tidy {i}\n// TODO(ana): fine\n").into_bytes(),
        })
        .collect();

    println!("| component | size | first compile | cached load | instance + meta.info | check 1,000 files |");
    println!("|---|---|---|---|---|---|");
    for path in &paths {
        let bytes = std::fs::read(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        let digest = workbench::plugins::cache::digest(&bytes);
        let big = bytes.len() > 1 << 20;
        let compile = median(if big { 3 } else { 10 }, || {
            uncached.load_or_compile(&engine, &bytes, &digest).expect("compile");
        });
        runtime.cache().load_or_compile(&engine, &bytes, &digest).expect("fill the cache");
        let load = median(50, || {
            runtime.cache().load_or_compile(&engine, &bytes, &digest).expect("load");
        });
        let plugin = runtime.load(&Source::File(path.clone()), &bytes).expect("plugin");
        let instance = median(100, || {
            plugin.call_meta_info().expect("meta.info");
        });
        let check = median(if big { 10 } else { 30 }, || {
            let found = plugin.lint_check(&files, "{}").expect("check");
            assert_eq!(found.len(), 1000, "{}: one TODO without an owner per file", path.display());
        });
        let kib = bytes.len() / 1024;
        let size =
            if kib > 1024 { format!("{}.{} MiB", kib / 1024, kib % 1024 * 10 / 1024) } else { format!("{kib} KiB") };
        println!(
            "| {} | {size} | {compile:.1?} | {load:.2?} | {instance:.2?} | {check:.2?} |",
            path.file_stem().unwrap_or_default().to_string_lossy()
        );
    }
}
