//! `workbench build`: the pipeline, the core steps over the example site,
//! errors that name the file and the step, and atomic output.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{Test, test_plugin};

fn read(test: &Test, path: &str) -> String {
    std::fs::read_to_string(test.dir().join(path)).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn site(steps: &str) -> Test {
    Test::new().file("workbench.toml", format!("[site]\n{steps}\n"))
}

const MARKDOWN_AND_LAYOUT: &str = r#"steps = ["markdown", { plugin = "layouts", options = { default = "page" } }]"#;

#[test]
fn the_example_site_builds_with_every_core_step() {
    let test = Test::new().copy_from_repo("examples/site", "example");
    test.run_with(["build", "example"]).code(0).stderr_has("wrote 22 files and copied 2 to example/build");
    let post = read(&test, "example/build/posts/layouts/index.html");
    assert!(post.contains("<title>Layouts and partials · Workbench Notes</title>"), "{post}");
    assert!(post.contains(r#"<a href="/tags/templates/">templates</a>"#), "{post}");
    assert!(post.contains("<del>mistake</del>"), "{post}");
    let first = read(&test, "example/build/posts/first-steps/index.html");
    assert!(
        first.contains(
            r#"<pre class="highlight" style="background-color:#ffffff;"><code class="language-rust"><span style="#
        ),
        "highlighted: {first}"
    );
    assert!(post.contains(r#"<a rel="prev" href="/posts/feeds/">"#), "{post}");
    let about = read(&test, "example/build/about/index.html");
    assert!(about.contains("the menu above has 4 entries"), "in-place and metadata: {about}");
    assert!(about.contains("<table>"), "{about}");
    let blog = read(&test, "example/build/blog/index.html");
    assert!(blog.contains("Page 1 of 2"), "{blog}");
    assert!(read(&test, "example/build/blog/page/2/index.html").contains("Page 2 of 2"));
    assert!(read(&test, "example/build/tags/index.html").contains(r#"<a href="/tags/workbench/">workbench</a> (2)"#));
    let feed = read(&test, "example/build/feed.xml");
    assert!(feed.contains("<link>https://example.com/posts/feeds/</link>"), "{feed}");
    assert!(read(&test, "example/build/atom.xml").contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">"));
    assert!(read(&test, "example/build/sitemap.xml").contains("<loc>https://example.com/about/</loc>"));
    let css = read(&test, "example/build/css/style.css");
    assert!(css.contains("color:#222") && !css.contains('\n'), "sass compiled and compressed: {css}");
    assert!(!test.dir().join("example/build/css/_colors.css").exists(), "a partial is not output");
    assert!(read(&test, "example/build/js/search.js").contains("search-index.json"), "static copied");
    assert!(first.contains("<aside class=\"note\">"), "the note shortcode: {first}");
    let index: serde_json::Value = serde_json::from_str(&read(&test, "example/build/search-index.json")).unwrap();
    let first_steps = index.as_array().unwrap().iter().find(|page| page["url"] == "/posts/first-steps/").unwrap();
    assert_eq!(first_steps["title"], "First steps");
    assert!(first_steps["headings"].as_array().unwrap().iter().any(|heading| heading["id"] == "why-plugins"));
    assert!(!first_steps["body"].as_str().unwrap().contains("RSS"), "the footer is not indexed");
    assert!(!test.dir().join("example/build/posts/unfinished").exists(), "the draft was dropped");
}

#[test]
fn yaml_and_toml_front_matter_reach_the_layout_and_binary_files_pass_untouched() {
    let png: Vec<u8> = vec![0x89, b'P', b'N', b'G', 0, 1, 2, 0xff, 0xfe];
    let test = site(MARKDOWN_AND_LAYOUT)
        .file("layouts/page.html", "<h1>{{ title }}</h1>{{ contents }}")
        .file("site/a.md", "---\ntitle: From YAML\n---\nA *b*\n")
        .file("site/b.md", "+++\ntitle = \"From TOML\"\n+++\nB\n")
        .file("site/img/logo.png", &png)
        .file("site/plain.txt", "---\nnot: front matter in a file no step reads\n---\n");
    test.run_with(["build"]).code(0);
    assert_eq!(read(&test, "build/a.html"), "<h1>From YAML</h1><p>A <em>b</em></p>\n");
    assert_eq!(read(&test, "build/b.html"), "<h1>From TOML</h1><p>B</p>\n");
    assert_eq!(std::fs::read(test.dir().join("build/img/logo.png")).unwrap(), png);
    assert_eq!(read(&test, "build/plain.txt"), "", "front matter is split off every text file");
}

#[test]
fn bad_yaml_front_matter_names_the_file_and_line() {
    site(MARKDOWN_AND_LAYOUT)
        .file("site/ok.md", "fine\n")
        .file("site/posts/bad.md", "---\ntitle: ok\ntags: [a, b\n---\nbody\n")
        .args(["build"])
        .run()
        .code(2)
        .stderr_has("site/posts/bad.md:")
        .stderr_has("bad front matter")
        .stderr_has("help: fix the block between the `---` (YAML) or `+++` (TOML) lines");
}

#[test]
fn bad_toml_front_matter_names_the_line() {
    site("")
        .file("site/bad.md", "+++\ntitle = \"x\"\ndate = = 1\n+++\n")
        .args(["build"])
        .run()
        .code(2)
        .stderr_has("site/bad.md:3:");
}

#[test]
fn an_unknown_layout_names_the_page_and_the_layouts_there_are() {
    site(r#"steps = ["layouts"]"#)
        .file("layouts/post.html", "{{ contents }}")
        .file("site/a.html", "---\nlayout: psot\n---\nx")
        .args(["build"])
        .run()
        .code(3)
        .stderr_has("step 1 (`layouts`): invalid input: a.html: layout `psot` is not in layouts/ (it has post.html)");
}

#[test]
fn a_missing_step_plugin_lists_the_steps_there_are() {
    site(r#"steps = ["markdown", "layoutz"]"#)
        .file("site/a.md", "x")
        .args(["build"])
        .run()
        .code(2)
        .stderr_has("step 2: no site-step plugin named `layoutz`")
        .stderr_has("the site steps available are: ")
        .stderr_has("layouts");
}

#[test]
fn a_plugin_that_is_not_a_step_is_refused_by_name() {
    site(r#"steps = ["text"]"#)
        .file("site/a.md", "x")
        .args(["build"])
        .run()
        .code(2)
        .stderr_has("plugin `text` is not a site-step plugin");
}

#[test]
fn bad_step_options_stop_the_build_before_any_step_runs() {
    site(r#"steps = [{ plugin = "markdown", options = { tabels = false } }]"#)
        .file("site/a.md", "x")
        .args(["build"])
        .run()
        .code(3)
        .stderr_has("unknown field `tabels`")
        .stderr_has("fix the options of step 1 (`markdown`)");
}

#[test]
fn a_duplicate_permalink_names_both_pages() {
    site(r#"steps = ["markdown", "permalinks"]"#)
        .file("site/a.md", "A")
        .file("site/b.md", "---\npermalink: a\n---\nB")
        .args(["build"])
        .run()
        .code(3)
        .stderr_has("a.html and b.html both get the permalink /a");
}

#[test]
fn a_duplicate_permalink_across_batches_names_both_sources() {
    // Big enough that the two pages go to the per-file step in different batches.
    let body = "words ".repeat(20_000);
    site(r#"steps = ["markdown", "permalinks"]"#)
        .file("site/a.md", &body)
        .file("site/b.md", format!("---\npermalink: a\n---\n{body}"))
        .args(["build", "--jobs", "2"])
        .run()
        .code(3)
        // Consecutive per-file steps run as one chain per batch, so a clash
        // between batches is known only at the chain's end.
        .stderr_has("steps 1-2 (`markdown`, `permalinks`) produced two files at a/index.html (from a.md and b.md)");
}

#[test]
fn a_per_file_failure_names_the_file_among_many() {
    let mut test = site(r#"steps = ["markdown"]"#);
    for i in 0..200 {
        test = test.file(&format!("site/p{i:03}.md"), format!("# Page {i}\n\n{}\n", "words ".repeat(100)));
    }
    test = test.file("site/p150.md", b"\xff\xfe not UTF-8");
    test.run_with(["build", "--jobs", "2"])
        .code(3)
        .stderr_has("step 1 (`markdown`): invalid input: p150.md: Markdown must be UTF-8 text");
}

#[test]
fn per_file_steps_in_parallel_batches_lose_and_repeat_nothing() {
    let mut test = site(MARKDOWN_AND_LAYOUT).file("layouts/page.html", "[{{ title }}]{{ contents }}");
    for i in 0..400 {
        test = test
            .file(&format!("site/d{}/p{i:03}.md", i % 7), format!("---\ntitle: T{i}\n---\n{}\n", "text ".repeat(300)));
    }
    test.run_with(["build", "--jobs", "2"]).code(0).stderr_has("wrote 400 files");
    for i in 0..400 {
        let page = read(&test, &format!("build/d{}/p{i:03}.html", i % 7));
        assert!(page.starts_with(&format!("[T{i}]<p>text text")), "p{i:03}: {page}");
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_intact() {
    let test = site(MARKDOWN_AND_LAYOUT).file("layouts/page.html", "{{ contents }}").file("site/a.md", "first");
    test.run_with(["build"]).code(0);
    assert_eq!(read(&test, "build/a.html"), "<p>first</p>\n");
    std::fs::write(test.dir().join("site/a.md"), "second").unwrap();
    std::fs::write(test.dir().join("layouts/page.html"), "{% if %}").unwrap();
    test.run_with(["build"]).code(3).stderr_has("page.html");
    assert_eq!(read(&test, "build/a.html"), "<p>first</p>\n");
    assert_eq!(strays(&test), Vec::<String>::new(), "staging left behind");
}

/// What a project holds besides its own files, the output and what a
/// build keeps beside it on purpose (step cache, spare output, manifests,
/// lock): anything else (a staging folder, an old output, a temporary file
/// of any name) was left behind.
fn strays(test: &Test) -> Vec<String> {
    const EXPECTED: [&str; 8] = [
        "workbench.toml",
        "site",
        "layouts",
        "build",
        ".build.cache",
        ".build.spare",
        ".build.manifests",
        ".build.lock",
    ];
    let mut strays: Vec<String> = std::fs::read_dir(test.dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !EXPECTED.contains(&name.as_str()))
        .collect();
    strays.sort();
    strays
}

#[test]
fn a_killed_build_leaves_a_complete_output_old_or_new() {
    // Many files, so the kill lands in every phase (reading, steps, writing, swap).
    let mut test = site(r#"steps = ["markdown"]"#);
    for i in 0..1500 {
        test = test.file(&format!("site/p{i:04}.md"), "version 0\n");
    }
    test.run_with(["build"]).code(0);
    let count_versions = |test: &Test| {
        let mut versions = std::collections::BTreeSet::new();
        let mut files = 0;
        for entry in std::fs::read_dir(test.dir().join("build")).expect("build/ exists") {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            versions.insert(text);
            files += 1;
        }
        (files, versions)
    };
    for round in 1..=12u64 {
        for i in 0..1500 {
            std::fs::write(test.dir().join(format!("site/p{i:04}.md")), format!("version {round}\n")).unwrap();
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_workbench"))
            .args(["build", "--quiet"])
            .current_dir(test.dir())
            .env("WORKBENCH_CACHE_DIR", test.cache_dir())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(20 + (round * 37) % 400));
        let _ = child.kill();
        let _ = child.wait();
        let (files, versions) = count_versions(&test);
        assert_eq!(files, 1500, "round {round}: a partial build/");
        assert_eq!(versions.len(), 1, "round {round}: build/ mixes versions: {versions:?}");
    }
    // The next build clears what killed ones left and lands.
    test.run_with(["build"]).code(0);
    let (_, versions) = count_versions(&test);
    assert_eq!(versions.into_iter().collect::<Vec<_>>(), ["<p>version 12</p>\n"]);
    assert_eq!(strays(&test), Vec::<String>::new(), "killed builds' leftovers were not swept");
}

#[test]
fn rebuilds_write_only_what_changed_and_end_up_exact() {
    let test = site("").file("site/a.txt", "a1").file("site/b/c.txt", "c1").file("site/d.txt", "d1");
    let files = |test: &Test| {
        let mut found: Vec<String> = Vec::new();
        for entry in walk(&test.dir().join("build")) {
            let relative = entry.strip_prefix(test.dir().join("build")).unwrap().to_string_lossy().into_owned();
            found.push(format!("{relative}={}", std::fs::read_to_string(&entry).unwrap()));
        }
        found.sort();
        found
    };
    test.run_with(["build", "-v"]).code(0).stderr_has("3 files written, 0 already there");
    test.run_with(["build", "-v"]).code(0);
    // The third build reuses the first one's tree: nothing to write.
    test.run_with(["build", "-v"]).code(0).stderr_has("0 files written, 3 already there");
    assert_eq!(files(&test), ["a.txt=a1", "b/c.txt=c1", "d.txt=d1"]);
    // A change, a removal, and a file where a directory was.
    std::fs::write(test.dir().join("site/a.txt"), "a2").unwrap();
    std::fs::remove_file(test.dir().join("site/d.txt")).unwrap();
    std::fs::remove_dir_all(test.dir().join("site/b")).unwrap();
    std::fs::write(test.dir().join("site/b"), "b as a file").unwrap();
    for _ in 0..3 {
        test.run_with(["build"]).code(0);
        assert_eq!(files(&test), ["a.txt=a2", "b=b as a file"]);
    }
    // And back: a directory where a file was.
    std::fs::remove_file(test.dir().join("site/b")).unwrap();
    std::fs::create_dir(test.dir().join("site/b")).unwrap();
    std::fs::write(test.dir().join("site/b/c.txt"), "c3").unwrap();
    for _ in 0..3 {
        test.run_with(["build"]).code(0);
        assert_eq!(files(&test), ["a.txt=a2", "b/c.txt=c3"]);
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn a_spare_tree_edited_by_hand_is_not_trusted_after_a_killed_build() {
    // The manifest of the spare is removed before the spare is touched; a
    // build killed there leaves none, and the next build starts afresh.
    let test = site("").file("site/a.txt", "a1");
    test.run_with(["build"]).code(0);
    test.run_with(["build"]).code(0);
    let manifests = test.dir().join(".build.manifests");
    for entry in std::fs::read_dir(&manifests).unwrap() {
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    }
    std::fs::write(test.dir().join(".build.spare/a.txt"), "garbage").unwrap();
    std::fs::write(test.dir().join(".build.spare/stale.txt"), "garbage").unwrap();
    test.run_with(["build"]).code(0);
    assert_eq!(read(&test, "build/a.txt"), "a1");
    assert!(!test.dir().join("build/stale.txt").exists());
}

#[test]
fn dry_run_lists_what_it_would_write_and_writes_nothing() {
    site(MARKDOWN_AND_LAYOUT)
        .file("layouts/page.html", "{{ contents }}")
        .file("site/a.md", "x")
        .file("site/b/c.md", "y")
        .args(["build", "--dry-run"])
        .run()
        .code(0)
        .stdout_has("a.html\nb/c.html\n")
        .stderr_has("would write 2 files");
}

#[test]
fn dry_run_really_writes_nothing() {
    let test = site("").file("site/a.txt", "x");
    test.run_with(["build", "--dry-run"]).code(0);
    assert!(!test.dir().join("build").exists());
}

#[test]
fn clean_false_keeps_files_the_build_did_not_write() {
    let test = site("clean = false").file("site/a.txt", "a").file("build/kept.txt", "old");
    test.run_with(["build"]).code(0);
    assert_eq!(read(&test, "build/kept.txt"), "old");
    assert_eq!(read(&test, "build/a.txt"), "a");
}

#[test]
fn turning_clean_back_on_never_writes_through_into_the_output() {
    let test = site("").file("site/a.txt", "a1").file("site/b.txt", "b1");
    test.run_with(["build"]).code(0);
    std::fs::write(test.dir().join("workbench.toml"), "[site]\nclean = false\n").unwrap();
    std::fs::remove_file(test.dir().join("site/b.txt")).unwrap();
    test.run_with(["build"]).code(0);
    assert_eq!(read(&test, "build/b.txt"), "b1", "kept by clean = false");
    std::fs::write(test.dir().join("workbench.toml"), "[site]\n").unwrap();
    std::fs::write(test.dir().join("site/b.txt"), "b2").unwrap();
    test.run_with(["build"]).code(0);
    assert_eq!(read(&test, "build/b.txt"), "b2");
    // The output before, untouched: no write went through a hard link.
    assert_eq!(read(&test, ".build.spare/b.txt"), "b1");
    test.run_with(["build"]).code(0);
    assert_eq!(read(&test, "build/b.txt"), "b2");
}

#[test]
fn clean_by_default_removes_stale_files() {
    let test = site("").file("site/a.txt", "a").file("build/stale.txt", "old");
    test.run_with(["build"]).code(0);
    assert!(!test.dir().join("build/stale.txt").exists());
}

#[test]
fn ignore_globs_leave_files_out() {
    let test = site(r#"ignore = ["**/*.psd", "drafts/**"]"#)
        .file("site/a.txt", "a")
        .file("site/art/x.psd", "p")
        .file("site/drafts/d.txt", "d");
    test.run_with(["build"]).code(0);
    assert!(test.dir().join("build/a.txt").is_file());
    assert!(!test.dir().join("build/art/x.psd").exists());
    assert!(!test.dir().join("build/drafts").exists());
}

#[test]
fn the_output_may_not_replace_the_source() {
    site("source = \"site\"\ndestination = \"site\"")
        .file("site/a.txt", "a")
        .args(["build"])
        .run()
        .code(2)
        .stderr_has("would replace the source");
}

#[test]
fn a_missing_source_directory_says_how_to_fix_it() {
    site("")
        .args(["build"])
        .run()
        .code(2)
        .stderr_has("the site's source directory does not exist")
        .stderr_has("set `source` under [site]");
}

#[test]
fn build_dir_reads_that_projects_config() {
    let test = Test::new()
        .file("proj/workbench.toml", "[site]\nsource = \"pages\"\nsteps = [\"markdown\"]\n")
        .file("proj/pages/x.md", "# X");
    test.run_with(["build", "proj"]).code(0);
    assert_eq!(read(&test, "proj/build/x.html"), "<h1 id=\"x\">X</h1>\n");
}

#[test]
fn a_step_cannot_write_outside_the_output() {
    let hostile = test_plugin("hostile-step");
    for (misdeed, expected) in [
        ("escape", "returned a file at \"../a.txt\": the path has an empty, `.` or `..` segment"),
        ("absolute", "returned a file at \"/tmp/workbench-hostile-step\": the path is absolute"),
        ("nul", "the path holds a NUL byte"),
        ("bad-metadata", "returned metadata for a.txt that is not a JSON object"),
    ] {
        let test = site(r#"steps = ["hostile-step"]"#).file("site/a.txt", misdeed);
        test.run_with(["--plugin", hostile.to_str().unwrap(), "build"])
            .code(3)
            .stderr_has("step 1 (`hostile-step`)")
            .stderr_has(expected);
        assert!(!test.dir().join("build").exists(), "{misdeed}: nothing written");
        assert!(!Path::new("/tmp/workbench-hostile-step").exists());
    }
}

#[test]
fn a_step_that_loops_or_panics_is_stopped_and_named() {
    let hostile = test_plugin("hostile-step");
    let hostile = hostile.to_str().unwrap();
    site(r#"steps = ["hostile-step"]"#)
        .file("site/a.txt", "loop")
        .args(["--plugin", hostile, "--time-limit-ms", "300", "build"])
        .run()
        .code(3)
        .stderr_has("step 1 (`hostile-step`) failed: plugin `hostile-step` failed in `site-step.run`: exceeded its time limit of 300ms");
    site(r#"steps = ["hostile-step"]"#)
        .file("site/a.txt", "panic")
        .args(["--plugin", hostile, "build"])
        .run()
        .code(3)
        .stderr_has("hostile step panicked on purpose");
}

// --- the step cache (issue 5) ---

/// Every file under `dir` with its bytes.
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walk(dir)
        .into_iter()
        .map(|path| (path.strip_prefix(dir).unwrap().to_string_lossy().into_owned(), std::fs::read(&path).unwrap()))
        .collect()
}

/// The same edits to a copy of the example site: a post's body, a
/// post's title (which other pages list), a layout and a data file.
fn edit_example(root: &Path) {
    let edit = |path: &str, from: &str, to: &str| {
        let path = root.join(path);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{} lacks {from:?}", path.display());
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    edit("site/posts/first-steps.md", "Why plugins", "Why plugins, again");
    edit("site/posts/feeds.md", "title: ", "title: Renamed ");
    edit("layouts/base.html", "</body>", "<footer>edited layout</footer></body>");
    edit("data/nav.yaml", "- ", "- title: Extra\n  url: /extra/\n- ");
}

/// Hits and misses from `-v`'s `step cache: N hits, M misses`.
fn cache_summary(stderr: &str) -> (usize, usize) {
    let line = stderr.split("step cache: ").nth(1).expect("a cache summary");
    let mut numbers = line.split([' ', ',']).filter_map(|word| word.parse().ok());
    (numbers.next().expect("hits"), numbers.next().expect("misses"))
}

#[test]
fn a_cached_build_is_byte_identical_to_a_clean_one() {
    let test = Test::new().copy_from_repo("examples/site", "cached").copy_from_repo("examples/site", "clean");
    test.run_with(["build", "cached"]).code(0);
    assert!(test.dir().join("cached/.build.cache").is_file(), "the first build leaves a cache");
    edit_example(&test.dir().join("cached"));
    let cached = test.run_with(["-v", "build", "cached"]).code(0);
    let (hits, _) = cache_summary(&cached.stderr);
    assert!(hits > 0, "the second build used the cache: {}", cached.stderr);

    edit_example(&test.dir().join("clean"));
    test.run_with(["--no-cache", "build", "clean"]).code(0);
    assert!(!test.dir().join("clean/.build.cache").exists(), "--no-cache writes no cache");
    let (cached, clean) = (tree(&test.dir().join("cached/build")), tree(&test.dir().join("clean/build")));
    assert_eq!(cached.keys().collect::<Vec<_>>(), clean.keys().collect::<Vec<_>>());
    for (path, bytes) in &cached {
        assert!(bytes == &clean[path], "{path} differs between the cached and the clean build");
    }
    let post = String::from_utf8(cached["posts/first-steps/index.html"].clone()).unwrap();
    assert!(post.contains("Why plugins, again") && post.contains("edited layout") && post.contains("Extra"));
}

#[test]
fn one_changed_page_reruns_the_per_file_steps_for_little_more_than_that_page() {
    let test = Test::new().copy_from_repo("examples/site", "site");
    test.run_with(["-v", "build", "site"]).code(0).stderr_has("step cache: 0 hits");
    test.run_with(["-v", "build", "site"]).code(0).stderr_has("0 misses");
    let post = test.dir().join("site/site/posts/first-steps.md");
    let text = std::fs::read_to_string(&post).unwrap();
    std::fs::write(&post, text.replace("Why plugins", "Why plugins, again")).unwrap();
    let run = test.run_with(["-v", "build", "site"]).code(0);
    let (_, misses) = cache_summary(&run.stderr);
    // The page through both runs of per-file steps, and its listing.
    assert!((1..=3).contains(&misses), "{misses} misses: {}", run.stderr);
    assert!(read(&test, "site/build/posts/first-steps/index.html").contains("Why plugins, again"));
}

#[test]
fn a_damaged_cache_is_ignored_and_rewritten() {
    let test = Test::new().copy_from_repo("examples/site", "site");
    test.run_with(["build", "site"]).code(0);
    let good = tree(&test.dir().join("site/build"));
    let cache = test.dir().join("site/.build.cache");
    let mut bytes = std::fs::read(&cache).unwrap();
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&cache, bytes).unwrap();
    test.run_with(["-v", "build", "site"]).code(0).stderr_has("step cache: 0 hits");
    assert_eq!(tree(&test.dir().join("site/build")), good);
    test.run_with(["-v", "build", "site"]).code(0).stderr_has("0 misses");
}

#[test]
fn changed_step_options_are_not_served_from_the_cache() {
    let test = site(r#"steps = [{ plugin = "markdown", options = { smart-punctuation = false } }]"#)
        .file("site/a.md", "\"quoted\"");
    test.run_with(["build"]).code(0);
    assert!(!read(&test, "build/a.html").contains('\u{201c}'), "{}", read(&test, "build/a.html"));
    let config = read(&test, "workbench.toml").replace("smart-punctuation = false", "smart-punctuation = true");
    std::fs::write(test.dir().join("workbench.toml"), config).unwrap();
    test.run_with(["build"]).code(0);
    assert!(read(&test, "build/a.html").contains('\u{201c}'), "{}", read(&test, "build/a.html"));
}

/// Issue 22's four defects, met porting a Metalsmith site: a collection's
/// `pattern` as a bare string, `in-place`'s `pattern`, quoted names in a
/// Nunjucks `from ... import`, and a `site` table in the metadata.
#[test]
fn a_metalsmith_style_site_with_nunjucks_layouts_builds() {
    let test = Test::new()
        .file(
            "workbench.toml",
            r#"[site]
metadata = { site = { title = "Ported" } }
steps = [
  { plugin = "in-place", options = { pattern = "**/*.md" } },
  "markdown",
  { plugin = "collections", options = { posts = { pattern = "posts/*.html", sort-by = "title" } } },
  { plugin = "layouts", options = { default = "page.njk" } },
]
"#,
        )
        .file("site/posts/b.md", "---\ntitle: Bee\n---\nIn {{ site.title }}.\n")
        .file("site/posts/a.md", "---\ntitle: Ant\n---\nAnt.\n")
        .file(
            "layouts/page.njk",
            "{% from \"./partials/nav.njk\" import \"nav\" %}<title>{{ title }} · {{ site.title }}</title>{{ nav(collections.posts) }}{{ contents | safe }}",
        )
        .file(
            "layouts/partials/nav.njk",
            "{% macro nav(posts) %}<nav>{% for post in posts %}<a href=\"{{ post.url }}\">{{ post.title }}</a>{% endfor %}</nav>{% endmacro %}",
        );
    test.run_with(["build"]).code(0);
    let bee = read(&test, "build/posts/b.html");
    assert!(bee.starts_with("<title>Bee · Ported</title>"), "{bee}");
    assert!(bee.contains(r#"<nav><a href="/posts/a.html">Ant</a><a href="/posts/b.html">Bee</a></nav>"#), "{bee}");
    assert!(bee.contains("<p>In Ported.</p>"), "in-place with a pattern, and `site.title`: {bee}");
    // A wrong option names itself, its value and what was expected.
    let test = site(r#"steps = [{ plugin = "collections", options = { posts = { pattern = 3 } } }]"#);
    test.run_with(["build"]).code(3).stderr_has(
        "`posts.pattern`: invalid type: integer `3`, expected a glob such as \"posts/*.md\", or a list of them",
    );
}

#[test]
fn a_layout_lists_the_table_of_contents_and_its_links_reach_the_headings() {
    let test = site(
        r#"steps = ["markdown", { plugin = "table-of-contents", options = { levels = [2, 3] } }, { plugin = "layouts", options = { default = "page" } }]"#,
    )
    .file("site/guide.md", "# Guide\n\n## Install it\n\n### With apt\n\n## Use it\n")
    .file(
        "layouts/page.html",
        "<ul>{% for item in toc %}<li><a href=\"{{ item.url }}\">{{ item.title }}</a>{% for sub in item.children %} <a href=\"{{ sub.url }}\">{{ sub.title }}</a>{% endfor %}</li>{% endfor %}</ul>{{ contents }}",
    );
    test.run_with(["build"]).code(0);
    let page = read(&test, "build/guide.html");
    assert!(
        page.starts_with(r##"<ul><li><a href="#install-it">Install it</a> <a href="#with-apt">With apt</a></li><li><a href="#use-it">Use it</a></li></ul>"##),
        "{page}"
    );
    for id in ["install-it", "with-apt", "use-it"] {
        assert!(page.contains(&format!(" id=\"{id}\"")), "no heading with id {id}: {page}");
    }
}

#[test]
fn sass_compiles_stylesheets_with_project_load_paths_and_names_the_line_of_an_error() {
    let test = site(r#"steps = [{ plugin = "sass", options = { load-paths = ["sass"] } }]"#)
        .file("site/css/main.scss", "@use 'theme';\n@import 'parts';\nbody { color: theme.$ink; }\n")
        .file("site/css/_parts.scss", "nav { a { margin: 2px * 2; } }\n")
        .file("sass/_theme.scss", "$ink: #123456;\n");
    test.run_with(["build"]).code(0);
    assert_eq!(read(&test, "build/css/main.css"), "nav a{margin:4px}body{color:#123456}");
    assert!(!test.dir().join("build/css/_parts.css").exists() && !test.dir().join("build/css/_parts.scss").exists());

    std::fs::write(test.dir().join("site/css/main.scss"), "body {\n  color: theme.$ink\n  margin: 0;\n}\n").unwrap();
    test.run_with(["build"]).code(3).stderr_has("css/main.scss:3:").stderr_has("margin: 0;");
    assert_eq!(
        read(&test, "build/css/main.css"),
        "nav a{margin:4px}body{color:#123456}",
        "a failed build keeps the last output"
    );
}

#[test]
fn shortcodes_render_before_markdown_and_their_html_stays_one_block() {
    let test = site(r#"steps = ["shortcodes", "markdown"]"#)
        .file("site/trip.md", "---\ntitle: Trip\n---\n# Trip\n\n{{< video id=\"abc\" >}}\n\n{{% aside %}}Pack *light*.{{% /aside %}}\n")
        .file("shortcodes/video.html", "<figure>\n\n  <iframe src=\"https://example.com/{{ id }}\" title=\"{{ page.title }}\"></iframe>\n\n</figure>\n")
        .file("shortcodes/aside.md", "> {{ body }}\n");
    test.run_with(["build"]).code(0);
    let page = read(&test, "build/trip.html");
    assert!(
        page.contains("<figure>\n  <iframe src=\"https://example.com/abc\" title=\"Trip\"></iframe>\n</figure>"),
        "{page}"
    );
    assert!(page.contains("<blockquote>\n<p>Pack <em>light</em>.</p>\n</blockquote>"), "{page}");
    std::fs::write(test.dir().join("site/trip.md"), "text\n\n{{< vidoe id=1 >}}\n").unwrap();
    test.run_with(["build"])
        .code(3)
        .stderr_has("trip.md:3: shortcode `vidoe` is not in shortcodes/ (it has aside.md, video.html)");
}

#[test]
fn check_refuses_broken_links_and_anchors_naming_page_line_and_target_and_writes_nothing() {
    let test = site(r#"steps = ["markdown", "permalinks", "static"]"#)
        .file(
            "site/index.md",
            "# Home\n\n[ok](/guide/)\n[anchor](guide/#install)\n[gone](/nowhere/)\n[bad anchor](/guide/#nope)\n![logo](/img/logo.png)\n",
        )
        .file("site/guide.md", "# Guide\n\n## Install\n\n[back](../)\n")
        .file("static/img/logo.png", "png");
    test.run_with(["build", "--check"])
        .code(1)
        .stderr_has("error: index.html:4: broken link `/nowhere/`: no page or file at /nowhere/ (from index.md)")
        .stderr_has(
            "error: index.html:5: broken link `/guide/#nope`: /guide/index.html has no element with id \"nope\"",
        )
        .stderr_has("2 broken links on 1 page (of 6 links checked); the output was not replaced");
    assert!(!test.dir().join("build").exists(), "nothing is written while links are broken");

    let json = test.run_with(["build", "--check", "--format", "json"]).code(1).json();
    assert_eq!(json["ok"], false);
    assert_eq!(json["error"]["exit"], 1);
    assert_eq!(json["links"]["broken"][0]["line"], 4);
    assert_eq!(json["links"]["broken"][0]["source"], "index.md");

    std::fs::write(
        test.dir().join("site/index.md"),
        "# Home\n\n[ok](/guide/)\n[anchor](guide/#install)\n![logo](/img/logo.png)\n",
    )
    .unwrap();
    test.run_with(["build", "--check"]).code(0).stderr_has("checked 4 links on 2 pages: none broken");
    assert!(test.dir().join("build/guide/index.html").is_file());
}

#[test]
fn check_external_fetches_each_outside_link_once_within_the_time_limit() {
    let server = crate::loopback::Server::start();
    let page = format!(
        "[fine]({0}/page) [again]({0}/page) [gone]({0}/missing) [loop]({0}/loop) [slow]({0}/stall)\n",
        server.base
    );
    let test = site(r#"steps = ["markdown"]"#).file("site/links.md", page);
    test.run_with(["build", "--check"]).code(0).stderr_has("checked 5 links on 1 page: none broken");
    let run = test.run_with(["build", "--check=external", "--check-timeout", "1"]).code(1);
    run.stderr_has(&format!("links.html:1: broken link `{}/missing`: HTTP 404", server.base))
        .stderr_has("/loop`: more than 10 redirects (a redirect loop?)")
        .stderr_has("/stall`: no complete response within 1 s (raise --check-timeout to wait longer)")
        .stderr_has("3 broken links on 1 page (of 5 links checked)");
    let fetched = server.agents.lock().unwrap().len();
    assert!(fetched <= 4 + 10, "/page fetched once for its two links (and /loop's redirects): {fetched} requests");
}

#[test]
fn minify_shrinks_laid_out_pages_with_their_inline_css_and_js_and_keeps_pre() {
    let test = site(
        r#"steps = ["markdown", { plugin = "layouts", options = { default = "page" } }, "minify"]"#,
    )
    .file("site/a.md", "# Title\n\nSome   text.\n\n```\n  indented   code\n```\n")
    .file(
        "layouts/page.html",
        "<!doctype html>\n<html>\n<head>\n  <style>\n    h1 { color : #ff0000 ; }\n  </style>\n</head>\n<body>\n  <!-- layout -->\n  {{ contents }}\n  <script>\n    const greeting = 'hi' + '!';\n  </script>\n</body>\n</html>\n",
    );
    test.run_with(["build"]).code(0);
    let page = read(&test, "build/a.html");
    assert!(page.starts_with("<!doctype html><style>h1{color:red}</style>"), "{page}");
    assert!(page.contains("<pre><code>  indented   code\n</code></pre>"), "pre keeps its whitespace: {page}");
    assert!(!page.contains("<!-- layout -->") && !page.contains("\n  "), "{page}");
    assert!(page.contains("<script>const greeting=`hi!`;</script>"), "{page}");
}
