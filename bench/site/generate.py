#!/usr/bin/env python3
"""Writes N deterministic markdown pages, and the same site set up for each
builder in bench/site/run.sh: workbench, Hugo, Metalsmith and Eleventy.

Each page: YAML front matter (title, date, tags, layout) and a 1-3 KB body
of headings, paragraphs, lists, a fenced code block and links. Every
builder renders markdown, gives each page a pretty URL
(posts/NAME/index.html) and wraps it in one equivalent layout.

usage: generate.py OUT_DIR N
"""
import os
import random
import sys

WORDS = (
    "workbench plugin site build layout markdown page content static fast wasm component "
    "host guest step pipeline metadata front matter template render output file directory "
    "cache batch core thread memory engine module export import world interface record"
).split()
TAGS = ["rust", "wasm", "web", "notes", "release", "guide", "tips", "news", "howto", "design"]


def sentence(rng, lo=6, hi=16):
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    return " ".join(words).capitalize() + "."


def body(rng, index):
    target = rng.randint(1024, 3072)
    parts = []
    size = 0
    section = 0
    while size < target:
        section += 1
        kind = section % 4
        if kind == 1:
            part = f"## Section {section}: {rng.choice(WORDS)} {rng.choice(WORDS)}\n\n" + " ".join(
                sentence(rng) for _ in range(rng.randint(2, 4))
            )
        elif kind == 2:
            part = "\n".join(f"- {sentence(rng, 3, 7)} See [page {rng.randint(0, 9999)}](/posts/p{rng.randint(0, 9999):05}/)." for _ in range(rng.randint(3, 5)))
        elif kind == 3:
            part = "```rust\nfn step_%d(input: &str) -> String {\n    input.to_uppercase()\n}\n```" % index
        else:
            part = " ".join(sentence(rng) for _ in range(rng.randint(3, 6))) + f" Read **more** about *{rng.choice(WORDS)}*."
        parts.append(part)
        size += len(part)
    return "\n\n".join(parts) + "\n"


def page(rng, index):
    tags = rng.sample(TAGS, rng.randint(1, 3))
    day = 1 + index % 28
    month = 1 + (index // 28) % 12
    front = (
        "---\n"
        f"title: \"Post {index}: {rng.choice(WORDS)} {rng.choice(WORDS)}\"\n"
        f"date: 2024-{month:02}-{day:02}\n"
        f"tags: [{', '.join(tags)}]\n"
        "layout: post\n"
        "---\n"
    )
    return front + body(rng, index)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def main():
    out, count = sys.argv[1], int(sys.argv[2])
    rng = random.Random(20261126)
    pages = [page(rng, i) for i in range(count)]
    for i, text in enumerate(pages):
        name = f"posts/p{i:05}.md"
        write(f"{out}/workbench/site/{name}", text)
        write(f"{out}/hugo/content/{name}", text)
        # @metalsmith/layouts 3 silently skips `layout: post` (the issue's
        # complaint); it needs the extension.
        write(f"{out}/metalsmith/src/{name}", text.replace("layout: post\n", "layout: post.hbs\n", 1))
        write(f"{out}/eleventy/src/{name}", text)

    # workbench: markdown, permalinks, layouts.
    write(f"{out}/workbench/workbench.toml", '[site]\nsteps = ["markdown", "permalinks", "layouts"]\n')
    write(
        f"{out}/workbench/layouts/post.html",
        "<!doctype html>\n<html><head><title>{{ title }}</title></head>\n<body><article><h1>{{ title }}</h1>\n"
        "<p>{{ date }} · {% for tag in tags %}<a href=\"/tags/{{ tag }}/\">{{ tag }}</a> {% endfor %}</p>\n"
        "{{ contents }}</article></body></html>\n",
    )

    # Hugo: only the pages (no home, lists, taxonomies, RSS or sitemap), pretty URLs.
    write(
        f"{out}/hugo/hugo.toml",
        'baseURL = "https://example.com/"\ndisableKinds = ["home", "section", "taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n'
        '[markup.goldmark.renderer]\nunsafe = true\n[markup.highlight]\ncodeFences = false\n',
    )
    write(
        f"{out}/hugo/layouts/_default/post.html",
        "<!doctype html>\n<html><head><title>{{ .Title }}</title></head>\n<body><article><h1>{{ .Title }}</h1>\n"
        "<p>{{ .Params.date }} · {{ range .Params.tags }}<a href=\"/tags/{{ . }}/\">{{ . }}</a> {{ end }}</p>\n"
        "{{ .Content }}</article></body></html>\n",
    )
    write(f"{out}/hugo/layouts/_default/single.html", "{{ .Content }}")

    # Metalsmith: the plugins the issue names.
    write(
        f"{out}/metalsmith/build.js",
        "const Metalsmith = require('metalsmith');\n"
        "const markdown = require('@metalsmith/markdown');\n"
        "const permalinks = require('@metalsmith/permalinks');\n"
        "const layouts = require('@metalsmith/layouts');\n"
        "Metalsmith(__dirname).source('src').destination('build').clean(true)\n"
        "  .use(markdown()).use(permalinks()).use(layouts({ transform: 'handlebars', default: 'post.hbs', pattern: '**/*.html' }))\n"
        "  .build((err) => { if (err) { console.error(err); process.exit(1); } });\n",
    )
    write(
        f"{out}/metalsmith/layouts/post.hbs",
        "<!doctype html>\n<html><head><title>{{ title }}</title></head>\n<body><article><h1>{{ title }}</h1>\n"
        "<p>{{ date }} · {{#each tags}}<a href=\"/tags/{{ this }}/\">{{ this }}</a> {{/each}}</p>\n"
        "{{{ contents }}}</article></body></html>\n",
    )

    # Eleventy: markdown-it, pretty URLs by default, a Liquid layout.
    write(
        f"{out}/eleventy/eleventy.config.js",
        "module.exports = function () { return { dir: { input: 'src', output: 'build', includes: '_includes' } }; };\n",
    )
    write(
        f"{out}/eleventy/src/_includes/post.liquid",
        "<!doctype html>\n<html><head><title>{{ title }}</title></head>\n<body><article><h1>{{ title }}</h1>\n"
        "<p>{{ date }} · {% for tag in tags %}<a href=\"/tags/{{ tag }}/\">{{ tag }}</a> {% endfor %}</p>\n"
        "{{ content }}</article></body></html>\n",
    )


if __name__ == "__main__":
    main()
