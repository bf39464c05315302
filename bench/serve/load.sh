#!/usr/bin/env bash
# Load on the dev server: `workbench serve` of the example site, then wrk
# from a second process over 127.0.0.1 (64 connections, DURATION seconds)
# on a page and on a missing path, and a check that it still answers.
# Rerun: `bench/serve/load.sh` after `make build`; needs wrk (apt-get install wrk).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
workbench=$(realpath "${WORKBENCH:-$root/build/workbench}")
duration=${DURATION:-10}
connections=${CONNECTIONS:-64}
[ -x "$workbench" ] || { echo "no $workbench: run \`make build\` first" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 2; }
work=$(mktemp -d)
cp -r "$root/examples/site" "$work/site"
export WORKBENCH_CACHE_DIR="$work/cache"
"$workbench" serve "$work/site" --port 0 2> "$work/serve.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q "at http://" "$work/serve.log" && break; sleep 0.2; done
url=$(grep -o "http://127.0.0.1:[0-9]*" "$work/serve.log" | head -1)
[ -n "$url" ] || { cat "$work/serve.log" >&2; exit 1; }
for path in / /posts/first-steps/ /no-such-page; do
  echo "--- wrk -t2 -c$connections -d${duration}s $url$path"
  wrk -t2 -c"$connections" -d"${duration}s" --latency "$url$path" | grep -E "Requests/sec|Non-2xx|Socket errors|50%|99%|requests in"
done
echo "--- after the load: $(curl -s -o /dev/null -w '%{http_code}' "$url/")"
echo "server: $(grep Threads /proc/$server/status | tr -s '\t' ' '), $(ls /proc/$server/fd | wc -l) fds, $(grep VmRSS /proc/$server/status | tr -s '\t ' ' ')"
