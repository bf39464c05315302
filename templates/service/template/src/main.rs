//! {{description}}
//!
//! `GET /health` answers `ok`; every other path `404`. Std only: swap in
//! your framework of choice when the service grows.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};

fn main() -> std::io::Result<()> {
    let address = std::env::var("ADDRESS").unwrap_or_else(|_| "127.0.0.1:{{port}}".into());
    let listener = TcpListener::bind(&address)?;
    eprintln!("{{name}} listening on http://{address}/");
    for stream in listener.incoming() {
        if let Err(error) = stream.and_then(serve) {
            eprintln!("request failed: {error}");
        }
    }
    Ok(())
}

fn serve(mut stream: TcpStream) -> std::io::Result<()> {
    let mut request_line = String::new();
    BufReader::new(&stream).read_line(&mut request_line)?;
    let (status, body) = respond(&request_line);
    write!(stream, "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}", body.len())
}

/// The status line and body for a request line such as `GET /health HTTP/1.1`.
fn respond(request_line: &str) -> (&'static str, &'static str) {
    let mut parts = request_line.split_whitespace();
    match (parts.next(), parts.next()) {
        (Some("GET"), Some("/health")) => ("200 OK", "ok\n"),
        (Some("GET"), Some(_)) => ("404 Not Found", "not found\n"),
        _ => ("405 Method Not Allowed", "method not allowed\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::respond;

    #[test]
    fn health_is_ok() {
        assert_eq!(respond("GET /health HTTP/1.1"), ("200 OK", "ok\n"));
    }

    #[test]
    fn unknown_paths_are_not_found() {
        assert_eq!(respond("GET /nope HTTP/1.1").0, "404 Not Found");
        assert_eq!(respond("POST /health HTTP/1.1").0, "405 Method Not Allowed");
    }
}
