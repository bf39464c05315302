#!/usr/bin/env python3
"""Writes one 50-file project template in the four formats the scaffold
benchmark compares: workbench (native), cargo-generate, cookiecutter and
copier. Every flavour renders the same bytes for the same answers: each
file has a few placeholders, one conditional block and ~2 KB of text, in
nested folders, plus a binary file copied as is.

Usage: generate.py OUT_DIR [FILES]
"""
import json
import os
import sys

out = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 50

LOREM = (
    "Workbench keeps every project of a repository on the same footing: the same\n"
    "Makefile targets, the same lint rules, the same layout. This paragraph is\n"
    "filler so each file is about the size of a real source file.\n"
)

# Placeholder syntax per engine: (variable, if-open, if-close).
FLAVOURS = {
    "workbench": (lambda v: "{{%s}}" % v, lambda v: "{{#if %s}}" % v, "{{/if}}"),
    # cargo-generate's own name for the project's name is `project-name`.
    "cargo-generate": (
        lambda v: "{{%s}}" % ("project-name" if v == "name" else v),
        lambda v: "{%% if %s %%}" % v,
        "{% endif %}",
    ),
    "cookiecutter": (lambda v: "{{cookiecutter.%s}}" % v, lambda v: "{%% if cookiecutter.%s == 'yes' %%}" % v, "{% endif %}"),
    "copier": (lambda v: "{{%s}}" % v, lambda v: "{%% if %s %%}" % v, "{% endif %}"),
}


def body(var, if_open, if_close, index):
    lines = [
        f"// {var('name')}: file {index} of {count}",
        f"// {var('description')}",
        f"{if_open('ci')}// continuous integration is on for {var('name')}{if_close}",
        f"pub const NAME: &str = \"{var('name')}\";",
        f"pub const AUTHOR: &str = \"{var('author')}\";",
    ]
    return "\n".join(lines) + "\n" + LOREM * 8


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def relative(index):
    return f"src/module{index % 5}/part{index}.rs"


answers = {"name": "demo", "description": "A generated project", "author": "Ada", "ci": True}

for flavour, (var, if_open, if_close) in FLAVOURS.items():
    root = os.path.join(out, flavour)
    if flavour == "workbench":
        files = os.path.join(root, "template")
        write(
            os.path.join(root, "template.toml"),
            "description = \"benchmark template\"\n"
            "[[prompt]]\nname = \"name\"\n"
            "[[prompt]]\nname = \"description\"\ndefault = \"A generated project\"\n"
            "[[prompt]]\nname = \"author\"\ndefault = \"Ada\"\n"
            "[[prompt]]\nname = \"ci\"\ntype = \"bool\"\ndefault = true\n",
        )
    elif flavour == "cargo-generate":
        files = root
        write(
            os.path.join(root, "cargo-generate.toml"),
            "[template]\ncargo_generate_version = \">=0.10.0\"\nexclude = [\"assets/logo.bin\"]\n"
            "[placeholders]\n"
            "description = { type = \"string\", prompt = \"description\", default = \"A generated project\" }\n"
            "author = { type = \"string\", prompt = \"author\", default = \"Ada\" }\n"
            "ci = { type = \"bool\", prompt = \"ci\", default = true }\n",
        )
    elif flavour == "cookiecutter":
        files = os.path.join(root, "{{cookiecutter.name}}")
        write(
            os.path.join(root, "cookiecutter.json"),
            json.dumps({"name": "demo", "description": "A generated project", "author": "Ada", "ci": "yes"}),
        )
    else:
        files = root
        write(
            os.path.join(root, "copier.yml"),
            "_templates_suffix: \"\"\n"
            "name: {type: str}\n"
            "description: {type: str, default: A generated project}\n"
            "author: {type: str, default: Ada}\n"
            "ci: {type: bool, default: true}\n",
        )
    for index in range(count - 1):
        write(os.path.join(files, relative(index)), body(var, if_open, if_close, index))
    os.makedirs(os.path.join(files, "assets"), exist_ok=True)
    with open(os.path.join(files, "assets", "logo.bin"), "wb") as f:
        f.write(bytes(range(256)) * 8)
