#![no_main]
// The loader of Wappalyzer-format fingerprint files, patterns compiled.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(document) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = fingerprints::fingerprint::load(&[document]);
    }
});
