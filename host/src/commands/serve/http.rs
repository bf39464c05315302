//! The static file server: GET and HEAD under the output directory only.
//! A URL is percent-decoded once, then refused if any segment is `..`, or it
//! holds a backslash or NUL; what it names must canonicalize to a path
//! inside the output (a symlink out is refused too). `/dir` redirects to
//! `/dir/`, which serves `dir/index.html`; a miss serves the site's own
//! `404.html` when it has one. HTML gets the live-reload script.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::reload::{EVENTS_PATH, Hub, SCRIPT};
use crate::error::Error;

/// Requests handled at once; more get a 503 rather than a thread each.
const MAX_CONCURRENT: usize = 256;

pub struct Server {
    listener: Arc<tiny_http::Server>,
    address: SocketAddr,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    pub fn start(address: SocketAddr, root: PathBuf, hub: Arc<Hub>) -> Result<Server, Error> {
        let server = tiny_http::Server::http(address).map_err(|error| {
            Error::input(format!("cannot listen on {address}: {error}"))
                .help("pick another port with --port, or --port 0 for any free one")
        })?;
        let address = server.server_addr().to_ip().unwrap_or(address);
        let server = Arc::new(server);
        let thread = {
            let server = Arc::clone(&server);
            let busy = Arc::new(AtomicUsize::new(0));
            std::thread::spawn(move || {
                for request in server.incoming_requests() {
                    // One thread a request (event streams stay open for as
                    // long as a tab does), up to a bound.
                    if busy.load(Ordering::Relaxed) >= MAX_CONCURRENT {
                        let _ = request.respond(
                            Response::from_string("503 too many connections\n")
                                .with_status_code(503)
                                .with_header(header("Retry-After", "1")),
                        );
                        continue;
                    }
                    busy.fetch_add(1, Ordering::Relaxed);
                    let (root, hub, busy) = (root.clone(), Arc::clone(&hub), Arc::clone(&busy));
                    std::thread::spawn(move || {
                        handle(request, &root, &hub);
                        busy.fetch_sub(1, Ordering::Relaxed);
                    });
                }
            })
        };
        Ok(Server { listener: server, address, thread: Some(thread) })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn stop(mut self) {
        self.listener.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .unwrap_or_else(|()| Header::from_bytes(&b"X-Invalid"[..], &b"1"[..]).expect("a valid header"))
}

fn handle(request: Request, root: &Path, hub: &Hub) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(
            Response::from_string("only GET and HEAD\n")
                .with_status_code(405)
                .with_header(header("Allow", "GET, HEAD")),
        );
        return;
    }
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/").to_string();
    if path == EVENTS_PATH {
        events(request, hub);
        return;
    }
    let response = match resolve(root, &path) {
        Resolved::File(file) => file_response(&file),
        Resolved::Redirect(location) => {
            Response::from_data(Vec::new()).with_status_code(301).with_header(header("Location", &location))
        }
        Resolved::Refused => Response::from_string("400 bad path\n").with_status_code(400),
        Resolved::Missing => not_found(root),
    };
    let _ = request.respond(response.with_header(header("Cache-Control", "no-store")));
}

enum Resolved {
    File(PathBuf),
    Redirect(String),
    Refused,
    Missing,
}

/// What a URL path names under `root`.
fn resolve(root: &Path, path: &str) -> Resolved {
    let Ok(decoded) = percent_encoding::percent_decode_str(path).decode_utf8() else { return Resolved::Refused };
    if decoded.contains(['\\', '\0']) || !decoded.starts_with('/') {
        return Resolved::Refused;
    }
    let mut target = root.to_path_buf();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Resolved::Refused,
            part => target.push(part),
        }
    }
    let (Ok(canonical), Ok(canonical_root)) = (target.canonicalize(), root.canonicalize()) else {
        return Resolved::Missing;
    };
    if !canonical.starts_with(&canonical_root) {
        return Resolved::Refused;
    }
    if canonical.is_dir() {
        if !decoded.ends_with('/') {
            return Resolved::Redirect(format!("{path}/"));
        }
        let index = canonical.join("index.html");
        return if index.is_file() { Resolved::File(index) } else { Resolved::Missing };
    }
    if canonical.is_file() { Resolved::File(canonical) } else { Resolved::Missing }
}

fn content_type(path: &Path) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    if mime.type_() == mime_guess::mime::TEXT
        || mime.subtype() == mime_guess::mime::JAVASCRIPT
        || mime.subtype() == mime_guess::mime::JSON
        || mime.essence_str() == "image/svg+xml"
    {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    }
}

fn file_response(path: &Path) -> Response<std::io::Cursor<Vec<u8>>> {
    let Ok(mut bytes) = std::fs::read(path) else {
        return Response::from_string("500 cannot read the file\n").with_status_code(500);
    };
    let kind = content_type(path);
    if kind.starts_with("text/html") {
        bytes = inject(&bytes);
    }
    Response::from_data(bytes).with_header(header("Content-Type", &kind))
}

fn not_found(root: &Path) -> Response<std::io::Cursor<Vec<u8>>> {
    let page = std::fs::read(root.join("404.html"))
        .unwrap_or_else(|_| b"<!doctype html><title>404</title><h1>404: no such page</h1><p>workbench serve found nothing at this path.</p></body>".to_vec());
    Response::from_data(inject(&page))
        .with_status_code(StatusCode(404))
        .with_header(header("Content-Type", "text/html; charset=utf-8"))
}

/// The reload script before the last `</body>`, or at the end.
fn inject(html: &[u8]) -> Vec<u8> {
    let lower = html.to_ascii_lowercase();
    let at = lower.windows(7).rposition(|window| window == b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + SCRIPT.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(SCRIPT.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// A server-sent-events stream, written by hand: tiny_http buffers a
/// streamed body until 8 KiB, which would hold a reload back.
fn events(request: Request, hub: &Hub) {
    let receiver = hub.subscribe();
    let mut writer = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n: connected\n\n";
    if writer.write_all(head.as_bytes()).and_then(|()| writer.flush()).is_err() {
        return;
    }
    loop {
        let chunk = match receiver.recv_timeout(Duration::from_secs(15)) {
            Ok(event) => event,
            // A comment keeps proxies and the browser from timing out.
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if writer.write_all(chunk.as_bytes()).and_then(|()| writer.flush()).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused_in_every_spelling() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("a.html"), "a").unwrap();
        for path in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/a/%2E%2E/%2e%2e/x",
            "/..%5c..%5cetc",
            "/a%00.html",
            "/%252e%252e/x",
        ] {
            assert!(matches!(resolve(root.path(), path), Resolved::Refused | Resolved::Missing), "{path}");
        }
        assert!(matches!(resolve(root.path(), "/a.html"), Resolved::File(_)));
    }

    #[test]
    fn a_directory_without_slash_redirects() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("posts")).unwrap();
        std::fs::write(root.path().join("posts/index.html"), "x").unwrap();
        assert!(matches!(resolve(root.path(), "/posts"), Resolved::Redirect(location) if location == "/posts/"));
        assert!(matches!(resolve(root.path(), "/posts/"), Resolved::File(_)));
    }

    #[test]
    fn the_script_goes_before_the_last_body_end() {
        let out = String::from_utf8(inject(b"<body>x</BODY>")).unwrap();
        assert!(out.starts_with("<body>x<script>"));
        assert!(out.ends_with("</script></BODY>"));
    }
}
