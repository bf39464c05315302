//! `https://…#sha256=…` sources: one GET, streamed into the store, checked
//! against the digest the source names before anything keeps it.

use std::time::Duration;

use super::store::{Store, Stored};

/// Redirects followed before a download is refused as a loop.
const MAX_REDIRECTS: u32 = 5;

pub fn download(url: &url::Url, sha256: &str, store: &Store, cap: u64) -> Result<Stored, String> {
    let agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(15)))
        .timeout_recv_response(Some(Duration::from_mins(1)))
        .max_redirects(MAX_REDIRECTS)
        .max_redirects_will_error(true)
        .http_status_as_error(false)
        .user_agent(concat!("workbench/", env!("CARGO_PKG_VERSION")))
        .build()
        .new_agent();
    let mut response = agent.get(url.as_str()).call().map_err(|error| describe(&error))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("the server answered {status}"));
    }
    let final_url = ureq::ResponseExt::get_uri(&response).clone();
    if final_url.scheme_str() == Some("http") && !final_url.host().is_some_and(super::spec::is_loopback) {
        return Err(format!("it redirected to plain HTTP ({final_url}); only https:// leaves this machine"));
    }
    if let Some(length) = response.body().content_length()
        && length > cap
    {
        return Err(super::store::over_cap(length, cap));
    }
    let mut download = store.download(cap).map_err(|error| error.message().to_string())?;
    let mut body = response.body_mut().with_config().limit(cap.saturating_add(1)).reader();
    std::io::copy(&mut body, &mut download).map_err(|error| {
        // The cap's own message is clearer than the transport's.
        match error.get_ref().map(ToString::to_string) {
            Some(message) if message.contains("larger than") => message,
            _ => format!("the download was cut short after {} bytes: {error}", download.size()),
        }
    })?;
    store.commit(download, Some(sha256))
}

fn describe(error: &ureq::Error) -> String {
    match error {
        ureq::Error::TooManyRedirects => format!("it redirected more than {MAX_REDIRECTS} times (a redirect loop?)"),
        ureq::Error::Timeout(_) => "the server did not answer in time".into(),
        ureq::Error::HostNotFound => "the host name does not resolve".into(),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "nothing answers there (connection refused)".into()
        }
        other => other.to_string(),
    }
}
