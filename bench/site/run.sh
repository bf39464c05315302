#!/usr/bin/env bash
# Site benchmark: the same generated pages built by workbench, Hugo,
# Metalsmith and Eleventy in one hyperfine run, at PAGES pages (default
# 1000 and 10000). Rerun: `bench/site/run.sh` after `make build`.
# Needs: python3, hyperfine, GNU time; hugo (apt-get install hugo) and
# node + npm (the peers install into bench/site/node on first run); a peer
# that is missing is skipped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
workbench=$(realpath "${WORKBENCH:-$root/build/workbench}")
runs=${RUNS:-5}
sizes=${PAGES:-"1000 10000"}
# tmpfs by default: on this machine class the shared disk's metadata
# operations (0.4 ms a mkdir) swamp every builder's own work; the issue's
# reference numbers were taken on a fast filesystem too. BENCH_DIR=/tmp
# measures the disk instead.
bench_dir=${BENCH_DIR:-/dev/shm}
[ -d "$bench_dir" ] || bench_dir=${TMPDIR:-/tmp}
work=$(mktemp -d -p "$bench_dir")
trap 'rm -rf "$work"' EXIT

[ -x "$workbench" ] || { echo "no $workbench: run \`make build\` first" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine is needed: apt-get install hyperfine" >&2; exit 2; }
if command -v npm >/dev/null && [ ! -d "$here/node/node_modules" ]; then
  (cd "$here/node" && npm install --no-audit --no-fund --silent)
fi
export NODE_PATH="$here/node/node_modules"
export WORKBENCH_CACHE_DIR="$work/cache"

for pages in $sizes; do
  site="$work/site-$pages"
  python3 "$here/generate.py" "$site" "$pages"
  commands=(--command-name "workbench" "cd $site/workbench && $workbench build --quiet")
  peers=(workbench)
  if command -v hugo >/dev/null; then
    commands+=(--command-name "hugo $(hugo version | grep -o 'v[0-9.]*' | head -1)" "cd $site/hugo && hugo --quiet --destination build")
    peers+=(hugo)
  fi
  if [ -d "$here/node/node_modules/metalsmith" ]; then
    commands+=(--command-name "metalsmith" "cd $site/metalsmith && node build.js")
    commands+=(--command-name "eleventy" "cd $site/eleventy && node $here/node/node_modules/@11ty/eleventy/cmd.cjs --quiet")
    peers+=(metalsmith eleventy)
  fi
  echo "== $pages pages"
  # One untimed build each: compiles workbench's plugins into the cache, warms the disk cache.
  (cd "$site/workbench" && "$workbench" build --quiet)
  # fresh: every builder starts from an empty output (its own and workbench's
  # spare removed before each run); rebuild: each runs again over its own
  # previous output, as a person does (workbench then writes only changed bytes).
  hyperfine --warmup 1 --runs "$runs" --shell bash --export-json "$work/$pages-fresh.json" \
    --prepare "rm -rf $site/*/build $site/workbench/.build.*" "${commands[@]}"
  hyperfine --warmup 1 --runs "$runs" --shell bash --export-json "$work/$pages-rebuild.json" "${commands[@]}"
  for peer in "${peers[@]}"; do
    case $peer in
      workbench) dir=workbench; cmd=("$workbench" build --quiet) ;;
      hugo) dir=hugo; cmd=(hugo --quiet --destination build) ;;
      metalsmith) dir=metalsmith; cmd=(node build.js) ;;
      eleventy) dir=eleventy; cmd=(node "$here/node/node_modules/@11ty/eleventy/cmd.cjs" --quiet) ;;
    esac
    peak=$(cd "$site/$dir" && /usr/bin/time -f "%M" "${cmd[@]}" 2>&1 >/dev/null | tail -1)
    echo "$peer $peak" >> "$work/$pages.peak"
    outputs=$(find "$site/$dir/build" -name index.html | wc -l)
    echo "$peer wrote $outputs index.html pages"
  done
  for mode in fresh rebuild; do
  python3 - "$work/$pages-$mode.json" "$work/$pages.peak" "$pages" "$mode" <<'PY'
import json, statistics, sys
results = json.load(open(sys.argv[1]))["results"]
peaks = dict(line.split() for line in open(sys.argv[2]))
def key(name): return name.split()[0]
hugo = next((r for r in results if key(r["command"]) == "hugo"), None)
print(f"\n{sys.argv[3]} pages, {sys.argv[4]}, medians of {len(results[0]['times'])} runs:")
print(f"{'builder':<16} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9} {'wall/hugo':>10}")
for r in results:
    wall = statistics.median(r["times"])
    cpu = statistics.median(u + s for u, s in zip(r["user_times"], r["system_times"])) if "user_times" in r else r["user"] + r["system"]
    peak = int(peaks.get(key(r["command"]), 0)) / 1024
    ratio = f"{wall / statistics.median(hugo['times']):.2f}x" if hugo else "-"
    print(f"{r['command']:<16} {wall:>8.3f} {cpu:>8.3f} {peak:>9.0f} {ratio:>10}")
PY
  done
done
