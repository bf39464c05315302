#!/usr/bin/env bash
# Public templates (bench/scaffold/public.txt) rendered by workbench and by
# their own tool: first compared file by file, then timed side by side in
# one hyperfine run each.
#   bench/scaffold/public.sh            # clones from GitHub
#   MIRRORS=DIR bench/scaffold/public.sh  # DIR/OWNER+NAME/repo are bare clones
# Needs: git, hyperfine, after `make build`; the peers on PATH:
#   pip install cookiecutter==2.7.1 copier==9.19.1
#   cargo install --locked cargo-generate@0.23.14
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
workbench=$(realpath "${WORKBENCH:-$root/build/workbench}")
runs=${RUNS:-10}
bench_dir=${BENCH_DIR:-/dev/shm}
[ -d "$bench_dir" ] || bench_dir=${TMPDIR:-/tmp}
work=$(mktemp -d -p "$bench_dir")
trap 'rm -rf "$work"' EXIT
export WORKBENCH_CACHE_DIR="$work/cache" HOME="$work/home" # no user config, no replay files
# cargo-generate's `authors`, the same for both tools.
export CARGO_NAME="Ada Lovelace" CARGO_EMAIL=ada@example.com
mkdir -p "$HOME" "$work/tmp"
# Both tools stage files in the temporary folder: on tmpfs too.
export TMPDIR="$work/tmp"
[ -x "$workbench" ] || { echo "no $workbench: run \`make build\` first" >&2; exit 2; }

# A template's files at COMMIT, without its history.
checkout() {
  local repo=$1 commit=$2 dest=$3 git_dir
  if [ -n "${MIRRORS:-}" ]; then
    git_dir="$MIRRORS/${repo/\//+}/repo"
  else
    git_dir="$work/clones/${repo/\//+}.git"
    [ -d "$git_dir" ] || git clone --quiet --bare "https://github.com/$repo" "$git_dir"
  fi
  mkdir -p "$dest"
  git --git-dir="$git_dir" archive "$commit" | tar -x -C "$dest"
}

# The tool's own render into a folder under OUT; workbench renders into
# the same folder name. `subdir:DIR` among the answers names the template's folder.
peer_render() { # tool template out hooks [KEY=VALUE|subdir:DIR...]
  local tool=$1 template=$2 out=$3 hooks=$4 answer data=() sub=()
  shift 4
  case $tool in
    cargo-generate)
      for answer in "$@"; do
        case $answer in subdir:*) sub=("${answer#subdir:}") ;; *) data+=(--define "$answer") ;; esac
      done
      local allow=()
      [ "$hooks" = yes ] && allow=(--allow-commands)
      mkdir -p "$out"
      cargo-generate generate --path "$template" "${sub[@]}" --name project --destination "$out" \
        --silent --vcs none "${allow[@]}" "${data[@]}" >/dev/null 2>&1 ;;
    cookiecutter) cookiecutter --no-input --accept-hooks "$hooks" -o "$out" "$template" "$@" >/dev/null ;;
    copier)
      for answer in "$@"; do data+=(--data "$answer"); done
      local tasks=--skip-tasks
      [ "$hooks" = yes ] && tasks=--trust
      copier copy --quiet --defaults "$tasks" "${data[@]}" "$template" "$out/project" >/dev/null 2>&1 ;;
  esac
}

status=0
results=()
while read -r tool repo commit hooks answers; do
  case $tool in ''|'#'*) continue ;; esac
  command -v "$tool" >/dev/null || { echo "skip $repo: no $tool on PATH" >&2; continue; }
  read -r -a given <<<"${answers:-}"
  set_args=()
  for answer in "${given[@]}"; do
    case $answer in subdir:*) set_args+=(--subdir "${answer#subdir:}") ;; *) set_args+=(--set "$answer") ;; esac
  done
  template="$work/templates/${repo/\//+}"
  checkout "$repo" "$commit" "$template"
  if [ "$hooks" = refused ]; then
    if "$workbench" scaffold "$template" "$work/refused" --defaults "${set_args[@]}" 2>"$work/err"; then
      echo "FAIL $repo: workbench rendered a template it should refuse" >&2; status=1
    else
      echo "ok   $repo: refused: $(grep -m1 '^error' "$work/err" || head -1 "$work/err")"
    fi
    continue
  fi
  for with_hooks in no yes; do
    [ "$with_hooks" = yes ] && [ "$hooks" != both ] && continue
    theirs="$work/theirs-$with_hooks" ours="$work/ours-$with_hooks"
    rm -rf "$theirs" "$ours"
    # Both render at the same path (templates may print where they were
    # written), each then moved aside.
    rm -rf "$work/render"
    if ! peer_render "$tool" "$template" "$work/render" "$with_hooks" "${given[@]}"; then
      echo "FAIL $repo (hooks: $with_hooks): $tool itself stopped; rerun it by hand to see why" >&2; status=1; continue
    fi
    mv "$work/render" "$theirs"
    name=$(ls "$theirs")
    trust=(); [ "$with_hooks" = yes ] && trust=(--trust)
    if ! "$workbench" scaffold "$template" "$work/render/$name" --defaults "${trust[@]}" "${set_args[@]}" 2>"$work/err" >/dev/null; then
      echo "FAIL $repo (hooks: $with_hooks): workbench stopped: $(head -2 "$work/err")" >&2; status=1; continue
    fi
    mv "$work/render" "$ours"
    rm -f "$ours/$name/.workbench-answers.toml"
    files=$(find "$theirs" -type f | wc -l)
    if diff -r "$theirs" "$ours" >"$work/diff"; then
      echo "ok   $repo (hooks: $with_hooks): the same $files files"
    else
      echo "FAIL $repo (hooks: $with_hooks): differs from $tool:" >&2; head -40 "$work/diff" >&2; status=1
    fi
  done
  if command -v hyperfine >/dev/null; then
    out="$work/out"
    hyperfine --shell bash --warmup 1 --runs "$runs" --style basic --prepare "rm -rf $out" --export-json "$work/timing.json" \
      --command-name "workbench" "$workbench scaffold $template $out/p --defaults ${set_args[*]}" \
      --command-name "$tool" "$(declare -f peer_render); peer_render $tool $template $out no ${given[*]}" >/dev/null
    results+=("$(python3 - "$work/timing.json" "$repo" <<'PY'
import json, statistics, sys
results = json.load(open(sys.argv[1]))["results"]
ours, theirs = results
median = lambda r: statistics.median(r["times"]) * 1000
cpu = lambda r: (r["user"] + r["system"]) * 1000
print(f"| {sys.argv[2]} | {median(ours):.1f} ms | {median(theirs):.1f} ms | {median(theirs) / median(ours):.1f}x | {cpu(ours):.1f} ms | {cpu(theirs):.1f} ms |")
PY
)")
  fi
done < "$here/public.txt"

if [ ${#results[@]} -gt 0 ]; then
  echo
  echo "| template | workbench median | own tool median | ratio | workbench CPU | own tool CPU |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${results[@]}"
fi
exit $status
