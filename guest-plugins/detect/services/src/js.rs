//! Just enough JavaScript lexing to tell code from comments.
//!
//! [`blank_comments`] returns the text with every comment's bytes replaced by
//! spaces (newlines kept), so byte offsets and line numbers still match the
//! original. Strings, template literals and regular expression literals are
//! skipped whole, so a `//` inside `'https://...'` is not a comment.

pub fn blank_comments(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let mut index = 0;
    // The last significant byte, to tell a regex literal from a division.
    let mut previous = b'(';
    while index < bytes.len() {
        let byte = bytes[index];
        match byte {
            b'/' if bytes.get(index + 1) == Some(&b'/') => index = blank_until_newline(bytes, &mut out, index),
            b'<' if bytes[index..].starts_with(b"<!--") => index = blank_until_newline(bytes, &mut out, index),
            b'-' if bytes[index..].starts_with(b"-->") && at_line_start(bytes, index) => {
                index = blank_until_newline(bytes, &mut out, index);
            }
            b'/' if bytes.get(index + 1) == Some(&b'*') => {
                let end = find(bytes, index + 2, b"*/").map_or(bytes.len(), |end| end + 2);
                blank(&mut out[index..end]);
                index = end;
            }
            b'\'' | b'"' => {
                index = skip_string(bytes, index, byte);
                previous = byte;
            }
            b'`' => {
                index = skip_string(bytes, index, b'`');
                previous = byte;
            }
            b'/' if starts_regex(previous) || after_keyword(bytes, index) => {
                index = skip_regex(bytes, index);
                previous = b'/';
            }
            _ => {
                if !byte.is_ascii_whitespace() {
                    previous = byte;
                }
                index += 1;
            }
        }
    }
    // Only ASCII bytes were replaced, by ASCII spaces, so this is UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

fn blank(bytes: &mut [u8]) {
    for byte in bytes {
        if *byte != b'\n' {
            *byte = b' ';
        }
    }
}

/// Blanks a line comment; multi-byte characters inside become spaces byte
/// by byte, which keeps the result valid UTF-8 and the offsets equal.
fn blank_until_newline(bytes: &[u8], out: &mut [u8], start: usize) -> usize {
    let end = bytes[start..].iter().position(|byte| *byte == b'\n').map_or(bytes.len(), |newline| start + newline);
    blank(&mut out[start..end]);
    end
}

fn at_line_start(bytes: &[u8], index: usize) -> bool {
    bytes[..index].iter().rev().take_while(|byte| **byte != b'\n').all(u8::is_ascii_whitespace)
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes.get(from..)?.windows(needle.len()).position(|window| window == needle).map(|at| from + at)
}

fn skip_string(bytes: &[u8], start: usize, quote: u8) -> usize {
    let mut index = start + 1;
    while index < bytes.len() {
        match bytes[index] {
            b'\\' => index += 2,
            byte if byte == quote => return index + 1,
            // An unterminated ordinary string ends at the line.
            b'\n' if quote != b'`' => return index,
            _ => index += 1,
        }
    }
    bytes.len()
}

fn starts_regex(previous: u8) -> bool {
    matches!(
        previous,
        b'(' | b','
            | b'='
            | b':'
            | b'['
            | b'!'
            | b'&'
            | b'|'
            | b'?'
            | b'{'
            | b'}'
            | b';'
            | b'+'
            | b'-'
            | b'*'
            | b'%'
            | b'<'
            | b'>'
            | b'~'
            | b'^'
    )
}

/// Whether a `/` at `index` follows a keyword after which an expression
/// starts (`return/iPad/.test(ua)` in minified code), so it opens a regex.
fn after_keyword(bytes: &[u8], index: usize) -> bool {
    let identifier = |byte: u8| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$';
    let end = bytes[..index].iter().rposition(|byte| !byte.is_ascii_whitespace()).map_or(0, |at| at + 1);
    let start = bytes[..end].iter().rposition(|byte| !identifier(*byte)).map_or(0, |at| at + 1);
    if start > 0 && bytes[start - 1] == b'.' {
        return false;
    }
    matches!(
        &bytes[start..end],
        b"return"
            | b"typeof"
            | b"case"
            | b"do"
            | b"else"
            | b"in"
            | b"instanceof"
            | b"new"
            | b"delete"
            | b"void"
            | b"throw"
            | b"yield"
            | b"await"
    )
}

fn skip_regex(bytes: &[u8], start: usize) -> usize {
    let mut index = start + 1;
    let mut in_class = false;
    while index < bytes.len() {
        match bytes[index] {
            b'\\' => index += 2,
            b'[' => {
                in_class = true;
                index += 1;
            }
            b']' => {
                in_class = false;
                index += 1;
            }
            b'/' if !in_class => return index + 1,
            b'\n' => return index,
            _ => index += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::blank_comments;

    #[test]
    fn line_and_block_comments_are_blanked_in_place() {
        let text = "a(); // ga('create')\n/* fbq('init', '1') */b();";
        let code = blank_comments(text);
        assert_eq!(code.len(), text.len());
        assert_eq!(code, "a();                \n                      b();");
    }

    #[test]
    fn urls_in_strings_are_not_comments() {
        let text = "s.src='https://cdn.example.com/x.js'; // note";
        assert_eq!(blank_comments(text), "s.src='https://cdn.example.com/x.js';        ");
    }

    #[test]
    fn regex_literals_and_division_are_told_apart() {
        assert_eq!(blank_comments("var r = /\\/\\/x/; a()"), "var r = /\\/\\/x/; a()");
        assert_eq!(blank_comments("x = a / b; // c"), "x = a / b;     ");
    }

    #[test]
    fn a_regex_right_after_return_is_a_regex() {
        // The Guardian's minified `return/.*(iPhone|iPad|iPod; CPU) OS .../.test(ua)`:
        // read as a division, it put the lexer out of step with every quote after it.
        let text = "function f(){return/.*(iPad; CPU) OS \\d+.*/.test(ua)}var u=\"https://x.example/gpt.js\";";
        assert_eq!(blank_comments(text), text);
        assert_eq!(blank_comments("x = a.return / 2; // c"), "x = a.return / 2;     ");
    }

    #[test]
    fn html_comment_markers_in_old_scripts_are_line_comments() {
        assert_eq!(blank_comments("<!--\nrun();\n//-->"), "    \nrun();\n     ");
    }

    #[test]
    fn multibyte_text_in_comments_keeps_utf8() {
        let code = blank_comments("// Привет\nx()");
        assert_eq!(code.len(), "// Привет\nx()".len());
        assert!(code.ends_with("\nx()"));
    }

    #[test]
    fn template_literals_span_lines() {
        let text = "var t = `line\n// not a comment`; // yes";
        assert_eq!(blank_comments(text), "var t = `line\n// not a comment`;       ");
    }
}
