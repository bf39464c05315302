//! Components in OCI registries, as the component model's tools keep them
//! (wasm-pkg-tools' `wkg`, through its `oci-wasm` conventions): an image
//! manifest with one `application/wasm` layer, the component's bytes, and
//! an `application/vnd.wasm.config.v0+json` config. What `push` writes,
//! `wkg get` reads, and `pull` reads what `wkg publish` writes.
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

pub const LAYER_MEDIA_TYPE: &str = "application/wasm";
pub const CONFIG_MEDIA_TYPE: &str = "application/vnd.wasm.config.v0+json";
pub const MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";

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

/// Pulls the component `reference` names into the store, checking it is a
/// wasm artifact before a byte of it is read, and its layer against the
/// manifest's digest (and `expected`, when pinned) before it is kept.
/// Returns `repository@manifest-digest` with what was stored.
pub fn pull(
    reference: &str,
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
        let [layer] = manifest.layers.as_slice() else {
            return Err(format!(
                "it is not a WebAssembly component: its manifest has {} layers, not the one `{LAYER_MEDIA_TYPE}` layer a component is pushed as",
                manifest.layers.len()
            ));
        };
        if layer.media_type != LAYER_MEDIA_TYPE {
            return Err(format!(
                "it is not a WebAssembly component: its layer is `{}`, not `{LAYER_MEDIA_TYPE}`",
                layer.media_type
            ));
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
            return Err(format!("it is {} MiB, larger than any plugin ({} MiB at most)", layer.size >> 20, cap >> 20));
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

/// What the wasm config of a pushed component says (oci-wasm's `WasmConfig`).
pub struct Pushed {
    pub manifest_digest: String,
    pub layer_digest: String,
}

/// Pushes `bytes` (a checked component) under `reference` with the
/// conventions above; `exports` and `imports` are the component's
/// top-level names, `created` an RFC 3339 time.
pub fn push(
    reference: &str,
    bytes: Vec<u8>,
    exports: &[String],
    imports: &[String],
    created: &str,
    auth: &Auth,
) -> Result<Pushed, String> {
    let image = parse(reference)?;
    let client = client(reference)?;
    let auth = auth.registry_auth();
    let layer = ImageLayer::new(bytes, LAYER_MEDIA_TYPE.to_string(), None);
    let layer_digest = layer.sha256_digest();
    let config = serde_json::json!({
        "created": created,
        "author": null,
        "architecture": "wasm",
        "os": "wasip2",
        "layerDigests": [layer_digest],
        "component": { "exports": exports, "imports": imports, "target": null },
    });
    let config = Config::new(
        serde_json::to_vec(&config).map_err(|error| error.to_string())?,
        CONFIG_MEDIA_TYPE.to_string(),
        None,
    );
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
