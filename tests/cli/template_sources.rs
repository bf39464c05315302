//! Templates from `[scaffold.sources]`, pinned in workbench.lock: a
//! `.tar.gz` over HTTPS (plain HTTP on loopback) with its sha256, a folder
//! of a git repository pinned by commit, and a template artifact in an OCI
//! registry that `scaffold --push` published.

use crate::loopback::Server;
use crate::registry::Registry;
use crate::support::{Test, git, repo_root, test_plugin};

fn read(path: impl AsRef<std::path::Path>) -> String {
    std::fs::read_to_string(path.as_ref()).unwrap_or_default()
}

/// A `.tar.gz` of the `escape` fixture under `top/`, plus `extra` entries
/// written raw (so hostile names reach the reader).
fn archive(extra: &[(&str, tar::EntryType, Option<&str>)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()));
    builder.append_dir_all("top", repo_root().join("tests/fixtures/scaffold/native/escape")).unwrap();
    for (name, kind, link) in extra {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(*kind);
        header.set_size(1);
        header.set_mode(0o644);
        header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        if let Some(link) = link {
            header.set_link_name(link).unwrap();
        }
        header.set_cksum();
        builder.append(&header, &b"x"[..]).unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap()
}

fn sha256(bytes: &[u8]) -> String {
    workbench::packages::sha256_hex(bytes)
}

#[test]
fn an_archive_template_is_checked_against_its_digest_pinned_and_then_works_offline() {
    let server = Server::start();
    let bytes = archive(&[]);
    let url = server.serve_file("escape.tar.gz", bytes.clone());
    let good = sha256(&bytes);
    let test = Test::new().file("workbench.toml", format!("[scaffold.sources]\nesc = \"{url}#sha256={good}\"\n"));
    test.run_with(["scaffold", "--list"]).code(0).stdout_has("(pinned in workbench.lock)");
    let listed = test.run_with(["scaffold", "--list", "--format", "json"]).code(0).json();
    let violations = crate::support::schema_violations("docs/schemas/scaffold-list.v1.json", &listed);
    assert!(violations.is_empty(), "{violations:?}");
    assert!(
        listed["templates"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["source"].as_str() == Some(&format!("{url}#sha256={good}")))
    );
    test.run_with(["scaffold", "esc", "out", "--set", "dir=d"]).code(0);
    assert_eq!(read(test.dir().join("out/d/x.txt")), "inside\n");
    let lock = read(test.dir().join("workbench.lock"));
    assert!(lock.contains("[[template]]\nname = \"esc\""), "{lock}");
    assert!(lock.contains(&format!("digest = \"sha256:{good}\"")), "{lock}");
    // From the cache: no network, lock unchanged.
    test.run_with(["scaffold", "esc", "again", "--set", "dir=d", "--offline"]).code(0);
    test.run_with(["scaffold", "esc", "third", "--set", "dir=d", "--locked"]).code(0);
    assert_eq!(read(test.dir().join("workbench.lock")), lock);

    let wrong = "0".repeat(64);
    let other = Test::new().file("workbench.toml", format!("[scaffold.sources]\nesc = \"{url}#sha256={wrong}\"\n"));
    other
        .run_with(["scaffold", "esc", "out", "--set", "dir=d"])
        .code(2)
        .stderr_has(&format!("its SHA-256 is {good}, not the expected {wrong}"));
    assert!(!other.dir().join("out").exists() && !other.dir().join("workbench.lock").exists());
    assert!(!other.cache_dir().join("archives/sha256").read_dir().is_ok_and(|mut dir| dir.next().is_some()));
    other.run_with(["scaffold", "esc", "out", "--set", "dir=d", "--locked"]).code(2).stderr_has("not pinned");
}

#[test]
fn an_archive_entry_that_leaves_the_template_is_refused() {
    let server = Server::start();
    for (entry, kind, link, says) in [
        ("top/../../escaped.txt", tar::EntryType::Regular, None, "climbs out"),
        ("/etc/escaped.txt", tar::EntryType::Regular, None, "absolute"),
        ("top/template/link", tar::EntryType::Symlink, Some("../../../../etc/passwd"), "outside the archive"),
    ] {
        let bytes = archive(&[(entry, kind, link)]);
        let url = server.serve_file("bad.tar.gz", bytes.clone());
        let test = Test::new()
            .file("workbench.toml", format!("[scaffold.sources]\nbad = \"{url}#sha256={}\"\n", sha256(&bytes)));
        test.run_with(["scaffold", "bad", "out", "--set", "dir=d"])
            .code(2)
            .stderr_has(says)
            .stderr_has("template `bad`");
        assert!(!test.dir().join("out").exists() && !test.dir().join("workbench.lock").exists(), "{entry}");
    }
}

#[test]
fn a_git_template_is_pinned_by_commit_until_the_lock_changes() {
    let origin = tempfile::tempdir().unwrap();
    let folder = origin.path().join("templates/escape");
    std::fs::create_dir_all(folder.join("template/{{dir}}")).unwrap();
    std::fs::copy(
        repo_root().join("tests/fixtures/scaffold/native/escape/template.toml"),
        folder.join("template.toml"),
    )
    .unwrap();
    std::fs::write(folder.join("template/{{dir}}/x.txt"), "first\n").unwrap();
    git(origin.path(), &["init", "-q", "-b", "main"]);
    git(origin.path(), &["add", "."]);
    git(origin.path(), &["commit", "-q", "-m", "one"]);
    let source = format!("git+file://{}#main:templates/escape", origin.path().display());
    let test = Test::new().file("workbench.toml", format!("[scaffold.sources]\nesc = \"{source}\"\n"));
    test.run_with(["scaffold", "esc", "one", "--set", "dir=d", "--locked"]).code(2).stderr_has("not pinned");
    test.run_with(["scaffold", "esc", "one", "--set", "dir=d"]).code(0);
    assert_eq!(read(test.dir().join("one/d/x.txt")), "first\n");
    std::fs::write(folder.join("template/{{dir}}/x.txt"), "second\n").unwrap();
    git(origin.path(), &["commit", "-q", "-am", "two"]);
    test.run_with(["scaffold", "esc", "two", "--set", "dir=d"]).code(0);
    assert_eq!(read(test.dir().join("two/d/x.txt")), "first\n", "the lock's commit, not the branch's new one");
    std::fs::remove_file(test.dir().join("workbench.lock")).unwrap();
    test.run_with(["scaffold", "esc", "three", "--set", "dir=d"]).code(0);
    assert_eq!(read(test.dir().join("three/d/x.txt")), "second\n");
}

#[test]
fn a_pushed_template_is_pinned_by_digest_and_scaffolds_from_the_cache_with_the_registry_down() {
    let mut registry = Registry::start();
    let template = repo_root().join("tests/fixtures/scaffold/native/escape");
    let template = template.to_str().unwrap();
    let target = registry.reference("acme/escape:1.0.0");
    // A fixed clock: the manifest carries the time of the push.
    let author = Test::new().env("SOURCE_DATE_EPOCH", "1700000000");
    let pushed = author.run_with(["scaffold", template, "--push", &target]).code(0).stdout;
    let pinned = pushed.trim().to_string();
    assert!(pinned.starts_with(&registry.reference("acme/escape@sha256:")), "{pushed}");
    // Packed reproducibly: the same template at the same time pushes to the same manifest.
    let again = author.run_with(["scaffold", template, "--push", &target]).code(0).stdout;
    assert_eq!(again.trim(), pinned);

    let test = Test::new().file("workbench.toml", format!("[scaffold.sources]\nesc = \"{target}\"\n"));
    test.run_with(["scaffold", "esc", "out", "--set", "dir=d"]).code(0);
    assert_eq!(read(test.dir().join("out/d/x.txt")), "inside\n");
    let lock = read(test.dir().join("workbench.lock"));
    assert!(lock.contains(&format!("resolved = \"{pinned}\"")), "{lock}");
    assert!(lock.contains("digest = \"sha256:"), "{lock}");
    registry.stop();
    test.run_with(["scaffold", "esc", "again", "--set", "dir=d", "--locked"]).code(0);
    assert_eq!(read(test.dir().join("again/d/x.txt")), "inside\n");
    assert_eq!(read(test.dir().join("workbench.lock")), lock);
    test.run_with(["scaffold", template, "--push", &target, "--offline"]).code(2).stderr_has("needs the network");
}

#[test]
fn a_component_or_a_folder_that_is_no_template_is_refused_as_a_template() {
    let registry = Registry::start();
    let author = Test::new();
    let component = registry.reference("acme/lint:1.0.0");
    author.run_with(["plugins", "push", test_plugin("test-lint").to_str().unwrap(), &component]).code(0);
    let test = Test::new().file("workbench.toml", format!("[scaffold.sources]\nlint = \"{component}\"\n"));
    test.run_with(["scaffold", "lint", "out"])
        .code(2)
        .stderr_has("template `lint` from oci://")
        .stderr_has("it is not a workbench template: its layer is `application/wasm`");
    assert!(!test.dir().join("out").exists() && !test.dir().join("workbench.lock").exists());
    author
        .run_with(["scaffold", author.dir().to_str().unwrap(), "--push", &registry.reference("acme/empty:1.0.0")])
        .code(2)
        .stderr_has("not a template");
    author.run_with(["scaffold", "x", "--push", "elsewhere/x"]).code(2).stderr_has("push publishes to an OCI registry");
}
