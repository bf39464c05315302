"""Seeds each fuzz target's corpus from the repository's own test inputs:
`python3 fuzz/seed.py` (run by `make fuzz`). Files already in a corpus stay."""
import glob
import hashlib
import os
import sys
import tomllib

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
corpus = os.path.join(root, "fuzz", "corpus")


def add(target, data):
    if isinstance(data, str):
        data = data.encode()
    folder = os.path.join(corpus, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, hashlib.sha1(data).hexdigest()), "wb") as out:
        out.write(data)


def files(*patterns):
    for pattern in patterns:
        for path in glob.glob(os.path.join(root, pattern), recursive=True):
            if os.path.isfile(path) and "/target/" not in path and "node_modules" not in path:
                with open(path, "rb") as source:
                    yield path, source.read()


def spec_contents(spec):
    with open(os.path.join(root, spec), "rb") as source:
        for case in tomllib.load(source).get("case", []):
            for file in case.get("files", []):
                yield file.get("contents", "")


for _, data in files("examples/site/**/*.md", "tests/fixtures/**/*.md", "templates/site/template/**/*.md"):
    add("front_matter", data)
for _, data in files("workbench.toml", "examples/**/workbench.toml", "templates/*/template/workbench.toml"):
    add("config", data)
for _, data in files("templates/*/template.toml", "tests/fixtures/scaffold/**/template.toml",
                     "tests/fixtures/scaffold/**/khaos.json", "tests/fixtures/scaffold/khaos/library/template/**"):
    add("scaffold_template", data)
for _, data in files("tests/fixtures/detect/**/*.html"):
    for charset in range(4):
        add("page", bytes([charset]) + data)
for _, data in files("**/Makefile", "**/*.mk"):
    add("makefile", data)
for contents in spec_contents("guest-plugins/lint/make/spec.toml"):
    add("makefile", contents)
for spec in ("guest-plugins/lint/text/spec.toml", "guest-plugins/lint/data/spec.toml", "guest-plugins/lint/make/spec.toml"):
    for contents in spec_contents(spec):
        add("suppressions", contents)
add("suppressions", "# workbench: allow(make/quiet-recipe) -- generated\n# workbench: allow(text/tabs, data/*)\n")
for _, data in files("tests/fixtures/detect/fingerprints/*.json"):
    add("fingerprints", data)

for target in sorted(os.listdir(corpus)):
    print(f"{target}: {len(os.listdir(os.path.join(corpus, target)))} seeds", file=sys.stderr)
