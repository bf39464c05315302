//! `shortcodes`: Hugo's shortcodes in Markdown, rendered from templates in
//! `shortcodes/` before the `markdown` step, as Hugo and Zola offer them.
//!
//! - `{{< name key="value" n=3 >}}` renders `shortcodes/name.html` with
//!   `key` and `n` as variables; positional values (`{{< tweet "42" >}}`)
//!   are in `args`.
//! - `{{< name >}}inner{{< /name >}}` gives the template `body` (with any
//!   shortcodes in it already rendered); `{{< name />}}` never takes one.
//! - The output of `{{< >}}` is HTML: blank lines are dropped from it so
//!   Markdown keeps it as one HTML block. `{{% %}}`, or a template ending
//!   in `.md`, gives Markdown, which the next step renders.
//! - `{{</* name */>}}` writes the call itself, for documentation.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use site_kit::Globs;
use site_kit::templates::{TemplateValue, Templates, context};
use workbench_plugin::serde_json::Value;
use workbench_plugin::site_step::{Error, Site, SiteStep, StepInfo, parse_metadata};

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct Settings {
    /// The pages whose shortcodes to render.
    pattern: Globs,
    /// The folder of shortcode templates, relative to the project root.
    directory: String,
    /// An undefined variable in a shortcode template is an error.
    strict: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { pattern: Globs::of(&["**/*.md", "**/*.markdown"]), directory: "shortcodes".into(), strict: false }
    }
}

/// Template extensions tried in order for `{{< name >}}`.
const EXTENSIONS: [&str; 4] = [".html", ".md", ".njk", ".jinja"];

struct Shortcodes;

impl SiteStep for Shortcodes {
    type Options = Settings;

    fn describe(settings: &Settings) -> Result<StepInfo, Error> {
        Ok(StepInfo {
            per_file: true,
            patterns: Some(settings.pattern.to_vec()),
            reads: vec![format!("{}/**", settings.directory.trim_end_matches('/'))],
            copies: Vec::new(),
        })
    }

    fn run(mut site: Site, settings: &Settings) -> Result<Site, Error> {
        let templates = Templates::new(std::mem::take(&mut site.reads), &settings.directory, settings.strict)?;
        let site_metadata = parse_metadata(&site.metadata, "site")?;
        for file in &mut site.files {
            let text = std::str::from_utf8(&file.contents)
                .map_err(|_| Error::InvalidInput(format!("{}: a page must be UTF-8 text", file.path)))?;
            if !text.contains("{{<") && !text.contains("{{%") {
                continue;
            }
            let metadata = site_kit::metadata(file)?;
            let page = Page {
                path: &file.path,
                text,
                context: context(&site_metadata, &metadata, &file.path, ""),
                templates: &templates,
                directory: &settings.directory,
            };
            file.contents = page.expand(0, text.len())?.into_bytes();
        }
        Ok(site)
    }
}

/// One page being expanded.
struct Page<'a> {
    path: &'a str,
    text: &'a str,
    context: TemplateValue,
    templates: &'a Templates,
    directory: &'a str,
}

/// A `{{< ... >}}` or `{{% ... %}}` tag as written.
#[derive(Debug, PartialEq)]
struct Tag {
    start: usize,
    end: usize,
    kind: TagKind,
    /// `%` delimiters: the output is Markdown.
    markdown: bool,
}

#[derive(Debug, PartialEq)]
enum TagKind {
    /// `{{</* text */>}}`: written out as the call it shows.
    Escaped(String),
    Open {
        name: String,
        args: Vec<(Option<String>, Value)>,
        self_closing: bool,
    },
    Close {
        name: String,
    },
}

impl Page<'_> {
    /// The text in `start..end` with every shortcode in it rendered.
    fn expand(&self, start: usize, end: usize) -> Result<String, Error> {
        let mut out = String::with_capacity(end - start);
        let mut at = start;
        while let Some(tag) = self.next_tag(at, end)? {
            out.push_str(&self.text[at..tag.start]);
            at = tag.end;
            match tag.kind {
                TagKind::Escaped(call) => {
                    let (open, close) = if tag.markdown { ('%', '%') } else { ('<', '>') };
                    out.push_str("{{");
                    out.push(open);
                    out.push_str(&call);
                    out.push(close);
                    out.push_str("}}");
                }
                TagKind::Close { name } => {
                    return Err(self
                        .error(tag.start, &format!("`{{{{< /{name} >}}}}` closes a shortcode that was never opened")));
                }
                TagKind::Open { name, args, self_closing } => {
                    let mut body = None;
                    if !self_closing && let Some((inner_end, close_end)) = self.find_close(&name, at, end)? {
                        body = Some(self.expand(at, inner_end)?);
                        at = close_end;
                    }
                    out.push_str(&self.render(tag.start, &name, args, body, tag.markdown)?);
                }
            }
        }
        out.push_str(&self.text[at..end]);
        Ok(out)
    }

    /// Where the `{{< /name >}}` matching an opening at `from` starts and
    /// ends, counting nested openings of the same name.
    fn find_close(&self, name: &str, from: usize, end: usize) -> Result<Option<(usize, usize)>, Error> {
        let mut depth = 0usize;
        let mut at = from;
        while let Some(tag) = self.next_tag(at, end)? {
            at = tag.end;
            match tag.kind {
                TagKind::Open { name: other, self_closing: false, .. } if other == name => depth += 1,
                TagKind::Close { name: other } if other == name => {
                    if depth == 0 {
                        return Ok(Some((tag.start, tag.end)));
                    }
                    depth -= 1;
                }
                _ => {}
            }
        }
        Ok(None)
    }

    fn next_tag(&self, from: usize, end: usize) -> Result<Option<Tag>, Error> {
        let region = &self.text[from..end];
        let Some(offset) = region
            .match_indices("{{")
            .find_map(|(at, _)| matches!(region.as_bytes().get(at + 2), Some(b'<' | b'%')).then_some(at))
        else {
            return Ok(None);
        };
        let start = from + offset;
        parse_tag(&self.text[..end], start).map(Some).map_err(|message| self.error(start, &message))
    }

    fn render(
        &self,
        at: usize,
        name: &str,
        args: Vec<(Option<String>, Value)>,
        body: Option<String>,
        markdown: bool,
    ) -> Result<String, Error> {
        let Some(extension) = EXTENSIONS.iter().find(|extension| self.templates.has(&format!("{name}{extension}")))
        else {
            let known: Vec<&str> = self
                .templates
                .names()
                .into_iter()
                .filter(|t| EXTENSIONS.iter().any(|extension| t.ends_with(extension)))
                .collect();
            let known =
                if known.is_empty() { "it is empty".to_string() } else { format!("it has {}", known.join(", ")) };
            return Err(self.error(at, &format!("shortcode `{name}` is not in {}/ ({known})", self.directory)));
        };
        let mut variables: BTreeMap<String, TemplateValue> = BTreeMap::new();
        let mut positional = Vec::new();
        for (key, value) in args {
            match key {
                Some(key) => {
                    variables.insert(key, TemplateValue::from_serialize(&value));
                }
                None => positional.push(value),
            }
        }
        for shared in ["site", "page"] {
            if let Ok(value) = self.context.get_attr(shared) {
                variables.insert(shared.into(), value);
            }
        }
        variables.insert("args".into(), TemplateValue::from_serialize(&positional));
        variables.insert("body".into(), body.map_or(TemplateValue::from(()), TemplateValue::from_safe_string));
        variables.insert("name".into(), TemplateValue::from(name));
        let template = format!("{name}{extension}");
        let label = format!("{}:{}: shortcode `{name}`", self.path, self.line(at));
        let output = self.templates.render(&template, &TemplateValue::from_serialize(&variables), &label)?;
        if markdown || *extension == ".md" {
            return Ok(output);
        }
        Ok(output.lines().filter(|line| !line.trim().is_empty()).collect::<Vec<_>>().join("\n"))
    }

    fn line(&self, at: usize) -> usize {
        self.text[..at].matches('\n').count() + 1
    }

    fn error(&self, at: usize, message: &str) -> Error {
        Error::InvalidInput(format!("{}:{}: {message}", self.path, self.line(at)))
    }
}

/// The tag starting at `start` (which holds `{{<` or `{{%`).
fn parse_tag(text: &str, start: usize) -> Result<Tag, String> {
    let delimiter = text.as_bytes()[start + 2];
    let markdown = delimiter == b'%';
    let closer = if markdown { "%}}" } else { ">}}" };
    let open = if markdown { "{{%" } else { "{{<" };
    let mut cursor = Cursor { text, at: start + 3 };
    cursor.skip_space();
    if cursor.rest().starts_with("/*") {
        let inner_start = cursor.at + 2;
        let Some(inner_len) = text[inner_start..].find("*/") else {
            return Err(format!("`{open}/*` has no `*/`; an escaped shortcode is written `{open}/* name */{closer}`"));
        };
        cursor.at = inner_start + inner_len + 2;
        cursor.skip_space();
        if !cursor.rest().starts_with(closer) {
            return Err(format!("an escaped shortcode must end with `*/{closer}`"));
        }
        let call = text[inner_start..inner_start + inner_len].to_string();
        return Ok(Tag { start, end: cursor.at + 3, kind: TagKind::Escaped(call), markdown });
    }
    let closing = cursor.eat("/");
    cursor.skip_space();
    let name = cursor.word();
    if name.is_empty() {
        return Err(format!(
            "`{open}` must be followed by a shortcode name, as in `{open} youtube id=\"...\" {closer}`"
        ));
    }
    let mut args = Vec::new();
    loop {
        cursor.skip_space();
        if cursor.eat(closer) {
            let kind =
                if closing { TagKind::Close { name } } else { TagKind::Open { name, args, self_closing: false } };
            return Ok(Tag { start, end: cursor.at, kind, markdown });
        }
        if !closing && cursor.rest().starts_with('/') && cursor.rest()[1..].starts_with(closer) {
            cursor.at += 1 + closer.len();
            return Ok(Tag { start, end: cursor.at, kind: TagKind::Open { name, args, self_closing: true }, markdown });
        }
        if cursor.rest().is_empty() || cursor.rest().starts_with("{{") {
            return Err(format!("shortcode `{name}` is not closed with `{closer}`"));
        }
        if closing {
            return Err(format!("`{open} /{name} {closer}` takes no arguments"));
        }
        let (first, quoted) = cursor.value().map_err(|message| format!("shortcode `{name}`: {message}"))?;
        if !quoted && cursor.eat("=") {
            let (value, quoted) = cursor.value().map_err(|message| format!("shortcode `{name}`: {message}"))?;
            args.push((Some(first), typed(value, quoted)));
        } else {
            args.push((None, typed(first, quoted)));
        }
    }
}

/// A bare `true`, `false` or number is typed; anything quoted is text.
fn typed(value: String, quoted: bool) -> Value {
    if quoted {
        return Value::String(value);
    }
    match value.as_str() {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => value
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| value.parse::<f64>().map(Value::from))
            .unwrap_or(Value::String(value)),
    }
}

struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.at..]
    }

    fn skip_space(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, token: &str) -> bool {
        let found = self.rest().starts_with(token);
        if found {
            self.at += token.len();
        }
        found
    }

    /// A name: letters, digits, `_`, `-`, `.` and `/` (for nested folders).
    fn word(&mut self) -> String {
        let rest = self.rest();
        let len =
            rest.find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))).unwrap_or(rest.len());
        let len = if rest[..len].ends_with('/') { len - 1 } else { len };
        self.at += len;
        rest[..len].to_string()
    }

    /// A value: `"text"` (with `\"` and `\\`), `` `raw text` ``, or a bare
    /// word up to a space, `=` or the end of the tag. Whether it was quoted.
    fn value(&mut self) -> Result<(String, bool), String> {
        let rest = self.rest();
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            while let Some((at, c)) = chars.next() {
                match c {
                    '"' => {
                        self.at += 1 + at + 1;
                        return Ok((value, true));
                    }
                    '\\' => match chars.next() {
                        Some((_, next)) => value.push(next),
                        None => break,
                    },
                    c => value.push(c),
                }
            }
            return Err("a quoted value has no closing `\"`".into());
        }
        if let Some(raw) = rest.strip_prefix('`') {
            let Some(len) = raw.find('`') else { return Err("a raw value has no closing backquote".into()) };
            self.at += len + 2;
            return Ok((raw[..len].to_string(), true));
        }
        let len = rest.find(|c: char| c.is_whitespace() || c == '=').unwrap_or(rest.len());
        let len =
            [">}}", "%}}", "/>}}", "/%}}"].iter().filter_map(|closer| rest[..len].find(closer)).min().unwrap_or(len);
        if len == 0 {
            return Err(format!("unexpected `{}`", rest.chars().next().unwrap_or(' ')));
        }
        self.at += len;
        Ok((rest[..len].to_string(), false))
    }
}

workbench_plugin::export_site_step!(Shortcodes);

#[cfg(test)]
mod tests {
    use super::*;
    use workbench_plugin::serde_json::Map;
    use workbench_plugin::site_step::ProjectFile;

    fn expand(text: &str, templates: &[(&str, &str)]) -> Result<String, Error> {
        let reads = templates
            .iter()
            .map(|(name, source)| ProjectFile {
                path: format!("shortcodes/{name}"),
                contents: source.as_bytes().to_vec(),
            })
            .collect();
        let templates = Templates::new(reads, "shortcodes", false)?;
        let page = Page {
            path: "a.md",
            text,
            context: context(&Map::new(), &Map::new(), "a.md", ""),
            templates: &templates,
            directory: "shortcodes",
        };
        page.expand(0, text.len())
    }

    fn message(error: Error) -> String {
        match error {
            Error::InvalidInput(message) | Error::InvalidOptions(message) | Error::Other(message) => message,
        }
    }

    #[test]
    fn named_and_positional_arguments_are_typed_unless_quoted() {
        let out = expand(
            r#"x {{< t id="a \"b\"" n=3 on=true `raw "x"` 7 >}} y"#,
            &[("t.html", "{{ id }}|{{ n + 1 }}|{% if on %}on{% endif %}|{{ args[0] }}|{{ args[1] + 1 }}")],
        )
        .unwrap();
        assert_eq!(out, "x a &quot;b&quot;|4|on|raw &quot;x&quot;|8 y");
    }

    #[test]
    fn paired_shortcodes_nest_and_render_inner_ones_first() {
        let out = expand(
            "{{< box >}}a {{< box >}}b {{< em x />}}{{< /box >}}{{< /box >}}",
            &[("box.html", "[{{ body }}]"), ("em.html", "*{{ args[0] }}*")],
        )
        .unwrap();
        assert_eq!(out, "[a [b *x*]]");
    }

    #[test]
    fn html_output_loses_blank_lines_and_markdown_output_keeps_them() {
        let templates =
            [("fig.html", "<figure>\n\n  <img src=\"{{ src }}\">\n\n</figure>\n"), ("note.md", "> {{ body }}\n\n")];
        assert_eq!(
            expand("{{< fig src=\"a.png\" >}}", &templates).unwrap(),
            "<figure>\n  <img src=\"a.png\">\n</figure>"
        );
        assert_eq!(expand("{{% note %}}hi{{% /note %}}", &templates).unwrap(), "> hi\n\n");
    }

    #[test]
    fn an_escaped_call_is_written_as_the_call() {
        assert_eq!(expand("{{</* youtube id=\"x\" */>}}", &[]).unwrap(), "{{< youtube id=\"x\" >}}");
    }

    #[test]
    fn an_unknown_shortcode_names_the_line_and_those_there_are() {
        let error = message(expand("one\n\n{{< yotube id=1 >}}", &[("youtube.html", "")]).unwrap_err());
        assert_eq!(error, "a.md:3: shortcode `yotube` is not in shortcodes/ (it has youtube.html)");
    }

    #[test]
    fn malformed_tags_are_errors_with_a_line() {
        let templates = [("t.html", "")];
        assert!(
            message(expand("{{< t id=\"x >}}", &templates).unwrap_err())
                .contains("a.md:1: shortcode `t`: a quoted value")
        );
        assert!(
            message(expand("\n{{< t id=1\n\ntext", &templates).unwrap_err())
                .starts_with("a.md:2: shortcode `t` is not closed")
        );
        assert!(message(expand("{{< /t >}}", &templates).unwrap_err()).contains("never opened"));
    }

    #[test]
    fn braces_that_are_not_shortcodes_are_left_alone() {
        assert_eq!(expand("{{ jinja }} and {{- x -}}", &[]).unwrap(), "{{ jinja }} and {{- x -}}");
    }
}
