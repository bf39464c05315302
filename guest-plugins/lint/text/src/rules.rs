use workbench_plugin::lint_check::{Diagnostic, Edit, File, Fix, Rule, Severity, Span};

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
fn column(line: &[u8], offset: usize) -> u32 {
    String::from_utf8_lossy(&line[..offset]).chars().count() as u32 + 1
}

struct Report<'a> {
    path: &'a str,
    found: &'a mut Vec<Diagnostic>,
}

impl Report<'_> {
    fn add(&mut self, rule: &Rule, message: String, span: Option<Span>, help: &str, fix: Option<Fix>) {
        self.found.push(rule.diagnostic(self.path, message, span, help.into(), fix));
    }
}

fn edit(start: usize, end: usize, replacement: &str) -> Edit {
    Edit { start: start as u32, end: end as u32, replacement: replacement.into() }
}

pub fn check(file: &File, options: &TextOptions, found: &mut Vec<Diagnostic>) {
    let bytes = &file.contents;
    let mut report = Report { path: &file.path, found };
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
            "file starts with a UTF-8 byte-order mark".into(),
            Some(Span { start: 0, end: 3, line: 1, column: 1 }),
            "remove the byte-order mark",
            Some(Fix { description: "remove the byte-order mark".into(), edits: vec![edit(0, 3, "")] }),
        );
    }

    let (mut crlf, mut lf) = (Vec::new(), Vec::new());
    let mut in_conflict = false;
    let mut offset = 0;
    for (index, raw) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        let number = index as u32 + 1;
        let mut line = raw.strip_suffix(b"\n").unwrap_or(raw);
        if raw.ends_with(b"\n") {
            if let Some(stripped) = line.strip_suffix(b"\r") {
                crlf.push(offset + stripped.len());
                line = stripped;
            } else {
                lf.push(offset + line.len());
            }
        }

        let kept = line.iter().rposition(|&b| b != b' ' && b != b'\t').map_or(0, |last| last + 1);
        if kept < line.len() {
            let (start, end) = (offset + kept, offset + line.len());
            report.add(
                TRAILING,
                "trailing whitespace".into(),
                Some(Span { start: start as u32, end: end as u32, line: number, column: column(line, kept) }),
                "remove the trailing whitespace",
                Some(Fix { description: "remove trailing whitespace".into(), edits: vec![edit(start, end, "")] }),
            );
        }

        let marker = [b"<<<<<<<".as_slice(), b"=======", b">>>>>>>"]
            .into_iter()
            .position(|marker| line.starts_with(marker) && matches!(line.get(7), None | Some(b' ')));
        if let Some(kind) = marker {
            // `=======` alone is also a Markdown heading underline: only
            // count it, and `>>>>>>>`, inside a conflict that `<<<<<<<` opened.
            in_conflict |= kind == 0;
            if in_conflict {
                report.add(
                    CONFLICT,
                    format!("merge-conflict marker `{}`", String::from_utf8_lossy(&line[..7])),
                    Some(Span { start: offset as u32, end: (offset + 7) as u32, line: number, column: 1 }),
                    "resolve the conflict and remove the markers",
                    None,
                );
            }
            in_conflict &= kind != 2;
        }

        if let Some(indent) = options.indent {
            let lead = line.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
            let wrong = if indent == Indent::Spaces { b'\t' } else { b' ' };
            if let Some(at) = line[..lead].iter().position(|&b| b == wrong) {
                let (want, got) = if indent == Indent::Spaces { ("spaces", "a tab") } else { ("tabs", "a space") };
                report.add(
                    INDENT,
                    format!("indented with {got}; this project indents with {want}"),
                    Some(Span {
                        start: (offset + at) as u32,
                        end: (offset + at + 1) as u32,
                        line: number,
                        column: at as u32 + 1,
                    }),
                    "re-indent the line, or change `indent` in [plugins.options.text]",
                    None,
                );
            }
        }
        offset += raw.len();
    }

    if !bytes.ends_with(b"\n") {
        let last_line = bytes.split(|&b| b == b'\n').next_back().unwrap_or_default();
        let line = bytes.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        report.add(
            FINAL_NEWLINE,
            "no newline at end of file".into(),
            Some(Span {
                start: bytes.len() as u32,
                end: bytes.len() as u32,
                line,
                column: column(last_line, last_line.len()),
            }),
            "end the file with a newline",
            Some(Fix {
                description: "append a newline".into(),
                edits: vec![edit(bytes.len(), bytes.len(), if crlf.len() > lf.len() { "\r\n" } else { "\n" })],
            }),
        );
    }

    if !crlf.is_empty() && !lf.is_empty() {
        let to_crlf = crlf.len() > lf.len();
        let (minority, replacement, with) = if to_crlf { (&lf, "\r\n", "CRLF") } else { (&crlf, "\n", "LF") };
        let first = minority[0];
        let line = bytes[..first].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        let line_start = bytes[..first].iter().rposition(|&b| b == b'\n').map_or(0, |at| at + 1);
        let edits = minority
            .iter()
            .map(|&at| if to_crlf { edit(at, at + 1, replacement) } else { edit(at, at + 2, replacement) })
            .collect();
        report.add(
            MIXED_ENDINGS,
            format!("{} CRLF and {} LF line endings", crlf.len(), lf.len()),
            Some(Span {
                start: first as u32,
                end: first as u32 + 1,
                line,
                column: column(&bytes[line_start..], first - line_start),
            }),
            &format!("use one kind of line ending; the fix converts all to {with}"),
            Some(Fix { description: format!("convert every line ending to {with}"), edits }),
        );
    }
}
