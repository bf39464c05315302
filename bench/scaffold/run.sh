#!/usr/bin/env bash
# Scaffold benchmark: the same 50-file template (bench/scaffold/generate.py)
# rendered non-interactively by workbench, cargo-generate, cookiecutter and
# copier, side by side in one hyperfine run. Rerun: `bench/scaffold/run.sh`
# after `make build`.
# Needs: python3, hyperfine; the peers (a missing one is skipped):
#   cargo install cargo-generate@0.23.7 --locked
#   pip install cookiecutter copier
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
workbench=$(realpath "${WORKBENCH:-$root/build/workbench}")
runs=${RUNS:-20}
files=${FILES:-50}
bench_dir=${BENCH_DIR:-/dev/shm}
[ -d "$bench_dir" ] || bench_dir=${TMPDIR:-/tmp}
work=$(mktemp -d -p "$bench_dir")
trap 'rm -rf "$work"' EXIT

[ -x "$workbench" ] || { echo "no $workbench: run \`make build\` first" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine is needed: apt-get install hyperfine" >&2; exit 2; }
python3 "$here/generate.py" "$work/templates" "$files"
out="$work/out"
export WORKBENCH_CACHE_DIR="$work/cache"

commands=(--command-name "workbench" "$workbench scaffold $work/templates/workbench $out/demo --defaults --set name=demo")
if command -v cargo-generate >/dev/null; then
  commands+=(--command-name "cargo-generate $(cargo-generate --version | awk '{print $NF}')"
    "cargo-generate generate --path $work/templates/cargo-generate --name demo --silent --vcs none --destination $out")
fi
if command -v cookiecutter >/dev/null; then
  commands+=(--command-name "cookiecutter $(cookiecutter --version | awk '{print $2}')"
    "cookiecutter --no-input $work/templates/cookiecutter -o $out name=demo")
fi
if command -v copier >/dev/null; then
  commands+=(--command-name "copier $(copier --version | awk '{print $2}')"
    "copier copy --quiet --defaults --data name=demo $work/templates/copier $out/demo")
fi

# Each peer must write the same 50 files before it is timed.
for flavour in workbench cargo-generate cookiecutter copier; do
  rm -rf "$out"
  case $flavour in
    workbench) "$workbench" scaffold "$work/templates/workbench" "$out/demo" --defaults --set name=demo 2>/dev/null ;;
    cargo-generate) command -v cargo-generate >/dev/null || continue
      mkdir -p "$out"
      cargo-generate generate --path "$work/templates/cargo-generate" --name demo --silent --vcs none --destination "$out" >/dev/null 2>&1 ;;
    cookiecutter) command -v cookiecutter >/dev/null || continue
      cookiecutter --no-input "$work/templates/cookiecutter" -o "$out" name=demo ;;
    copier) command -v copier >/dev/null || continue
      copier copy --quiet --defaults --data name=demo "$work/templates/copier" "$out/demo" ;;
  esac
  mkdir -p "$work/check"
  rm -rf "$work/check/$flavour" && mv "$out/demo" "$work/check/$flavour"
  rm -f "$work/check/$flavour/.workbench-answers.toml" "$work/check/$flavour/cargo-generate.toml" "$work/check/$flavour/copier.yml"
  if [ "$flavour" != workbench ] && ! diff -r "$work/check/workbench" "$work/check/$flavour" >/dev/null; then
    echo "$flavour renders differently from workbench:" >&2
    diff -r "$work/check/workbench" "$work/check/$flavour" | head -20 >&2
    exit 1
  fi
done

hyperfine --warmup 2 --runs "$runs" --style basic --prepare "rm -rf $out && mkdir -p $out" \
  --export-json "$work/result.json" "${commands[@]}"
python3 - "$work/result.json" <<'PY'
import json, statistics, sys
results = json.load(open(sys.argv[1]))["results"]
base = next(r for r in results if r["command"] == "workbench")
base_cpu = base["user"] + base["system"]
print(f"\n{'peer':<24} {'median wall':>12} {'mean CPU':>10} {'CPU vs workbench':>18}")
for r in results:
    cpu = r["user"] + r["system"]
    print(f"{r['command']:<24} {statistics.median(r['times']) * 1000:>10.1f}ms {cpu * 1000:>8.1f}ms {cpu / base_cpu:>17.2f}x")
PY
