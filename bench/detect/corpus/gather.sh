#!/usr/bin/env bash
# Gathers the corpus's saved pages (manifest.tsv: repository, commit, path,
# SHA-256 of the page) into files/ID.html, checking each digest; a stored
# `.gz` is decompressed first. The pages are other people's work and stay
# out of the repository (files/ is ignored).
#   bench/detect/corpus/gather.sh               # from GitHub (partial clones, blobs on demand)
#   MIRRORS=DIR bench/detect/corpus/gather.sh   # DIR/OWNER+NAME/repo: bare clones or work trees
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${CLONES:-$here/.clones}
mkdir -p "$here/files"
# shellcheck source=../../corpus-git.sh
source "$here/../../corpus-git.sh"
status=0
while IFS=$'\t' read -r id repo commit path sha256 _; do
  [ "$id" = id ] && continue
  out="$here/files/$id.html"
  if [ -f "$out" ] && [ "$(sha256sum "$out" | cut -d' ' -f1)" = "$sha256" ]; then continue; fi
  case "$path" in
    *.gz) git --git-dir="$(git_dir "$repo")" show "$commit:$path" | gzip -dc > "$out.part" ;;
    *) git --git-dir="$(git_dir "$repo")" show "$commit:$path" > "$out.part" ;;
  esac
  if [ "$(sha256sum "$out.part" | cut -d' ' -f1)" != "$sha256" ]; then
    echo "$id $repo $path: digest differs from the manifest; not kept" >&2
    rm -f "$out.part"; status=1; continue
  fi
  mv "$out.part" "$out"
done < "$here/manifest.tsv"
echo "$(find "$here/files" -name '*.html' | wc -l) pages in $here/files"
exit $status
