use workbench_plugin::lint_check::{Diagnostic, File, Findings, Fix, Rule, Severity, edit, span};

use crate::{Indent, TextOptions};

const TRAILING: &Rule = &Rule {
    id: "text/trailing-whitespace",
    severity: Severity::Warning,
    summary: "line ends with spaces or tabs",
    explanation: "Trailing whitespace is invisible in editors and shows up as noise in diffs and reviews. The fix removes it.",
    fixable: true,
};
const FINAL_NEWLINE: &Rule = &Rule {
    id: "text/final-newline",
    severity: Severity::Warning,
    summary: "file does not end with a newline",
    explanation: "POSIX tools expect every line, the last included, to end with a newline; without it `cat` joins files and diffs show `\\ No newline at end of file`. The fix appends one.",
    fixable: true,
};
const MIXED_ENDINGS: &Rule = &Rule {
    id: "text/mixed-line-endings",
    severity: Severity::Warning,
    summary: "file mixes CRLF and LF line endings",
    explanation: "A file with both CRLF and LF endings was usually edited on two systems; tools disagree on where its lines end. The fix converts every ending to the one the file uses most.",
    fixable: true,
};
const CONFLICT: &Rule = &Rule {
    id: "text/conflict-marker",
    severity: Severity::Error,
    summary: "merge-conflict marker",
    explanation: "A line starting with `<<<<<<<`, `=======` or `>>>>>>>` is left over from an unresolved merge. Resolve the conflict and remove the markers.",
    fixable: false,
};
const BOM: &Rule = &Rule {
    id: "text/byte-order-mark",
    severity: Severity::Warning,
    summary: "UTF-8 file starts with a byte-order mark",
    explanation: "UTF-8 needs no byte-order mark, and many tools (shells reading a shebang, JSON parsers, make) choke on one. The fix removes it.",
    fixable: true,
};
const TOO_LARGE: &Rule = &Rule {
    id: "text/file-too-large",
    severity: Severity::Warning,
    summary: "file is larger than the configured limit",
    explanation: "Large files slow every clone. Keep generated or binary data out of the repository, or raise `max-bytes` in `[plugins.options.text]`.",
    fixable: false,
};
const INDENT: &Rule = &Rule {
    id: "text/indentation",
    severity: Severity::Warning,
    summary: "indentation uses the other whitespace character",
    explanation: "With `indent = \"spaces\"` (or `\"tabs\"`) in `[plugins.options.text]`, lines indented with the other character are reported. Off unless configured.",
    fixable: false,
};

pub const RULES: &[&Rule] = &[TRAILING, FINAL_NEWLINE, MIXED_ENDINGS, CONFLICT, BOM, TOO_LARGE, INDENT];

fn is_binary(contents: &[u8]) -> bool {
    contents[..contents.len().min(8192)].contains(&0)
}

/// 1-based column of byte `offset` within `line`, counted in characters.
fn column(line: &[u8], offset: usize) -> usize {
    String::from_utf8_lossy(&line[..offset]).chars().count() + 1
}

/// The 1-based line that byte `offset` of `bytes` is on.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset].split(|&b| b == b'\n').count()
}

pub fn check(file: &File, options: &TextOptions, found: &mut Vec<Diagnostic>) {
    let bytes = &file.contents;
    let mut report = Findings::new(&file.path, found);
    if bytes.len() as u64 > options.max_bytes {
        report.add(
            TOO_LARGE,
            format!("{} bytes, over the limit of {}", bytes.len(), options.max_bytes),
            None,
            "keep large data out of the repository, or raise `max-bytes` in [plugins.options.text]",
            None,
        );
        return;
    }
    if bytes.is_empty() || is_binary(bytes) {
        return;
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        report.add(
            BOM,
            "file starts with a UTF-8 byte-order mark",
            Some(span(0, 3, 1, 1)),
            "remove the byte-order mark",
            Some(Fix { description: "remove the byte-order mark".into(), edits: vec![edit(0, 3, "")] }),
        );
    }

    let (mut crlf, mut lf) = (Vec::new(), Vec::new());
    let mut in_conflict = false;
    let mut offset = 0;
    for (index, raw) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        let mut line = raw.strip_suffix(b"\n").unwrap_or(raw);
        if raw.ends_with(b"\n") {
            if let Some(stripped) = line.strip_suffix(b"\r") {
                crlf.push(offset + stripped.len());
                line = stripped;
            } else {
                lf.push(offset + line.len());
            }
        }
        let at = Line { text: line, offset, number: index + 1 };
        trailing_whitespace(&at, &mut report);
        conflict_marker(&at, &mut in_conflict, &mut report);
        if let Some(indent) = options.indent {
            indentation(&at, indent, &mut report);
        }
        offset += raw.len();
    }
    if !bytes.ends_with(b"\n") {
        final_newline(bytes, if crlf.len() > lf.len() { "\r\n" } else { "\n" }, &mut report);
    }
    if !crlf.is_empty() && !lf.is_empty() {
        mixed_endings(bytes, &crlf, &lf, &mut report);
    }
}

/// One line without its ending, where it starts, and its 1-based number.
struct Line<'a> {
    text: &'a [u8],
    offset: usize,
    number: usize,
}

fn trailing_whitespace(line: &Line<'_>, report: &mut Findings<'_>) {
    let kept = line.text.iter().rposition(|&b| b != b' ' && b != b'\t').map_or(0, |last| last + 1);
    if kept < line.text.len() {
        let (start, end) = (line.offset + kept, line.offset + line.text.len());
        report.add(
            TRAILING,
            "trailing whitespace",
            Some(span(start, end, line.number, column(line.text, kept))),
            "remove the trailing whitespace",
            Some(Fix { description: "remove trailing whitespace".into(), edits: vec![edit(start, end, "")] }),
        );
    }
}

fn conflict_marker(line: &Line<'_>, in_conflict: &mut bool, report: &mut Findings<'_>) {
    let marker = [b"<<<<<<<".as_slice(), b"=======", b">>>>>>>"]
        .into_iter()
        .position(|marker| line.text.starts_with(marker) && matches!(line.text.get(7), None | Some(b' ')));
    let Some(kind) = marker else { return };
    // `=======` alone is also a Markdown heading underline: only count it,
    // and `>>>>>>>`, inside a conflict that `<<<<<<<` opened.
    *in_conflict |= kind == 0;
    if *in_conflict {
        report.add(
            CONFLICT,
            format!("merge-conflict marker `{}`", String::from_utf8_lossy(&line.text[..7])),
            Some(span(line.offset, line.offset + 7, line.number, 1)),
            "resolve the conflict and remove the markers",
            None,
        );
    }
    *in_conflict &= kind != 2;
}

fn indentation(line: &Line<'_>, indent: Indent, report: &mut Findings<'_>) {
    let lead = line.text.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
    let wrong = if indent == Indent::Spaces { b'\t' } else { b' ' };
    if let Some(at) = line.text[..lead].iter().position(|&b| b == wrong) {
        let (want, got) = if indent == Indent::Spaces { ("spaces", "a tab") } else { ("tabs", "a space") };
        report.add(
            INDENT,
            format!("indented with {got}; this project indents with {want}"),
            Some(span(line.offset + at, line.offset + at + 1, line.number, at + 1)),
            "re-indent the line, or change `indent` in [plugins.options.text]",
            None,
        );
    }
}

fn final_newline(bytes: &[u8], newline: &str, report: &mut Findings<'_>) {
    let last_line = bytes.split(|&b| b == b'\n').next_back().unwrap_or_default();
    report.add(
        FINAL_NEWLINE,
        "no newline at end of file",
        Some(span(bytes.len(), bytes.len(), line_of(bytes, bytes.len()), column(last_line, last_line.len()))),
        "end the file with a newline",
        Some(Fix { description: "append a newline".into(), edits: vec![edit(bytes.len(), bytes.len(), newline)] }),
    );
}

fn mixed_endings(bytes: &[u8], crlf: &[usize], lf: &[usize], report: &mut Findings<'_>) {
    let to_crlf = crlf.len() > lf.len();
    let (minority, replacement, with) = if to_crlf { (lf, "\r\n", "CRLF") } else { (crlf, "\n", "LF") };
    let first = minority[0];
    let line_start = bytes[..first].iter().rposition(|&b| b == b'\n').map_or(0, |at| at + 1);
    let edits = minority
        .iter()
        .map(|&at| if to_crlf { edit(at, at + 1, replacement) } else { edit(at, at + 2, replacement) })
        .collect();
    report.add(
        MIXED_ENDINGS,
        format!("{} CRLF and {} LF line endings", crlf.len(), lf.len()),
        Some(span(first, first + 1, line_of(bytes, first), column(&bytes[line_start..], first - line_start))),
        format!("use one kind of line ending; the fix converts all to {with}"),
        Some(Fix { description: format!("convert every line ending to {with}"), edits }),
    );
}
