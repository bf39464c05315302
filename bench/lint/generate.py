#!/usr/bin/env python3
"""Writes a deterministic monorepo-shaped tree for the lint benchmark.

usage: generate.py DEST [FILES]   (default 10000 files)

Each project folder holds a Makefile (some following the conventions, some
not), a package.json, a Cargo.toml, a README and a few source and text
files, so every bundled check has work to do.
"""
import json
import os
import random
import sys

def makefile(index: int, rng: random.Random) -> str:
    clean = rng.random() < 0.7
    lines = [
        "CARGO ?= cargo",
        "NPM ?= npm",
        f"NAME := project-{index}",
        "",
        ".PHONY: default build clean lint test" + ("" if clean else " deploy"),
        "",
        "default: build",
        "",
        "build:",
        "\t@$(CARGO) build --quiet" if clean else "\tcargo build",
        "",
        "clean:",
        "\t@rm -rf build" if clean else "\t@rm -rf build node_modules",
        "",
        "lint:",
        "\t@$(NPM) run --silent lint",
        "",
        "test: lint" if clean else "test:",
        "\t@$(CARGO) test --quiet",
    ]
    if not clean:
        lines += ["VERSION = 1.0", "server:", "    @node_modules/.bin/serve build"]
    return "\n".join(lines) + "\n"

def main() -> None:
    dest = sys.argv[1]
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    rng = random.Random(42)
    written = 0
    project = 0
    while written < total:
        root = os.path.join(dest, f"group-{project // 50:03d}", f"project-{project:04d}")
        os.makedirs(os.path.join(root, "src"), exist_ok=True)
        files = {
            "Makefile": makefile(project, rng),
            "package.json": json.dumps({"name": f"p{project}", "version": "1.0.0", "scripts": {"lint": "true"}}, indent=2) + "\n",
            "Cargo.toml": f'[package]\nname = "p{project}"\nversion = "0.1.0"\nedition = "2021"\n',
            "README.md": f"# Project {project}\n\nSome words about it.{'  ' if rng.random() < 0.2 else ''}\n",
            "src/main.rs": "fn main() {\n    println!(\"hello\");\n}\n" + ("" if rng.random() < 0.9 else "// trailing   "),
            "src/lib.rs": "pub fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n" * rng.randint(1, 20),
            "notes.txt": "line of notes\n" * rng.randint(1, 50),
            "config.toml": "[settings]\nkey = \"value\"\n",
            "data.json": json.dumps({"items": list(range(rng.randint(1, 100)))}) + "\n",
            "CHANGELOG.md": "# Changelog\n\n## 1.0.0\n\n- First release.\n",
        }
        for name, text in files.items():
            if written >= total:
                break
            with open(os.path.join(root, name), "w", newline="") as handle:
                handle.write(text)
            written += 1
        project += 1
    print(f"wrote {written} files in {project} projects under {dest}")

if __name__ == "__main__":
    main()
