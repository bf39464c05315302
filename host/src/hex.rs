//! Lowercase hex, as digests are written in cache keys, lock files and
//! JSON.

use std::fmt::Write as _;

pub fn encode(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}

/// Hex digits (either case, whitespace between pairs allowed) to bytes.
pub fn decode(text: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<u8> = text.bytes().filter(|byte| !byte.is_ascii_whitespace()).collect();
    if digits.len() % 2 == 1 {
        return Err(format!("hex of odd length ({} digits)", digits.len()));
    }
    digits
        .chunks_exact(2)
        .map(|pair| {
            let text = String::from_utf8_lossy(pair);
            let digits = pair.iter().all(u8::is_ascii_hexdigit);
            u8::from_str_radix(&text, 16).ok().filter(|_| digits).ok_or_else(|| format!("\"{text}\" is not a hex byte"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_decodes_back_and_names_what_is_not_hex() {
        assert_eq!(super::decode("00AB 07").unwrap(), [0, 0xab, 7]);
        assert_eq!(super::decode("0g").unwrap_err(), "\"0g\" is not a hex byte");
        assert!(super::decode("abc").is_err());
        assert!(super::decode("+1").is_err());
    }

    #[test]
    fn bytes_become_two_lowercase_digits_each() {
        assert_eq!(super::encode(&[0, 0xab, 7]), "00ab07");
    }
}
