#!/usr/bin/env bash
# The `images` step against Hugo's image processing: PHOTOS photos
# (default 200) resized to 480, 960 and 1600 pixels wide as WebP, each
# tool at its defaults, in one hyperfine run:
#   - fresh: no cache (workbench --no-cache; Hugo with resources/_gen
#     removed before each run);
#   - unchanged: a rebuild with the cache of the build before (workbench's
#     step cache beside the output, Hugo's resources/_gen).
# Also the bytes each wrote. Rerun: `make build && bench/site/images.sh`.
#
# The photos are crops of the real photographs Debian ships in
# plasma-workspace-wallpapers and mate-backgrounds (apt-get install
# plasma-workspace-wallpapers mate-backgrounds), each cropped to at most 2400×1500,
# a little smaller and further in for each use and mirrored in every other eight, saved as JPEG quality 90 with
# jpegtran/cjpeg (apt-get install libjpeg-turbo-progs); they stay on tmpfs
# and are not committed. Needs hyperfine and hugo (apt-get install hugo).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
workbench=$(realpath "${WORKBENCH:-$root/build/workbench}")
runs=${RUNS:-3}
photos=${PHOTOS:-200}
bench_dir=${BENCH_DIR:-/dev/shm}
[ -d "$bench_dir" ] || bench_dir=${TMPDIR:-/tmp}
work=$(mktemp -d -p "$bench_dir")
trap 'rm -rf "$work"' EXIT
[ -x "$workbench" ] || { echo "no $workbench: run \`make build\` first" >&2; exit 2; }
for tool in hyperfine hugo jpegtran djpeg cjpeg; do
  command -v "$tool" >/dev/null || { echo "$tool is needed (see the top of $0)" >&2; exit 2; }
done
export WORKBENCH_CACHE_DIR="$work/cache"

sources=()
for path in /usr/share/wallpapers/{FallenLeaf,Path,Autumn,EveningGlow,ColorfulCups,OneStandsOut,ColdRipple}/contents/images/2560x1600.jpg \
  /usr/share/backgrounds/mate/nature/{Dune,Wood,TwoWings,Storm,RainDrops,Blinds}.jpg; do
  [ -f "$path" ] && sources+=("$path")
done
[ "${#sources[@]}" -gt 0 ] || { echo "no source photos: apt-get install plasma-workspace-wallpapers mate-backgrounds" >&2; exit 2; }

# PHOTOS distinct photos, photo i from source i mod N.
mkdir -p "$work/photos"
declare -A size
for source in "${sources[@]}"; do
  size[$source]=$(djpeg -ppm "$source" | python3 -c 'import sys; print(*(int(v) for v in sys.stdin.buffer.read().split(maxsplit=3)[1:3]))')
done
for ((i = 0; i < photos; i++)); do
  source=${sources[$((i % ${#sources[@]}))]}
  read -r width height <<< "${size[$source]}"
  round=$((i / ${#sources[@]}))
  # Up to 16 rounds per source, each a different crop: smaller and moved
  # by a step, and mirrored in the second eight.
  step=$((round % 8))
  crop_w=$(((width < 2400 ? width : 2400) - step * 16))
  crop_h=$(((height < 1500 ? height : 1500) - step * 10))
  flip=()
  ((round / 8 % 2)) && flip=(-flip horizontal)
  jpegtran -crop "${crop_w}x${crop_h}+$((step * 8))+$((step * 5))" "${flip[@]}" "$source" |
    djpeg -ppm | cjpeg -quality 90 > "$work/photos/photo-$(printf %03d "$i").jpg"
done
echo "$photos photos, $(du -sh "$work/photos" | cut -f1) of JPEG, from ${#sources[@]} source photos" >&2

# workbench: the photos in the source folder, `images` at the widths.
mkdir -p "$work/workbench/site"
cp -r "$work/photos" "$work/workbench/site/photos"
printf '[site]\nsteps = [{ plugin = "images", options = { widths = [480, 960, 1600], keep-original = false } }]\n' \
  > "$work/workbench/workbench.toml"

# Hugo: the photos as assets, one page that resizes each to the widths.
mkdir -p "$work/hugo/assets" "$work/hugo/layouts"
cp -r "$work/photos" "$work/hugo/assets/photos"
printf 'baseURL = "http://example.com/"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n' \
  > "$work/hugo/hugo.toml"
cat > "$work/hugo/layouts/index.html" <<'HTML'
{{ range resources.Match "photos/*.jpg" }}{{ $a := .Resize "480x webp" }}{{ $b := .Resize "960x webp" }}{{ $c := .Resize "1600x webp" }}<img src="{{ $a.RelPermalink }}" srcset="{{ $a.RelPermalink }} 480w, {{ $b.RelPermalink }} 960w, {{ $c.RelPermalink }} 1600w">
{{ end }}
HTML

# One build each first, so the compile of the plugin is cached and both
# caches exist for the "unchanged" runs.
(cd "$work/workbench" && "$workbench" build --quiet)
(cd "$work/hugo" && hugo --quiet --destination build)

hugo_version=$(hugo version | grep -o 'v[0-9.]*' | head -1)
# One --prepare per command, in order: given once, hyperfine runs it before
# every command.
hyperfine --runs "$runs" --export-json "$work/result.json" \
  --prepare true --prepare "rm -rf $work/hugo/resources/_gen" --prepare true --prepare true \
  --command-name "workbench fresh" "cd $work/workbench && $workbench --no-cache build --quiet" \
  --command-name "hugo $hugo_version fresh" "cd $work/hugo && hugo --quiet --destination build" \
  --command-name "workbench unchanged" "cd $work/workbench && $workbench build --quiet" \
  --command-name "hugo $hugo_version unchanged" "cd $work/hugo && hugo --quiet --destination build"

python3 - "$work" <<'PY'
import json, os, statistics, sys
work = sys.argv[1]
results = json.load(open(f"{work}/result.json"))["results"]
median = {r["command"]: statistics.median(r["times"]) for r in results}
print(f"\n{'command':<28} {'median s':>9} {'vs hugo':>8}")
for r in results:
    name = r["command"]
    kind = name.split()[-1]
    hugo = next(v for k, v in median.items() if k.startswith("hugo") and k.endswith(kind))
    print(f"{name:<28} {median[name]:>9.2f} {median[name] / hugo:>7.2f}x")
def webp_bytes(top):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(top) for f in fs if f.endswith(".webp"))
print(f"\nWebP written: workbench {webp_bytes(f'{work}/workbench/build') / 1e6:.1f} MB, "
      f"hugo {webp_bytes(f'{work}/hugo/build') / 1e6:.1f} MB")
PY
