//! The core plugins embedded in the binary by `host/build.rs`: each one's
//! file stem, bytes and SHA-256 (computed at build time, so no run hashes
//! megabytes).

include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// The SHA-256 of a bundled plugin.
pub fn digest(stem: &str) -> Option<&'static str> {
    BUNDLED.iter().find(|(known, _, _)| *known == stem).map(|(_, _, digest)| *digest)
}
