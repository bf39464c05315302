//! GitHub Actions workflow commands (`::error ...::message`, `::group::`),
//! which `lint --format github` and `make --format github` print for the
//! runner to turn into annotations and folded log groups.

/// Escapes a command's message, as GitHub's runner unescapes it
/// (toolkit/core's command.ts).
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property's value (`file=`, `title=`).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_and_messages_are_escaped() {
        assert_eq!(escape_property("a,b:c"), "a%2Cb%3Ac");
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
    }
}
