#!/usr/bin/env python3
"""A monorepo of N projects for bench/monorepo/run.sh, laid out so that both
`workbench make` and Turborepo read the same graph: packages/pNNN each hold
a Makefile with no-op conventional targets and a package.json whose
`test` script is `make test`; each project depends (npm workspaces, by
name) on up to two earlier ones, so the graph has depth. The root is an npm
workspace with a turbo.json where `test` runs after the dependencies'."""
import json
import random
import subprocess
import sys
from pathlib import Path

root = Path(sys.argv[1])
count = int(sys.argv[2]) if len(sys.argv) > 2 else 200
rng = random.Random(7)
# turbo wants the package manager named, at the version installed.
try:
    npm = "npm@" + subprocess.run(["npm", "--version"], capture_output=True, text=True, check=True).stdout.strip()
except (OSError, subprocess.CalledProcessError):
    npm = "npm@10.0.0"
root.mkdir(parents=True)
(root / "package.json").write_text(json.dumps({
    "name": "mono", "private": True, "workspaces": ["packages/*"], "packageManager": npm,
}, indent=2) + "\n")
(root / "turbo.json").write_text(json.dumps({
    "$schema": "https://turbo.build/schema.json",
    "tasks": {"test": {"dependsOn": ["^test"], "outputs": []}},
}, indent=2) + "\n")
(root / "workbench.toml").write_text("")
(root / ".gitignore").write_text("node_modules/\n.turbo/\n")
makefile = "".join(f".PHONY: {target}\n{target}:\n\t@true\n" for target in
                   ["build", "clean", "clean-deps", "lint", "server", "test"])
for index in range(count):
    name = f"p{index:03}"
    project = root / "packages" / name
    project.mkdir(parents=True)
    (project / "Makefile").write_text(makefile)
    (project / "src.txt").write_text(f"{name}\n")
    earlier = [f"p{other:03}" for other in rng.sample(range(index), min(index, rng.choice([0, 1, 2])))]
    (project / "package.json").write_text(json.dumps({
        "name": name, "version": "1.0.0", "private": True,
        "scripts": {"test": "make test"},
        "dependencies": {dependency: "*" for dependency in sorted(earlier)},
    }, indent=2) + "\n")
print(f"{count} projects in {root}")
