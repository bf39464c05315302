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
- phony_no_rule: names `.PHONY` lists that no rule of the file defines,
  but `FORCE` (the manual's forcing target, which needs none);
- recipe_lines: the line numbers of the recipe lines make read (a line in
  a conditional branch not taken on Linux is not among them);
- echoed: those make echoes when it runs them (no `@` after expanding the
  variables the line starts with, no `.SILENT`, no `-s` in MAKEFLAGS);
- late_assignments: the lines of global variable assignments make reads
  after the file's first rule (a special target such as `.PHONY` is not a
  rule; `.DEFAULT_GOAL` is exempt); assignments_read: every assignment
  line make reads; lines_not_read: lines in a conditional branch make
  does not take on Linux. make's database keeps only a variable's last
  assignment, so make reads every prefix of the file (up to each line
  that is not blank, a comment or a recipe line without `=`, closing what
  make says is left open with `endif`/`endef`): the line is read when a
  probe after it runs, it is an assignment when the prefix's database has
  a global variable from that line or (for `+=` and `?=`, which keep the
  variable's old line) make reads the line alone as one, and the first
  rule is where the first target with prerequisites or a recipe, or the
  first pattern rule, appears;
- tool_paths: recipe lines make reads that run a tool by its path into a
  dependency or build directory (node_modules, bower_components,
  jspm_packages, .venv/bin, venv/bin, vendor/bin, target/debug,
  target/release) rather than through a variable: every command of the
  line as the shell splits it (`&&`, `||`, `;`, `|`), after `VAR=value`
  prefixes;
- clean_removes: the downloaded-dependency folders (DEPENDENCY_DIRS;
  `components` where the file installs component(1) packages) that the
  commands of `make -n clean` remove, prerequisites included.

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
DEPENDENCY_DIRS = {"node_modules", "bower_components", "jspm_packages", "vendor", ".venv", "venv", ".tox", "Pods", ".bundle"}
TOOL_DIR = re.compile(r"(^|/)(node_modules|bower_components|jspm_packages|\.?venv/bin|vendor/bin|target/(debug|release))/")
SPECIAL_TARGETS = {".PHONY", ".SUFFIXES", ".DEFAULT", ".PRECIOUS", ".INTERMEDIATE", ".NOTINTERMEDIATE", ".SECONDARY",
                   ".SECONDEXPANSION", ".DELETE_ON_ERROR", ".IGNORE", ".LOW_RESOLUTION_TIME", ".SILENT",
                   ".EXPORT_ALL_VARIABLES", ".NOTPARALLEL", ".ONESHELL", ".POSIX", ".WAIT"}
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
    # FORCE: the GNU make manual's forcing target, which works without a
    # rule (`make FORCE` says "Nothing to be done"; dependents always run).
    phony_no_rule = sorted(
        t for t in phony
        if not (t in targets and (targets[t]["recipe"] or targets[t]["prereqs"])) and not has_rule_in_source(text, t)
        and t != "FORCE"
    )
    late, assignments_read, not_read = assignments(directory, name, text)
    # A fragment (`*.mk`) is read by the Makefile that includes it, whose goal counts.
    fragment = not re.fullmatch(r"(GNUmakefile|makefile|Makefile)", name)
    return {
        "default_goal": "" if fragment else found["default_goal"],
        "phony_missing": phony_missing,
        "phony_no_rule": phony_no_rule,
        "recipe_lines": sorted(set(read)),
        "echoed": sorted(set(echoed)),
        "late_assignments": late,
        "assignments_read": assignments_read,
        "lines_not_read": not_read,
        "tool_paths": tool_paths(sources, set(read)),
        "clean_removes": clean_removes(directory, name, text, targets),
    }


def prefix_database(directory, name, text):
    """make's database of `text`, the end of a prefix, with a probe after it:
    (database, whether the probe ran). Whatever make says is left open is closed."""
    probe = "\n$(info __facts_live__)\n"
    closers = ""
    for _ in range(12):
        with open(os.path.join(directory, name), "w") as copy:
            copy.write(text + probe + closers)
        db, errors = database(directory, name)
        if "missing 'endif'" in errors:
            closers += "endif\n"
        elif "missing 'endef'" in errors:
            closers += "endef\n"
        else:
            break
    return db, bool(re.search(r"^__facts_live__$", db, re.M))


def first_rule_in(db):
    """Whether the database holds a rule of the file: a pattern rule, or an
    explicit target that is not special, with prerequisites or a recipe (a
    name `.PHONY` lists gets an entry of its own, which is no rule)."""
    section, previous, entry = None, "", None
    for line in db.split("\n") + [""]:
        not_target, previous = previous == "# Not a target:", line
        if line in ("# Files", "# Implicit Rules"):
            section = line
        elif line.startswith(("# files hash-table stats", "# No implicit rules", "# Pattern-specific")):
            section = None
        if entry is not None:
            if line == "":
                target, prereqs, recipe, phony = entry
                if recipe or prereqs or not phony:
                    return True
                entry = None
            elif line.startswith("\t"):
                entry[2] = True
            elif line.startswith("#  Phony target"):
                entry[3] = True
            continue
        if section and not not_target and line and not line.startswith(("#", "\t")) and re.match(r"^[^=#]*?[^:]:(?!=)", line):
            target, _, prereqs = line.partition(":")
            target = target.strip()
            if section == "# Implicit Rules":
                return True
            if target and target not in SPECIAL_TARGETS and not re.match(r"^\S+\s*(::?|\+|\?|!)?=", prereqs.strip()):
                entry = [target, prereqs.strip(), False, False]
    return False


def global_variables(db):
    """The database's global variables (a target's own are listed with the target)."""
    start = db.find("\n# Variables\n")
    end = db.find("# variable set hash-table stats", start)
    return db[start:end] if start >= 0 else ""


def assigns_alone(directory, name, logical):
    """Whether make reads this logical line, alone, as a global variable
    assignment: `VAR ?= x` on a variable already set and `VAR += x` leave
    the database's line where it was, so the prefix alone cannot tell."""
    with open(os.path.join(directory, name), "w") as copy:
        copy.write(logical + "\n")
    db, _ = database(directory, name)
    return bool(
        re.search(
            rf"^# makefile \(from '{re.escape(name)}', line 1\)\n(?!MAKEFILE_LIST )(?:define \S+|[^\s:#]+ (?:::|:|\+|\?|!)?= )",
            global_variables(db),
            re.M,
        )
    )


def assignments(directory, name, text):
    """(late assignment lines, assignment lines read, lines not read): see the module docs."""
    lines = text.split("\n")
    late, read, unread, first_rule, previous_globals = [], [], [], None, ""
    for start, logical in logical_lines(text):
        if not logical.strip() or logical.lstrip().startswith("#"):
            continue
        # A tab line is a recipe line after a rule, or else an indented
        # assignment: only those that could assign are read (and the first,
        # which shows a rule whose header alone was not one yet).
        tab = logical.startswith("\t")
        if tab and first_rule is not None and "=" not in logical:
            continue
        end = start + logical.count("\n")
        db, live = prefix_database(directory, name, "\n".join(lines[:end]))
        if first_rule is None and first_rule_in(db):
            first_rule = start
        # A global variable (`NAME = value`, `define NAME`), not a target's (`target: NAME = value`).
        from_here = [
            a or b
            for a, b in re.findall(
                rf"^# makefile \(from '{re.escape(name)}', line {start}\)\n(?!MAKEFILE_LIST )(?:define (\S+)|([^\s:#]+) (?:::|:|\+|\?|!)?= )",
                global_variables(db),
                re.M,
            )
        ]
        if not live:
            unread.append(start)
        globals_now = global_variables(db)
        if live and not from_here and "=" in logical:
            if not tab and assigns_alone(directory, name, logical):
                from_here = [logical.split("=")[0].split()[-1] if logical.split("=")[0].split() else ""]
            elif tab and (m := re.match(r"\s*([^\s:#=]+)\s*(?:::|:|\+|\?|!)?=", logical)):
                # An indented `+=` outside a recipe changes the variable's value.
                value = rf"^{re.escape(m.group(1))} (?:::|:|\+|\?|!)?= .*$"
                before, after = re.search(value, previous_globals, re.M), re.search(value, globals_now, re.M)
                if (before and before.group(0)) != (after and after.group(0)):
                    from_here = [m.group(1)]
        previous_globals = globals_now
        if live and from_here:
            read.append(start)
            if first_rule is not None and start > first_rule and ".DEFAULT_GOAL" not in from_here:
                late.append(start)
    # The copy make read last is a prefix: the whole file goes back for later readers.
    with open(os.path.join(directory, name), "w") as copy:
        copy.write(text.replace("$(error ", "$(warning "))
    return late, read, unread


INTERPRETERS = {"node", "nodejs", "python", "python2", "python3", "sh", "bash", "ruby", "php", "perl"}


def tool_paths(sources, read):
    """Recipe lines make reads that run a tool by its path into a dependency
    or build folder: the first word of each command the shell would run,
    after `NAME=value` settings and `env`-style prefixes, and the script an
    interpreter (`node`, or a variable named after one: `$(NODE)`) is given."""
    found = []
    for number, line in sources:
        if number not in read:
            continue
        body = re.sub(r"\\\n", " ", line.lstrip("\t")).lstrip("@-+ \t")
        # A make reference is one word, whatever it holds.
        body = re.sub(r"\$[({]([^)}]*)[)}]", lambda m: "$" + re.sub(r"\W", "_", m.group(1)), body)
        for command in re.split(r"&&|\|\||;|\||\(|\)|`", body):
            words = command.split()
            while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
                words.pop(0)
            while words and words[0] in ("exec", "env", "time", "nohup", "command"):
                words.pop(0)
            tools = words[:1]
            if words and words[0].lstrip("$").lower() in INTERPRETERS and len(words) > 1 and not words[1].startswith("-"):
                tools.append(words[1])
            if any("$" not in tool and TOOL_DIR.search(tool) for tool in tools):
                found.append(number)
                break
    return sorted(set(found))


def clean_removes(directory, name, text, targets):
    """The dependency folders `make -n clean` removes."""
    if "clean" not in targets:
        return []
    run = subprocess.run(["make", "-nr", "--no-print-directory", "-f", name, f"SHELL={SHELL}", "clean"],
                         cwd=directory, capture_output=True, text=True, errors="replace", timeout=60)
    dirs = set(DEPENDENCY_DIRS)
    if re.search(r"component[ -](install|build)", text):
        dirs.add("components")  # component(1) installs its packages there
    removed = set()
    for command in re.split(r"&&|\|\||;|\n", run.stdout):
        words = command.split()
        while words and words[0] in ("@", "-", "+"):
            words.pop(0)
        if not words or words[0].lstrip("@-+") not in ("rm", "rimraf", "del", "trash"):
            continue
        for word in words[1:]:
            if word.startswith("-"):
                continue
            base = word.strip("'\"").rstrip("/").split("/")[-1]
            if base in dirs:
                removed.add(base)
    return sorted(removed)


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
