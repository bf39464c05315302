"""A Python lint check: pyproject.toml hygiene (requires-python declared)."""
import tomllib

from wit_world import exports
from wit_world.exports import lint_check
from wit_world.imports import types
from componentize_py_types import Err

RULE = "python/requires-python"


class Meta(exports.Meta):
    def info(self) -> types.PluginInfo:
        return types.PluginInfo("py-lint", "0.1.0", "pyproject.toml checks, written in Python.", None)


class LintCheck(exports.LintCheck):
    def describe(self) -> lint_check.CheckerInfo:
        rule = lint_check.RuleInfo(RULE, types.Severity.WARNING, "pyproject.toml does not say which Pythons it supports",
                                   "Declare `requires-python` under [project] so installers refuse unsupported interpreters.", False)
        return lint_check.CheckerInfo(["**/pyproject.toml"], [rule])

    def check(self, files, options):
        found = []
        for file in files:
            try:
                data = tomllib.loads(file.contents.decode("utf-8"))
            except (UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue  # the data plugin reports syntax errors
            project = data.get("project")
            if isinstance(project, dict) and "requires-python" not in project:
                found.append(lint_check.Diagnostic(RULE, types.Severity.WARNING, "[project] has no `requires-python`",
                                                   file.path, types.Span(0, 0, 1, 1), "add requires-python = \">=3.10\"", None))
        return found
