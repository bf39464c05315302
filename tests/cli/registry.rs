//! A real OCI registry on loopback: Debian's `docker-registry` (the CNCF
//! distribution registry), on a free port, storing into a temporary folder,
//! stopped when dropped. `.ci/run` installs it.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Registry {
    child: Option<Child>,
    /// `127.0.0.1:PORT`, as an OCI reference starts.
    pub host: String,
    /// Kept for the registry's life (and a restart's).
    _storage: tempfile::TempDir,
    config: PathBuf,
}

fn program() -> PathBuf {
    let found = std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .chain([PathBuf::from("/usr/bin")])
        .map(|dir| dir.join("docker-registry"))
        .find(|path| path.is_file());
    found.expect("docker-registry is missing: `apt-get install docker-registry` (.ci/run installs it)")
}

impl Registry {
    pub fn start() -> Registry {
        let storage = tempfile::tempdir().expect("temp dir");
        let port = TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("address").port();
        let host = format!("127.0.0.1:{port}");
        let config = storage.path().join("config.yml");
        std::fs::write(
            &config,
            format!(
                "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: {host}\n",
                storage.path().join("data").display()
            ),
        )
        .expect("write the registry's config");
        let mut registry = Registry { child: None, host, _storage: storage, config };
        registry.restart();
        registry
    }

    /// Starts the registry (again, on the same port and storage) and waits
    /// until it answers.
    pub fn restart(&mut self) {
        let child = Command::new(program())
            .arg("serve")
            .arg(&self.config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("docker-registry starts");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.answers() {
            assert!(Instant::now() < deadline, "the registry on {} did not answer within 30 s", self.host);
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn answers(&self) -> bool {
        use std::io::{Read, Write};
        let Ok(mut stream) = std::net::TcpStream::connect(&self.host) else { return false };
        let request = format!("GET /v2/ HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", self.host);
        let mut answer = String::new();
        stream.write_all(request.as_bytes()).is_ok()
            && stream.read_to_string(&mut answer).is_ok()
            && answer.starts_with("HTTP/1.1 200")
    }

    /// Stops it; what it stored stays for a [`Registry::restart`].
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn reference(&self, repository: &str) -> String {
        format!("oci://{}/{repository}", self.host)
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        self.stop();
    }
}
