#!/usr/bin/env bash
# Two workbench binaries side by side on the same inputs, in one hyperfine
# run per job: build (a generated site), lint (a generated 10,000-file tree,
# cold and warm) and detect (the fixture pages repeated). For checking that
# a change made nothing slower: `bench/compare.sh OLD_BINARY NEW_BINARY`.
# Inputs live under TMPDIR (use a tmpfs: TMPDIR=/dev/shm), and every job
# runs there, so no workbench.toml of the caller's is read. Needs python3 and
# hyperfine (apt-get install hyperfine).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
old=$(realpath "${1:?usage: bench/compare.sh OLD_BINARY NEW_BINARY}")
new=$(realpath "${2:?usage: bench/compare.sh OLD_BINARY NEW_BINARY}")
pages=${PAGES:-1000}
files=${FILES:-10000}
runs=${RUNS:-15}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v hyperfine >/dev/null || { echo "hyperfine is needed: apt-get install hyperfine" >&2; exit 2; }

# Each binary gets its own cache, so neither reads what the other wrote.
cache() { echo "$work/cache-$1"; }
run() { echo "WORKBENCH_CACHE_DIR=$(cache "$1") ${!1}"; }

python3 "$here/site/generate.py" "$work/site" "$pages" >/dev/null
python3 "$here/lint/generate.py" "$work/tree" "$files" >/dev/null
mkdir -p "$work/pages"
fixtures=("$root"/tests/fixtures/detect/pages/*.html)
for ((i = 0; i < pages; i++)); do cp "${fixtures[i % ${#fixtures[@]}]}" "$work/pages/page-$i.html"; done
ls "$work"/pages/*.html > "$work/list.txt"

results=()
compare() { # name, hyperfine arguments...
  local name=$1
  shift
  hyperfine --warmup 2 --runs "$runs" -N -i --export-json "$work/$name.json" "$@" >/dev/null
  results+=("$name")
}

site="$work/site/workbench"
for who in old new; do (cd "$site" && env WORKBENCH_CACHE_DIR="$(cache $who)" "${!who}" build --quiet); done
compare "build ($pages pages, rebuild)" \
  --command-name old "bash -c 'cd $site && $(run old) build --quiet'" \
  --command-name new "bash -c 'cd $site && $(run new) build --quiet'"

compare "lint ($files files, cold)" \
  --prepare "rm -rf $(cache old)/lint $(cache new)/lint" \
  --command-name old "bash -c 'cd $work && $(run old) lint --quiet tree'" \
  --command-name new "bash -c 'cd $work && $(run new) lint --quiet tree'"
compare "lint ($files files, warm)" \
  --command-name old "bash -c 'cd $work && $(run old) lint --quiet tree'" \
  --command-name new "bash -c 'cd $work && $(run new) lint --quiet tree'"

compare "detect ($pages pages)" \
  --command-name old "bash -c 'cd $work && $(run old) detect --format ndjson --list list.txt'" \
  --command-name new "bash -c 'cd $work && $(run new) detect --format ndjson --list list.txt'"

python3 - "$work" "${results[@]}" <<'PY'
import json, sys
work, names = sys.argv[1], sys.argv[2:]
print(f"{'job':<32} {'old (ms)':>10} {'new (ms)':>10} {'new/old':>8}")
for name in names:
    medians = {r["command"]: r["median"] * 1000 for r in json.load(open(f"{work}/{name}.json"))["results"]}
    print(f"{name:<32} {medians['old']:>10.1f} {medians['new']:>10.1f} {medians['new'] / medians['old']:>8.2f}")
PY
