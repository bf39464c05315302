//! A small HTTP/1.1 server on 127.0.0.1 for `detect`'s URL mode: it serves
//! well-behaved pages and the misbehaviour a fetcher must survive
//! (redirect loops, stalls, drips, endless bodies, gzip bombs, wrong
//! charsets). One thread per connection; it lives as long as the test.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use flate2::Compression;
use flate2::write::GzEncoder;

pub const PAGE: &str = concat!(
    "<!doctype html><html><head>",
    "<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-LOOPBACK1\"></script>",
    "<script>gtag('config', 'G-LOOPBACK1');</script>",
    "</head><body>ok</body></html>"
);

pub struct Server {
    pub base: String,
    /// The User-Agent of every request, in arrival order.
    pub agents: Arc<Mutex<Vec<String>>>,
    /// Bytes served under `/files/NAME` (components for `plugins add`).
    files: Arc<Mutex<std::collections::HashMap<String, Vec<u8>>>>,
}

impl Server {
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let base = format!("http://{}", listener.local_addr().expect("local address"));
        let agents = Arc::new(Mutex::new(Vec::new()));
        let files = Arc::new(Mutex::new(std::collections::HashMap::new()));
        let seen = Arc::clone(&agents);
        let served = Arc::clone(&files);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let seen = Arc::clone(&seen);
                let served = Arc::clone(&served);
                std::thread::spawn(move || {
                    let _ = serve(stream, &seen, &served);
                });
            }
        });
        Server { base, agents, files }
    }

    /// Serves `bytes` at `/files/{name}` from now on.
    pub fn serve_file(&self, name: &str, bytes: Vec<u8>) -> String {
        self.files.lock().expect("files lock").insert(name.to_string(), bytes);
        self.url(&format!("/files/{name}"))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

type Files = Mutex<std::collections::HashMap<String, Vec<u8>>>;

fn serve(mut stream: TcpStream, agents: &Mutex<Vec<String>>, files: &Files) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut user_agent = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        if line.to_ascii_lowercase().starts_with("user-agent:") {
            user_agent = line["user-agent:".len()..].trim().to_string();
        }
    }
    agents.lock().expect("agents lock").push(user_agent);
    let path = request_line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let html = "text/html; charset=utf-8";
    if let Some(name) = path.strip_prefix("/files/") {
        let file = files.lock().expect("files lock").get(name).cloned();
        return match file {
            Some(bytes) => respond(&mut stream, "200 OK", &[("Content-Type", "application/wasm")], &bytes),
            None => respond(&mut stream, "404 Not Found", &[], b"not found"),
        };
    }
    match path.as_str() {
        "/cut" => {
            // Promises 100,000 bytes, sends ten, hangs up.
            write!(stream, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n")?;
            stream.write_all(b"\0asm\r\0\x01\0\0\0")?;
            stream.flush()
        }
        "/page" => respond(
            &mut stream,
            "200 OK",
            &[("Content-Type", html), ("Set-Cookie", "_ga=GA1.1.42; Path=/"), ("X-Powered-By", "PHP/8.3.1")],
            PAGE.as_bytes(),
        ),
        "/redirect" => respond(&mut stream, "302 Found", &[("Location", "/page")], b""),
        "/loop" => respond(&mut stream, "302 Found", &[("Location", "/loop")], b""),
        "/missing" => respond(&mut stream, "404 Not Found", &[("Content-Type", html)], PAGE.as_bytes()),
        "/gzip" => {
            let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
            encoder.write_all(PAGE.as_bytes())?;
            let body = encoder.finish()?;
            respond(&mut stream, "200 OK", &[("Content-Type", html), ("Content-Encoding", "gzip")], &body)
        }
        "/brotli" => {
            let mut body = Vec::new();
            {
                let mut encoder = brotli::CompressorWriter::new(&mut body, 4096, 5, 22);
                encoder.write_all(PAGE.as_bytes())?;
            }
            respond(&mut stream, "200 OK", &[("Content-Type", html), ("Content-Encoding", "br")], &body)
        }
        "/bomb" => {
            // 200 MiB of spaces after the snippet, compressed to a few hundred KiB.
            let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
            encoder.write_all(PAGE.as_bytes())?;
            let spaces = vec![b' '; 1 << 20];
            for _ in 0..200 {
                encoder.write_all(&spaces)?;
            }
            let body = encoder.finish()?;
            respond(&mut stream, "200 OK", &[("Content-Type", html), ("Content-Encoding", "gzip")], &body)
        }
        "/endless" => {
            write!(stream, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n")?;
            stream.write_all(PAGE.as_bytes())?;
            let chunk = vec![b'x'; 64 << 10];
            loop {
                stream.write_all(&chunk)?;
            }
        }
        "/stall" => {
            std::thread::sleep(Duration::from_secs(30));
            respond(&mut stream, "200 OK", &[("Content-Type", html)], PAGE.as_bytes())
        }
        "/drip" => {
            write!(stream, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n")?;
            loop {
                stream.write_all(b"<")?;
                stream.flush()?;
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        "/cp1251" => {
            let text = "<html><head><title>Новости</title><script>ym(55555555, \"init\", {});</script>\
                        <script src=\"https://mc.yandex.ru/metrika/tag.js\"></script></head><body>Привет</body></html>";
            let bytes = windows_1251(text);
            respond(&mut stream, "200 OK", &[("Content-Type", "text/html; charset=windows-1251")], &bytes)
        }
        _ => respond(&mut stream, "404 Not Found", &[("Content-Type", "text/plain")], b"no such page"),
    }
}

fn respond(stream: &mut TcpStream, status: &str, headers: &[(&str, &str)], body: &[u8]) -> std::io::Result<()> {
    write!(stream, "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n", body.len())?;
    for (name, value) in headers {
        write!(stream, "{name}: {value}\r\n")?;
    }
    stream.write_all(b"\r\n")?;
    stream.write_all(body)?;
    stream.flush()
}

/// Windows-1251 without a dependency: Cyrillic А..я is 0xC0..0xFF, the rest
/// of this page is ASCII.
fn windows_1251(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            'А'..='я' => u8::try_from(u32::from(c) - 0x410 + 0xC0).expect("in range"),
            c if c.is_ascii() => c as u8,
            other => panic!("{other} is not in this test's windows-1251 subset"),
        })
        .collect()
}
