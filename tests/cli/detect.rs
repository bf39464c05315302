//! `workbench detect`: the bundled `services` detector over the fixture
//! pages in tests/fixtures/detect, the CLI's inputs and outputs, and URL
//! mode against a loopback server.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

use crate::loopback::Server;
use crate::support::{Test, repo_root};

fn fixtures() -> PathBuf {
    repo_root().join("tests/fixtures/detect")
}

fn pages() -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(fixtures().join("pages"))
        .expect("fixture pages")
        .map(|entry| entry.expect("dir entry").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "html"))
        .collect();
    pages.sort();
    pages
}

/// Every fixture page, detected in one run.
fn detect_all() -> Value {
    let mut test = Test::new().args(["detect", "--format", "json"]);
    for page in pages() {
        test = test.arg(page);
    }
    test.run().code(0).json()
}

fn detections(record: &Value) -> &Vec<Value> {
    record["detections"].as_array().expect("detections array")
}

fn file_name(record: &Value) -> String {
    PathBuf::from(record["target"].as_str().expect("target")).file_name().expect("name").to_string_lossy().into_owned()
}

#[test]
fn every_fixture_page_yields_exactly_its_expected_services_and_settings() {
    let expected: BTreeMap<String, toml::Table> =
        toml::from_str(&std::fs::read_to_string(fixtures().join("expected.toml")).expect("expected.toml"))
            .expect("expected.toml parses");
    let document = detect_all();
    let records = document["targets"].as_array().expect("targets");
    assert_eq!(records.len(), expected.len(), "every page has expectations and every expectation a page");
    let mut problems = Vec::new();
    for record in records {
        let page = file_name(record);
        let wanted = expected.get(&page).unwrap_or_else(|| panic!("no expectations for {page}"));
        let found: BTreeMap<&str, &Value> = detections(record)
            .iter()
            .map(|detection| (detection["service"].as_str().expect("service"), detection))
            .collect();
        for service in found.keys().filter(|service| !wanted.contains_key(**service)) {
            problems.push(format!("{page}: unexpected {service}: {}", found[service]));
        }
        for (service, settings) in wanted {
            let Some(detection) = found.get(service.as_str()) else {
                problems.push(format!("{page}: {service} not detected"));
                continue;
            };
            for (key, value) in settings.as_table().expect("a table per service") {
                if key == "consent-gated" {
                    if detection["consent-gated"] != value.as_bool().expect("bool") {
                        problems.push(format!("{page}: {service}: consent-gated should be {value}"));
                    }
                    continue;
                }
                let values: Vec<&str> = match value {
                    toml::Value::Array(values) => values.iter().map(|value| value.as_str().expect("string")).collect(),
                    value => vec![value.as_str().expect("string")],
                };
                let got: Vec<&str> = detection["settings"]
                    .as_array()
                    .expect("settings")
                    .iter()
                    .filter(|setting| setting["key"] == key.as_str())
                    .map(|setting| setting["value"].as_str().expect("value"))
                    .collect();
                if got != values {
                    problems.push(format!("{page}: {service}: {key} should be {values:?}, found {got:?}"));
                }
            }
            if !settings.as_table().expect("table").contains_key("consent-gated") && detection["consent-gated"] == true
            {
                problems.push(format!("{page}: {service} is marked consent-gated"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The property behind every detection: there is evidence, and each piece
/// of evidence (and each setting's) points at text that is really there.
#[test]
fn every_detection_has_evidence_found_where_it_says() {
    let document = detect_all();
    let mut checked = 0;
    for record in document["targets"].as_array().expect("targets") {
        let path = fixtures().join("pages").join(file_name(record));
        let bytes = std::fs::read(&path).expect("page");
        // The one non-UTF-8 fixture is windows-1251, as its header says.
        let text = String::from_utf8(bytes.clone())
            .unwrap_or_else(|_| bytes.iter().map(|byte| cp1251_char(*byte)).collect::<String>());
        let lines: Vec<&str> = text.split('\n').collect();
        for detection in detections(record) {
            let evidence = detection["evidence"].as_array().expect("evidence");
            assert!(!evidence.is_empty(), "{}: {} has no evidence", path.display(), detection["service"]);
            let settings = detection["settings"].as_array().expect("settings");
            for item in evidence.iter().chain(settings.iter().map(|setting| &setting["evidence"])) {
                let position = &item["position"];
                let line = usize::try_from(position["line"].as_u64().expect("line")).expect("fits");
                let column = usize::try_from(position["column"].as_u64().expect("column")).expect("fits");
                let at: String = lines[line - 1].chars().skip(column - 1).collect();
                let matched = item["matched"].as_str().expect("matched");
                let first_line = matched.lines().next().unwrap_or("");
                // Element evidence points at its tag; text evidence at the text.
                let wanted = match item["source"].as_str().expect("source") {
                    "script-src" | "attribute" => "<script",
                    "link" => "<link",
                    "meta" => "<meta",
                    _ => first_line,
                };
                assert!(
                    at.starts_with(wanted) || at.replace("&amp;", "&").starts_with(wanted),
                    "{}:{line}:{column}: expected `{wanted}` at `{at}`",
                    path.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 150, "only {checked} pieces of evidence checked");
}

fn cp1251_char(byte: u8) -> char {
    match byte {
        0xC0..=0xFF => char::from_u32(u32::from(byte) - 0xC0 + 0x410).expect("Cyrillic"),
        _ => char::from(byte),
    }
}

#[test]
fn the_services_detector_knows_at_least_sixty_services_forty_with_settings() {
    let run = Test::new().args(["plugins", "info", "services", "--format", "json"]).run().code(0);
    let info = run.json();
    let services = info["plugin"]["services"].as_array().unwrap_or_else(|| panic!("no services\n{run}"));
    assert!(services.len() >= 60, "{}", services.len());
    let sherlock = [
        "adroll",
        "alexa",
        "amplitude",
        "customerio",
        "drip",
        "fullstory",
        "google-analytics",
        "google-tag-manager",
        "heap",
        "inspectlet",
        "intercom",
        "keen",
        "kissmetrics",
        "lytics",
        "mixpanel",
        "olark",
        "optimizely",
        "quantcast",
        "totango",
        "trackjs",
        "woopra",
    ];
    // The common modern ones issue 3 names.
    let modern = [
        "google-analytics-4",
        "google-ads",
        "segment",
        "hotjar",
        "drift",
        "crisp",
        "hubspot",
        "facebook-pixel",
        "facebook-sdk",
        "twitter-widgets",
        "linkedin-insight",
        "matomo",
        "plausible",
        "fathom",
        "cloudflare-web-analytics",
        "new-relic",
        "sentry",
        "datadog-rum",
        "chartbeat",
        "vwo",
        "disqus",
        "stripe",
        "recaptcha",
        "yandex-metrica",
        "microsoft-clarity",
        "tiktok-pixel",
        "pinterest-tag",
        "snap-pixel",
    ];
    for id in sherlock.iter().chain(&modern) {
        assert!(services.iter().any(|service| service["service"] == *id), "{id} is missing");
    }
    let with_settings =
        services.iter().filter(|service| !service["settings"].as_array().expect("settings").is_empty()).count();
    assert!(with_settings >= 40, "{with_settings}");
}

#[test]
fn stdin_is_a_target_and_base_url_resolves_its_links() {
    let html = "<script src=\"/js/gtag.js\"></script><script src=\"https://www.googletagmanager.com/gtag/js?id=G-STDIN12345\"></script>";
    let run = Test::new()
        .args(["detect", "-", "--format", "ndjson", "--base-url", "https://shop.example/"])
        .stdin(html)
        .run()
        .code(0);
    let record: Value = serde_json::from_str(run.stdout.trim()).expect("one JSON line");
    assert_eq!(record["version"], 1);
    assert_eq!(record["url"], "https://shop.example/");
    assert_eq!(record["detections"][0]["settings"][0]["value"], "G-STDIN12345");
}

#[test]
fn a_list_of_targets_runs_in_order_and_shards_split_it() {
    let page = |id: &str| format!("<script>ym({id}, \"init\", {{}});</script>");
    let test = Test::new()
        .file("a.html", page("11111111"))
        .file("b.html", page("22222222"))
        .file("c.html", page("33333333"))
        .file("targets.txt", "# pages to check\na.html\n\nb.html\nc.html\n");
    let ids = |run: &crate::support::Run| -> Vec<String> {
        run.stdout
            .lines()
            .map(|line| {
                let record: Value = serde_json::from_str(line).expect("JSON line");
                record["detections"][0]["settings"][0]["value"].as_str().expect("value").to_string()
            })
            .collect()
    };
    let all = test.run_with(["detect", "--list", "targets.txt", "--format", "ndjson"]).code(0);
    assert_eq!(ids(&all), ["11111111", "22222222", "33333333"]);
    let first = test.run_with(["detect", "--list", "targets.txt", "--format", "ndjson", "--shard", "1/2"]).code(0);
    let second = test.run_with(["detect", "--list", "targets.txt", "--format", "ndjson", "--shard", "2/2"]).code(0);
    assert_eq!(ids(&first), ["11111111", "33333333"]);
    assert_eq!(ids(&second), ["22222222"]);
}

#[test]
fn a_bad_line_in_the_list_names_the_file_and_line() {
    Test::new()
        .file("targets.txt", "a.html\nexample.com\n")
        .args(["detect", "--list", "targets.txt"])
        .run()
        .code(2)
        .stderr_has("targets.txt:2: `example.com` is neither a URL nor an existing file")
        .stderr_has("https://example.com");
}

#[test]
fn a_failed_target_gets_its_own_record_and_the_rest_go_on() {
    let test = Test::new().file("good.html", "<script>ym(12345678, \"init\", {});</script>");
    let run = test.run_with(["detect", "missing.html", "good.html", "--format", "json"]).code(2);
    let document = run.json();
    assert!(document["targets"][0]["error"].as_str().expect("error").contains("missing.html"));
    assert_eq!(document["targets"][1]["detections"][0]["service"], "yandex-metrica");
    assert_eq!(document["summary"]["failed"], 1);
    test.run_with(["detect", "missing.html", "good.html"])
        .code(2)
        .stdout_has("error: cannot read missing.html")
        .stdout_has("Yandex Metrica");
}

#[test]
fn usage_errors_say_what_to_do() {
    Test::new().args(["detect"]).run().code(2).stderr_has("nothing to detect").stderr_has("workbench detect https://");
    Test::new().args(["detect", "ftp://example.com/"]).run().code(2).stderr_has("only http and https");
    Test::new().args(["detect", "-", "--shard", "3/2"]).run().code(2).stderr_has("1 <= i <= n");
    Test::new().args(["detect", "-", "-"]).run().code(2).stderr_has("only once");
    Test::new()
        .file("t.json", "{\"Broken\": ")
        .args(["detect", "-", "--fingerprints", "t.json"])
        .stdin("")
        .run()
        .code(2)
        .stderr_has("t.json:1:");
}

#[test]
fn the_human_table_shows_service_category_settings_and_evidence() {
    Test::new()
        .args(["detect"])
        .arg(fixtures().join("pages/google-ads-only.html"))
        .run()
        .code(0)
        .stdout_has("SERVICE     CATEGORY     SETTINGS                    EVIDENCE")
        .stdout_has("Google Ads  advertising  conversion-id=AW-123456789  script-src 4:1 https://www.googletagmanager.com/gtag/js?id=AW-123456789");
    Test::new()
        .args(["detect"])
        .arg(fixtures().join("pages/trap-mentions.html"))
        .run()
        .code(0)
        .stdout_has("no third-party services found");
}

// --- URL mode, against a loopback server ---

fn fetch(server: &Server, path: &str, extra: &[&str]) -> (crate::support::Run, Value) {
    let url = server.url(path);
    let mut args = vec!["detect", url.as_str(), "--format", "ndjson"];
    args.extend_from_slice(extra);
    if !extra.contains(&"--timeout") {
        args.extend_from_slice(&["--timeout", "5"]);
    }
    let run = Test::new().args(args).run();
    let record: Value = serde_json::from_str(run.stdout.trim()).unwrap_or_else(|_| panic!("one JSON line\n{run}"));
    (run, record)
}

fn services(record: &Value) -> Vec<&str> {
    record["detections"]
        .as_array()
        .map(|all| all.iter().map(|d| d["service"].as_str().expect("id")).collect())
        .unwrap_or_default()
}

#[test]
fn url_mode_follows_redirects_and_reports_the_final_url() {
    let server = Server::start();
    let (run, record) = fetch(&server, "/redirect", &[]);
    assert_eq!(run.code, 0, "{run}");
    assert_eq!(record["url"], server.url("/page"));
    assert_eq!(services(&record), ["google-analytics-4"]);
}

#[test]
fn url_mode_decodes_gzip_and_brotli() {
    let server = Server::start();
    for path in ["/gzip", "/brotli"] {
        let (run, record) = fetch(&server, path, &[]);
        assert_eq!(services(&record), ["google-analytics-4"], "{path}: {run}");
    }
}

#[test]
fn url_mode_decodes_the_charset_the_server_declares() {
    let server = Server::start();
    let (run, record) = fetch(&server, "/cp1251", &[]);
    assert_eq!(record["encoding"], "windows-1251", "{run}");
    assert_eq!(record["detections"][0]["settings"][0]["value"], "55555555");
}

#[test]
fn url_mode_sends_a_clear_user_agent() {
    let server = Server::start();
    fetch(&server, "/page", &[]);
    let agents = server.agents.lock().expect("agents");
    assert!(agents[0].starts_with("workbench-detect/"), "{agents:?}");
}

#[test]
fn redirect_loops_end_with_a_clear_error() {
    let server = Server::start();
    let (run, record) = fetch(&server, "/loop", &[]);
    assert_eq!(run.code, 2, "{run}");
    assert!(record["error"].as_str().expect("error").contains("redirects"), "{run}");
}

#[test]
fn http_errors_are_reported_with_their_status() {
    let server = Server::start();
    let (run, record) = fetch(&server, "/missing", &[]);
    assert_eq!(run.code, 0, "{run}");
    assert_eq!(record["status"], 404);
}

#[test]
fn stalled_and_dripping_servers_hit_the_timeout() {
    let server = Server::start();
    for path in ["/stall", "/drip"] {
        let started = std::time::Instant::now();
        let (run, record) = fetch(&server, path, &["--timeout", "1"]);
        assert_eq!(run.code, 2, "{run}");
        assert!(record["error"].as_str().expect("error").contains("within 1 s"), "{path}: {run}");
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "{path} took {:?}", started.elapsed());
    }
}

#[test]
fn endless_bodies_and_gzip_bombs_stop_at_the_body_cap() {
    let server = Server::start();
    for path in ["/endless", "/bomb"] {
        let (run, record) = fetch(&server, path, &["--max-body-mib", "1"]);
        assert_eq!(run.code, 0, "{path}: {run}");
        assert_eq!(record["truncated"], true, "{path}: {run}");
        assert_eq!(services(&record), ["google-analytics-4"], "{path}");
    }
}

/// Issue 9: markup nested 200,000 deep (a stack-hungry parser's end) is
/// read like any page.
#[test]
fn deeply_nested_markup_is_read_without_a_stack_overflow() {
    let depth = 200_000;
    let page = format!(
        "<html><body>{}<script src=\"https://www.googletagmanager.com/gtag/js?id=G-NESTED1\"></script>{}</body></html>",
        "<div><span>".repeat(depth),
        "</span></div>".repeat(depth)
    );
    let run = Test::new().file("nested.html", page).args(["detect", "nested.html", "--format", "json"]).run().code(0);
    let document = run.json();
    let found = detections(&document["targets"][0]);
    assert!(found.iter().any(|d| d["settings"][0]["value"] == "G-NESTED1"), "{run}");
}

#[test]
fn a_refused_connection_is_a_record_not_a_crash() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/", listener.local_addr().expect("address"));
    drop(listener);
    let run = Test::new().args(["detect", url.as_str(), "--format", "ndjson"]).run().code(2);
    assert!(run.stdout.contains("refused"), "{run}");
}

// --- Wappalyzer-format fingerprints ---

fn by_service(record: &Value) -> BTreeMap<String, Value> {
    detections(record)
        .iter()
        .map(|detection| (detection["service"].as_str().expect("id").to_string(), detection.clone()))
        .collect()
}

#[test]
fn fingerprint_files_match_with_versions_implies_requires_and_excludes() {
    let fingerprints = fixtures().join("fingerprints");
    let run = Test::new()
        .args(["detect", "--format", "json", "--fingerprints"])
        .arg(fingerprints.join("technologies.json"))
        .arg(fingerprints.join("page.html"))
        .run()
        .code(0);
    let found = by_service(&run.json()["targets"][0]);
    let version = |id: &str| found.get(id).unwrap_or_else(|| panic!("{id} not found\n{run}"))["version"].clone();
    assert_eq!(version("wordpress"), "6.4.2");
    assert_eq!(version("jquery"), "3.7.1");
    assert_eq!(version("jquery-migrate"), "3.4.1", "required jQuery is present");
    assert_eq!(version("inline-counter"), "tracking", "the ternary version template");
    assert_eq!(found["wordpress"]["category"], "cms");
    assert_eq!(found["wordpress"]["evidence"].as_array().expect("evidence").len(), 2, "meta and html");
    assert_eq!(found["php"]["evidence"][0]["source"], "implied");
    assert_eq!(found["mysql"]["confidence"], 50, "implied with its confidence tag");
    assert!(!found.contains_key("zepto"), "excluded by jQuery");
    assert!(!found.contains_key("lonely-plugin"), "its requirement is absent");
    assert!(!found.contains_key("broken-pattern"));
    assert!(run.stderr.contains("skipped 1 fingerprint pattern"), "{run}");
}

#[test]
fn fingerprints_read_headers_and_cookies_in_url_mode() {
    let server = Server::start();
    let file = fixtures().join("fingerprints/technologies.json");
    let file = file.to_str().expect("utf-8 path");
    let (run, record) = fetch(&server, "/page", &["--fingerprints", file]);
    let found = by_service(&record);
    assert!(found.contains_key("php"), "{run}");
    assert_eq!(found["php"]["version"], "8.3.1");
    assert_eq!(found["php"]["evidence"][0]["source"], "header");
    assert_eq!(found["google-analytics"]["evidence"][0]["source"], "cookie");
    assert!(found.contains_key("google-analytics-4"), "the services plugin still runs beside it");
}

// --- --render, with Debian's chromium when it is installed ---

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join("chromium")).find(|candidate| candidate.is_file())
}

#[test]
fn render_detects_what_scripts_inject_at_run_time() {
    let Some(browser) = chromium() else {
        println!("skipped: no chromium on PATH (apt-get install chromium)");
        return;
    };
    let page = fixtures().join("render/injected-at-run-time.html");
    let plain = Test::new().args(["detect", "--format", "json"]).arg(&page).run().code(0);
    assert!(detections(&plain.json()["targets"][0]).is_empty(), "the static page names no tag: {plain}");
    let rendered = Test::new()
        .args(["detect", "--format", "json", "--render", "--browser"])
        .arg(&browser)
        .arg(&page)
        .run()
        .code(0);
    let found = by_service(&rendered.json()["targets"][0]);
    assert_eq!(found["google-analytics-4"]["settings"][0]["value"], "G-RENDERED1", "{rendered}");
}

#[test]
fn render_without_a_browser_says_how_to_get_one() {
    let empty = tempfile::tempdir().expect("temp dir");
    Test::new()
        .env("PATH", empty.path())
        .args(["detect", "--render", "page.html"])
        .run()
        .code(2)
        .stderr_has("--render needs Chromium")
        .stderr_has("apt-get install chromium");
    Test::new()
        .args(["detect", "--render", "--browser", "/no/such/chrome", "page.html"])
        .run()
        .code(2)
        .stderr_has("no browser at");
}

#[test]
fn a_detector_reads_the_project_files_its_describe_asks_for() {
    let fingerprints = fixtures().join("fingerprints");
    let technologies = std::fs::read_to_string(fingerprints.join("technologies.json")).expect("fixture");
    let page = std::fs::read_to_string(fingerprints.join("page.html")).expect("fixture");
    let run = Test::new()
        .file("workbench.toml", "[plugins.options.fingerprints]\nfiles = [\"fingerprints/*.json\"]\n")
        .file("fingerprints/technologies.json", &technologies)
        .file("page.html", &page)
        .args(["detect", "--format", "json", "page.html"])
        .run()
        .code(0);
    let found = by_service(&run.json()["targets"][0]);
    assert_eq!(found.get("wordpress").unwrap_or_else(|| panic!("wordpress not found\n{run}"))["category"], "cms");
}
