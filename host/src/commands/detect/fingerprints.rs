//! `--fingerprints FILE`: Wappalyzer-format files, read by the host (plugins
//! have no filesystem) and handed to the bundled `fingerprints` plugin in its
//! options as `{"fingerprints": [file, ...]}`.

use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::error::Error;

/// The bundled plugin that reads fingerprint files.
pub const PLUGIN: &str = "fingerprints";

/// The plugin's configured options with the files' contents added.
pub fn with_files(options: &str, documents: &[Value]) -> String {
    let mut options: Map<String, Value> = serde_json::from_str(options).unwrap_or_default();
    options.insert("fingerprints".into(), Value::Array(documents.to_vec()));
    Value::Object(options).to_string()
}

/// Reads and checks every file before anything is fetched.
pub fn read(files: &[PathBuf]) -> Result<Vec<Value>, Error> {
    let mut documents = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(path).map_err(|error| {
            Error::input(format!("cannot read fingerprint file {}: {error}", path.display()))
                .help("pass a Wappalyzer-format technologies JSON file")
        })?;
        let document: Value = serde_json::from_str(&text).map_err(|error| {
            Error::input(format!("{}:{}:{}: not valid JSON: {error}", path.display(), error.line(), error.column()))
                .help("fingerprint files are Wappalyzer's JSON format: an object of technologies")
        })?;
        if !document.is_object() {
            return Err(Error::input(format!("{}:1:1: a fingerprint file must be a JSON object", path.display()))
                .help("write {\"Name\": {\"scriptSrc\": \"...\"}} or {\"technologies\": {...}}"));
        }
        documents.push(document);
    }
    Ok(documents)
}
