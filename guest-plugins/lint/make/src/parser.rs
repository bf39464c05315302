//! A tolerant parser for GNU Makefiles.
//!
//! It reads a Makefile the way make's own reader splits it: physical lines
//! joined at backslash continuations into logical lines, `define` bodies
//! taken whole, recipe lines recognised by their tab (or `.RECIPEPREFIX`)
//! after a rule, conditionals and comments allowed among them. What it
//! cannot classify becomes [`Item::Unknown`] and the rules skip it: a
//! construct we do not understand is never a crash and never a false error.

/// Assignment operators, longest first so `::=` is not read as `:`.
const ASSIGN_OPS: [&str; 7] = [":::=", "::=", ":=", "?=", "+=", "!=", "="];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number of the first physical line.
    pub number: u32,
    /// Byte offset of the first physical line in the file.
    pub offset: usize,
    /// The logical line with continuations joined by a space.
    pub text: String,
    /// The first physical line as written (without its newline).
    pub first: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub name: String,
    pub op: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub targets: Vec<String>,
    pub double_colon: bool,
    pub prerequisites: Vec<String>,
    pub order_only: Vec<String>,
    pub recipe: Vec<RecipeLine>,
    /// A `target: VAR = value` line: a target-specific variable, no rule.
    pub target_variable: Option<Assignment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipeLine {
    pub line: Line,
    /// The command without its recipe prefix (tab).
    pub command: String,
    /// True when written on the rule line after `;`.
    pub inline: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Comment(Line),
    Assignment(Line, Assignment),
    Rule(Line, Rule),
    /// `include`, `ifeq`, `export`, `vpath`...: the directive and its line.
    Directive(Line, String),
    /// A `define` block: the variable, and the `endef` was found.
    Define(Line, String),
    /// A line indented with spaces where a recipe line would be.
    SpaceIndentedRecipe(Line),
    /// A top-level function call such as `$(error ...)` or `$(eval ...)`.
    Expression(Line),
    Unknown(Line),
}

#[derive(Debug, Default)]
pub struct Makefile {
    pub items: Vec<Item>,
    /// [`Makefile::values`], gathered once.
    values: std::cell::OnceCell<Values>,
    /// Every rule's targets, as written and expanded, gathered once.
    targets: std::cell::OnceCell<std::collections::HashSet<String>>,
    pub crlf_lines: Vec<(u32, usize)>,
    pub lf_lines: usize,
    pub recipe_prefix: char,
}

/// Variables and their values, to expand `$(NAME)` and `${NAME}`.
#[derive(Debug, Default)]
pub struct Values(std::collections::HashMap<String, String>);

impl Values {
    /// `text` with references to known variables replaced, nested ones too;
    /// functions and unknown names are left as written.
    pub fn expand(&self, text: &str) -> String {
        self.expand_at(text, 0)
    }

    fn expand_at(&self, text: &str, depth: usize) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find('$') {
            out.push_str(&rest[..at]);
            let after = &rest[at + 1..];
            let close = match after.chars().next() {
                Some('(') => ')',
                Some('{') => '}',
                Some('$') => {
                    out.push_str("$$");
                    rest = &after[1..];
                    continue;
                }
                _ => {
                    out.push('$');
                    rest = after;
                    continue;
                }
            };
            let Some(end) = after.find(close) else {
                out.push_str(&rest[at..]);
                return out;
            };
            let name = &after[1..end];
            match self.0.get(name) {
                Some(value) if depth < 8 && !name.contains([' ', ',', ':', '$', '(']) => {
                    out.push_str(&self.expand_at(value, depth + 1));
                }
                _ => out.push_str(&rest[at..=at + 1 + end]),
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    }
}

impl Makefile {
    pub fn rules(&self) -> impl Iterator<Item = (&Line, &Rule)> {
        self.items.iter().filter_map(|item| match item {
            Item::Rule(line, rule) if rule.target_variable.is_none() => Some((line, rule)),
            _ => None,
        })
    }

    pub fn assignments(&self) -> impl Iterator<Item = (&Line, &Assignment)> {
        self.items.iter().filter_map(|item| match item {
            Item::Assignment(line, assignment) => Some((line, assignment)),
            _ => None,
        })
    }

    /// Every name listed in a `.PHONY` rule, the file's own variables
    /// expanded (`.PHONY: $(SUBDIRS)`).
    pub fn phony(&self) -> Vec<String> {
        let values = self.values();
        self.rules()
            .filter(|(_, rule)| rule.targets.iter().any(|t| t == ".PHONY"))
            .flat_map(|(_, rule)| rule.prerequisites.iter())
            .flat_map(|name| values.expand(name).split_whitespace().map(str::to_string).collect::<Vec<_>>())
            .collect()
    }

    /// The rules whose targets include `name` (several for `::` rules or
    /// rules split over lines).
    pub fn rules_for<'a>(&'a self, name: &'a str) -> impl Iterator<Item = (&'a Line, &'a Rule)> + 'a {
        self.rules().filter(move |(_, rule)| rule.targets.iter().any(|t| t == name))
    }

    /// Whether a rule defines `name`, as written or once the file's own
    /// variables are expanded (`$(BINARY):`).
    pub fn has_rule(&self, name: &str) -> bool {
        self.targets
            .get_or_init(|| {
                let values = self.values();
                let mut targets = std::collections::HashSet::new();
                for target in self.rules().flat_map(|(_, rule)| &rule.targets) {
                    if target.contains('$') {
                        targets.extend(values.expand(target).split_whitespace().map(str::to_string));
                    }
                    targets.insert(target.clone());
                }
                targets
            })
            .contains(name)
    }

    /// The value each variable has when no conditional holds: its
    /// assignments outside `ifeq`/`ifdef` blocks, in order. A variable set
    /// only inside one, or by `!=`, has no value here.
    pub fn values(&self) -> &Values {
        self.values.get_or_init(|| self.gather_values())
    }

    fn gather_values(&self) -> Values {
        let mut depth = 0usize;
        let mut values = std::collections::HashMap::new();
        for item in &self.items {
            match item {
                Item::Directive(_, directive) if directive.starts_with("if") => depth += 1,
                Item::Directive(_, directive) if directive == "endif" => depth = depth.saturating_sub(1),
                Item::Assignment(_, assignment) if depth == 0 => {
                    let value = assignment.value.trim().to_string();
                    match assignment.op.as_str() {
                        "!=" => {
                            values.remove(&assignment.name);
                        }
                        "?=" => {
                            values.entry(assignment.name.clone()).or_insert(value);
                        }
                        "+=" => {
                            let entry = values.entry(assignment.name.clone()).or_default();
                            if !entry.is_empty() && !value.is_empty() {
                                entry.push(' ');
                            }
                            entry.push_str(&value);
                        }
                        _ => {
                            values.insert(assignment.name.clone(), value);
                        }
                    }
                }
                _ => {}
            }
        }
        Values(values)
    }

    /// Every value each variable is given anywhere in the file, conditionals included.
    pub fn assigned(&self) -> std::collections::HashMap<&str, Vec<&str>> {
        let mut all: std::collections::HashMap<&str, Vec<&str>> = std::collections::HashMap::new();
        for (_, assignment) in self.assignments() {
            all.entry(assignment.name.as_str()).or_default().push(assignment.value.trim());
        }
        all
    }

    /// The default goal as make picks it: the last `.DEFAULT_GOAL`
    /// assignment, else the first target that is not special (`.X`) or a
    /// pattern (`%`).
    pub fn default_goal(&self) -> Option<(String, &Line)> {
        if let Some((line, assignment)) = self.assignments().filter(|(_, a)| a.name == ".DEFAULT_GOAL").last() {
            return Some((assignment.value.trim().to_string(), line));
        }
        let values = self.values();
        self.rules().find_map(|(line, rule)| {
            // `bin/gh$(EXE):` is the goal `bin/gh` when EXE is empty; a
            // name that stays unknown is passed over, as before.
            rule.targets
                .iter()
                .flat_map(|target| values.expand(target).split_whitespace().map(str::to_string).collect::<Vec<_>>())
                .find(|target| !target.starts_with('.') && !target.contains('%') && !target.contains('$'))
                .map(|target| (target, line))
        })
    }
}

fn logical_lines(text: &str) -> (Vec<Line>, Vec<(u32, usize)>, usize) {
    let mut lines = Vec::new();
    let mut crlf = Vec::new();
    let mut lf = 0;
    let mut pending: Option<Line> = None;
    let mut offset = 0;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let mut physical = raw.strip_suffix('\n').unwrap_or(raw);
        if raw.ends_with('\n') {
            if let Some(stripped) = physical.strip_suffix('\r') {
                crlf.push((number, offset + stripped.len()));
                physical = stripped;
            } else {
                lf += 1;
            }
        }
        let continued = ends_with_continuation(physical);
        let body = if continued { &physical[..physical.len() - 1] } else { physical };
        match pending.as_mut() {
            Some(line) => {
                if !line.text.is_empty() {
                    line.text.push(' ');
                }
                line.text.push_str(body.trim_start());
            }
            None => {
                pending = Some(Line { number, offset, text: body.to_string(), first: physical.to_string() });
            }
        }
        if !continued {
            lines.extend(pending.take());
        }
        offset += raw.len();
    }
    lines.extend(pending);
    (lines, crlf, lf)
}

/// An odd number of trailing backslashes continues the line.
fn ends_with_continuation(line: &str) -> bool {
    line.bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
}

/// Strips a `#` comment that is not escaped and not inside `$(...)`.
fn strip_comment(text: &str) -> &str {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'\\' => index += 1,
            b'$' if matches!(bytes.get(index + 1), Some(b'(' | b'{')) => {
                depth += 1;
                index += 1;
            }
            b')' | b'}' if depth > 0 => depth -= 1,
            b'#' if depth == 0 => return &text[..index],
            _ => {}
        }
        index += 1;
    }
    text
}

/// The first top-level `:`-rule separator or assignment operator.
enum Split<'a> {
    Assign(Assignment),
    Rule { targets: &'a str, rest: &'a str, double_colon: bool },
    Neither,
}

fn split(text: &str) -> Split<'_> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'$' if matches!(bytes.get(index + 1), Some(b'(' | b'{')) => {
                depth += 1;
                index += 1;
            }
            b')' | b'}' if depth > 0 => depth -= 1,
            b':' | b'=' | b'?' | b'+' | b'!' if depth == 0 => {
                let rest = &text[index..];
                if let Some(op) = ASSIGN_OPS.iter().find(|op| rest.starts_with(*op)) {
                    let name = text[..index].trim();
                    if !name.is_empty() && !name.contains(char::is_whitespace) || is_modified_assignment(name) {
                        let name = name.split_whitespace().last().unwrap_or(name).to_string();
                        return Split::Assign(Assignment {
                            name,
                            op: (*op).to_string(),
                            value: rest[op.len()..].trim().to_string(),
                        });
                    }
                }
                if bytes[index] == b':' {
                    // `C:\path` on Windows-style targets is not a rule separator.
                    let double_colon = bytes.get(index + 1) == Some(&b':');
                    let after = if double_colon { index + 2 } else { index + 1 };
                    return Split::Rule { targets: &text[..index], rest: &text[after..], double_colon };
                }
            }
            _ => {}
        }
        index += 1;
    }
    Split::Neither
}

/// `export X = 1`, `override X := 2`, `private X = 3`.
fn is_modified_assignment(name: &str) -> bool {
    let mut words = name.split_whitespace();
    let first = words.next();
    let rest: Vec<&str> = words.collect();
    matches!(first, Some("export" | "override" | "private" | "unexport")) && rest.len() == 1
}

const DIRECTIVES: [&str; 16] = [
    "include", "-include", "sinclude", "ifeq", "ifneq", "ifdef", "ifndef", "else", "endif", "export", "unexport",
    "override", "vpath", "undefine", "private", "load",
];

fn directive(text: &str) -> Option<&str> {
    let word = text.split_whitespace().next()?;
    let word = word.split('(').next().unwrap_or(word);
    DIRECTIVES.iter().copied().find(|directive| *directive == word)
}

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

/// A rule line: `targets: prerequisites | order-only ; command`, or a
/// target-specific variable (`target: VAR = value`).
fn rule(line: &Line, targets: &str, rest: &str, double_colon: bool) -> Rule {
    let (rest, inline) = match rest.split_once(';') {
        Some((prerequisites, command)) => (prerequisites, Some(command.trim().to_string())),
        None => (rest, None),
    };
    let target_variable = match split(rest.trim()) {
        Split::Assign(assignment) => Some(assignment),
        _ => None,
    };
    let (normal, order_only) = match rest.split_once('|') {
        Some((normal, order)) if target_variable.is_none() => (normal, words(order)),
        _ => (rest, Vec::new()),
    };
    let mut rule = Rule {
        targets: words(targets),
        double_colon,
        prerequisites: if target_variable.is_some() { Vec::new() } else { words(normal) },
        order_only,
        recipe: Vec::new(),
        target_variable,
    };
    if let Some(command) = inline.filter(|c| !c.is_empty()) {
        rule.recipe.push(RecipeLine { line: line.clone(), command, inline: true });
    }
    rule
}

pub fn parse(text: &str) -> Makefile {
    let (lines, crlf_lines, lf_lines) = logical_lines(text);
    let mut makefile = Makefile { crlf_lines, lf_lines, recipe_prefix: '\t', ..Makefile::default() };
    let mut in_recipe = false;
    let mut lines = lines.into_iter();
    while let Some(line) = lines.next() {
        let prefix = makefile.recipe_prefix;
        // Recipe lines: the prefix after a rule, even past blank lines,
        // comments and conditionals (make keeps the recipe context there).
        // A prefixed line outside a recipe is an ordinary line to make (or
        // an error); it is read as one below.
        if line.text.starts_with(prefix) && in_recipe {
            let command = line.text[prefix.len_utf8()..].to_string();
            if let Some(Item::Rule(_, rule)) = makefile
                .items
                .iter_mut()
                .rev()
                .find(|item| matches!(item, Item::Rule(_, r) if r.target_variable.is_none()))
            {
                rule.recipe.push(RecipeLine { line, command, inline: false });
            }
            continue;
        }
        let trimmed = line.text.trim_start();
        if trimmed.is_empty() {
            continue;
        }
        if trimmed.starts_with('#') {
            makefile.items.push(Item::Comment(line));
            continue;
        }
        let code = strip_comment(trimmed).trim_end();
        if code.is_empty() {
            makefile.items.push(Item::Comment(line));
            continue;
        }
        if code.starts_with("define") && code[6..].chars().next().is_none_or(char::is_whitespace) {
            let name = code[6..].trim().trim_end_matches(['=', ':', '?', '+', '!', ' ']).to_string();
            for body in lines.by_ref() {
                if body.text.trim_start().starts_with("endef") {
                    break;
                }
            }
            makefile.items.push(Item::Define(line, name));
            in_recipe = false;
            continue;
        }
        if let Some(directive) = directive(code).map(str::to_string) {
            let is_conditional = matches!(directive.as_str(), "ifeq" | "ifneq" | "ifdef" | "ifndef" | "else" | "endif");
            // `export X = 1` and friends are assignments.
            if let (false, Split::Assign(assignment)) = (is_conditional, split(code)) {
                in_recipe = false;
                makefile.items.push(Item::Assignment(line, assignment));
                continue;
            }
            makefile.items.push(Item::Directive(line, directive));
            if !is_conditional {
                in_recipe = false;
            }
            continue;
        }
        if (code.starts_with("$(") || code.starts_with("${")) && matches!(split(code), Split::Neither) {
            makefile.items.push(Item::Expression(line));
            continue;
        }
        let space_indented = line.first.starts_with(' ') && in_recipe;
        match split(code) {
            Split::Assign(assignment) if !space_indented || !looks_like_command(code) => {
                if assignment.name == ".RECIPEPREFIX" {
                    makefile.recipe_prefix = assignment.value.chars().next().unwrap_or('\t');
                }
                in_recipe = false;
                makefile.items.push(Item::Assignment(line, assignment));
            }
            Split::Rule { targets, rest, double_colon } if !space_indented => {
                let rule = rule(&line, targets, rest, double_colon);
                in_recipe = rule.target_variable.is_none();
                makefile.items.push(Item::Rule(line, rule));
            }
            _ if space_indented => makefile.items.push(Item::SpaceIndentedRecipe(line)),
            _ => {
                // make itself stops at such a line (`missing separator`);
                // whatever follows is not this rule's recipe.
                in_recipe = false;
                makefile.items.push(Item::Unknown(line));
            }
        }
    }
    makefile
}

/// A space-indented line in recipe position that is not plainly a
/// variable assignment (`    FOO = bar` stays an assignment).
fn looks_like_command(code: &str) -> bool {
    let first = code.split_whitespace().next().unwrap_or_default();
    !first.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule_targets(makefile: &Makefile) -> Vec<String> {
        makefile.rules().flat_map(|(_, rule)| rule.targets.clone()).collect()
    }

    #[test]
    fn assignments_without_spaces() {
        let makefile = parse("VAR:=x\nB?=y\nC+=z\nD!=echo\nE::=f\n");
        let ops: Vec<_> = makefile.assignments().map(|(_, a)| (a.name.clone(), a.op.clone())).collect();
        assert_eq!(
            ops,
            [("VAR", ":="), ("B", "?="), ("C", "+="), ("D", "!="), ("E", "::=")]
                .map(|(n, o)| (n.to_string(), o.to_string()))
        );
    }

    #[test]
    fn phony_with_continuations_and_repeats() {
        let makefile = parse(".PHONY : build \\\n\ttest \\\n  lint\n.PHONY: clean\nbuild:\n\t@true\n");
        assert_eq!(makefile.phony(), ["build", "test", "lint", "clean"]);
    }

    #[test]
    fn values_expand_the_files_own_variables_outside_conditionals() {
        let makefile = parse("A = x\nB = $(A)-y\nifdef WIN\nEXE = .exe\nendif\nC ?= c\nC ?= d\nD = 1\nD += 2\n");
        let values = makefile.values();
        assert_eq!(values.expand("$(B)/${C} $(D)"), "x-y/c 1 2");
        assert_eq!(values.expand("bin$(EXE) $(filter a,$(A)) $$HOME"), "bin$(EXE) $(filter a,$(A)) $$HOME");
    }

    #[test]
    fn default_goal_last_assignment_wins() {
        let makefile = parse(".DEFAULT_GOAL := a\nall:\n.DEFAULT_GOAL = b\n");
        assert_eq!(makefile.default_goal().unwrap().0, "b");
        let makefile = parse(".PHONY: x\n%.o: %.c\n\tcc\nfirst: x\n");
        assert_eq!(makefile.default_goal().unwrap().0, "first");
    }

    #[test]
    fn define_bodies_with_colons_are_not_rules() {
        let makefile = parse("define TEMPLATE\nfoo: bar\n\techo $(1)\nendef\nall:\n\t@true\n");
        assert_eq!(rule_targets(&makefile), ["all"]);
    }

    #[test]
    fn recipes_keep_going_past_comments_and_conditionals() {
        let text = "all:\n\t@one\n# column-0 comment\nifeq ($(X),1)\n\t@two\nelse\n\t@three\nendif\n\n\t@four\n";
        let makefile = parse(text);
        let (_, rule) = makefile.rules().next().unwrap();
        let commands: Vec<_> = rule.recipe.iter().map(|r| r.command.as_str()).collect();
        assert_eq!(commands, ["@one", "@two", "@three", "@four"]);
    }

    #[test]
    fn target_and_pattern_specific_variables_are_not_rules() {
        let makefile = parse("prog: CFLAGS = -g\n%.o: CFLAGS += -O2\nprog: main.o\n\t@cc\n");
        assert_eq!(rule_targets(&makefile), ["prog"]);
    }

    #[test]
    fn double_colon_and_order_only() {
        let makefile = parse("a:: b\n\t@x\nout/file: src | out\n\t@cp\n");
        let rules: Vec<_> = makefile.rules().map(|(_, r)| r.clone()).collect();
        assert!(rules[0].double_colon);
        assert_eq!(rules[1].prerequisites, ["src"]);
        assert_eq!(rules[1].order_only, ["out"]);
    }

    #[test]
    fn error_calls_with_colons_are_expressions() {
        let makefile = parse("$(error missing: thing)\nall:\n\t@true\n");
        assert!(matches!(makefile.items[0], Item::Expression(_)));
        assert_eq!(rule_targets(&makefile), ["all"]);
    }

    #[test]
    fn crlf_is_recorded_and_stripped() {
        let makefile = parse("all:\r\n\t@true\r\n");
        assert_eq!(makefile.crlf_lines.len(), 2);
        let (_, rule) = makefile.rules().next().unwrap();
        assert_eq!(rule.recipe[0].command, "@true");
    }

    #[test]
    fn space_indented_recipe_is_flagged() {
        let makefile = parse("all:\n    echo hi\n");
        assert!(makefile.items.iter().any(|item| matches!(item, Item::SpaceIndentedRecipe(_))));
    }

    #[test]
    fn include_and_inline_recipes() {
        let makefile = parse("include common.mk\n-include $(DEPS)\nall: ; @echo inline\n");
        let (_, rule) = makefile.rules().next().unwrap();
        assert_eq!(rule.recipe[0].command, "@echo inline");
        assert!(rule.recipe[0].inline);
    }

    #[test]
    fn recipe_prefix_can_change() {
        let makefile = parse(".RECIPEPREFIX = >\nall:\n> @echo hi\n");
        let (_, rule) = makefile.rules().next().unwrap();
        assert_eq!(rule.recipe[0].command, " @echo hi");
    }

    #[test]
    fn templated_and_unknown_lines_do_not_crash() {
        let makefile = parse("{{#if x}}\nall:\n\t@true\n{{/if}}\n\\\n");
        assert_eq!(rule_targets(&makefile), ["all"]);
    }
}
