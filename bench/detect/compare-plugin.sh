#!/usr/bin/env bash
# Two builds of the services detector side by side, through one workbench
# binary (`--plugin` replaces the bundled one), on three inputs: the 14
# fixture pages once (a short run, where compiling weighs most), the
# fixture pages repeated to 1,000 files (bench/detect/run.sh's input) and
# the real pages of corpus/ (gather.sh first). ROUNDS rounds of RUNS runs,
# interleaved, so drift on a shared machine hits both; prints medians.
#   bench/detect/compare-plugin.sh OLD.wasm [NEW.wasm]   # NEW: build/plugins/services.wasm
# Needs hyperfine and python3; inputs go to TMPDIR (use a tmpfs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
old=$(realpath "${1:?usage: bench/detect/compare-plugin.sh OLD.wasm [NEW.wasm]}")
new=$(realpath "${2:-$root/build/plugins/services.wasm}")
workbench=${WORKBENCH:-$root/build/workbench}
rounds=${ROUNDS:-5}
runs=${RUNS:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v hyperfine >/dev/null || { echo "hyperfine is needed: apt-get install hyperfine" >&2; exit 2; }
ls "$here"/corpus/files/*.html >/dev/null 2>&1 || { echo "no pages in $here/corpus/files: run corpus/gather.sh first" >&2; exit 2; }

mkdir -p "$work/pages"
fixtures=("$root"/tests/fixtures/detect/pages/*.html)
for ((i = 0; i < 1000; i++)); do cp "${fixtures[i % ${#fixtures[@]}]}" "$work/pages/page-$i.html"; done
printf '%s\n' "${fixtures[@]}" > "$work/fixtures.txt"
ls "$work"/pages/*.html > "$work/fixtures-1000.txt"
ls "$here"/corpus/files/*.html > "$work/corpus.txt"

export WORKBENCH_CACHE_DIR="$work/cache"
commands=()
for list in fixtures fixtures-1000 corpus; do
  for plugin in "$old" "$new"; do
    commands+=("$workbench detect --format ndjson --plugin $plugin --list $work/$list.txt")
  done
done
for ((round = 1; round <= rounds; round++)); do
  hyperfine -N --warmup 1 --runs "$runs" --export-json "$work/round-$round.json" "${commands[@]}" \
    >/dev/null 2>"$work/hyperfine.log" || { cat "$work/hyperfine.log" >&2; exit 1; }
done
python3 - "$work" "$old" "$new" <<'PY'
import glob, json, statistics, sys
work, old, new = sys.argv[1:]
times = {}
for path in glob.glob(f"{work}/round-*.json"):
    for result in json.load(open(path))["results"]:
        times.setdefault(result["command"], []).extend(result["times"])
print(f"old: {old}\nnew: {new}\n")
print("| input | old median | new median | new / old |")
print("|---|---|---|---|")
for name in ("fixtures", "fixtures-1000", "corpus"):
    pick = lambda plugin: statistics.median(times[next(c for c in times if f"--plugin {plugin} " in c and c.endswith(f"/{name}.txt"))])
    a, b = pick(old), pick(new)
    print(f"| {name} | {a * 1000:.1f} ms | {b * 1000:.1f} ms | {b / a:.2f} |")
PY
