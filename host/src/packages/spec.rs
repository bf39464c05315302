//! Where a plugin comes from, as written in `[plugins.sources]` and on the
//! command line: one string per source, so a source reads the same in
//! workbench.toml, workbench.lock and a message.
//!
//! | form | example |
//! |---|---|
//! | a path (a component, or a folder of them), relative to workbench.toml | `plugins/check.wasm` |
//! | HTTPS with its SHA-256 (plain HTTP for loopback only) | `https://example.com/check.wasm#sha256=9f86…` |
//! | a file in a git repository, at a branch, tag or commit | `git+https://example.com/plugins.git#release:build/check.wasm` |
//! | an OCI artifact, by tag or digest | `oci://ghcr.io/acme/check:1.2.0` |
//! | a package, through `[registries]` (as `wkg` names them) | `acme:check@1.2.0` |

use std::fmt;
use std::path::{Component, Path, PathBuf};

/// One parsed source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spec {
    Path(PathBuf),
    Url { url: url::Url, sha256: String },
    Git { url: String, reference: Option<String>, path: String },
    Oci(String),
    Package { namespace: String, name: String, version: Option<String> },
}

impl Spec {
    /// Parses a source string; the error says what the forms are.
    pub fn parse(text: &str) -> Result<Spec, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("the source is empty".into());
        }
        if let Some(reference) = text.strip_prefix("oci://") {
            return parse_oci(reference).map(|()| Spec::Oci(reference.to_string()));
        }
        if let Some(rest) = text.strip_prefix("git+") {
            return parse_git(rest);
        }
        if text.starts_with("https://") || text.starts_with("http://") {
            return parse_url(text);
        }
        if let Some(package) = parse_package(text) {
            return Ok(package);
        }
        if text.contains("://") {
            return Err(format!(
                "`{text}` has a scheme workbench does not fetch from; sources are paths, https://…#sha256=…, git+URL#REF:PATH, oci://… or ns:name@version"
            ));
        }
        Ok(Spec::Path(PathBuf::from(text)))
    }

    /// The name a source gives its plugin when `--name` does not: the
    /// file's stem, the repository's last segment, the package name.
    pub fn default_name(&self) -> String {
        let stem = |path: &str| {
            let file = path.rsplit('/').next().unwrap_or(path);
            file.strip_suffix(".wasm").unwrap_or(file).to_string()
        };
        match self {
            Spec::Path(path) => {
                let path = path.to_string_lossy();
                stem(path.trim_end_matches('/'))
            }
            Spec::Url { url, .. } => stem(url.path()),
            Spec::Git { path, .. } => stem(path),
            Spec::Oci(reference) => {
                let repository = reference.split('@').next().unwrap_or(reference);
                let last = repository.rsplit('/').next().unwrap_or(repository);
                last.split(':').next().unwrap_or(last).to_string()
            }
            Spec::Package { name, .. } => name.clone(),
        }
    }

    /// Whether the source is fetched (and so pinned by digest in the lock).
    pub fn is_fetched(&self) -> bool {
        !matches!(self, Spec::Path(_))
    }
}

impl fmt::Display for Spec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Spec::Path(path) => write!(f, "{}", path.display()),
            Spec::Url { url, sha256 } => {
                let mut url = url.clone();
                url.set_fragment(None);
                write!(f, "{url}#sha256={sha256}")
            }
            Spec::Git { url, reference, path } => {
                write!(f, "git+{url}#{}:{path}", reference.as_deref().unwrap_or("HEAD"))
            }
            Spec::Oci(reference) => write!(f, "oci://{reference}"),
            Spec::Package { namespace, name, version: Some(version) } => write!(f, "{namespace}:{name}@{version}"),
            Spec::Package { namespace, name, version: None } => write!(f, "{namespace}:{name}"),
        }
    }
}

/// Whether a host is this machine, where plain HTTP sees no network.
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|address| address.is_loopback())
}

/// The registry host of an OCI reference (`host[:port]/repo...`).
pub fn oci_host(reference: &str) -> &str {
    reference.split('/').next().unwrap_or(reference)
}

fn parse_oci(reference: &str) -> Result<(), String> {
    let host = oci_host(reference);
    if !reference.contains('/') || !(host.contains('.') || host.contains(':') || host == "localhost") {
        return Err(format!(
            "`oci://{reference}` names no registry host; write it in full, e.g. oci://ghcr.io/acme/check:1.0.0"
        ));
    }
    oci_client::Reference::try_from(reference).map(|_| ()).map_err(|error| {
        format!("`oci://{reference}` is not an OCI reference ({error}); write oci://HOST/NAMESPACE/NAME:TAG or …@sha256:DIGEST")
    })
}

fn parse_git(rest: &str) -> Result<Spec, String> {
    let usage = "write git+URL#REF:PATH, e.g. git+https://example.com/plugins.git#release:build/check.wasm";
    let Some((url, fragment)) = rest.rsplit_once('#') else {
        return Err(format!("`git+{rest}` names no file in the repository; {usage}"));
    };
    let Some((reference, path)) = fragment.split_once(':') else {
        return Err(format!("`git+{rest}` names no file in the repository; {usage}"));
    };
    if url.is_empty() {
        return Err(format!("`git+{rest}` has no repository URL; {usage}"));
    }
    check_relative(path).map_err(|problem| format!("`git+{rest}`: the path {problem}; {usage}"))?;
    let reference = (!reference.is_empty() && reference != "HEAD").then(|| reference.to_string());
    Ok(Spec::Git { url: url.to_string(), reference, path: path.to_string() })
}

fn parse_url(text: &str) -> Result<Spec, String> {
    let mut url = url::Url::parse(text).map_err(|error| format!("`{text}` is not a URL: {error}"))?;
    let sha256 = url.fragment().and_then(|fragment| fragment.strip_prefix("sha256=")).map(str::to_ascii_lowercase);
    let Some(sha256) = sha256 else {
        return Err(format!(
            "`{text}` has no SHA-256: a download is pinned by its digest; add #sha256=HEX (`sha256sum FILE` prints it), or pass --sha256"
        ));
    };
    if sha256.len() != 64 || !sha256.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return Err(format!("`{text}`: the sha256 is not 64 hexadecimal digits"));
    }
    if url.scheme() == "http" && !url.host_str().is_some_and(is_loopback) {
        return Err(format!(
            "`{text}` is plain HTTP to another machine; use https:// (plain http:// is accepted for 127.0.0.1 and localhost only)"
        ));
    }
    url.set_fragment(None);
    Ok(Spec::Url { url, sha256 })
}

/// `ns:name` or `ns:name@version`, with wkg's rules for the two ids.
fn parse_package(text: &str) -> Option<Spec> {
    let (package, version) = match text.split_once('@') {
        Some((package, version)) => (package, Some(version)),
        None => (text, None),
    };
    let (namespace, name) = package.split_once(':')?;
    let id = |part: &str| {
        part.len() >= 2
            && part.starts_with(|c: char| c.is_ascii_lowercase())
            && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    if !id(namespace) || !id(name) || version.is_some_and(|version| version.is_empty() || version.contains('/')) {
        return None;
    }
    Some(Spec::Package { namespace: namespace.into(), name: name.into(), version: version.map(str::to_string) })
}

/// A path inside a repository or archive: relative, no `..`.
pub fn check_relative(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("is empty");
    }
    let path = Path::new(path);
    if path.is_absolute() || path.components().any(|part| !matches!(part, Component::Normal(_) | Component::CurDir)) {
        return Err("must be relative and stay inside the repository (no `..`)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    #[test]
    fn every_form_parses_and_prints_back_the_same() {
        for text in [
            "plugins/check.wasm".to_string(),
            format!("https://example.com/dl/check.wasm#sha256={SHA}"),
            format!("http://127.0.0.1:8080/check.wasm#sha256={SHA}"),
            "git+https://example.com/plugins.git#release:build/check.wasm".into(),
            "git+file:///srv/plugins#HEAD:check.wasm".into(),
            "oci://ghcr.io/acme/check:1.2.0".into(),
            "oci://127.0.0.1:5000/team/check@sha256:".to_string() + SHA,
            "acme:check@1.2.0".into(),
            "acme:check".into(),
        ] {
            let spec = Spec::parse(&text).unwrap_or_else(|error| panic!("{text}: {error}"));
            assert_eq!(spec.to_string(), text);
        }
    }

    #[test]
    fn names_come_from_the_source() {
        let name = |text: &str| Spec::parse(text).unwrap().default_name();
        assert_eq!(name("plugins/check.wasm"), "check");
        assert_eq!(name("plugins/"), "plugins");
        assert_eq!(name(&format!("https://example.com/dl/fmt.wasm#sha256={SHA}")), "fmt");
        assert_eq!(name("git+file:///srv/p#main:build/lic.wasm"), "lic");
        assert_eq!(name("oci://127.0.0.1:5000/team/my-check:0.1.0"), "my-check");
        assert_eq!(name(&format!("oci://ghcr.io/acme/x@sha256:{SHA}")), "x");
        assert_eq!(name("acme:license@1.0.0"), "license");
    }

    #[test]
    fn unsafe_or_unpinned_sources_are_refused_with_the_way_out() {
        let error = |text: &str| Spec::parse(text).unwrap_err();
        assert!(error("https://example.com/check.wasm").contains("#sha256="));
        assert!(error(&format!("http://example.com/c.wasm#sha256={SHA}")).contains("127.0.0.1"));
        assert!(error("https://example.com/c.wasm#sha256=abc").contains("64"));
        assert!(error("git+https://example.com/p.git").contains("#REF:PATH"));
        assert!(error("git+https://example.com/p.git#main:../x.wasm").contains(".."));
        assert!(error("oci://check:1.0").contains("registry host"));
        assert!(error("ftp://example.com/x.wasm").contains("scheme"));
    }

    #[test]
    fn loopback_hosts_are_this_machine_only() {
        assert!(is_loopback("127.0.0.1") && is_loopback("localhost") && is_loopback("[::1]"));
        assert!(!is_loopback("example.com") && !is_loopback("10.0.0.1"));
    }
}
