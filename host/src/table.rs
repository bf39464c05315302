//! A plain text table: left-aligned columns two spaces apart, widths in
//! characters, trailing spaces trimmed. Cells are shown as given; callers
//! pass plugin or project text through `terminal::printable` first.

use std::fmt::Write as _;

pub fn render<const N: usize>(headers: [&str; N], rows: &[[String; N]]) -> String {
    let mut widths = headers.map(|header| header.chars().count());
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: [&str; N]| {
        let mut text = String::new();
        for (column, cell) in cells.iter().enumerate() {
            let _ = write!(text, "{cell:<width$}  ", width = widths[column]);
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(headers);
    for row in rows {
        line(row.each_ref().map(String::as_str));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn columns_fit_their_widest_cell() {
        let rows = [["api".to_string(), "ok".to_string()], ["web-ünï".to_string(), String::new()]];
        assert_eq!(super::render(["PROJECT", "RESULT"], &rows), "PROJECT  RESULT\napi      ok\nweb-ünï\n");
    }
}
