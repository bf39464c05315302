#!/usr/bin/env python3
"""Scores `workbench lint` on the gathered corpus against truth.json.

    bench/lint/corpus/gather.sh && bench/lint/corpus/score.py [--workbench PATH] [--disagreements]

Per rule: hits (a fact workbench reports), misses (a fact it does not),
false alarms (a report no fact backs), and the agreement
hits / (hits + misses + false alarms). Every disagreement is listed with
--disagreements. The files are copied to a temporary folder first, so no
ignore file of this repository hides them.
"""
import argparse, json, os, re, shutil, subprocess, sys, tempfile
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))


def lint(workbench):
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(os.path.join(HERE, "files"), os.path.join(tmp, "corpus"))
        # The rules are scored, not what a default run shows: generated
        # Makefiles (cppcheck's dmake) keep their warnings here, and the
        # Make conventions apply to files that never adopted them.
        with open(os.path.join(tmp, "workbench.toml"), "w") as config:
            config.write('[lint]\nforeign-files = "all"\n\n[plugins.options.make]\nconventions = "all"\n')
        run = subprocess.run([workbench, "lint", "corpus", "--format", "json", "--quiet"],
                             cwd=tmp, capture_output=True, text=True)
        document = json.loads(run.stdout)
    found = defaultdict(lambda: defaultdict(set))
    for d in document["diagnostics"]:
        ident = d["path"].split("/")[1]
        line = (d.get("span") or {}).get("line")
        message = d["message"]
        name = re.search(r"`([^`]*)`", message)
        key = {
            "make/default-first": name and name.group(1),
            "make/phony-declared": name and name.group(1),
            "make/phony-no-rule": (re.findall(r"`([^`]*)`", message) + [None, None])[1],
            "make/quiet-recipe": line,
            "make/clean-removes-deps": (re.findall(r"`([^`]*)`", message) + [None, None])[1],
        }.get(d["rule"], line)
        found[ident][d["rule"]].add(key)
    failures = [f.get("path", str(f)) for f in document.get("failures", [])]
    return found, failures


def in_scope(rule, facts, got):
    """Lines are judged where make reads them (not in a branch not taken)."""
    if rule in ("make/quiet-recipe", "make/tool-path"):
        return {line for line in got if line in set(facts["recipe_lines"])}
    if rule == "make/vars-at-top":
        return {line for line in got if line not in set(facts["lines_not_read"])}
    return got


def expected(facts):
    goal = facts["default_goal"]
    return {
        "make/default-first": {goal} if goal not in ("", "default") else set(),
        "make/phony-declared": set(facts["phony_missing"]),
        "make/phony-no-rule": set(facts["phony_no_rule"]),
        "make/quiet-recipe": set(facts["echoed"]),
        "make/vars-at-top": set(facts["late_assignments"]),
        "make/tool-path": set(facts["tool_paths"]),
        "make/clean-removes-deps": set(facts["clean_removes"]),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workbench", default=os.path.join(ROOT, "build", "workbench"))
    parser.add_argument("--disagreements", action="store_true")
    args = parser.parse_args()
    truth = json.load(open(os.path.join(HERE, "truth.json")))["files"]
    found, failures = lint(args.workbench)
    rows = defaultdict(lambda: [0, 0, 0])
    listed = []
    refused = {ident: facts["make_error"] for ident, facts in truth.items() if "make_error" in facts}
    for ident, facts in sorted(truth.items()):
        if ident in refused:
            continue
        for rule, want in expected(facts).items():
            got = in_scope(rule, facts, found[ident].get(rule, set()))
            row = rows[rule]
            row[0] += len(want & got)
            row[1] += len(want - got)
            row[2] += len(got - want)
            for item in sorted(want - got, key=str):
                listed.append(f"{ident} {rule}: missed {item}")
            for item in sorted(got - want, key=str):
                listed.append(f"{ident} {rule}: false alarm {item}")
    print(f"{len(truth)} files; GNU make refuses {len(refused)} (not scored); workbench could not read {len(failures)}")
    print("| rule | facts | hits | misses | false alarms | agreement |")
    print("|---|---|---|---|---|---|")
    total = [0, 0, 0]
    for rule, (hits, misses, alarms) in sorted(rows.items()):
        total = [total[0] + hits, total[1] + misses, total[2] + alarms]
        judged = hits + misses + alarms
        print(f"| {rule} | {hits + misses} | {hits} | {misses} | {alarms} | {hits / judged:.1%} |" if judged else f"| {rule} | 0 | 0 | 0 | 0 | - |")
    hits, misses, alarms = total
    print(f"| all | {hits + misses} | {hits} | {misses} | {alarms} | {hits / max(1, hits + misses + alarms):.1%} |")
    if args.disagreements:
        print("\n".join(listed))
    for ident, error in sorted(refused.items()):
        print(f"make refuses {ident}: {error}")
    for failure in failures:
        print(f"not read: {failure}")


if __name__ == "__main__":
    main()
