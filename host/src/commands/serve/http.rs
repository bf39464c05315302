//! The static file server: GET and HEAD under the output directory only.
//! A URL is percent-decoded once, then refused if any segment is `..`, or it
//! holds a backslash or NUL; what it names must canonicalize to a path
//! inside the output (a symlink out is refused too). `/dir` redirects to
//! `/dir/`, which serves `dir/index.html`; a miss serves the site's own
//! `404.html` when it has one. HTML gets the live-reload script.
//!
//! The server is on the loopback of a developer's machine, but a local
//! process or a page can still send anything: a request head is capped at
//! 64 KiB (431) and 10 s, open connections at 512 (503), and responses go
//! out without Nagle's delay.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full, combinators::UnsyncBoxBody};
use hyper::body::{Body, Frame, Incoming};
use hyper::header::{ALLOW, CACHE_CONTROL, CONTENT_TYPE, HeaderValue, LOCATION};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::{Semaphore, mpsc, oneshot};

use super::reload::{EVENTS_PATH, Hub, SCRIPT};
use crate::error::Error;

/// Open connections at once (event streams stay open for as long as a tab
/// does); one more is answered 503 and closed.
const MAX_CONNECTIONS: usize = 512;
/// How long a refused connection is read from before it is closed.
const REFUSE_DRAIN: Duration = Duration::from_secs(2);
/// A request's line and headers together; a bigger head gets 431. Browsers
/// send well under 8 KiB, with cookies; this leaves room for a dev's tools.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// A client that has not sent its whole head by then is dropped.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// A comment on an idle event stream keeps proxies and browsers from
/// timing it out, and finds closed tabs.
const KEEP_ALIVE_EVERY: Duration = Duration::from_secs(15);
const BUSY: &[u8] =
    b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 25\r\nConnection: close\r\n\r\n503 too many connections\n";

type Reply = Response<UnsyncBoxBody<Bytes, Infallible>>;

/// hyper's HTTP/1 on a two-thread tokio runtime of its own, so the build
/// and the watcher keep the main thread.
pub struct Server {
    address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

struct Site {
    root: PathBuf,
    hub: Arc<Hub>,
}

impl Server {
    pub fn start(address: SocketAddr, root: PathBuf, hub: Arc<Hub>) -> Result<Server, Error> {
        let listener = std::net::TcpListener::bind(address)
            .and_then(|listener| listener.set_nonblocking(true).map(|()| listener))
            .map_err(|error| {
                Error::input(format!("cannot listen on {address}: {error}"))
                    .help("pick another port with --port, or --port 0 for any free one")
            })?;
        let address = listener.local_addr().unwrap_or(address);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            // Reading files: a few threads keep two cores busy; hundreds would not help.
            .max_blocking_threads(8)
            .thread_name("workbench-serve")
            .enable_io()
            .enable_time()
            .build()
            .map_err(|error| {
                Error::input(format!("cannot start the web server: {error}"))
                    .help("choose another port with --port (0 picks a free one)")
            })?;
        let (stop, stopped) = oneshot::channel();
        let site = Arc::new(Site { root, hub });
        let thread = std::thread::spawn(move || {
            runtime.block_on(accept(listener, site, stopped));
            // Open event streams end here: their tabs reconnect to the next server.
            runtime.shutdown_timeout(Duration::from_secs(1));
        });
        Ok(Server { address, stop: Some(stop), thread: Some(thread) })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn accept(listener: std::net::TcpListener, site: Arc<Site>, mut stopped: oneshot::Receiver<()>) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else { return };
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(HEAD_TIMEOUT).max_header_size(MAX_HEAD_BYTES);
    loop {
        let accepted = tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, _)) = accepted else {
            // Out of file descriptors, say: let some close first.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
            tokio::spawn(refuse(stream));
            continue;
        };
        // Small responses go out at once, not after Nagle's 40 ms.
        let _ = stream.set_nodelay(true);
        let site = Arc::clone(&site);
        let connection =
            http.serve_connection(TokioIo::new(stream), service_fn(move |request| respond(Arc::clone(&site), request)));
        tokio::spawn(async move {
            let _ = connection.await;
            drop(slot);
        });
    }
}

/// Answers 503, then reads what the client sent until it closes (for at
/// most `REFUSE_DRAIN`): closing with its request unread would reset the
/// connection, and the client could lose the 503 to the reset.
async fn refuse(stream: tokio::net::TcpStream) {
    let _ = stream.try_write(BUSY);
    let mut sink = [0; 4096];
    let drain = async {
        loop {
            if stream.readable().await.is_err() {
                return;
            }
            match stream.try_read(&mut sink) {
                Ok(0) => return,
                Err(error) if error.kind() != std::io::ErrorKind::WouldBlock => return,
                _ => {}
            }
        }
    };
    let _ = tokio::time::timeout(REFUSE_DRAIN, drain).await;
}

fn full(status: StatusCode, body: impl Into<Bytes>) -> Reply {
    let mut response = Response::new(Full::new(body.into()).boxed_unsync());
    *response.status_mut() = status;
    response
}

async fn respond(site: Arc<Site>, request: Request<Incoming>) -> Result<Reply, Infallible> {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        let mut response = full(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
        response.headers_mut().insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
        return Ok(response);
    }
    let path = request.uri().path().to_string();
    if path == EVENTS_PATH {
        return Ok(events(&site.hub));
    }
    // Resolving and reading touch the disk: off the async threads.
    let mut response = tokio::task::spawn_blocking(move || file_or_error(&site.root, &path))
        .await
        .unwrap_or_else(|_| full(StatusCode::INTERNAL_SERVER_ERROR, "500 the request failed\n"));
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

fn file_or_error(root: &Path, path: &str) -> Reply {
    match resolve(root, path) {
        Resolved::File(file) => file_response(&file),
        Resolved::Redirect(location) => {
            let mut response = full(StatusCode::MOVED_PERMANENTLY, Bytes::new());
            if let Ok(location) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(LOCATION, location);
            }
            response
        }
        Resolved::Refused => full(StatusCode::BAD_REQUEST, "400 bad path\n"),
        Resolved::Missing => not_found(root),
    }
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

fn file_response(path: &Path) -> Reply {
    let Ok(mut bytes) = std::fs::read(path) else {
        return full(StatusCode::INTERNAL_SERVER_ERROR, "500 cannot read the file\n");
    };
    let kind = content_type(path);
    if kind.starts_with("text/html") {
        bytes = inject(&bytes);
    }
    let mut response = full(StatusCode::OK, bytes);
    if let Ok(kind) = HeaderValue::from_str(&kind) {
        response.headers_mut().insert(CONTENT_TYPE, kind);
    }
    response
}

fn not_found(root: &Path) -> Reply {
    let page = std::fs::read(root.join("404.html"))
        .unwrap_or_else(|_| b"<!doctype html><title>404</title><h1>404: no such page</h1><p>workbench serve found nothing at this path.</p></body>".to_vec());
    let mut response = full(StatusCode::NOT_FOUND, inject(&page));
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    response
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

/// A server-sent-events stream: the hub's events as they come, each
/// flushed at once.
fn events(hub: &Hub) -> Reply {
    let stream = EventStream {
        greeted: false,
        events: hub.subscribe(),
        ping: tokio::time::interval_at(tokio::time::Instant::now() + KEEP_ALIVE_EVERY, KEEP_ALIVE_EVERY),
    };
    let mut response = Response::new(stream.boxed_unsync());
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

struct EventStream {
    greeted: bool,
    events: mpsc::UnboundedReceiver<String>,
    ping: tokio::time::Interval,
}

impl Body for EventStream {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let data = |text: &'static str| Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(text.as_bytes())))));
        if !self.greeted {
            self.greeted = true;
            return data(": connected\n\n");
        }
        match self.events.poll_recv(context) {
            Poll::Ready(Some(event)) => return Poll::Ready(Some(Ok(Frame::data(Bytes::from(event))))),
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Pending => {}
        }
        match self.ping.poll_tick(context) {
            Poll::Ready(_) => data(": keep-alive\n\n"),
            Poll::Pending => Poll::Pending,
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
