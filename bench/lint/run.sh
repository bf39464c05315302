#!/usr/bin/env bash
# Lint benchmark: workbench lint over a generated 10,000-file monorepo, and
# the generated Makefiles side by side with unmake (a POSIX-make linter) in
# the same run. Rerun: `bench/lint/run.sh` after `make build`.
# Needs: python3; hyperfine (apt-get install hyperfine) for timings;
# unmake (cargo install unmake --locked) for the comparison, else skipped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
workbench=${WORKBENCH:-$root/build/workbench}
files=${FILES:-10000}
runs=${RUNS:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

[ -x "$workbench" ] || { echo "no $workbench: run \`make build\` first" >&2; exit 2; }
python3 "$here/generate.py" "$work/tree" "$files"
export WORKBENCH_CACHE_DIR="$work/cache"
# Compile the plugins into the cache once; the timed runs load them.
(cd "$work/tree" && "$workbench" lint --format json > "$work/out.json" || true)
python3 - "$work/out.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(f"findings: {d['summary']} (files checked: {d['summary']['files']})")
PY

if command -v hyperfine >/dev/null; then
  # Cold: no lint results cached (compiled plugins stay cached); warm: all cached.
  hyperfine --warmup 1 --runs "$runs" -i -N --export-json "$work/cold.json" \
    --prepare "rm -rf $WORKBENCH_CACHE_DIR/lint" \
    --command-name "workbench lint, cold ($files files)" "$workbench lint --quiet $work/tree"
  hyperfine --warmup 1 --runs "$runs" -i -N --export-json "$work/warm.json" \
    --command-name "workbench lint, warm ($files files)" "$workbench lint --quiet $work/tree"
  python3 - "$work/cold.json" "$work/warm.json" <<'PY'
import json, sys
cold, warm = (json.load(open(path))["results"][0]["median"] * 1000 for path in sys.argv[1:])
print(f"medians: cold {cold:.1f} ms, warm {warm:.1f} ms: warm is {cold / warm:.2f}x faster (goal: 5x)")
PY
else
  echo "hyperfine not installed; one timed run:"
  /usr/bin/time -f "%e s wall, %U s user, %M KiB peak" "$workbench" lint --quiet "$work/tree" > /dev/null || true
fi

makefiles=$(find "$work/tree" -name Makefile | sort)
count=$(echo "$makefiles" | wc -l)
echo
echo "Makefiles: $count"
printf '%s\n' $makefiles > "$work/makefiles.txt"
wb_failed=$( (cd "$work" && "$workbench" lint --format json $makefiles || true) | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["failures"]))')
echo "workbench parsed: $count of $count (it skips what it cannot read; plugin failures: $wb_failed)"
if command -v unmake >/dev/null; then
  # unmake prints `error:` for a Makefile it cannot parse (it accepts POSIX make only).
  rejected=0
  for f in $makefiles; do
    out=$(unmake "$f" 2>&1 || true)
    case "$out" in *"error: "*) rejected=$((rejected + 1)) ;; esac
  done
  echo "unmake parsed:    $((count - rejected)) of $count"
  hyperfine --warmup 1 --runs "$runs" -i -N --prepare "rm -rf $WORKBENCH_CACHE_DIR/lint" \
    --command-name "unmake ($count Makefiles)" "unmake $(tr '\n' ' ' < "$work/makefiles.txt")" \
    --command-name "workbench lint ($count Makefiles)" "$workbench lint --quiet $(tr '\n' ' ' < "$work/makefiles.txt")"
else
  echo "unmake not installed (cargo install unmake --locked): comparison skipped"
fi
