#!/usr/bin/env bash
# Per-language plugin costs: scaffolds templates/plugin-{rust,js,python,c,zig}
# as the same lint check, builds each with its own toolchain, then measures
# all five side by side (bench/polyglot.rs). Rerun: `bench/polyglot/run.sh`
# after `make build` (which installs the guest toolchains).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
workbench=$(realpath "${WORKBENCH:-$root/build/workbench}")
venv="$root/guest-plugins/.venv/bin"
kit="$root/target/release/wasm-kit"
[ -x "$workbench" ] && [ -x "$kit" ] && [ -d "$venv" ] || { echo "run \`make build\` first" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export WORKBENCH_CACHE_DIR="$work/cache"

components=()
for language in rust js python c zig; do
  project="$work/todo-$language"
  where="wit=$root/wit"
  [ "$language" = rust ] && where="sdk=$root/guest-plugins/sdk"
  "$workbench" scaffold "$root/templates/plugin-$language" "$project" --defaults \
    --set role=lint-check --set "$where" >/dev/null 2>&1
  case $language in
    rust) cp "$root/guest-plugins/Cargo.lock" "$project/" ;;
    js) ln -s "$root/guest-plugins/examples/js-detector/node_modules" "$project/node_modules" ;;
  esac
  CARGO_TARGET_DIR="$root/target/scaffold-plugin-rust" make -s -C "$project" build DEPS= \
    PYTHON="$venv/python" COMPONENTIZE_PY="$venv/componentize-py" \
    WIT_BINDGEN="$kit wit-bindgen" WASM_TOOLS="$kit wasm-tools" >/dev/null
  components+=("$project/build/todo-$language.wasm")
done
cd "$root" && cargo bench --quiet --bench polyglot -- "${components[@]}"
