//! Metalsmith projects built from their own metalsmith.json (issue 22,
//! item 9): the ported starters in tests/fixtures/metalsmith, one with
//! Handlebars layouts and one with Nunjucks, `workbench init --from`, and
//! plugins with no bundled step refused by name.

use crate::support::Test;

const FIXTURES: &str = "tests/fixtures/metalsmith";

fn read(test: &Test, path: &str) -> String {
    std::fs::read_to_string(test.dir().join(path)).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn assert_blog(test: &Test, root: &str) {
    let home = read(test, &format!("{root}/build/index.html"));
    assert!(home.contains("<title>Home · Field Notes</title>"), "{home}");
    let second = home.find("/posts/second-note/").expect("the newer post is listed");
    let first = home.find("/posts/first-note/").expect("the older post is listed");
    assert!(second < first, "sorted by date, newest first: {home}");
    assert!(!home.contains("Not ready"), "the draft is dropped: {home}");
    let post = read(test, &format!("{root}/build/posts/first-note/index.html"));
    assert!(post.contains("<time>January 10, 2026</time>"), "{post}");
    assert!(post.contains("<p>Every note starts as a Markdown file with front matter.</p>"), "{post}");
    assert!(post.contains("Made with Metalsmith.</footer>"), "the footer partial: {post}");
    assert!(!test.dir().join(format!("{root}/build/posts/unfinished")).exists());
}

#[test]
fn a_metalsmith_project_with_handlebars_layouts_builds_from_its_metalsmith_json() {
    let test = Test::new().copy_from_repo(&format!("{FIXTURES}/blog-handlebars"), ".");
    let run = test.run_with(["build"]).code(0).stderr_has("wrote 3 files to build");
    assert!(!run.stderr.contains("warning"), "everything in it carries over: {}", run.stderr);
    assert_blog(&test, ".");
}

#[test]
fn a_metalsmith_project_with_nunjucks_layouts_builds_from_its_metalsmith_json() {
    let test = Test::new().copy_from_repo(&format!("{FIXTURES}/blog-nunjucks"), "blog");
    test.run_with(["build", "blog", "--check"]).code(0).stderr_has("wrote 3 files to blog/build");
    assert_blog(&test, "blog");
}

#[test]
fn init_from_metalsmith_json_writes_the_workbench_toml_that_builds_the_same_site_and_never_overwrites() {
    let test = Test::new().copy_from_repo(&format!("{FIXTURES}/blog-handlebars"), "blog");
    test.run_with(["build", "blog"]).code(0);
    let translated = read(&test, "blog/build/posts/first-note/index.html");

    test.run_with(["init", "--from", "blog/metalsmith.json"])
        .code(0)
        .stderr_has("wrote blog/workbench.toml (5 steps from blog/metalsmith.json); run `workbench build blog`");
    let toml = read(&test, "blog/workbench.toml");
    assert!(toml.contains("plugin = \"layouts\"\noptions = { default = \"post.hbs\" }"), "{toml}");
    assert!(toml.contains("# `@metalsmith/collections` runs after"), "{toml}");
    std::fs::remove_dir_all(test.dir().join("blog/build")).unwrap();
    test.run_with(["build", "blog"]).code(0);
    assert_eq!(read(&test, "blog/build/posts/first-note/index.html"), translated);

    std::fs::write(test.dir().join("blog/workbench.toml"), "# mine\n").unwrap();
    test.run_with(["init", "--from", "blog/metalsmith.json"]).code(2).stderr_has("blog/workbench.toml already exists");
    assert_eq!(read(&test, "blog/workbench.toml"), "# mine\n");
}

#[test]
fn plugins_with_no_bundled_step_are_refused_together_naming_their_lines() {
    let test = Test::new().file(
        "metalsmith.json",
        "{\n  \"plugins\": [\n    { \"@metalsmith/markdown\": {} },\n    { \"metalsmith-babel\": {} },\n    { \"./plugins/reading-time.js\": true }\n  ]\n}\n",
    );
    test.run_with(["build"])
        .code(2)
        .stderr_has("metalsmith.json: no bundled step does what these plugins do: metalsmith-babel (line 4), ./plugins/reading-time.js (line 5)")
        .stderr_has("write a step plugin");
    assert!(!test.dir().join("build").exists());
}
