#!/usr/bin/env bash
# Noise on large repositories: what a default `workbench lint .` shows on
# each tree given, against the same binary with every finding shown (the
# Make conventions on every Makefile, foreign files' warnings too): findings,
# errors, notes, and lines printed in the human format.
#   bench/lint/noise.sh DIR...     (after `make build`; trees on tmpfs)
# The trees used in bench/README.md are the repositories and commits named
# there, unpacked from their GitHub archives.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
workbench=${WORKBENCH:-$root/build/workbench}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '[lint]\nforeign-files = "all"\n\n[plugins.options.make]\nconventions = "all"\n' > "$work/all.toml"
printf '' > "$work/default.toml"

echo "| tree | findings, all | default | errors | notes, default | lines, all | default |"
echo "|---|---|---|---|---|---|---|"
for dir in "$@"; do
  for config in all default; do
    (cd "$dir" && "$workbench" lint --config "$work/$config.toml" --format json . > "$work/$config.json" || true)
    (cd "$dir" && "$workbench" lint --config "$work/$config.toml" --color never . > "$work/$config.txt" || true)
  done
  python3 - "$dir" "$work" <<'PY'
import json, os, sys
directory, work = sys.argv[1:]
summary = {c: json.load(open(f"{work}/{c}.json"))["summary"] for c in ("all", "default")}
lines = {c: sum(1 for _ in open(f"{work}/{c}.txt")) for c in ("all", "default")}
total = lambda s: s["errors"] + s["warnings"] + s["infos"]
a, d = summary["all"], summary["default"]
print(f"| {os.path.basename(os.path.abspath(directory))} | {total(a)} | {total(d)} | {d['errors']} | {d['infos']} | {lines['all']} | {lines['default']} |")
PY
done
