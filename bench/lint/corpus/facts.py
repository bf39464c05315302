#!/usr/bin/env python3
"""Facts about each gathered Makefile, from GNU make's own reading of it.

For every file in files/, GNU make (4.x) reads it alone with `-p` (print
its database), `-n` (run nothing) and `SHELL=/bin/false` (so `$(shell ...)`
runs only `uname` and `pwd`, through shell.sh), and a second time with a probe that expands the
variables recipe lines start with. From that database:

- default_goal: the goal `make` with no argument builds (`.DEFAULT_GOAL`),
  for a Makefile (a `*.mk` fragment's is its includer's);
- phony_missing: the conventional targets (CONVENTIONAL) that have a rule
  and are not prerequisites of `.PHONY`;
- phony_no_rule: names `.PHONY` lists that no rule of the file defines;
- recipe_lines: the line numbers of the recipe lines make read (a line in
  a conditional branch not taken on Linux is not among them);
- echoed: those make echoes when it runs them (no `@` after expanding the
  variables the line starts with, no `.SILENT`, no `-s` in MAKEFLAGS).

make reads a copy in which `$(error` is `$(warning`, so that a check the
platform probes trip does not stop it halfway through the file.

A file make refuses to read (a syntax error) gets `make_error` instead.

Writes the facts as JSON on stdout; `truth.json` is this output, read and
corrected by hand where make's reading of a file alone is not the file's
meaning (see `hand` in truth.json).
"""
import json, os, re, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
# $(shell ...) in a fetched Makefile runs only the platform probes (see shell.sh).
SHELL = os.path.join(HERE, "shell.sh")
CONVENTIONAL = ["default", "all", "build", "clean", "clean-deps", "lint", "server", "test", "check", "install", "bench"]


def database(directory, name, extra=()):
    run = subprocess.run(
        ["make", "-pnr", "--no-print-directory", "-f", name, *extra, f"SHELL={SHELL}", "__facts_probe__"],
        cwd=directory, capture_output=True, text=True, errors="replace", timeout=60,
    )
    return run.stdout, run.stderr


def logical_lines(text):
    """(first line number, text) of each logical line, backslash-newlines joined."""
    out, start, parts = [], None, []
    for number, line in enumerate(text.split("\n"), 1):
        if start is None:
            start = number
        if line.endswith("\\") and not line.endswith("\\\\"):
            parts.append(line)
            continue
        parts.append(line)
        out.append((start, "\n".join(parts)))
        start, parts = None, []
    return out


def parse(db):
    facts = {"default_goal": "", "phony": [], "targets": {}, "recipes": [], "silent": None}
    lines = db.split("\n")
    in_files = False
    i = 0
    while i < len(lines):
        line = lines[i]
        goal = re.match(r"^\.DEFAULT_GOAL :?= (.*)$", line)
        if goal:
            facts["default_goal"] = goal.group(1).strip()
        if line == "# Files":
            in_files = True
        elif line.startswith("# files hash-table stats"):
            in_files = False
        if in_files and line and not line.startswith("#") and not line.startswith("\t") and ":" in line:
            if re.match(r"^[^:]*:\s*\S+\s*(\+|\?|:|::|!)?=", line):
                i += 1  # a target-specific variable, not a rule
                continue
            not_target = i > 0 and lines[i - 1] == "# Not a target:"
            target, _, prereqs = line.partition(":")
            if prereqs.startswith(":"):
                prereqs = prereqs[1:]
            recipe, j = [], i + 1
            origin = None
            while j < len(lines) and lines[j] != "":
                m = re.match(r"#  recipe to execute \(from '(.*)', line (\d+)\):", lines[j])
                if m:
                    origin = int(m.group(2))
                elif recipe and recipe[-1].endswith("\\"):
                    # A continuation line of the recipe line before.
                    recipe[-1] += "\n" + lines[j]
                elif lines[j].startswith("\t"):
                    recipe.append(lines[j][1:])
                j += 1
            if target == ".PHONY":
                facts["phony"] = prereqs.split()
            elif target == ".SILENT":
                facts["silent"] = prereqs.split()
            if not not_target:
                facts["targets"][target] = {"prereqs": prereqs.split(), "recipe": recipe, "line": origin}
            i = j
            continue
        i += 1
    return facts


def same(source, command):
    """A file's recipe line and make's stored copy of it, whitespace aside."""
    return re.sub(r"\s+", "", source) == re.sub(r"\s+", "", command)


def has_rule_in_source(text, name):
    for _, line in logical_lines(text):
        if line.startswith("\t") or line.lstrip().startswith("#"):
            continue
        head = re.split(r"(?<!:):(?!=)", line, maxsplit=1)
        if len(head) < 2 or "=" in head[0]:
            continue
        if name in head[0].split() and not head[0].strip().startswith(".PHONY"):
            return True
    return False


LEADING_VAR = re.compile(r"^\s*[-+]*\s*(\$\([A-Za-z0-9_.]+\)|\$\{[A-Za-z0-9_.]+\}|\$[A-Za-z0-9_])")


def facts_of(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    with tempfile.TemporaryDirectory() as directory:
        name = os.path.basename(path)
        # A `$(error)` that the platform probes trip would stop make halfway
        # through the file; as a warning, make reads all of it.
        with open(os.path.join(directory, name), "w") as copy:
            copy.write(text.replace("$(error ", "$(warning "))
        return facts_in(directory, name, text)


def facts_in(directory, name, text):
    db, errors = database(directory, name)
    # A file make refuses to read (a syntax error) has no facts: make stops there.
    refused = re.search(rf"^{re.escape(name)}:(\d+): \*\*\* (.*)\.  Stop\.$", errors, re.M)
    if refused:
        return {"make_error": f"line {refused.group(1)}: {refused.group(2)}"}
    found = parse(db)
    # The variables recipe lines start with, expanded by make itself.
    refs = sorted({m.group(1) for t in found["targets"].values() for r in t["recipe"] if (m := LEADING_VAR.match(r))})
    expanded = {}
    if refs:
        # The file's variables as make stored them, then the probes.
        with tempfile.NamedTemporaryFile("w", suffix=".mk", delete=False, dir=directory) as probe:
            lines = db.split("\n")
            for index, line in enumerate(lines[1:], 1):
                if lines[index - 1].startswith("# makefile (from") and re.match(r"^[A-Za-z0-9_.-]+ (:|::|\?|\+)?= ", line):
                    probe.write(line + "\n")
            for index, ref in enumerate(refs):
                probe.write(f"$(info __FACT_{index}__=[{ref}])\n")
        out = subprocess.run(["make", "-nr", "-f", probe.name, f"SHELL={SHELL}", "__facts_probe__"], cwd=directory,
                             capture_output=True, text=True, errors="replace", timeout=60).stdout
        os.unlink(probe.name)
        for index, ref in enumerate(refs):
            m = re.search(rf"^__FACT_{index}__=\[(.*)\]$", out, re.M)
            expanded[ref] = m.group(1) if m else ref
    silent_all = found["silent"] == [] or bool(re.search(r"^\s*MAKEFLAGS\s*\+?=.*(^|\s)(-s|--silent|--quiet|s)(\s|$)", text, re.M))
    silent_targets = found["silent"] or []
    sources = logical_lines(text)
    echoed, read = [], []
    for target, rule in found["targets"].items():
        if not rule["recipe"] or rule["line"] is None or target.startswith("."):
            continue
        quiet = silent_all or target in silent_targets
        # Match the database's recipe lines to the file's lines, in order, by text.
        at = next((k for k, (n, _) in enumerate(sources) if n >= rule["line"]), len(sources))
        for command in rule["recipe"]:
            while at < len(sources) and not (sources[at][1].startswith("\t") and same(sources[at][1], command)):
                at += 1
            if at == len(sources):
                break
            number = sources[at][0]
            read.append(number)
            at += 1
            line = command
            m = LEADING_VAR.match(line)
            if m:
                line = line[: m.start(1)] + expanded.get(m.group(1), "") + line[m.end(1):]
            prefix = re.match(r"^[\s@+-]*", line).group(0)
            if not line[len(prefix):].strip():
                continue
            if not quiet and "@" not in prefix:
                echoed.append(number)
    phony = found["phony"]
    targets = found["targets"]
    phony_missing = sorted(t for t in CONVENTIONAL if t in targets and t not in phony and has_rule_in_source(text, t))
    phony_no_rule = sorted(
        t for t in phony
        if not (t in targets and (targets[t]["recipe"] or targets[t]["prereqs"])) and not has_rule_in_source(text, t)
    )
    # A fragment (`*.mk`) is read by the Makefile that includes it, whose goal counts.
    fragment = not re.fullmatch(r"(GNUmakefile|makefile|Makefile)", name)
    return {
        "default_goal": "" if fragment else found["default_goal"],
        "phony_missing": phony_missing,
        "phony_no_rule": phony_no_rule,
        "recipe_lines": sorted(set(read)),
        "echoed": sorted(set(echoed)),
    }


def main():
    files = os.path.join(HERE, "files")
    out = {}
    for ident in sorted(os.listdir(files)):
        for name in os.listdir(os.path.join(files, ident)):
            out[ident] = facts_of(os.path.join(files, ident, name))
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
