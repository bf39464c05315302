#!/usr/bin/env bash
# What each step issue 22 added costs at PAGES pages (default 10000): the
# generated site of run.sh built fresh with markdown, permalinks and
# layouts (the baseline), then with one more step each, all in one
# hyperfine run; `--check` is timed as a dry run beside a dry run, since
# the generated pages link to tag pages no builder makes. Rerun:
# `make build && bench/site/steps.sh`; `OLD=path/to/workbench` adds the
# baseline built by an older binary, in the same run, for the "no slower
# when the new steps are not configured" check. Needs python3 and hyperfine.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
workbench=$(realpath "${WORKBENCH:-$root/build/workbench}")
runs=${RUNS:-5}
pages=${PAGES:-10000}
bench_dir=${BENCH_DIR:-/dev/shm}
[ -d "$bench_dir" ] || bench_dir=${TMPDIR:-/tmp}
work=$(mktemp -d -p "$bench_dir")
trap 'rm -rf "$work"' EXIT
[ -x "$workbench" ] || { echo "no $workbench: run \`make build\` first" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine is needed: apt-get install hyperfine" >&2; exit 2; }
export WORKBENCH_CACHE_DIR="$work/cache"

python3 "$here/generate.py" "$work/generated" "$pages" >/dev/null
base="$work/generated/workbench"

# variant NAME STEPS: a copy of the workbench site with these steps.
variant() {
  cp -r "$base" "$work/$1"
  printf '[site]\nsteps = [%s]\n' "$2" > "$work/$1/workbench.toml"
}
variant baseline '"markdown", "permalinks", "layouts"'
variant table-of-contents '"markdown", "table-of-contents", "permalinks", "layouts"'
variant search-index '"markdown", "permalinks", "layouts", { plugin = "search-index", options = { max-bytes = 1000000000 } }'
variant shortcodes '"shortcodes", "markdown", "permalinks", "layouts"'
mkdir -p "$work/shortcodes/shortcodes"
printf '<aside class="note">\n  {{ body }}\n</aside>\n' > "$work/shortcodes/shortcodes/note.html"
# One paired call in every page, so the step renders 10,000 of them.
for page in "$work/shortcodes/site/posts/"*.md; do
  printf '\n{{< note >}}A shortcode in every page.{{< /note >}}\n' >> "$page"
done
variant minify '"markdown", "permalinks", "layouts", "minify"'
variant sass '"markdown", "permalinks", "layouts", "sass"'
mkdir -p "$work/sass/site/css"
python3 - "$work/sass/site/css" <<'PY'
import sys
# A stylesheet the size of a small theme: variables, nesting, a mixin, a loop.
out = ["$ink: #222;", "$accent: #0366d6;", "@mixin pad($n) { padding: $n * 4px; }"]
for i in range(200):
    out.append(f".block-{i} {{ color: $ink; @include pad({i % 5}); a {{ color: darken($accent, {i % 20}%); }} }}")
out.append("@for $i from 1 through 50 { .m-#{$i} { margin: #{$i * 2}px; } }")
open(f"{sys.argv[1]}/theme.scss", "w").write("\n".join(out) + "\n")
PY

names=(baseline table-of-contents search-index shortcodes minify sass)
commands=()
if [ -n "${OLD:-}" ]; then
  old=$(realpath "$OLD")
  variant baseline-old '"markdown", "permalinks", "layouts"'
  (cd "$work/baseline-old" && WORKBENCH_CACHE_DIR="$work/cache-old" "$old" build --quiet)
  commands+=(--command-name "baseline (OLD)" "cd $work/baseline-old && WORKBENCH_CACHE_DIR=$work/cache-old $old build --quiet")
fi
for name in "${names[@]}"; do
  (cd "$work/$name" && "$workbench" build --quiet)  # untimed: compiles the plugins into the cache
  commands+=(--command-name "$name" "cd $work/$name && $workbench build --quiet")
done
commands+=(--command-name "dry run" "cd $work/baseline && $workbench build --quiet --dry-run >/dev/null")
commands+=(--command-name "dry run --check" "cd $work/baseline && $workbench build --quiet --dry-run --check >/dev/null 2>&1 || true")
hyperfine --warmup 1 --runs "$runs" --shell bash --export-json "$work/steps.json" \
  --prepare "rm -rf $work/*/build $work/*/.build.*" "${commands[@]}" >/dev/null

links=$( (cd "$work/baseline" && "$workbench" build --dry-run --check --format json 2>/dev/null || true) | python3 -c 'import json,sys; d=json.load(sys.stdin)["links"]; print(d["links"], d["pages"])')
python3 - "$work/steps.json" "$pages" "$links" <<'PY'
import json, statistics, sys
results = {r["command"]: statistics.median(r["times"]) for r in json.load(open(sys.argv[1]))["results"]}
pages = int(sys.argv[2])
links, checked_pages = sys.argv[3].split()
base = results["baseline"]
print(f"{pages} pages, fresh builds, medians:")
print(f"{'configuration':<28} {'wall s':>8} {'step s':>8} {'µs/page':>8}")
print(f"{'markdown, permalinks, layouts':<28} {base:>8.3f} {'':>8} {'':>8}")
if "baseline (OLD)" in results:
    old = results["baseline (OLD)"]
    print(f"{'  the same, OLD binary':<28} {old:>8.3f} {'':>8} {'':>8}   (new/old {base / old:.3f})")
for name in ["table-of-contents", "search-index", "shortcodes", "minify", "sass"]:
    cost = results[name] - base
    print(f"{'+ ' + name:<28} {results[name]:>8.3f} {cost:>8.3f} {cost / pages * 1e6:>8.1f}")
cost = results["dry run --check"] - results["dry run"]
print(f"{'--check (dry runs)':<28} {results['dry run --check']:>8.3f} {cost:>8.3f} {cost / pages * 1e6:>8.1f}   ({links} links on {checked_pages} pages)")
PY
