//! Byte offsets to the line and column a person reads in an editor.
//!
//! One convention everywhere: both 1-based, the column counted in
//! characters, not bytes (as rustc, TOML and YAML parsers report them).

/// The line and column of `offset` in `text`; an offset past the end is
/// the end, one inside a character counts as that character.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = prefix(text, offset);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |tail| tail.chars().count()) + 1;
    (line, column)
}

/// Many lookups into one text: the line starts are found once.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let newlines = text.bytes().enumerate().filter(|(_, byte)| *byte == b'\n').map(|(index, _)| index + 1);
        LineIndex { text, starts: std::iter::once(0).chain(newlines).collect() }
    }

    /// Same answer as [`line_column`], in logarithmic time.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let start = self.starts[line];
        let column = prefix(&self.text[start..], offset - start).chars().count();
        (line + 1, column + 1)
    }
}

/// `text` up to `offset`, backed off to a character boundary.
fn prefix(text: &str, offset: usize) -> &str {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based_and_count_characters() {
        assert_eq!(line_column("ab\ncé d", 0), (1, 1));
        assert_eq!(line_column("ab\ncé d", 3), (2, 1));
        assert_eq!(line_column("ab\ncé d", 7), (2, 4));
    }

    #[test]
    fn the_index_agrees_with_the_plain_function_everywhere() {
        let text = "one\n\ntwö\r\nthree é\n";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(index.line_column(offset), line_column(text, offset), "offset {offset}");
        }
    }

    #[test]
    fn an_offset_inside_a_character_does_not_panic() {
        assert_eq!(line_column("é", 1), (1, 1));
    }
}
