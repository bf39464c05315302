//! Decoding a page's bytes to text the way a browser picks the encoding:
//! byte-order mark, then the HTTP `Content-Type` charset, then a
//! `<meta charset>` in the first 1024 bytes, then UTF-8 if the bytes are
//! valid UTF-8, else windows-1252 (the web's legacy default).

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// How far into the document a `<meta charset>` counts, as in the HTML
/// standard's prescan.
const PRESCAN_BYTES: usize = 1024;

/// The text and the encoding it was decoded from.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> (String, &'static Encoding) {
    if let Some((encoding, bom_length)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_length..]);
        return (text.into_owned(), encoding);
    }
    let declared = content_type.and_then(charset_parameter).or_else(|| prescan(bytes));
    let encoding = declared.unwrap_or_else(|| if std::str::from_utf8(bytes).is_ok() { UTF_8 } else { WINDOWS_1252 });
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    (text.into_owned(), encoding)
}

/// The `charset=` of a `Content-Type` value, if it names an encoding.
fn charset_parameter(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|parameter| {
        let (name, value) = parameter.split_once('=')?;
        name.trim().eq_ignore_ascii_case("charset").then(|| label(value))?
    })
}

/// A `<meta charset=...>` or `<meta http-equiv=Content-Type content="...; charset=...">`
/// near the top of the document.
fn prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(PRESCAN_BYTES)]).to_ascii_lowercase();
    let mut rest = head.as_str();
    while let Some(start) = rest.find("<meta") {
        let tag = &rest[start..];
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        if let Some(at) = tag.find("charset") {
            let value = tag[at + "charset".len()..].trim_start();
            if let Some(encoding) = value.strip_prefix('=').and_then(label) {
                // The standard maps a declared UTF-16 to UTF-8: the prescan
                // only ran because the bytes are ASCII-compatible.
                return Some(if encoding.is_single_byte() || encoding.output_encoding() == encoding {
                    encoding
                } else {
                    UTF_8
                });
            }
        }
        rest = &rest[start + "<meta".len()..];
    }
    None
}

fn label(value: &str) -> Option<&'static Encoding> {
    let value = value.trim_start().trim_start_matches(['"', '\'']);
    let end = value.find(['"', '\'', ';', ' ', '/', '>']).unwrap_or(value.len());
    Encoding::for_label(value[..end].trim().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_charset_decodes_cyrillic() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode("Привет");
        let (text, encoding) = decode(&bytes, Some("text/html; charset=windows-1251"));
        assert_eq!(text, "Привет");
        assert_eq!(encoding.name(), "windows-1251");
    }

    #[test]
    fn meta_charset_is_found_when_the_header_has_none() {
        let mut bytes = b"<html><head><meta charset=\"koi8-r\"></head><body>".to_vec();
        bytes.extend_from_slice(&encoding_rs::KOI8_R.encode("Мир").0);
        let (text, encoding) = decode(&bytes, Some("text/html"));
        assert!(text.ends_with("Мир"), "{text}");
        assert_eq!(encoding.name(), "KOI8-R");
    }

    #[test]
    fn http_equiv_content_type_counts() {
        let bytes = b"<meta http-equiv='Content-Type' content='text/html; charset=ISO-8859-1'>caf\xe9";
        assert_eq!(
            decode(bytes, None).0,
            "<meta http-equiv='Content-Type' content='text/html; charset=ISO-8859-1'>café"
        );
    }

    #[test]
    fn header_wins_over_meta() {
        let (text, _) = decode(b"<meta charset=windows-1251>\xc0", Some("text/html; charset=\"utf-8\""));
        assert!(text.ends_with('\u{fffd}'));
    }

    #[test]
    fn bom_wins_over_everything() {
        let (_, encoding) = decode(b"\xef\xbb\xbf<meta charset=windows-1251>", Some("text/html; charset=latin1"));
        assert_eq!(encoding, UTF_8);
    }

    #[test]
    fn undeclared_invalid_utf8_falls_back_to_windows_1252() {
        assert_eq!(decode(b"na\xefve", None).0, "naïve");
        assert_eq!(decode("naïve".as_bytes(), None).0, "naïve");
    }

    #[test]
    fn unknown_labels_are_ignored() {
        assert_eq!(decode(b"<meta charset=klingon>ok", None).1, UTF_8);
    }
}
