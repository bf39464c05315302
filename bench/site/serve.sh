#!/usr/bin/env bash
# Dev-server benchmark (issue 5): time from saving one page to its updated
# HTML on disk, for `workbench serve`, `hugo server` (rendering to disk) and
# Eleventy's `--watch --incremental`, on the same generated pages, at PAGES
# pages (default 1000 and 10000); for workbench also to the `reload` event
# an open tab gets. Then a second `workbench build` after one change, with
# the step cache warm, against a build without it.
# Rerun: `bench/site/serve.sh` after `make build`. Needs python3 and
# hyperfine; hugo and node + npm for the peers (skipped when missing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
workbench=$(realpath "${WORKBENCH:-$root/build/workbench}")
runs=${RUNS:-10}
sizes=${PAGES:-"1000 10000"}
bench_dir=${BENCH_DIR:-/dev/shm}
[ -d "$bench_dir" ] || bench_dir=${TMPDIR:-/tmp}
work=$(mktemp -d -p "$bench_dir")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

[ -x "$workbench" ] || { echo "no $workbench: run \`make build\` first" >&2; exit 2; }
if command -v npm >/dev/null && [ ! -d "$here/node/node_modules" ]; then
  (cd "$here/node" && npm install --no-audit --no-fund --silent)
fi
export WORKBENCH_CACHE_DIR="$work/cache"
eleventy="$here/node/node_modules/@11ty/eleventy/cmd.cjs"
page=posts/p00042

# Waits until $1 exists, up to 5 minutes.
wait_for() {
  for _ in $(seq 3000); do [ -e "$1" ] && return 0; sleep 0.1; done
  echo "timed out waiting for $1" >&2; exit 1
}

stop() {
  kill -INT "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

for pages in $sizes; do
  site="$work/site-$pages"
  python3 "$here/generate.py" "$site" "$pages"
  echo "== $pages pages, save -> output, $runs saves each"

  (cd "$site/workbench" && exec "$workbench" serve --port 0) 2>"$work/serve.log" &
  pid=$!; pids+=("$pid")
  for _ in $(seq 3000); do grep -q "serving" "$work/serve.log" && break; sleep 0.1; done
  address=$(grep -o 'http://[0-9.:]*' "$work/serve.log" | head -1)
  python3 "$here/latency.py" "$site/workbench/site/$page.md" "$site/workbench/build/$page/index.html" \
    --runs "$runs" --events "$address/__workbench/events" --label "workbench serve"
  stop "$pid"

  if command -v hugo >/dev/null; then
    (cd "$site/hugo" && exec hugo server --bind 127.0.0.1 --port 0 --renderToDisk --destination build --quiet) \
      >/dev/null 2>&1 &
    pid=$!; pids+=("$pid")
    wait_for "$site/hugo/build/$page/index.html"
    sleep 3  # its watcher starts after the first render
    python3 "$here/latency.py" "$site/hugo/content/$page.md" "$site/hugo/build/$page/index.html" \
      --runs "$runs" --label "hugo server $(hugo version | grep -o 'v[0-9.]*' | head -1)"
    stop "$pid"
  fi

  if [ -f "$eleventy" ]; then
    (cd "$site/eleventy" && exec node "$eleventy" --watch --incremental --quiet) >/dev/null 2>&1 &
    pid=$!; pids+=("$pid")
    wait_for "$site/eleventy/build/$page/index.html"
    sleep 3
    python3 "$here/latency.py" "$site/eleventy/src/$page.md" "$site/eleventy/build/$page/index.html" \
      --runs "$runs" --label "eleventy --watch --incremental"
    stop "$pid"
  fi

  echo "== $pages pages, workbench build after one change: warm step cache vs none"
  cd "$site/workbench"
  "$workbench" build --quiet
  edit="echo 'edited' >> site/$page.md"
  hyperfine --warmup 1 --runs "$runs" --shell bash --export-json "$work/$pages-warm.json" \
    --command-name "warm cache" --prepare "$edit" "$workbench build --quiet" \
    --command-name "no cache" --prepare "$edit; rm -f .build.cache" "$workbench build --quiet" >/dev/null
  python3 - "$work/$pages-warm.json" <<'PY'
import json, statistics, sys
results = {r["command"]: statistics.median(r["times"]) for r in json.load(open(sys.argv[1]))["results"]}
for name, median in results.items():
    print(f"{name:<28} median {median * 1000:7.1f} ms")
print(f"{'':<28} warm cache {results['no cache'] / results['warm cache']:.2f}x faster")
PY
  cd "$here"
done
