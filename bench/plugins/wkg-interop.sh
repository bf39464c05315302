#!/usr/bin/env bash
# What `workbench plugins push` writes, wkg reads, and what `wkg oci push`
# writes, `workbench plugins add` reads: both ways against Debian's
# docker-registry on loopback, the bytes compared by SHA-256. Not in CI
# (wkg takes minutes of CPU to build). Rerun:
#   cargo install wkg --locked --root /tmp/wkg && WKG=/tmp/wkg/bin/wkg bench/plugins/wkg-interop.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
workbench=$(realpath "${WORKBENCH:-$root/build/workbench}")
wkg=${WKG:-wkg}
component=$root/build/test-plugins/test-lint.wasm
work=$(mktemp -d)
registry_pid=""
trap '[ -n "$registry_pid" ] && kill "$registry_pid"; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
host=127.0.0.1:$port
printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s/data\nhttp:\n  addr: %s\n' "$work" "$host" > "$work/registry.yml"
docker-registry serve "$work/registry.yml" >/dev/null 2>&1 &
registry_pid=$!
until python3 -c "import urllib.request; urllib.request.urlopen('http://$host/v2/')" 2>/dev/null; do sleep 0.1; done
export WORKBENCH_CACHE_DIR=$work/cache
want=$(sha256sum "$component" | cut -c1-64)

"$workbench" plugins push --quiet "$component" "oci://$host/team/from-workbench:1.0.0" >/dev/null
"$wkg" oci pull --insecure "$host" "$host/team/from-workbench:1.0.0" -o "$work/pulled.wasm" >/dev/null
[ "$(sha256sum "$work/pulled.wasm" | cut -c1-64)" = "$want" ] && echo "workbench push -> wkg oci pull: same bytes"

"$wkg" oci push --insecure "$host" "$host/team/from-wkg:1.0.0" "$component" >/dev/null
mkdir "$work/repo" && cd "$work/repo"
"$workbench" plugins add --quiet "oci://$host/team/from-wkg:1.0.0"
grep -q "digest = \"sha256:$want\"" workbench.lock && echo "wkg oci push -> workbench plugins add: same bytes, pinned"
