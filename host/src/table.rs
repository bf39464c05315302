//! A plain text table: left-aligned columns two spaces apart, widths in
//! characters, trailing spaces trimmed, headers in bold and cells in the
//! style a caller picks when colour is on. Cells are shown as given;
//! callers pass plugin or project text through `terminal::printable` first.

use anstyle::Style;

use crate::style::{HEADER, Paint};

pub fn render<const N: usize>(headers: [&str; N], rows: &[[String; N]], paint: Paint) -> String {
    render_styled(headers, rows, paint, |_, _| None)
}

/// [`render`], with `style(column, cell)` choosing a cell's style.
pub fn render_styled<const N: usize>(
    headers: [&str; N],
    rows: &[[String; N]],
    paint: Paint,
    style: impl Fn(usize, &str) -> Option<Style>,
) -> String {
    let mut widths = headers.map(|header| header.chars().count());
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: [&str; N], style: &dyn Fn(usize, &str) -> Option<Style>| {
        let last = cells.iter().rposition(|cell| !cell.is_empty()).unwrap_or(0);
        for (column, cell) in cells.iter().enumerate().take(last + 1) {
            match style(column, cell) {
                Some(style) => out.push_str(&paint.paint(style, cell).to_string()),
                None => out.push_str(cell),
            }
            if column < last {
                let pad = widths[column] - cell.chars().count() + 2;
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    };
    line(headers, &|_, _| Some(HEADER));
    for row in rows {
        line(row.each_ref().map(String::as_str), &style);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::style::{OK, Paint};

    #[test]
    fn columns_fit_their_widest_cell() {
        let rows = [["api".to_string(), "ok".to_string()], ["web-ünï".to_string(), String::new()]];
        assert_eq!(
            super::render(["PROJECT", "RESULT"], &rows, Paint::new(false)),
            "PROJECT  RESULT\napi      ok\nweb-ünï\n"
        );
    }

    #[test]
    fn colour_leaves_the_columns_where_they_were() {
        let rows = [["a".to_string(), "ok".to_string(), "1s".to_string()]];
        let styled = super::render_styled(["P", "RESULT", "T"], &rows, Paint::new(true), |column, _| {
            (column == 1).then_some(OK)
        });
        let plain: String = styled
            .split('\u{1b}')
            .enumerate()
            .map(|(i, part)| if i == 0 { part } else { part.split_once('m').map_or(part, |(_, rest)| rest) })
            .collect();
        assert_eq!(plain, "P  RESULT  T\na  ok      1s\n");
        assert!(styled.contains(&format!("{}ok{}", OK.render(), OK.render_reset())));
    }
}
