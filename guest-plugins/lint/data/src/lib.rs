//! `data`: JSON, TOML and YAML files parse, and no object or mapping
//! repeats a key (where parsers silently keep the last one).

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use workbench_plugin::NoOptions;
use workbench_plugin::lint_check::{Diagnostic, Error, File, LintCheck, Rule, RuleInfo, Severity, Span};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

const SYNTAX: &Rule = &Rule {
    id: "data/syntax",
    severity: Severity::Error,
    summary: "file does not parse",
    explanation: "A JSON, TOML or YAML file with a syntax error breaks every tool that reads it. The message is the parser's.",
    fixable: false,
};
const DUPLICATE: &Rule = &Rule {
    id: "data/duplicate-key",
    severity: Severity::Error,
    summary: "key repeated in one object",
    explanation: "JSON and YAML parsers keep the last of two equal keys without a word, so the first value is silently lost. Remove or rename one. (TOML forbids duplicates; they are reported as `data/syntax`.)",
    fixable: false,
};

const QUOTED_INDENT: &Rule = &Rule {
    id: "data/quoted-scalar-indent",
    severity: Severity::Warning,
    summary: "quoted scalar continues left of where YAML allows",
    explanation: "YAML 1.2 wants every line of a multi-line quoted scalar indented past its parent, and strict parsers (yaml-rust2, saphyr, the reference parser) refuse the file. libyaml, PyYAML and go-yaml read it anyway, which is why generated Kubernetes CRDs carry it, so it is a warning, not a syntax error. Indent the continuation lines past the key, or use a block scalar (`|` or `>`). The file is still checked for duplicate keys, as libyaml reads it.",
    fixable: false,
};

struct Data;

impl LintCheck for Data {
    type Options = NoOptions;

    fn patterns() -> Vec<String> {
        ["**/*.json", "**/*.jsonc", "**/*.toml", "**/*.yaml", "**/*.yml"].map(String::from).to_vec()
    }

    fn rules() -> Vec<RuleInfo> {
        vec![SYNTAX.info(), DUPLICATE.info(), QUOTED_INDENT.info()]
    }

    fn check(files: Vec<File>, _options: &NoOptions) -> Result<Vec<Diagnostic>, Error> {
        let mut found = Vec::new();
        for file in &files {
            let Ok(text) = std::str::from_utf8(&file.contents) else {
                found.push(SYNTAX.diagnostic(
                    &file.path,
                    "not valid UTF-8".into(),
                    None,
                    "save the file as UTF-8".into(),
                    None,
                ));
                continue;
            };
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            let extension = file.path.rsplit('.').next().unwrap_or("");
            let mut mine = Vec::new();
            match extension {
                "json" if with_comments(&file.path) => json(&file.path, &without_comments(text), &mut mine),
                "jsonc" => json(&file.path, &without_comments(text), &mut mine),
                "json" => json(&file.path, text, &mut mine),
                "toml" => toml_file(&file.path, text, &mut mine),
                _ => yaml(&file.path, text, &mut mine),
            }
            // A template that does not parse is not broken data.
            if !(mine.iter().any(|diagnostic| diagnostic.rule == SYNTAX.id) && is_template(text)) {
                found.extend(mine);
            }
        }
        Ok(found)
    }
}

workbench_plugin::export_lint_check!(Data);

/// A Go, Jinja or Liquid template named `.toml`, `.yaml` or `.json` (traefik's
/// fixtures, Helm-style configs) is data only once rendered; a line with
/// `{{ ... }}` or `{% ... %}` is the sign. Only a file that does not parse
/// is taken for one: a workflow's `${{ secrets.X }}` sits in valid YAML.
fn is_template(text: &str) -> bool {
    text.lines().any(|line| {
        line.find("{{").is_some_and(|open| line[open..].contains("}}"))
            || line.find("{%").is_some_and(|open| line[open..].contains("%}"))
    })
}

/// Span of the start of 1-based `line`, 1-based `column`.
fn at(text: &str, line: usize, column: usize) -> Span {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum::<usize>();
    let line_text = text[start.min(text.len())..].lines().next().unwrap_or("");
    let offset = start + line_text.char_indices().nth(column.saturating_sub(1)).map_or(line_text.len(), |(i, _)| i);
    let offset = u32::try_from(offset).unwrap_or(u32::MAX);
    Span {
        start: offset,
        end: offset,
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(1),
    }
}

fn syntax(path: &str, message: String, span: Span) -> Diagnostic {
    SYNTAX.diagnostic(path, message, Some(span), "fix the syntax at the position shown".into(), None)
}

// --- JSON: parse with a visitor that remembers each object's keys -------

struct NoDuplicates;

impl<'de> DeserializeSeed<'de> for NoDuplicates {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NoDuplicates {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(NoDuplicates)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut keys = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !keys.insert(key.clone()) {
                // serde_json attaches the position it has reached: just
                // after this key.
                return Err(de::Error::custom(format!("duplicate key `{key}`")));
            }
            map.next_value_seed(NoDuplicates)?;
        }
        Ok(())
    }
}

/// `.json` files whose readers take comments and trailing commas (VS
/// Code's settings and launch files, wherever a `launch.json` is kept,
/// TypeScript's and dev containers' configs).
fn with_comments(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    path.contains(".vscode/")
        || path.contains(".devcontainer/")
        || name == "devcontainer.json"
        || name == "launch.json"
        || name == ".devcontainer.json"
        || name.starts_with("tsconfig")
        || name.starts_with("jsconfig")
}

/// The text with `//` and `/* */` comments and trailing commas blanked
/// (newlines kept), so positions in what is left stay those of the file.
fn without_comments(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for byte in &mut out[from..to] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
    };
    let (mut at, mut in_string) = (0, false);
    while at < bytes.len() {
        match (bytes[at], in_string) {
            (b'\\', true) => at += 1,
            (b'"', _) => in_string = !in_string,
            (b'/', false) if bytes.get(at + 1) == Some(&b'/') => {
                let end = bytes[at..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |n| at + n);
                blank(&mut out, at, end);
                at = end;
                continue;
            }
            (b'/', false) if bytes.get(at + 1) == Some(&b'*') => {
                let end = text[at + 2..].find("*/").map_or(bytes.len(), |n| at + 2 + n + 2);
                blank(&mut out, at, end);
                at = end;
                continue;
            }
            _ => {}
        }
        at += 1;
    }
    // Then the commas before a `}` or `]`, comments gone.
    let (mut at, mut in_string) = (0, false);
    while at < out.len() {
        match (out[at], in_string) {
            (b'\\', true) => at += 1,
            (b'"', _) => in_string = !in_string,
            (b',', false) => {
                let next = out[at + 1..].iter().position(|b| !b.is_ascii_whitespace()).map(|n| out[at + 1 + n]);
                if matches!(next, Some(b'}' | b']')) {
                    out[at] = b' ';
                }
            }
            _ => {}
        }
        at += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

fn json(path: &str, text: &str, found: &mut Vec<Diagnostic>) {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let result = NoDuplicates.deserialize(&mut deserializer).and_then(|()| deserializer.end());
    if let Err(error) = result {
        let message = error.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message).to_string();
        let span = at(text, error.line().max(1), error.column().max(1));
        if message.starts_with("duplicate key") {
            found.push(DUPLICATE.diagnostic(
                path,
                message,
                Some(span),
                "remove or rename one of the two keys".into(),
                None,
            ));
        } else {
            found.push(syntax(path, message, span));
        }
    }
}

// --- TOML: the parser refuses duplicates itself ----------------------------

fn toml_file(path: &str, text: &str, found: &mut Vec<Diagnostic>) {
    if let Err(error) = toml::from_str::<toml::Table>(text) {
        let start = error.span().map_or(0, |span| span.start).min(text.len());
        let line = text[..start].matches('\n').count() + 1;
        let column = text[..start].rsplit('\n').next().map_or(0, |tail| tail.chars().count()) + 1;
        found.push(syntax(path, error.message().trim().to_string(), at(text, line, column)));
    }
}

// --- YAML: events, with the keys of each open mapping ----------------------

#[derive(Default)]
struct YamlKeys {
    /// Per open collection: `Some(keys, expecting_key)` for mappings.
    stack: Vec<Option<(HashSet<String>, bool)>>,
    duplicates: Vec<(String, Marker)>,
}

impl YamlKeys {
    /// A value (scalar or collection) was completed in the parent.
    fn value_done(&mut self) {
        if let Some(Some((_, expecting_key))) = self.stack.last_mut() {
            *expecting_key = !*expecting_key;
        }
    }
}

impl MarkedEventReceiver for YamlKeys {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::MappingStart(..) => self.stack.push(Some((HashSet::new(), true))),
            Event::SequenceStart(..) => self.stack.push(None),
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                self.value_done();
            }
            Event::Scalar(value, ..) => {
                if let Some(Some((keys, true))) = self.stack.last_mut()
                    && !keys.insert(value.clone())
                {
                    self.duplicates.push((value, mark));
                }
                self.value_done();
            }
            Event::Alias(_) => self.value_done(),
            _ => {}
        }
    }
}

fn yaml(path: &str, text: &str, found: &mut Vec<Diagnostic>) {
    let mut keys = YamlKeys::default();
    if let Err(error) = Parser::new_from_str(text).load(&mut keys, true) {
        let mark = error.marker();
        let span = at(text, mark.line().max(1), mark.col() + 1);
        match lenient_yaml(text, &error) {
            Some((patched_keys, scalars)) => {
                keys = patched_keys;
                let what = if scalars == 1 {
                    "a multi-line quoted scalar continues".to_string()
                } else {
                    format!("{scalars} multi-line quoted scalars continue")
                };
                found.push(QUOTED_INDENT.diagnostic(
                    path,
                    format!("{what} less indented than YAML 1.2 allows (libyaml, PyYAML and go-yaml read it)"),
                    Some(span),
                    "indent the continuation lines past the key, or use block scalars (`|` or `>`)".into(),
                    None,
                ));
            }
            None => found.push(syntax(path, error.info().to_string(), span)),
        }
    }
    for (key, mark) in keys.duplicates {
        found.push(DUPLICATE.diagnostic(
            path,
            format!("duplicate key `{key}`"),
            Some(at(text, mark.line().max(1), mark.col() + 1)),
            "remove or rename one of the two keys".into(),
            None,
        ));
    }
}

/// libyaml's reading of a file strict YAML refuses for its quoted scalars'
/// indentation: every multi-line quoted scalar closes, and the file parses
/// once their continuation lines are indented past where they open. The
/// keys as read then, and how many scalars needed it; `None` for any other
/// error. One pass and one more parse: a generated CRD holds dozens.
fn lenient_yaml(text: &str, error: &yaml_rust2::ScanError) -> Option<(YamlKeys, usize)> {
    if !error.info().starts_with("invalid indentation in quoted scalar") {
        return None;
    }
    let (patched, scalars) = indent_quoted_scalars(text);
    let mut keys = YamlKeys::default();
    (scalars > 0 && Parser::new_from_str(&patched).load(&mut keys, true).is_ok()).then_some((keys, scalars))
}

/// `text` with each multi-line quoted scalar's continuation lines indented
/// past the column its quote opens at, and how many had a line that was
/// not. Leading spaces of a continuation line are folded away, so values
/// and every other line's position stay as they were.
fn indent_quoted_scalars(text: &str) -> (String, usize) {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut pads = vec![0; lines.len()];
    let mut scalars = 0;
    let mut index = 0;
    while index < lines.len() {
        let Some((at, quote)) = opening_quote(lines[index]) else {
            index += 1;
            continue;
        };
        let Some(closing) = closing_line(&lines, index, at + 1, quote) else { break };
        let column = lines[index][..at].chars().count();
        let indent = |line: &str| line.len() - line.trim_start_matches(' ').len();
        if lines[index + 1..=closing].iter().any(|line| indent(line) <= column) {
            scalars += 1;
            pads[index + 1..=closing].fill(column + 1);
        }
        index = closing + 1;
    }
    let mut patched = String::with_capacity(text.len() + pads.iter().sum::<usize>());
    for (line, pad) in lines.iter().zip(pads) {
        patched.extend(std::iter::repeat_n(' ', pad));
        patched.push_str(line);
    }
    (patched, scalars)
}

/// Where a quoted scalar opens on a line (`key: 'value`, `- "value`), as a
/// byte offset, and its quote.
fn opening_quote(line: &str) -> Option<(usize, char)> {
    let body = line.trim_end();
    let mut at = body.len() - body.trim_start().len();
    while let Some(item) = body[at..].strip_prefix("- ") {
        at = body.len() - item.trim_start().len();
    }
    let rest = &body[at..];
    let offset = match rest.find(": ") {
        _ if rest.starts_with(['\'', '"']) => 0,
        Some(colon) if !rest[..colon].contains(['\'', '"', '#']) => {
            let value = &rest[colon + 1..];
            colon + 1 + (value.len() - value.trim_start().len())
        }
        _ => return None,
    };
    let quote = rest[offset..].chars().next().filter(|c| matches!(c, '\'' | '"'))?;
    Some((at + offset, quote))
}

/// The index of the line where the quoted scalar opened on line `index`
/// (its text starting at byte `from`) closes, or `None` if it never does.
fn closing_line(lines: &[&str], index: usize, from: usize, quote: char) -> Option<usize> {
    let mut escaped = false;
    for (number, line) in lines.iter().enumerate().skip(index) {
        let mut chars = line[if number == index { from } else { 0 }..].chars().peekable();
        while let Some(c) = chars.next() {
            if escaped {
                escaped = false;
            } else if c == '\\' && quote == '"' {
                escaped = true;
            } else if c == '\'' && quote == '\'' && chars.peek() == Some(&'\'') {
                chars.next();
            } else if c == quote {
                return Some(number);
            }
        }
    }
    None
}
