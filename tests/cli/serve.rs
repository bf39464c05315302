//! `workbench serve`: HTTP behaviour over a real socket, rebuilds on change,
//! and live reload observed in a real headless Chromium.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::Test;

/// A running `workbench serve`, stopped with Ctrl-C (SIGINT) on drop.
struct Served {
    child: Child,
    address: SocketAddr,
    stderr: Arc<Mutex<String>>,
}

impl Served {
    fn start(test: &Test) -> Served {
        let mut child = test.spawn();
        let stderr = Arc::new(Mutex::new(String::new()));
        let (sender, receiver) = std::sync::mpsc::channel();
        let pipe = child.stderr.take().expect("piped stderr");
        {
            let stderr = Arc::clone(&stderr);
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    if let Some(address) = line.split("at http://").nth(1) {
                        let _ = sender.send(address.trim_end_matches(|c| c != '/').trim_end_matches('/').to_string());
                    }
                    let mut stderr = stderr.lock().unwrap();
                    stderr.push_str(&line);
                    stderr.push('\n');
                }
            });
        }
        let address = receiver.recv_timeout(Duration::from_mins(2)).unwrap_or_else(|_| {
            panic!("serve did not start; stderr:\n{}", stderr.lock().unwrap());
        });
        let address = address.split(' ').next().unwrap().parse().expect("an address");
        Served { child, address, stderr }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits until stderr holds `needle` `count` times.
    fn wait_for_stderr(&self, needle: &str, count: usize) {
        let deadline = Instant::now() + Duration::from_mins(1);
        while self.stderr().matches(needle).count() < count {
            assert!(Instant::now() < deadline, "no {count} x {needle:?} in stderr:\n{}", self.stderr());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn get(&self, path: &str) -> Response {
        get(self.address, path, "GET")
    }

    fn interrupt(&mut self) -> std::process::ExitStatus {
        let status = std::process::Command::new("kill").args(["-INT", &self.child.id().to_string()]).status();
        assert!(status.is_ok_and(|status| status.success()), "cannot send SIGINT");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "serve did not stop on Ctrl-C");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Response {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim().to_string())
        })
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A request written byte for byte, so paths reach the server exactly as
/// an attacker would send them.
fn get(address: SocketAddr, path: &str, method: &str) -> Response {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").unwrap();
    // Read to the end of the body, not of the stream: DevTools keeps
    // connections open whatever the request says.
    let mut raw = Vec::new();
    let mut chunk = [0; 8192];
    loop {
        let read = stream.read(&mut chunk).expect("read the response");
        raw.extend_from_slice(&chunk[..read]);
        let Some(split) = raw.windows(4).position(|window| window == b"\r\n\r\n") else {
            assert!(read > 0, "the connection closed before the headers ended");
            continue;
        };
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let status = head.split(' ').nth(1).and_then(|code| code.parse().ok()).expect("a status");
        let mut response = Response { status, head, body: Vec::new() };
        let body = &raw[split + 4..];
        let length = if method == "HEAD" || matches!(status, 204 | 304) {
            Some(0)
        } else {
            response.header("content-length").and_then(|length| length.parse::<usize>().ok())
        };
        match length {
            Some(length) if body.len() >= length => response.body = body[..length].to_vec(),
            _ if read == 0 => response.body = body.to_vec(),
            _ => continue,
        }
        return response;
    }
}

fn example_site() -> Test {
    Test::new().copy_from_repo("examples/site", "site").args(["serve", "site", "--port", "0"])
}

#[test]
fn serve_builds_then_serves_pages_with_their_content_types_and_the_reload_script() {
    let test = example_site();
    let served = Served::start(&test);
    assert!(test.dir().join("site/build/index.html").is_file());

    let home = served.get("/");
    assert_eq!(home.status, 200, "{home:?}");
    assert_eq!(home.header("content-type").as_deref(), Some("text/html; charset=utf-8"));
    assert_eq!(home.header("cache-control").as_deref(), Some("no-store"));
    let html = home.text();
    assert!(html.contains("/__workbench/events"), "no reload script in {html}");
    assert!(html.find("EventSource").unwrap() < html.rfind("</body>").unwrap(), "script after </body>");

    for (path, kind) in [
        ("/css/style.css", "text/css; charset=utf-8"),
        ("/feed.xml", "text/xml; charset=utf-8"),
        ("/sitemap.xml", "text/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
    ] {
        let response = served.get(path);
        assert_eq!(response.status, 200, "{path}: {response:?}");
        assert_eq!(response.header("content-type").as_deref(), Some(kind), "{path}");
        assert!(!response.text().contains("__workbench"), "{path} got the script");
        let on_disk = std::fs::read(test.dir().join("site/build").join(&path[1..])).unwrap();
        assert_eq!(response.body, on_disk, "{path} is served as built");
    }
    let head = get(served.address, "/robots.txt", "HEAD");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(get(served.address, "/", "POST").status, 405);
}

#[test]
fn directories_redirect_to_their_slash_and_serve_their_index() {
    let test = example_site();
    let served = Served::start(&test);
    let redirect = served.get("/posts/first-steps");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("location").as_deref(), Some("/posts/first-steps/"));
    let page = served.get("/posts/first-steps/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("First steps"));
    assert_eq!(served.get("/posts/first-steps/?utm=x").status, 200, "a query string is not part of the path");
}

#[test]
fn a_missing_page_is_a_404_with_the_sites_own_page_when_it_has_one() {
    let test = example_site();
    let served = Served::start(&test);
    let missing = served.get("/no/such/page.html");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("404"), "{}", missing.text());
    assert_eq!(missing.header("content-type").as_deref(), Some("text/html; charset=utf-8"));

    std::fs::write(test.dir().join("site/build/404.html"), "<html><body>our own lost page</body></html>").unwrap();
    let own = served.get("/still/missing");
    assert_eq!(own.status, 404);
    assert!(own.text().contains("our own lost page"));
    assert!(own.text().contains("__workbench"), "the 404 page reloads too");
}

#[test]
fn traversal_in_every_spelling_is_refused_and_nothing_outside_the_output_is_served() {
    let test = example_site().file("secret.txt", "top secret");
    let served = Served::start(&test);
    std::os::unix::fs::symlink(test.dir().join("secret.txt"), test.dir().join("site/build/link.txt")).unwrap();
    for path in [
        "/../secret.txt",
        "/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/secret.txt",
        "/posts/..%2f..%2f..%2fsecret.txt",
        "/%252e%252e/secret.txt",
        "/..%5c..%5csecret.txt",
        "/posts/%5c..%5c..%5csecret.txt",
        "/index.html%00.txt",
        "/link.txt",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
    ] {
        let response = served.get(path);
        assert!(matches!(response.status, 400 | 404), "{path}: {} {}", response.status, response.text());
        assert!(!response.text().contains("top secret") && !response.text().contains("root:"), "{path} leaked");
    }
    assert_eq!(served.get("/").status, 200, "still serving after the attempts");
}

/// Open file descriptors of the server process.
fn open_fds(served: &Served) -> usize {
    std::fs::read_dir(format!("/proc/{}/fd", served.child.id())).expect("the server's fds").count()
}

/// Issue 9: hundreds of idle half-sent requests and a burst of concurrent
/// clients (from this second process, over 127.0.0.1) leave the server
/// answering, with its file descriptors back where they were.
#[test]
fn idle_connections_and_bursts_leave_the_server_serving_and_leak_nothing() {
    let test = example_site();
    let served = Served::start(&test);
    assert_eq!(served.get("/").status, 200);
    let fds_before = open_fds(&served);

    // 200 connections that send half a request and wait.
    let idle: Vec<TcpStream> = (0..200)
        .map(|_| {
            let mut stream = TcpStream::connect(served.address).expect("connect");
            stream.write_all(b"GET / HTTP/1.1\r\n").unwrap();
            stream
        })
        .collect();
    assert_eq!(served.get("/").status, 200, "serving beside 200 idle connections");

    // A burst: 16 clients, 25 requests each, all at once.
    let address = served.address;
    let clients: Vec<_> = (0..16)
        .map(|_| std::thread::spawn(move || (0..25).filter(|_| get(address, "/", "GET").status == 200).count()))
        .collect();
    let ok: usize = clients.into_iter().map(|client| client.join().expect("client")).sum();
    assert_eq!(ok, 400, "every request of the burst answered 200");

    drop(idle);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let fds = open_fds(&served);
        if fds <= fds_before + 4 {
            break;
        }
        assert!(Instant::now() < deadline, "{fds} fds open after the load, {fds_before} before");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(served.get("/").status, 200, "still serving");
}

fn resident_kib(served: &Served) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", served.child.id())).expect("the server's status");
    let line = status.lines().find(|line| line.starts_with("VmRSS:")).expect("VmRSS");
    line.split_whitespace().nth(1).and_then(|kib| kib.parse().ok()).expect("a size")
}

/// Issue 9: a request head over 64 KiB is answered 431 and dropped, not
/// buffered: 32 MiB of header sent costs the server next to nothing.
#[test]
fn a_huge_request_head_gets_431_and_is_not_buffered() {
    let test = example_site();
    let served = Served::start(&test);
    assert_eq!(served.get("/").status, 200);
    let before = resident_kib(&served);

    let mut stream = TcpStream::connect(served.address).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    // A server that buffers everything makes every write succeed; one that
    // neither reads nor closes must not hang the test.
    stream.set_write_timeout(Some(Duration::from_secs(20))).unwrap();
    let line = format!("X-Filler: {}\r\n", "a".repeat(1000));
    let _ = stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n");
    // The server stops reading at 64 KiB and closes: writes then fail.
    let sent = (0..32 * 1024).take_while(|_| stream.write_all(line.as_bytes()).is_ok()).count();
    assert!(sent < 32 * 1024, "the server read all 32 MiB of header");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    // The 431 can be lost to the reset that closing an unread socket sends.
    assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 431"), "{answer}");

    let grown = resident_kib(&served).saturating_sub(before);
    assert!(grown < 8 * 1024, "the server grew by {grown} KiB");
    assert_eq!(served.get("/").status, 200, "still serving");
}

/// Issue 9: past 512 open connections a new one gets 503 at once, and
/// is served again when some close.
#[test]
fn connections_past_the_limit_get_503_and_the_server_recovers() {
    let test = example_site();
    let served = Served::start(&test);
    let held: Vec<TcpStream> = (0..512).map(|_| TcpStream::connect(served.address).expect("connect")).collect();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let status = get(served.address, "/", "GET").status;
        if status == 503 {
            break;
        }
        // The server may not have accepted all 512 yet.
        assert!(Instant::now() < deadline, "still {status} past 512 open connections");
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(held);
    let deadline = Instant::now() + Duration::from_secs(20);
    while get(served.address, "/", "GET").status != 200 {
        assert!(Instant::now() < deadline, "not serving after the connections closed");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_change_rebuilds_a_bad_build_keeps_the_last_good_site_and_ctrl_c_stops_cleanly() {
    let test = example_site();
    let mut served = Served::start(&test);
    let post = test.dir().join("site/site/posts/first-steps.md");
    let good = std::fs::read_to_string(&post).unwrap();

    std::fs::write(&post, good.replace("Why plugins", "Why WebAssembly plugins")).unwrap();
    served.wait_for_stderr("first-steps.md: built", 1);
    assert!(served.get("/posts/first-steps/").text().contains("Why WebAssembly plugins"));

    std::fs::write(&post, good.replace("title: First steps", "title: [unclosed")).unwrap();
    served.wait_for_stderr("still serving the last good build", 1);
    assert!(served.stderr().contains("bad front matter"), "{}", served.stderr());
    let page = served.get("/posts/first-steps/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Why WebAssembly plugins"), "the last good page is still served");

    std::fs::write(&post, &good).unwrap();
    served.wait_for_stderr("first-steps.md: built", 2);
    assert!(served.get("/posts/first-steps/").text().contains("Why plugins"));

    let status = served.interrupt();
    assert!(status.success(), "exit status {status:?}");
    assert!(served.stderr().contains("stopped"));
    assert!(!served.stderr().contains("panicked"));
}

#[test]
fn the_output_itself_changing_does_not_trigger_a_rebuild() {
    let test = example_site();
    let served = Served::start(&test);
    served.wait_for_stderr("serving", 1);
    std::fs::write(test.dir().join("site/build/extra.html"), "x").unwrap();
    // Then a real edit: the watcher reports events in order, so once this
    // one's rebuild shows, a rebuild for the output would have shown first.
    std::fs::write(test.dir().join("site/site/sentinel.txt"), "x").unwrap();
    served.wait_for_stderr("sentinel.txt: built", 1);
    let rebuilds: Vec<String> =
        served.stderr().lines().filter(|line| line.starts_with("changed")).map(str::to_string).collect();
    assert_eq!(rebuilds.len(), 1, "rebuilt on its own output:\n{}", served.stderr());
    assert!(rebuilds[0].contains("sentinel.txt"), "{rebuilds:?}");
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    Test::new()
        .copy_from_repo("examples/site", "site")
        .args(["serve", "site", "--port", &port])
        .run()
        .code(2)
        .stderr_has(&format!("cannot listen on 127.0.0.1:{port}"))
        .stderr_has("--port 0");
}

// --- live reload in Debian's chromium, driven over the DevTools protocol ---

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join("chromium")).find(|candidate| candidate.is_file())
}

/// A headless Chromium with a fresh profile, killed on drop.
struct Browser {
    child: Child,
    port: u16,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn start(binary: &Path) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let child = std::process::Command::new(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start chromium");
        // Chromium writes the port it picked into the profile.
        let active = profile.path().join("DevToolsActivePort");
        let deadline = Instant::now() + Duration::from_secs(30);
        let port = loop {
            if let Some(port) = std::fs::read_to_string(&active).ok().and_then(|text| text.lines().next()?.parse().ok())
            {
                break port;
            }
            assert!(Instant::now() < deadline, "chromium did not open its DevTools port");
            std::thread::sleep(Duration::from_millis(100));
        };
        Browser { child, port, _profile: profile }
    }

    /// Opens `url` in a new tab and connects to it.
    fn open(&self, url: &str) -> Tab {
        let address: SocketAddr = format!("127.0.0.1:{}", self.port).parse().unwrap();
        let created = get(address, &format!("/json/new?{url}"), "PUT");
        assert_eq!(created.status, 200, "{}", created.text());
        let target: serde_json::Value = serde_json::from_slice(&created.body).unwrap();
        let socket_url = target["webSocketDebuggerUrl"].as_str().expect("a debugger URL").to_string();
        let (socket, _) = tungstenite::connect(socket_url).expect("connect to the tab");
        if let tungstenite::stream::MaybeTlsStream::Plain(stream) = socket.get_ref() {
            stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        }
        Tab { socket, next_id: 0 }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Tab {
    socket: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>,
    next_id: u64,
}

impl Tab {
    /// Evaluates `expression` in the page; `None` while it is navigating.
    fn evaluate(&mut self, expression: &str) -> Option<serde_json::Value> {
        self.next_id += 1;
        let id = self.next_id;
        let call = serde_json::json!({
            "id": id,
            "method": "Runtime.evaluate",
            "params": { "expression": expression, "returnByValue": true },
        });
        self.socket.send(tungstenite::Message::text(call.to_string())).ok()?;
        loop {
            let message = self.socket.read().ok()?;
            let Ok(text) = message.to_text() else { continue };
            let reply: serde_json::Value = serde_json::from_str(text).ok()?;
            if reply["id"] == id {
                return reply["result"]["result"].get("value").cloned();
            }
        }
    }

    /// Polls `expression` until `accept` holds, without ever reloading.
    fn wait_until(&mut self, what: &str, expression: &str, accept: impl Fn(&serde_json::Value) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut last = None;
        while Instant::now() < deadline {
            last = self.evaluate(expression);
            if last.as_ref().is_some_and(&accept) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the page never showed {what}; last value: {last:?}");
    }
}

#[test]
fn live_reload_in_chromium_shows_edits_and_the_error_overlay_in_the_same_tab() {
    let Some(binary) = chromium() else {
        // .ci/run installs it: in CI a missing browser is a failure, not a skip.
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "CI=true but no chromium on PATH: .ci/run installs it (apt-get install chromium)"
        );
        println!("skipped: no chromium on PATH (apt-get install chromium)");
        return;
    };
    let test = example_site();
    let served = Served::start(&test);
    let browser = Browser::start(&binary);
    let mut tab = browser.open(&format!("http://{}/posts/first-steps/", served.address));
    let body = "document.body ? document.body.innerText : ''";
    let overlay = "(document.getElementById('workbench-error') || {}).textContent || ''";
    tab.wait_until("the first page", body, |text| text.as_str().is_some_and(|text| text.contains("Why plugins")));
    tab.wait_until("the reload stream open", "window.__workbenchLive === true", |open| open.as_bool() == Some(true));

    let post = test.dir().join("site/site/posts/first-steps.md");
    let good = std::fs::read_to_string(&post).unwrap();
    std::fs::write(&post, good.replace("Why plugins", "Edited while the tab was open")).unwrap();
    tab.wait_until("the edit", body, |text| text.as_str().is_some_and(|text| text.contains("Edited while the tab")));

    std::fs::write(&post, good.replace("title: First steps", "title: [unclosed")).unwrap();
    tab.wait_until("the error overlay", overlay, |text| {
        text.as_str().is_some_and(|text| text.contains("workbench build failed") && text.contains("bad front matter"))
    });
    assert!(
        tab.evaluate(body).and_then(|text| text.as_str().map(|text| text.contains("Edited while the tab"))).unwrap(),
        "the last good page stays under the overlay"
    );

    std::fs::write(&post, good.replace("Why plugins", "Fixed and reloaded")).unwrap();
    tab.wait_until("the fixed page", body, |text| {
        text.as_str().is_some_and(|text| text.contains("Fixed and reloaded"))
    });
    assert_eq!(tab.evaluate(overlay).unwrap(), "", "the overlay is gone after a good build");
}

/// The search box docs/site.md describes, as the example site ships it:
/// the `search-index` step's JSON, searched by the page's own script.
#[test]
fn the_example_sites_search_box_links_a_hit_to_the_heading_that_matched_in_chromium() {
    let Some(binary) = chromium() else {
        assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "CI=true but no chromium on PATH: .ci/run installs it");
        println!("skipped: no chromium on PATH (apt-get install chromium)");
        return;
    };
    let test = example_site();
    let served = Served::start(&test);
    let browser = Browser::start(&binary);
    let mut tab = browser.open(&format!("http://{}/", served.address));
    tab.wait_until("the search box ready", "document.getElementById('search')?.disabled === false", |ready| {
        ready.as_bool() == Some(true)
    });
    tab.evaluate(
        "const box = document.getElementById('search'); box.value = 'why PLUGINS'; \
         box.dispatchEvent(new Event('input')); true",
    );
    let hits = "[...document.querySelectorAll('#hits a')].map(a => a.getAttribute('href') + ' ' + a.textContent)";
    tab.wait_until("a hit", hits, |hits| {
        hits.as_array().is_some_and(|hits| {
            hits.iter().any(|hit| hit == "/posts/first-steps/#why-plugins First steps › Why plugins")
        })
    });
    tab.evaluate("const again = document.getElementById('search'); again.value = 'zzzz'; again.dispatchEvent(new Event('input')); true");
    tab.wait_until("no hits for a word on no page", hits, |hits| hits.as_array().is_some_and(Vec::is_empty));
}

#[test]
fn an_edit_to_workbench_toml_takes_effect_without_a_restart() {
    let test = example_site();
    let served = Served::start(&test);
    assert!(served.get("/").text().contains("Workbench Notes"));
    let config = test.dir().join("site/workbench.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("Workbench Notes"));
    std::fs::write(&config, text.replace("Workbench Notes", "Renamed While Serving")).unwrap();
    served.wait_for_stderr("workbench.toml: built", 1);
    assert!(served.get("/").text().contains("Renamed While Serving"));

    std::fs::write(&config, format!("{text}\n[site.broken\n")).unwrap();
    served.wait_for_stderr("still serving the last good build", 1);
    assert!(served.stderr().contains("workbench.toml"), "{}", served.stderr());
    assert!(served.get("/").text().contains("Renamed While Serving"));
}
