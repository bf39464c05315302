//! Components in OCI registries, as the component model's tools keep them
//! (wasm-pkg-tools' `wkg`, through its `oci-wasm` conventions): an image
//! manifest with one `application/wasm` layer, the component's bytes, and
//! an `application/vnd.wasm.config.v0+json` config. What `push` writes,
//! `wkg get` reads, and `pull` reads what `wkg publish` writes.
//!
//! Templates travel the same way, as an artifact of workbench's own (there
//! is no common one): one `application/vnd.workbench.template.v1.tar+gzip`
//! layer, the template folder as [`super::archive::write_tar_gz`] packs
//! it, under an `application/vnd.workbench.template.config.v1+json` config.
//!
//! The client is `oci-client` (the ORAS project's, which wasm-pkg-tools
//! use too); it is async, so each call runs on a small runtime of its own.

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::StreamExt as _;
use oci_client::client::{ClientConfig, ClientProtocol, Config, ImageLayer};
use oci_client::manifest::OciImageManifest;
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference};

use super::spec::{is_loopback, oci_host};
use super::store::{Store, Stored};

pub const MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";

/// What an artifact holds, told by its media types.
pub struct Kind {
    pub layer: &'static str,
    pub config: &'static str,
    /// "a WebAssembly component", for messages.
    pub what: &'static str,
}

pub const COMPONENT: Kind =
    Kind { layer: "application/wasm", config: "application/vnd.wasm.config.v0+json", what: "a WebAssembly component" };

pub const TEMPLATE: Kind = Kind {
    layer: "application/vnd.workbench.template.v1.tar+gzip",
    config: "application/vnd.workbench.template.config.v1+json",
    what: "a workbench template",
};

/// Credentials for a registry: `WORKBENCH_REGISTRY_USERNAME` and
/// `WORKBENCH_REGISTRY_PASSWORD` when both are set, else anonymous.
#[derive(Clone)]
pub struct Auth(pub Option<(String, String)>);

impl Auth {
    fn registry_auth(&self) -> RegistryAuth {
        match &self.0 {
            Some((user, password)) => RegistryAuth::Basic(user.clone(), password.clone()),
            None => RegistryAuth::Anonymous,
        }
    }
}

fn client(reference: &str) -> Result<Client, String> {
    // reqwest is built without a crypto provider of its own: it uses ring,
    // the one ureq already brings. Installed once; later calls find it.
    let _ = rustls::crypto::ring::default_provider().install_default();
    // Plain HTTP reaches only this machine (a registry for tests, or a
    // team's local one); every other registry is spoken to over TLS.
    let protocol = if is_loopback(oci_host(reference).rsplit_once(':').map_or(oci_host(reference), |(host, _)| host)) {
        ClientProtocol::Http
    } else {
        ClientProtocol::Https
    };
    Client::try_from(ClientConfig {
        protocol,
        connect_timeout: Some(Duration::from_secs(15)),
        read_timeout: Some(Duration::from_mins(1)),
        user_agent: concat!("workbench/", env!("CARGO_PKG_VERSION")),
        ..ClientConfig::default()
    })
    .map_err(|error| format!("cannot set up the registry client: {}", describe(&error)))
}

fn block_on<T>(future: impl Future<Output = T>) -> Result<T, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start the network runtime: {error}"))?;
    Ok(runtime.block_on(future))
}

fn parse(reference: &str) -> Result<Reference, String> {
    Reference::try_from(reference).map_err(|error| format!("not an OCI reference: {error}"))
}

/// Pulls the artifact `reference` names into the store, checking it is of
/// `kind` before a byte of it is read, and its layer against the manifest's
/// digest (and `expected`, when pinned) before it is kept. Returns
/// `repository@manifest-digest` with what was stored.
pub fn pull(
    reference: &str,
    kind: &Kind,
    auth: &Auth,
    store: &Store,
    expected: Option<&str>,
    cap: u64,
) -> Result<(String, Stored), String> {
    let image = parse(reference)?;
    let client = client(reference)?;
    let auth = auth.registry_auth();
    block_on(async {
        let (manifest, manifest_digest) =
            client.pull_image_manifest(&image, &auth).await.map_err(|error| describe(&error))?;
        let Kind { layer: layer_type, what, .. } = kind;
        let [layer] = manifest.layers.as_slice() else {
            return Err(format!(
                "it is not {what}: its manifest has {} layers, not the one `{layer_type}` layer {what} is pushed as",
                manifest.layers.len()
            ));
        };
        if layer.media_type != *layer_type {
            return Err(format!("it is not {what}: its layer is `{}`, not `{layer_type}`", layer.media_type));
        }
        let Some(layer_hex) = layer.digest.strip_prefix("sha256:") else {
            return Err(format!("its layer's digest `{}` is not a SHA-256", layer.digest));
        };
        if let Some(expected) = expected
            && expected != layer_hex
        {
            return Err(format!("its SHA-256 is {layer_hex}, not the expected {expected}"));
        }
        if u64::try_from(layer.size).unwrap_or(u64::MAX) > cap {
            return Err(super::store::over_cap(u64::try_from(layer.size).unwrap_or(u64::MAX), cap));
        }
        let mut download = store.download(cap).map_err(|error| error.message().to_string())?;
        let mut stream = client.pull_blob_stream(&image, layer).await.map_err(|error| describe(&error))?;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk
                .map_err(|error| format!("the download was cut short after {} bytes: {error}", download.size()))?;
            std::io::Write::write_all(&mut download, &chunk).map_err(|error| error.to_string())?;
        }
        let stored = store.commit(download, Some(layer_hex))?;
        let repository = format!("{}/{}", image.resolve_registry(), image.repository());
        Ok((format!("{repository}@{manifest_digest}"), stored))
    })?
}

/// `oci://REPOSITORY@DIGEST` for what was pushed to `reference` (a tag).
pub fn pinned(reference: &str, manifest_digest: &str) -> String {
    let repository = reference
        .rsplit_once(':')
        .filter(|(repository, _)| repository.contains('/'))
        .map_or(reference, |(repository, _)| repository);
    format!("oci://{repository}@{manifest_digest}")
}

/// Every tag of the repository `reference` names.
pub fn tags(reference: &str, auth: &Auth) -> Result<Vec<String>, String> {
    let image = parse(reference)?;
    let client = client(reference)?;
    let auth = auth.registry_auth();
    block_on(async {
        let response = client.list_tags(&image, &auth, None, None).await.map_err(|error| describe(&error))?;
        Ok(response.tags)
    })?
}

pub struct Pushed {
    pub manifest_digest: String,
    pub layer_digest: String,
}

/// What a config says besides the layer's digest, which [`push`] adds.
pub enum Described<'a> {
    /// oci-wasm's `WasmConfig`: the component's top-level names.
    Component {
        exports: &'a [String],
        imports: &'a [String],
    },
    Template {
        name: &'a str,
        description: &'a str,
    },
}

/// Pushes `bytes` (a checked component or a packed template) under
/// `reference` with the conventions above; `created` is an RFC 3339 time.
pub fn push(
    reference: &str,
    bytes: Vec<u8>,
    described: &Described,
    created: &str,
    auth: &Auth,
) -> Result<Pushed, String> {
    let image = parse(reference)?;
    let client = client(reference)?;
    let auth = auth.registry_auth();
    let kind = match described {
        Described::Component { .. } => &COMPONENT,
        Described::Template { .. } => &TEMPLATE,
    };
    let layer = ImageLayer::new(bytes, kind.layer.to_string(), None);
    let layer_digest = layer.sha256_digest();
    let config = match described {
        Described::Component { exports, imports } => serde_json::json!({
            "created": created,
            "author": null,
            "architecture": "wasm",
            "os": "wasip2",
            "layerDigests": [layer_digest],
            "component": { "exports": exports, "imports": imports, "target": null },
        }),
        Described::Template { name, description } => serde_json::json!({
            "created": created,
            "layerDigests": [layer_digest],
            "template": { "name": name, "description": description },
        }),
    };
    let config =
        Config::new(serde_json::to_vec(&config).map_err(|error| error.to_string())?, kind.config.to_string(), None);
    let annotations = BTreeMap::from([("org.opencontainers.image.created".to_string(), created.to_string())]);
    let layers = vec![layer];
    let mut manifest = OciImageManifest::build(&layers, &config, Some(annotations));
    manifest.media_type = Some(MANIFEST_MEDIA_TYPE.to_string());
    block_on(async {
        client.push(&image, &layers, config, &auth, Some(manifest)).await.map_err(|error| describe(&error))?;
        let manifest_digest = client.fetch_manifest_digest(&image, &auth).await.map_err(|error| describe(&error))?;
        Ok(Pushed { manifest_digest, layer_digest })
    })?
}

fn describe(error: &oci_client::errors::OciDistributionError) -> String {
    use std::error::Error as _;
    // reqwest's own message ("error sending request") hides the cause.
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message = format!("{message}: {text}");
        }
        source = cause.source();
    }
    message
}
