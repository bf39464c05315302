//! YAML written as PyYAML writes it for Ansible's `to_nice_yaml` (block
//! style, keys sorted, 4-space indent, lines folded past column 80,
//! Unicode as is): copier's answers file is that filter's output, so the
//! bytes must be PyYAML's. Values are JSON values; quoting follows PyYAML's
//! `analyze_scalar` and YAML 1.1's implicit types (`'on'`, `'1.0'`, `''`).

use std::fmt::Write as _;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

const WIDTH: usize = 80;

/// `yaml.dump(value, indent=indent, allow_unicode=True, default_flow_style=False)`.
pub fn dump(value: &Value, indent: usize) -> String {
    let mut emitter = Emitter { out: String::new(), column: 0, step: indent.max(2) };
    match value {
        Value::Object(map) if !map.is_empty() => {
            emitter.mapping(value, 0);
            emitter.newline();
        }
        Value::Array(items) if !items.is_empty() => {
            emitter.sequence(value, 0);
            emitter.newline();
        }
        scalar => {
            emitter.scalar(scalar, 0, false);
            if matches!(scalar, Value::Object(_) | Value::Array(_)) {
                emitter.newline();
            } else {
                // PyYAML ends a document whose root is a plain value with `...`.
                emitter.out.push_str("\n...");
                emitter.newline();
            }
        }
    }
    emitter.out
}

struct Emitter {
    out: String,
    column: usize,
    step: usize,
}

impl Emitter {
    fn write(&mut self, text: &str) {
        self.out.push_str(text);
        self.column += text.chars().count();
    }

    fn newline(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn pad(&mut self, indent: usize) {
        if self.column < indent {
            let spaces = " ".repeat(indent - self.column);
            self.write(&spaces);
        }
    }

    /// A block mapping whose keys start at `indent`; the cursor is at its
    /// first key's place.
    fn mapping(&mut self, value: &Value, indent: usize) {
        let Value::Object(map) = value else { return };
        let mut keys: Vec<&String> = map.keys().collect();
        keys.sort();
        for (index, key) in keys.into_iter().enumerate() {
            if index > 0 {
                self.newline();
                self.pad(indent);
            }
            self.scalar(&Value::String(key.clone()), indent + self.step, true);
            self.write(":");
            self.node(&map[key], indent, true);
        }
    }

    /// A block sequence at `indent` (PyYAML does not indent a sequence
    /// inside a mapping).
    fn sequence(&mut self, value: &Value, indent: usize) {
        let Value::Array(items) = value else { return };
        for (index, item) in items.iter().enumerate() {
            if index > 0 {
                self.newline();
                self.pad(indent);
            }
            self.write("-");
            self.node(item, indent, false);
        }
    }

    /// A value after `key:` (in a mapping at `indent`) or after `-`.
    fn node(&mut self, value: &Value, indent: usize, in_mapping: bool) {
        match value {
            Value::Object(map) if !map.is_empty() => {
                if in_mapping {
                    self.newline();
                    self.pad(indent + self.step);
                } else {
                    self.pad(indent + self.step);
                }
                self.mapping(value, indent + self.step);
            }
            Value::Array(items) if !items.is_empty() => {
                if in_mapping {
                    self.newline();
                    self.pad(indent);
                    self.sequence(value, indent);
                } else {
                    self.pad(indent + self.step);
                    self.sequence(value, indent + self.step);
                }
            }
            scalar => {
                self.write(" ");
                self.scalar(scalar, indent + self.step, false);
            }
        }
    }

    /// A scalar at the cursor; folded lines continue at `indent`.
    fn scalar(&mut self, value: &Value, indent: usize, key: bool) {
        match value {
            Value::Null => self.write("null"),
            Value::Bool(flag) => self.write(if *flag { "true" } else { "false" }),
            Value::Number(number) => self.write(&python_float_or_int(number)),
            Value::Object(_) => self.write("{}"),
            Value::Array(_) => self.write("[]"),
            Value::String(text) => {
                let analysis = analyze(text);
                let multiline = analysis.line_breaks;
                if !resolves_to_other_type(text) && !(key && (text.is_empty() || multiline)) && analysis.allow_plain {
                    self.plain(text, indent, !key);
                } else if analysis.allow_single_quoted && !(key && multiline) {
                    self.single_quoted(text, indent, !key);
                } else {
                    self.double_quoted(text);
                }
            }
        }
    }

    fn fold(&mut self, indent: usize) {
        self.newline();
        self.pad(indent);
    }

    fn plain(&mut self, text: &str, indent: usize, split: bool) {
        let mut words = text.split(' ').peekable();
        let mut first = true;
        while let Some(word) = words.next() {
            if !first {
                // A single space past the width becomes a line break.
                if split && !word.is_empty() && self.column > WIDTH && !self.out.ends_with(' ') {
                    self.fold(indent);
                } else {
                    self.write(" ");
                }
            }
            first = false;
            self.write(word);
            let _ = words.peek();
        }
    }

    fn single_quoted(&mut self, text: &str, indent: usize, split: bool) {
        self.write("'");
        let chars: Vec<char> = text.chars().collect();
        let mut index = 0;
        while index < chars.len() {
            let c = chars[index];
            match c {
                ' ' => {
                    let run_end = chars[index..].iter().position(|&c| c != ' ').map_or(chars.len(), |at| index + at);
                    let single = run_end == index + 1;
                    if single && split && self.column > WIDTH && index != 0 && run_end != chars.len() {
                        self.fold(indent);
                    } else {
                        let spaces = " ".repeat(run_end - index);
                        self.write(&spaces);
                    }
                    index = run_end;
                    continue;
                }
                '\n' => {
                    let run_end = chars[index..].iter().position(|&c| c != '\n').map_or(chars.len(), |at| index + at);
                    // PyYAML writes one more break than the text has, then the indent.
                    self.newline();
                    for _ in index..run_end {
                        self.newline();
                    }
                    self.pad(indent);
                    index = run_end;
                    continue;
                }
                '\'' => self.write("''"),
                c => self.write(c.encode_utf8(&mut [0; 4])),
            }
            index += 1;
        }
        self.write("'");
    }

    fn double_quoted(&mut self, text: &str) {
        let mut out = String::from("\"");
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\0' => out.push_str("\\0"),
                '\u{7}' => out.push_str("\\a"),
                '\u{8}' => out.push_str("\\b"),
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\u{b}' => out.push_str("\\v"),
                '\u{c}' => out.push_str("\\f"),
                '\r' => out.push_str("\\r"),
                '\u{1b}' => out.push_str("\\e"),
                '\u{85}' => out.push_str("\\N"),
                '\u{a0}' => out.push_str("\\_"),
                '\u{2028}' => out.push_str("\\L"),
                '\u{2029}' => out.push_str("\\P"),
                c if printable(c) => out.push(c),
                c if (c as u32) <= 0xff => {
                    let _ = write!(out, "\\x{:02X}", c as u32);
                }
                c if (c as u32) <= 0xffff => {
                    let _ = write!(out, "\\u{:04X}", c as u32);
                }
                c => {
                    let _ = write!(out, "\\U{:08X}", c as u32);
                }
            }
        }
        out.push('"');
        self.write(&out);
    }
}

fn python_float_or_int(number: &serde_json::Number) -> String {
    if number.is_i64() || number.is_u64() {
        return number.to_string();
    }
    let value = number.as_f64().unwrap_or_default();
    let text = format!("{value:?}");
    // PyYAML writes `1e+20` as `1.0e+20`.
    if !text.contains('.') && text.contains('e') {
        return text.replacen('e', ".0e", 1);
    }
    text
}

fn printable(c: char) -> bool {
    matches!(c, '\n' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
        && c != '\u{feff}'
}

/// Whether YAML 1.1 would read the text, unquoted, as something else.
fn resolves_to_other_type(text: &str) -> bool {
    static IMPLICIT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(concat!(
            r"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF",
            r"|[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?",
            r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
            r"|[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+",
            r"|<<|~|null|Null|NULL|=",
            r"|[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]",
            r"|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?",
            r")$"
        ))
        .expect("valid regex")
    });
    text.is_empty() || IMPLICIT.is_match(text)
}

struct Analysis {
    allow_plain: bool,
    allow_single_quoted: bool,
    line_breaks: bool,
}

/// PyYAML's `Emitter.analyze_scalar`, for block context.
fn analyze(text: &str) -> Analysis {
    if text.is_empty() {
        return Analysis { allow_plain: false, allow_single_quoted: true, line_breaks: false };
    }
    let chars: Vec<char> = text.chars().collect();
    let is_space = |c: char| matches!(c, '\0' | ' ' | '\t' | '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}');
    let is_break = |c: char| matches!(c, '\n' | '\u{85}' | '\u{2028}' | '\u{2029}');
    let mut block_indicators = text.starts_with("---") || text.starts_with("...");
    let (mut line_breaks, mut special) = (false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) = (false, false, false, false);
    let (mut break_space, mut space_break, mut previous_space, mut previous_break) = (false, false, false, false);
    let mut preceded_by_whitespace = true;
    let last = chars.len() - 1;
    for (index, &c) in chars.iter().enumerate() {
        let followed_by_whitespace = index + 1 >= chars.len() || is_space(chars[index + 1]);
        if index == 0 {
            if "#,[]{}&*!|>'\"%@`".contains(c) || (c == ':' || c == '-') && followed_by_whitespace {
                block_indicators = true;
            }
        } else if (c == ':' && followed_by_whitespace) || (c == '#' && preceded_by_whitespace) {
            block_indicators = true;
        }
        if is_break(c) {
            line_breaks = true;
        }
        if !(c == '\n' || ('\u{20}'..='\u{7e}').contains(&c) || printable(c)) {
            special = true;
        } else if c == '\u{85}' || c == '\u{feff}' {
            special = c == '\u{feff}' || special;
        }
        if c == ' ' {
            leading_space |= index == 0;
            trailing_space |= index == last;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            leading_break |= index == 0;
            trailing_break |= index == last;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_space(c);
    }
    let mut allow_plain = !(leading_space || leading_break || trailing_space || trailing_break);
    let mut allow_single_quoted = true;
    if break_space || space_break || special {
        allow_plain = false;
        allow_single_quoted = false;
    }
    if line_breaks || block_indicators {
        allow_plain = false;
    }
    Analysis { allow_plain, allow_single_quoted, line_breaks }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Expected output from PyYAML 6 through jinja2-ansible-filters'
    /// `to_nice_yaml`, for the same values.
    #[test]
    fn writes_what_pyyaml_writes() {
        let mut value = json!({"_commit": "v1.0", "_src_path": "/x/y", "name": "My Tool", "n": 3, "f": 1.5, "on": "yes",
            "ver": "1.0", "v2": "0.1.0", "empty": "", "none": null, "b": true, "list": ["a", "b c", 1],
            "nested": {"k": "v", "l": [1]}, "colon": "a: b", "hash": "a #b", "lead": " x", "star": "*x", "dash": "- x",
            "q": "it's", "uni": "Zoë", "date": "2024-01-01", "multi": "a\nb", "long": "word ".repeat(25)});
        let more = json!({"dashend": "x -", "num": "0777", "hex": "0x1F", "tilde": "~", "at": "@x", "pct": "%x", "bq": "`x",
            "quote": "\"x\"", "brace": "{x}", "q2": "x: ", "null": "null", "tab": "a\tb", "emptylist": [],
            "emptydict": {}, "pct2": "50%", "plus": "+1", "exp": "1e3", "inf": ".inf", "Upper": 1, "trail": "x ",
            "nl": "x\n"});
        value.as_object_mut().unwrap().extend(more.as_object().unwrap().clone());
        let expected = "Upper: 1\n_commit: v1.0\n_src_path: /x/y\nat: '@x'\nb: true\nbq: '`x'\nbrace: '{x}'\n\
colon: 'a: b'\ndash: '- x'\ndashend: x -\ndate: '2024-01-01'\nempty: ''\nemptydict: {}\nemptylist: []\nexp: 1e3\n\
f: 1.5\nhash: 'a #b'\nhex: '0x1F'\ninf: '.inf'\nlead: ' x'\nlist:\n- a\n- b c\n- 1\n\
long: 'word word word word word word word word word word word word word word word\n    word word word word word word word word word word '\n\
multi: 'a\n\n    b'\nn: 3\nname: My Tool\nnested:\n    k: v\n    l:\n    - 1\nnl: 'x\n\n    '\nnone: null\n'null': 'null'\n\
num: '0777'\n'on': 'yes'\npct: '%x'\npct2: 50%\nplus: '+1'\nq: it's\nq2: 'x: '\nquote: '\"x\"'\nstar: '*x'\n\
tab: \"a\\tb\"\ntilde: '~'\ntrail: 'x '\nuni: Zoë\nv2: 0.1.0\nver: '1.0'\n";
        let ours = dump(&value, 4);
        for (line, (a, b)) in ours.lines().zip(expected.lines()).enumerate() {
            assert_eq!(a, b, "line {}", line + 1);
        }
        assert_eq!(ours, expected);
        assert_eq!(dump(&json!(["a", {"k": 1, "j": [2, 3]}]), 4), "- a\n-   j:\n    - 2\n    - 3\n    k: 1\n");
        assert_eq!(dump(&json!("plain"), 4), "plain\n...\n");
    }
}
