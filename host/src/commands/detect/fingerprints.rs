//! `--fingerprints FILE` and `[detect] fingerprints`: Wappalyzer-format
//! files the user names. The host reads and checks them (plugins have no
//! filesystem) and hands them to every detector whose `describe` says it
//! reads fingerprint files.

use std::path::PathBuf;

use serde_json::Value;

use crate::error::Error;
use crate::plugins::bindings::types::File;

/// Reads and checks every file before anything is fetched, so a broken
/// file is named with its line before a detector sees it.
pub fn read(files: &[PathBuf]) -> Result<Vec<File>, Error> {
    let mut read = Vec::new();
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
        read.push(File { path: path.display().to_string(), contents: text.into_bytes() });
    }
    Ok(read)
}
