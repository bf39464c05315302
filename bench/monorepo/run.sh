#!/usr/bin/env bash
# Monorepo benchmark: `workbench make test` over a generated monorepo of
# 200 projects with no-op targets, side by side with Turborepo on the same
# tree in one hyperfine run per case: every project, and `--changed` after
# one project was touched (turbo: --filter=...[HEAD], which also takes the
# dependents), both with no cache (turbo --force); then a fully cached run
# (workbench --cache, turbo's own cache), each warmed by hyperfine's
# warm-up run.
# Rerun: `TMPDIR=/dev/shm bench/monorepo/run.sh` after `make build`.
# Needs: python3, git, make, hyperfine; node + npm for turbo (installed
# into bench/monorepo/node on first run), else turbo is skipped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
workbench=${WORKBENCH:-$root/build/workbench}
count=${PROJECTS:-200}
runs=${RUNS:-5}   # turbo takes about a minute per full run here
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

[ -x "$workbench" ] || { echo "no $workbench: run \`make build\` first" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine is needed: apt-get install hyperfine" >&2; exit 2; }
python3 "$here/generate.py" "$work/mono" "$count"
cd "$work/mono"

turbo=""
if command -v npm >/dev/null; then
  [ -d "$here/node/node_modules" ] || (cd "$here/node" && npm install --no-audit --no-fund --silent)
  turbo="$here/node/node_modules/.bin/turbo"
  npm install --no-audit --no-fund --silent >/dev/null
  export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
fi
# Committed after npm install, so its lock file is no change outside the projects.
git init -q && git -c user.name=b -c user.email=b@example.com add . && git -c user.name=b -c user.email=b@example.com commit -qm base

# The projects workbench sees, and the work: one no-op make per project.
"$workbench" projects --format json | python3 -c 'import json,sys; print("workbench sees", len(json.load(sys.stdin)["projects"]), "projects")'
cores=$(nproc)
all=(--command-name "workbench make test ($count projects, -j $cores)" "$workbench make test -j $cores --format json")
[ -n "$turbo" ] && all+=(--command-name "turbo run test --force" "$turbo run test --force --concurrency=$cores --output-logs=none")
hyperfine --warmup 1 --runs "$runs" -N -i --export-json "$work/all.json" "${all[@]}"

echo "x" >> packages/p100/src.txt
changed=(--command-name "workbench make test --changed (one touched)" "$workbench make test --changed -j $cores --format json")
[ -n "$turbo" ] && changed+=(--command-name "turbo run test --filter=...[HEAD] --force" "$turbo run test --filter=...[HEAD] --force --concurrency=$cores --output-logs=none")
hyperfine --warmup 1 --runs "$runs" -N -i --export-json "$work/changed.json" "${changed[@]}"

cached=(--command-name "workbench make test --cache (all cached)" "$workbench make test --cache -j $cores --format json")
[ -n "$turbo" ] && cached+=(--command-name "turbo run test (all cached)" "$turbo run test --concurrency=$cores --output-logs=none")
hyperfine --warmup 1 --runs "$runs" -N -i --export-json "$work/cached.json" "${cached[@]}"

# workbench's own cost per task: the same run with `true` for make, one at a time.
hyperfine --warmup 1 --runs "$runs" -N -i --export-json "$work/own.json" \
  --command-name "workbench make test -j 1, MAKE=true" "env MAKE=true $workbench make test -j 1 --format json"

python3 - "$work/all.json" "$work/changed.json" "$count" "$work/own.json" "$work/cached.json" <<'PY'
import json, sys
count = int(sys.argv[3])
own = json.load(open(sys.argv[4]))["results"][0]["median"]
print(f"workbench's own time per task (spawning `true` included): {own * 1000 / count:.2f} ms")
for path in sys.argv[1:3] + sys.argv[5:6]:
    results = json.load(open(path))["results"]
    for result in results:
        print(f"{result['command']}: median {result['median'] * 1000:.0f} ms")
    if len(results) == 2:
        print(f"  turbo / workbench: {results[1]['median'] / results[0]['median']:.2f}")
all_runs = json.load(open(sys.argv[1]))["results"][0]["median"]
print(f"workbench per project, make included: {all_runs * 1000 / count:.2f} ms")
PY
