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

/// Implement this, then call [`export_lint_check!`].
pub trait LintCheck: Plugin {
    /// Globs of the paths to check; the default, empty, means every file.
    fn include() -> Vec<String> {
        Vec::new()
    }

    /// Every rule this plugin can report.
    fn rules() -> Vec<RuleInfo>;

    /// Diagnostics for a batch of files, at each rule's default severity.
    fn check(files: Vec<File>, options: &Options) -> Result<Vec<Diagnostic>, Error>;
}

/// Exports a [`LintCheck`] implementation as the plugin's component exports.
#[macro_export]
macro_rules! export_lint_check {
    ($ty:ty) => {
        #[doc(hidden)]
        pub struct __WorkbenchLintCheck;
        $crate::__impl_meta!($crate, __WorkbenchLintCheck, $ty);
        impl $crate::bindings::exports::workbench::plugin::lint_check::Guest for __WorkbenchLintCheck {
            fn describe() -> $crate::CheckerInfo {
                $crate::CheckerInfo {
                    patterns: <$ty as $crate::LintCheck>::include(),
                    rules: <$ty as $crate::LintCheck>::rules(),
                }
            }
            fn check(files: Vec<$crate::File>, options: String) -> Result<Vec<$crate::Diagnostic>, $crate::Error> {
                let options = $crate::options(&options)?;
                <$ty as $crate::LintCheck>::check(files, &options)
            }
        }
        $crate::bindings::__export_lint_check_world!(__WorkbenchLintCheck);
    };
}
