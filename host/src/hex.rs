//! Lowercase hex, as digests are written in cache keys, lock files and
//! JSON.

use std::fmt::Write as _;

pub fn encode(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn bytes_become_two_lowercase_digits_each() {
        assert_eq!(super::encode(&[0, 0xab, 7]), "00ab07");
    }
}
