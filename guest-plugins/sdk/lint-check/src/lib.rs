//! The `lint-check` role: checks over files for `workbench lint`.

workbench_plugin_core::role!(
    "lint-check-plugin",
    "__export_lint_check_world",
    "workbench_plugin::lint_check::bindings",
    lint_check
);

pub use bindings::exports::workbench::plugin::lint_check::{CheckerInfo, Diagnostic, Edit, Fix, RuleInfo};
pub use bindings::workbench::plugin::types::{File, Severity, Span};

/// A rule declared as a constant, so its id, severity and docs live in one
/// place:
///
/// ```ignore
/// const NO_TABS: &Rule = &Rule {
///     id: "style/no-tabs",
///     severity: Severity::Warning,
///     summary: "tab character",
///     explanation: "Indent with spaces.",
///     fixable: false,
/// };
/// ```
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub explanation: &'static str,
    pub fixable: bool,
}

impl Rule {
    /// The WIT record for [`LintCheck::rules`].
    pub fn info(&self) -> RuleInfo {
        RuleInfo {
            id: self.id.into(),
            default_severity: self.severity,
            summary: self.summary.into(),
            explanation: self.explanation.into(),
            fixable: self.fixable,
        }
    }

    /// A finding of this rule, at its default severity.
    pub fn diagnostic(
        &self,
        path: &str,
        message: String,
        span: Option<Span>,
        help: String,
        fix: Option<Fix>,
    ) -> Diagnostic {
        Diagnostic {
            rule: self.id.into(),
            severity: self.severity,
            message,
            path: path.into(),
            span,
            help: Some(help),
            fix,
        }
    }
}

/// What a check found in one file, rule by rule: every finding gets the
/// file's path and its rule's id and default severity.
pub struct Findings<'a> {
    path: &'a str,
    found: &'a mut Vec<Diagnostic>,
}

impl<'a> Findings<'a> {
    pub fn new(path: &'a str, found: &'a mut Vec<Diagnostic>) -> Findings<'a> {
        Findings { path, found }
    }

    pub fn add(
        &mut self,
        rule: &Rule,
        message: impl Into<String>,
        span: Option<Span>,
        help: impl Into<String>,
        fix: Option<Fix>,
    ) {
        self.found.push(rule.diagnostic(self.path, message.into(), span, help.into(), fix));
    }
}

/// A span from byte offsets and a 1-based line and column (in
/// characters). Sizes past 4 GiB, which the host never sends, saturate.
pub fn span(start: usize, end: usize, line: usize, column: usize) -> Span {
    Span { start: to_u32(start), end: to_u32(end), line: to_u32(line), column: to_u32(column) }
}

/// An edit replacing the bytes `start..end` of the file.
pub fn edit(start: usize, end: usize, replacement: impl Into<String>) -> Edit {
    Edit { start: to_u32(start), end: to_u32(end), replacement: replacement.into() }
}

/// A count or offset as the WIT's `u32`, saturating.
pub fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// Implement this, then call [`export_lint_check!`].
pub trait LintCheck {
    /// What a user writes in this plugin's table of `workbench.toml` (see
    /// [`PluginOptions`]); [`NoOptions`] for none.
    type Options: PluginOptions;

    /// Globs of the paths to check (the WIT's `patterns`); the default,
    /// empty, means every file.
    fn patterns() -> Vec<String> {
        Vec::new()
    }

    /// Every rule this plugin can report.
    fn rules() -> Vec<RuleInfo>;

    /// Diagnostics for a batch of files, at each rule's default severity.
    fn check(files: Vec<File>, options: &Self::Options) -> Result<Vec<Diagnostic>, Error>;
}

/// Exports a [`LintCheck`] implementation as the plugin's component exports.
#[macro_export]
macro_rules! export_lint_check {
    ($ty:ty) => {
        #[doc(hidden)]
        pub struct __WorkbenchLintCheck;
        $crate::__impl_meta!($crate, __WorkbenchLintCheck, <$ty as $crate::LintCheck>::Options);
        impl $crate::bindings::exports::workbench::plugin::lint_check::Guest for __WorkbenchLintCheck {
            fn describe() -> $crate::CheckerInfo {
                $crate::CheckerInfo {
                    patterns: <$ty as $crate::LintCheck>::patterns(),
                    rules: <$ty as $crate::LintCheck>::rules(),
                }
            }
            fn check(files: Vec<$crate::File>, options: String) -> Result<Vec<$crate::Diagnostic>, $crate::Error> {
                let options = $crate::options::<<$ty as $crate::LintCheck>::Options>(&options)?;
                <$ty as $crate::LintCheck>::check(files, &options)
            }
        }
        $crate::bindings::__export_lint_check_world!(__WorkbenchLintCheck);
    };
}
