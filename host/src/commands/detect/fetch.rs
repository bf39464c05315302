//! Getting a target's bytes: over HTTP with ureq (redirects, gzip and
//! brotli, one deadline for the whole exchange, a cap on the decoded body),
//! or from a file or stdin.

use std::io::Read as _;
use std::time::Duration;

use url::Url;

use super::target::Target;
use crate::context::Context;
use crate::page::{Document, charset};

pub const USER_AGENT: &str =
    concat!("workbench-detect/", env!("CARGO_PKG_VERSION"), " (+https://github.com/workbench-dev/workbench)");

#[derive(Debug, Clone, Copy)]
pub struct FetchSettings {
    /// For the whole exchange: connect, redirects, headers and body.
    pub timeout: Duration,
    /// Bytes of decoded body kept; the rest is not read.
    pub max_body: u64,
    pub max_redirects: u32,
    /// The flag that raises `timeout`, named when a response is too slow.
    pub timeout_flag: &'static str,
}

/// A target's document, with what the reader should know about it.
pub struct Loaded {
    pub document: Document,
    /// The body was longer than the cap and was cut.
    pub truncated: bool,
    pub encoding: &'static str,
}

pub struct Fetcher {
    agent: ureq::Agent,
    settings: FetchSettings,
}

impl Fetcher {
    pub fn new(settings: FetchSettings) -> Fetcher {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(settings.timeout))
            .max_redirects(settings.max_redirects)
            .max_redirects_will_error(true)
            .http_status_as_error(false)
            .user_agent(USER_AGENT)
            .max_response_header_size(64 << 10)
            .build()
            .new_agent();
        Fetcher { agent, settings }
    }

    /// One target's document, or a message saying why there is none.
    pub fn load(&self, target: &Target, stdin_url: &Url, context: &Context) -> Result<Loaded, String> {
        match target {
            Target::Url(url) => self.fetch(url),
            Target::File(path) => {
                let file =
                    std::fs::File::open(path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
                let (bytes, truncated) =
                    self.read_capped(file).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
                let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
                let url = Url::from_file_path(&absolute).unwrap_or_else(|()| stdin_url.clone());
                Ok(Fetcher::document(url, 200, Vec::new(), &bytes, truncated))
            }
            Target::Stdin => {
                let (bytes, truncated) =
                    self.read_capped(&mut *context.stdin()).map_err(|error| format!("cannot read stdin: {error}"))?;
                Ok(Fetcher::document(stdin_url.clone(), 200, Vec::new(), &bytes, truncated))
            }
        }
    }

    /// The status a URL answers with, after redirects; the body is not read.
    pub fn status(&self, url: &Url) -> Result<u16, String> {
        let response = self.agent.get(url.as_str()).call().map_err(|error| describe(&error, &self.settings))?;
        Ok(response.status().as_u16())
    }

    fn fetch(&self, url: &Url) -> Result<Loaded, String> {
        let mut response = self.agent.get(url.as_str()).call().map_err(|error| describe(&error, &self.settings))?;
        let final_url = ureq::ResponseExt::get_uri(&response).to_string();
        let final_url = Url::parse(&final_url).unwrap_or_else(|_| url.clone());
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (name.as_str().to_ascii_lowercase(), String::from_utf8_lossy(value.as_bytes()).into_owned())
            })
            .collect();
        let reader = response.body_mut().as_reader();
        let (bytes, truncated) = self.read_capped(reader).map_err(|error| {
            let error = error.into_inner().and_then(|inner| inner.downcast::<ureq::Error>().ok());
            match error {
                Some(error) => describe(&error, &self.settings),
                None => "the connection failed while reading the body".to_string(),
            }
        })?;
        Ok(Fetcher::document(final_url, status, headers, &bytes, truncated))
    }

    /// Reads at most the cap (decoded bytes, so a gzip bomb stops there).
    fn read_capped(&self, reader: impl std::io::Read) -> std::io::Result<(Vec<u8>, bool)> {
        let mut bytes = Vec::new();
        reader.take(self.settings.max_body + 1).read_to_end(&mut bytes)?;
        let truncated = bytes.len() as u64 > self.settings.max_body;
        if truncated {
            bytes.truncate(usize::try_from(self.settings.max_body).unwrap_or(usize::MAX));
        }
        Ok((bytes, truncated))
    }

    fn document(url: Url, status: u16, headers: Vec<(String, String)>, bytes: &[u8], truncated: bool) -> Loaded {
        let content_type = headers.iter().find(|(name, _)| name == "content-type").map(|(_, value)| value.as_str());
        let (body, encoding) = charset::decode(bytes, content_type);
        Loaded { document: Document { url, status, headers, body }, truncated, encoding: encoding.name() }
    }
}

fn describe(error: &ureq::Error, settings: &FetchSettings) -> String {
    match error {
        ureq::Error::Timeout(_) => {
            format!(
                "no complete response within {} s (raise {} to wait longer)",
                settings.timeout.as_secs_f64(),
                settings.timeout_flag
            )
        }
        ureq::Error::TooManyRedirects => {
            format!("more than {} redirects (a redirect loop?)", settings.max_redirects)
        }
        ureq::Error::HostNotFound => "the host name does not resolve".to_string(),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "the connection was refused (is the server running?)".to_string()
        }
        other => other.to_string(),
    }
}
