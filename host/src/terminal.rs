//! Text from plugins, and from the files they read, on its way to a
//! terminal.

use std::borrow::Cow;

/// `text` with control characters other than tab shown as escapes
/// (`\u{1b}`), so that a plugin's message or a linted file's line cannot
/// move the cursor, clear the screen, retitle the window or fake a line of
/// output. Machine formats (JSON, SARIF) escape on their own.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) {
            shown.extend(c.escape_default());
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

fn is_unsafe(c: char) -> bool {
    c.is_control() && c != '\t'
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn escapes_and_line_breaks_are_shown_not_obeyed() {
        assert_eq!(printable("\u{1b}[2Jcleared\u{7}"), "\\u{1b}[2Jcleared\\u{7}");
        assert_eq!(printable("one\nerror: fake"), "one\\nerror: fake");
        assert_eq!(printable("tab\tand ünïcödé stay"), "tab\tand ünïcödé stay");
    }
}
