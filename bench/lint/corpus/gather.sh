#!/usr/bin/env bash
# Gathers the corpus's Makefiles (manifest.tsv: repository, commit, path,
# SHA-256) into files/ID/NAME, checking each digest. They are other
# people's work and stay out of the repository (files/ is ignored).
#   bench/lint/corpus/gather.sh                 # from GitHub (partial clones, blobs on demand)
#   MIRRORS=DIR bench/lint/corpus/gather.sh     # DIR/OWNER+NAME/repo: bare clones or work trees
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${CLONES:-$here/.clones}
mkdir -p "$here/files"
# shellcheck source=../../corpus-git.sh
source "$here/../../corpus-git.sh"
status=0
while IFS=$'\t' read -r id repo commit path sha256 licence; do
  [ "$id" = id ] && continue
  out="$here/files/$id/$(basename "$path")"
  if [ -f "$out" ] && [ "$(sha256sum "$out" | cut -d' ' -f1)" = "$sha256" ]; then continue; fi
  mkdir -p "$(dirname "$out")"
  git --git-dir="$(git_dir "$repo")" show "$commit:$path" > "$out.part"
  if [ "$(sha256sum "$out.part" | cut -d' ' -f1)" != "$sha256" ]; then
    echo "$id $repo $path: digest differs from the manifest; not kept" >&2
    rm -f "$out.part"; status=1; continue
  fi
  mv "$out.part" "$out"
done < "$here/manifest.tsv"
echo "$(find "$here/files" -type f | wc -l) files in $here/files"
exit $status
