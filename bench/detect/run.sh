#!/usr/bin/env bash
# Detect benchmark: workbench detect, rswappalyzer (embedded Wappalyzer
# rules) and python-Wappalyzer (bundled rules) over the same corpus, the
# fixture pages of tests/fixtures/detect repeated to PAGES files, in one run.
# Rerun: `bench/detect/run.sh` after `make build`.
# Needs: hyperfine (apt-get install hyperfine); cargo (builds the
# rswappalyzer peer once); python3 with venv and pip (installs
# python-Wappalyzer into bench/detect/.venv once). A missing peer is skipped
# with a message.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
workbench=${WORKBENCH:-$root/build/workbench}
pages=${PAGES:-1000}
runs=${RUNS:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

[ -x "$workbench" ] || { echo "no $workbench: run \`make build\` first" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine is needed: apt-get install hyperfine" >&2; exit 2; }

# The corpus: every fixture page, round-robin, until there are $pages files.
mkdir -p "$work/corpus"
fixtures=("$root"/tests/fixtures/detect/pages/*.html)
for ((i = 0; i < pages; i++)); do
  cp "${fixtures[i % ${#fixtures[@]}]}" "$work/corpus/page-$i.html"
done
ls "$work"/corpus/*.html > "$work/list.txt"
bytes=$(cat "$work"/corpus/*.html | wc -c)
echo "corpus: $pages pages, $((bytes / 1024)) KiB"

export WORKBENCH_CACHE_DIR="$work/cache"
"$workbench" detect --format ndjson --list "$work/list.txt" > "$work/workbench.ndjson"
python3 - "$work/workbench.ndjson" <<'PY'
import json, sys
records = [json.loads(line) for line in open(sys.argv[1])]
detections = sum(len(r["detections"]) for r in records)
settings = sum(len(d["settings"]) for r in records for d in r["detections"])
print(f"workbench: {len(records)} pages, {detections} services, {settings} settings")
PY

commands=(--command-name "workbench detect" "$workbench detect --format ndjson --list $work/list.txt")

peer="$here/rswappalyzer/target/release/rswappalyzer-bench"
if [ ! -x "$peer" ] && command -v cargo >/dev/null; then
  echo "building the rswappalyzer peer (once)..."
  cargo build --release --quiet --manifest-path "$here/rswappalyzer/Cargo.toml" || true
fi
if [ -x "$peer" ]; then
  "$peer" $(cat "$work/list.txt") | sed 's/^/rswappalyzer: /'
  commands+=(--command-name "rswappalyzer" "$peer $(tr '\n' ' ' < "$work/list.txt")")
else
  echo "rswappalyzer peer not built; skipped"
fi

venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  echo "installing python-Wappalyzer into $venv (once)..."
  (python3 -m venv "$venv" && "$venv/bin/pip" install --quiet python-Wappalyzer setuptools) || true
fi
if "$venv/bin/python" -c "import Wappalyzer" 2>/dev/null; then
  "$venv/bin/python" "$here/wappalyzer_bench.py" $(cat "$work/list.txt") | sed 's/^/python-Wappalyzer: /'
  commands+=(--command-name "python-Wappalyzer" "$venv/bin/python $here/wappalyzer_bench.py $(tr '\n' ' ' < "$work/list.txt")")
else
  echo "python-Wappalyzer not installed; skipped"
fi

hyperfine --warmup 1 --runs "$runs" -N --export-json "$work/times.json" "${commands[@]}"
python3 - "$work/times.json" "$pages" <<'PY'
import json, statistics, sys
results = json.load(open(sys.argv[1]))["results"]
pages = int(sys.argv[2])
rows = []
for r in results:
    cpu = (r["user"] + r["system"]) / pages * 1000
    rows.append((r["command"], statistics.median(r["times"]), cpu))
base = rows[0][2]
print(f"\n{'tool':<20} {'median wall':>12} {'CPU per page':>14} {'CPU vs workbench':>18}")
for name, wall, cpu in rows:
    print(f"{name:<20} {wall:>10.3f} s {cpu:>11.3f} ms {cpu / base:>17.2f}x")
PY
