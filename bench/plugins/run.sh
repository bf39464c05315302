#!/usr/bin/env bash
# Plugins from a registry: three components pushed to a local OCI registry
# (Debian's docker-registry, on loopback, storage on tmpfs), then, in one
# hyperfine run:
#   - add:   `workbench plugins add` of all three into an empty repository
#            with an empty cache (download, digest check, contract check,
#            which compiles each), beside `skopeo copy` of the same three
#            artifacts (download only) as the peer's floor;
#   - first: the first `workbench lint --locked` after adding them (time
#            to first result: `add` compiled them, nothing is linted yet);
#   - fresh machine: the same with nothing compiled either (a CI machine
#            after `workbench plugins fetch`);
#   - warm:  `workbench lint --locked` again, with the registry stopped
#            (a warm run with a complete lock touches no network).
# Rerun: `make build polyglot && bench/plugins/run.sh`. Needs hyperfine,
# docker-registry and skopeo (apt-get install hyperfine docker-registry skopeo).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
workbench=$(realpath "${WORKBENCH:-$root/build/workbench}")
runs=${RUNS:-5}
bench_dir=${BENCH_DIR:-/dev/shm}
[ -d "$bench_dir" ] || bench_dir=${TMPDIR:-/tmp}
work=$(mktemp -d -p "$bench_dir")
registry_pid=""
cleanup() { [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
[ -x "$workbench" ] || { echo "no $workbench: run \`make build\` first" >&2; exit 2; }
for tool in hyperfine docker-registry skopeo python3; do
  command -v "$tool" >/dev/null || { echo "$tool is needed (see the top of $0)" >&2; exit 2; }
done
# A Rust lint check (small), a Python one (its interpreter inside, ~18 MB)
# and a JavaScript detector (~12 MB): what teams really publish.
components=("$root/build/test-plugins/test-lint.wasm" "$root/build/polyglot/py-lint.wasm" "$root/build/polyglot/js-detector.wasm")
for component in "${components[@]}"; do
  [ -f "$component" ] || { echo "no $component: run \`make build polyglot\` first" >&2; exit 2; }
done

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
host=127.0.0.1:$port
cat > "$work/registry.yml" <<YAML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: $host
YAML
docker-registry serve "$work/registry.yml" >/dev/null 2>&1 &
registry_pid=$!
until python3 -c "import urllib.request; urllib.request.urlopen('http://$host/v2/')" 2>/dev/null; do sleep 0.1; done

export WORKBENCH_CACHE_DIR="$work/cache"
references=()
for component in "${components[@]}"; do
  name=$(basename "$component" .wasm)
  "$workbench" plugins push --quiet "$component" "oci://$host/bench/$name:1.0.0" >/dev/null
  references+=("oci://$host/bench/$name:1.0.0")
done
echo "pushed ${#components[@]} components ($(du -ch "${components[@]}" | tail -1 | cut -f1)) to $host" >&2

repo=$work/repo
mkdir -p "$repo/src"
for i in $(seq 1 200); do printf 'line one\nline two \n' > "$repo/src/file-$i.txt"; done
printf '[lint]\n' > "$repo/workbench.toml"
adds=$(for ref in "${references[@]}"; do printf "'%s' plugins add --quiet '%s' && " "$workbench" "$ref"; done)
copies=$(for ref in "${references[@]}"; do printf "skopeo copy --quiet --src-tls-verify=false docker://%s dir:%s/peer/%s && " "${ref#oci://}" "$work" "$(basename "${ref%%:1.0.0}")"; done)

cd "$repo"
hyperfine --runs "$runs" --warmup 1 --style basic --export-json "$work/add.json" \
  --prepare "rm -rf '$work/cache' '$work/peer' workbench.lock && printf '[lint]\n' > workbench.toml && mkdir -p '$work/peer'" \
  --command-name "workbench plugins add (3)" "${adds}true" \
  --command-name "skopeo copy (3)" "${copies}true"
# skopeo's runs were prepared last, which emptied the repository: add the
# three again, then keep the downloads and drop what was compiled and linted.
eval "${adds}true"
grep -c '^\[\[plugin\]\]' workbench.lock | grep -qx 3 || { echo "the lock does not pin the three components" >&2; exit 1; }
hyperfine --runs "$runs" --style basic --export-json "$work/first.json" -i \
  --prepare "rm -rf '$work/cache/lint'" \
  --command-name "first lint after add" "'$workbench' lint --locked --quiet" \
  --prepare "rm -rf '$work/cache/compiled' '$work/cache/lint'" \
  --command-name "first lint on a fresh machine (compiles)" "'$workbench' lint --locked --quiet"
kill "$registry_pid"; wait "$registry_pid" 2>/dev/null || true; registry_pid=""
hyperfine --runs "$runs" --warmup 1 --style basic --export-json "$work/warm.json" -i \
  --command-name "warm lint, registry stopped" "'$workbench' lint --locked --quiet"

python3 - "$work" <<'PY'
import json, statistics, sys
work = sys.argv[1]
rows = []
for name in ("add", "first", "warm"):
    for result in json.load(open(f"{work}/{name}.json"))["results"]:
        rows.append((result["command"], statistics.median(result["times"])))
print("\n| run | median |\n|---|---|")
for command, median in rows:
    print(f"| {command} | {median:.3f} s |")
add = dict(rows)
print(f"\nworkbench add / skopeo copy: {add['workbench plugins add (3)'] / add['skopeo copy (3)']:.2f}x")
PY
