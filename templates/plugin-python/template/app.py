"""{{name}}: {{description}}"""
{{#if (eq role "site-step")}}
import json

{{/if}}
from componentize_py_types import Err, Ok
from wit_world import exports
from wit_world.exports import {{snakecase role}}
from wit_world.imports import types

{{#if (eq role "lint-check")}}
# A lint check: flags `TODO` comments that name no owner (`TODO(ana):` is
# fine, a bare `TODO:` is not). Change RULE and check to your rule.
RULE = "{{name}}/todo-owner"


class LintCheck(exports.LintCheck):
    def describe(self) -> lint_check.CheckerInfo:
        rule = lint_check.RuleInfo(RULE, types.Severity.WARNING, "a TODO names no owner",
                                   "A TODO without an owner is nobody's job. Write `TODO(name): ...`.", False)
        return lint_check.CheckerInfo(["**/*.rs", "**/*.py", "**/*.md", "**/Makefile"], [rule])

    def check(self, files: list[types.File], options: str) -> list[lint_check.Diagnostic]:
        found = []
        for file in files:
            offset = 0
            for index, line in enumerate(file.contents.split(b"\n")):
                column = line.find(b"TODO:")
                if column >= 0:
                    span = types.Span(offset + column, offset + column + 4, index + 1, column + 1)
                    found.append(lint_check.Diagnostic(RULE, types.Severity.WARNING, "this TODO names no owner",
                                                       file.path, span, "write `TODO(name):`", None))
                offset += len(line) + 1
        return found
{{/if}}
{{#if (eq role "detector")}}
# A detector: finds a service by its script's address and reads its site id
# from the tag's `data-site` attribute. Change SERVICE and detect.
SERVICE = "{{name}}"
SCRIPT = "{{name}}.js"


class Detector(exports.Detector):
    def services(self) -> list[detector.ServiceInfo]:
        return [detector.ServiceInfo(SERVICE, SERVICE, detector.Category_Analytics(), ["site-id"])]

    def describe(self, options: str) -> detector.DetectorInfo:
        # The files it reads besides pages: none.
        return detector.DetectorInfo([], False, True)

    def detect(self, pages: list[detector.Page], options: str, files: list[types.File]):
        return [Ok(self.detect_page(page)) for page in pages]

    def detect_page(self, page: detector.Page) -> list[detector.Detection]:
        found = []
        for script in page.scripts:
            if script.src is None or not script.src.endswith(SCRIPT):
                continue
            evidence = detector.Evidence(detector.EvidenceSource.SCRIPT_SRC, script.src, script.position)
            settings = [detector.Setting("site-id", value, evidence)
                        for name, value in script.attributes if name == "data-site" and value]
            found.append(detector.Detection(SERVICE, SERVICE, detector.Category_Analytics(), 100, None, settings,
                                            [evidence], script.state == detector.ScriptState.CONSENT_BLOCKED))
        return found
{{/if}}
{{#if (eq role "site-step")}}
# A site step: adds `reading-minutes` (words / 200, at least 1) to the
# metadata of every Markdown page. Change describe and run.


class SiteStep(exports.SiteStep):
    def describe(self, options: str) -> site_step.StepInfo:
        return site_step.StepInfo(True, ["**/*.md"], [], [])

    def run(self, input: site_step.Site, options: str) -> site_step.Site:
        per_minute = json.loads(options).get("words-per-minute", 200)
        if not isinstance(per_minute, int) or isinstance(per_minute, bool) or per_minute < 1:
            raise Err(types.Error_InvalidOptions(f"`words-per-minute` must be a positive integer, not {per_minute}"))
        for file in input.files:
            words = len(file.contents.split())
            metadata = json.loads(file.metadata)
            metadata["reading-minutes"] = max(1, -(-words // per_minute))
            file.metadata = json.dumps(metadata)
        return input
{{/if}}
{{#if (eq role "template-helper")}}
# A template helper: `initials` gives the initials of a name
# ("Ada Lovelace" -> "AL"). Change helpers and call.


def call(helper: str, args: list) -> Ok | Err:
    if helper != "initials":
        return Err(types.Error_InvalidInput(f"no helper `{helper}`"))
    if len(args) != 1 or not isinstance(args[0], template_helper.Value_Text):
        return Err(types.Error_InvalidInput("`initials` takes one text"))
    return Ok(template_helper.Value_Text("".join(word[0].upper() for word in args[0].value.split())))


class TemplateHelper(exports.TemplateHelper):
    def helpers(self) -> list[template_helper.HelperInfo]:
        return [template_helper.HelperInfo("initials", "The initials of a name: Ada Lovelace -> AL.")]

    def call_many(self, calls: list[template_helper.Call]):
        return [call(c.helper, c.args) for c in calls]
{{/if}}


class Meta(exports.Meta):
    def info(self) -> types.PluginInfo:
        return types.PluginInfo("{{name}}", "0.1.0", {{json description}}, None)
