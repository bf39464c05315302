//! Runtime benchmark: what a plugin costs the host, for the Rust test
//! plugin `test-lint` (build/test-plugins/test-lint.wasm, from `make plugins`).
//!
//! Run: `make bench-runtime` (or `cargo bench --bench runtime`). Prints the
//! median and the 10th/90th percentiles of each stage over many runs; the
//! machine is shared and noisy, so read medians, not single numbers.

use std::path::Path;
use std::time::{Duration, Instant};

use workbench::plugins::bindings::types::File;
use workbench::plugins::{Cache, Limits, Runtime, RuntimeSettings, Source};

fn measure(label: &str, runs: usize, mut f: impl FnMut()) -> Duration {
    f(); // warm up
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    // Percentile as a whole number, to stay in integers.
    let at = |percent: usize| times[(times.len() - 1) * percent / 100];
    println!(
        "{label:<44} {:>11} {:>11} {:>11}   ({runs} runs)",
        format!("{:.3?}", at(50)),
        format!("{:.3?}", at(10)),
        format!("{:.3?}", at(90))
    );
    at(50)
}

fn main() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../build/test-plugins/test-lint.wasm");
    let bytes = std::fs::read(&path).unwrap_or_else(|error| {
        panic!("{}: {error}; run `make plugins` first", path.display());
    });
    let source = Source::File(path.clone());
    let cache_dir = tempfile::tempdir().expect("temp dir");
    let settings =
        RuntimeSettings { cache_dir: Some(cache_dir.path().to_path_buf()), limits: Limits::default(), perf_map: false };
    let runtime = Runtime::new(&settings).expect("runtime");
    let engine = runtime.engine().clone();

    println!("component: {} ({} KiB)", path.display(), bytes.len() / 1024);
    println!("{:<44} {:>11} {:>11} {:>11}", "stage", "median", "p10", "p90");

    let digest = workbench::plugins::cache::digest(&bytes);
    let uncached = Cache::new(&engine, None);
    measure("cold compile (no cache)", 20, || {
        uncached.load_or_compile(&engine, &bytes, &digest).expect("compile");
    });
    runtime.cache().load_or_compile(&engine, &bytes, &digest).expect("fill the cache");
    let load = measure("cached load (read + checksum + deserialize)", 200, || {
        runtime.cache().load_or_compile(&engine, &bytes, &digest).expect("load");
    });
    measure("plugin load (cached load + checks + meta.info)", 200, || {
        runtime.load(&source, &bytes).expect("plugin");
    });
    let plugin = runtime.load(&source, &bytes).expect("plugin");
    let instantiate = measure("fresh store + instantiate + tiny call", 500, || {
        plugin.lint_describe().expect("describe");
    });
    let files: Vec<File> = (0..1000)
        .map(|i| File { path: format!("dir/file-{i}.txt"), contents: format!("line {i}  \nclean\n").into_bytes() })
        .collect();
    let batch = measure("batch call: check 1,000 small files", 50, || {
        let found = plugin.lint_check(&files, "{}").expect("check");
        assert_eq!(found.len(), 1000);
    });
    println!();
    println!(
        "cached load + instantiate: {:.3?} (target < 1 ms); per file in a batch of 1,000: {:.2?}",
        load + instantiate,
        batch / 1000
    );
}
