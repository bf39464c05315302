//! `--render`: the page as a browser leaves it after its scripts ran, from
//! headless Chromium's `--dump-dom`, so services a tag manager or a loader
//! injects at run time show up as the `<script>` elements they add.
//!
//! The browser runs as a child process with a fresh profile directory and
//! the flags that keep it from phoning home; it is killed at the deadline.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use url::Url;

use crate::error::Error;

/// Names Chromium goes by on PATH, most likely first.
const CANDIDATES: &[&str] = &["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"];
/// How long scripts get to run before the DOM is taken (virtual time: the
/// browser fast-forwards timers instead of waiting for them).
const SCRIPT_BUDGET_MS: u32 = 5000;

pub struct Browser {
    path: PathBuf,
}

impl Browser {
    /// `explicit` (from `--browser` or `$WORKBENCH_BROWSER`), else the first
    /// Chromium on `path_var` (the `PATH` a command sees).
    pub fn find(explicit: Option<&Path>, path_var: Option<std::ffi::OsString>) -> Result<Browser, Error> {
        if let Some(path) = explicit {
            return if path.is_file() {
                Ok(Browser { path: path.to_path_buf() })
            } else {
                Err(Error::input(format!("no browser at {}", path.display()))
                    .help("pass the path of a Chromium or Chrome executable to --browser"))
            };
        }
        let path = path_var.unwrap_or_default();
        std::env::split_paths(&path)
            .flat_map(|dir| CANDIDATES.iter().map(move |name| dir.join(name)))
            .find(|candidate| candidate.is_file())
            .map(|path| Browser { path })
            .ok_or_else(|| {
                Error::input("--render needs Chromium, and none was found on PATH")
                    .help("install it (Debian: apt-get install chromium) or pass its path with --browser PATH")
            })
    }

    /// The rendered DOM of `url`, serialized, or why there is none.
    pub fn render(&self, url: &Url, timeout: Duration) -> Result<String, String> {
        let profile =
            tempfile::tempdir().map_err(|error| format!("cannot create a browser profile directory: {error}"))?;
        let mut child = Command::new(&self.path)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--mute-audio",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--virtual-time-budget={SCRIPT_BUDGET_MS}"))
            .arg(format!("--user-agent={}", super::fetch::USER_AGENT))
            .arg("--dump-dom")
            .arg(url.as_str())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|error| format!("cannot start {}: {error}", self.path.display()))?;
        let mut stdout = child.stdout.take().expect("stdout is piped");
        let reader = std::thread::spawn(move || {
            let mut dom = Vec::new();
            stdout.read_to_end(&mut dom).map(|_| dom)
        });
        let deadline = Instant::now() + timeout;
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() >= deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!(
                        "the browser did not finish rendering within {} s (raise --timeout to wait longer)",
                        timeout.as_secs_f64()
                    ));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                Err(error) => return Err(format!("lost the browser process: {error}")),
            }
        };
        let dom = reader.join().map_err(|_| "the browser's output could not be read".to_string())?;
        let dom = dom.map_err(|error| format!("cannot read the browser's output: {error}"))?;
        if !status.success() || dom.is_empty() {
            return Err(format!("the browser failed to render the page ({status})"));
        }
        Ok(String::from_utf8_lossy(&dom).into_owned())
    }
}
