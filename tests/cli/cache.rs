//! The compiled-component cache: used on the second run, repaired when
//! corrupt, optional, and never fatal.

use crate::support::{Test, test_plugin};

/// The cache entries of one component (other plugins, bundled ones among
/// them, have entries of their own).
fn entries_of(dir: &std::path::Path, component: &std::path::Path) -> Vec<std::path::PathBuf> {
    let prefix = crate::support::sha256_hex(component);
    match std::fs::read_dir(dir.join("compiled")) {
        Ok(entries) => entries
            .map(|entry| entry.expect("entry").path())
            .filter(|path| path.file_name().is_some_and(|name| name.to_string_lossy().starts_with(&prefix)))
            // Only entries: a temporary file of a write in progress is not one.
            .filter(|path| path.extension().is_some_and(|ext| ext == "cwasm"))
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn second_run_loads_from_the_cache() {
    let first = Test::new().private_cache().plugin(test_plugin("test-lint")).args(["plugins", "list", "-vv"]);
    first.run().code(0).stderr_has("cache miss");
    assert_eq!(entries_of(first.cache_dir(), &test_plugin("test-lint")).len(), 1);
    first.run().code(0).stderr_has("cache hit").stderr_lacks("cache miss");
    Test::new()
        .private_cache()
        .with_cache_of(&first)
        .plugin(test_plugin("test-lint"))
        .args(["plugins", "info", "test-lint"])
        .run()
        .code(0)
        .stdout_has("cached (loaded without compiling)");
}

#[test]
fn a_corrupt_entry_is_recompiled_and_replaced() {
    let test = Test::new().private_cache().plugin(test_plugin("test-lint")).args(["plugins", "info", "test-lint"]);
    test.run().code(0).stdout_has("compiled now, stored in the cache");
    let entry = entries_of(test.cache_dir(), &test_plugin("test-lint")).pop().expect("one entry");
    let mut bytes = std::fs::read(&entry).expect("read entry");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x5a;
    std::fs::write(&entry, &bytes).expect("corrupt entry");
    test.run().code(0).stdout_has("cache entry was corrupt, recompiled");
    test.run().code(0).stdout_has("cached (loaded without compiling)");
}

#[test]
fn no_plugin_cache_writes_nothing_and_no_cache_keeps_compiled_plugins() {
    let test = Test::new().private_cache();
    let plugin = test_plugin("test-lint").display().to_string();
    let info = |flag: &str| -> crate::support::Run {
        let mut args =
            vec!["plugins".to_string(), "info".into(), "test-lint".into(), "--plugin".into(), plugin.clone()];
        args.extend((!flag.is_empty()).then(|| flag.to_string()));
        test.run_args(&args).code(0)
    };
    let files = |dir: &std::path::Path| -> Vec<std::path::PathBuf> {
        walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .map(|entry| entry.expect("entry").into_path())
            .collect()
    };
    let before = files(test.cache_dir());
    info("--no-plugin-cache").stdout_has("compiled now, cache off");
    assert_eq!(files(test.cache_dir()), before, "--no-plugin-cache wrote into the cache");
    // --no-cache asks for fresh results, not for compiling again.
    info("").stdout_has("compiled now, stored in the cache");
    info("--no-cache").stdout_has("cached (loaded without compiling)");
}

#[test]
fn an_unwritable_cache_warns_and_goes_on() {
    let test = Test::new().private_cache().file("not-a-dir", "x");
    let blocker = test.dir().join("not-a-dir");
    test.env("WORKBENCH_CACHE_DIR", &blocker)
        .plugin(test_plugin("test-lint"))
        .args(["plugins", "info", "test-lint"])
        .run()
        .code(0)
        .stdout_has("test-lint")
        .stderr_has("cannot write the plugin cache")
        .stderr_has("set WORKBENCH_CACHE_DIR to a writable directory");
}

#[test]
fn list_shows_the_cache_state() {
    let test = Test::new().private_cache().plugin(test_plugin("test-lint")).args(["plugins", "list"]);
    test.run().code(0).stdout_has("CACHE").stdout_has("compiled");
    let run = test.run().code(0);
    let row = run.stdout.lines().find(|line| line.starts_with("test-lint")).expect("test-lint row");
    assert!(row.contains(" cached "), "{run}");
}
