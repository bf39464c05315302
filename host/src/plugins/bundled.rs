//! The core plugins embedded in the binary by `host/build.rs`: each one's
//! file stem, bytes, SHA-256 and roles (read at build time, so no run
//! hashes megabytes or compiles a plugin to learn what it does).

include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// The SHA-256 of a bundled plugin.
pub fn digest(stem: &str) -> Option<&'static str> {
    BUNDLED.iter().find(|(known, ..)| *known == stem).map(|(_, _, digest, _)| *digest)
}

/// The roles a bundled plugin's exports name.
pub fn roles(stem: &str) -> Option<&'static [&'static str]> {
    BUNDLED.iter().find(|(known, ..)| *known == stem).map(|(.., roles)| *roles)
}
