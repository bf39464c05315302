# Sourced by the corpus gather scripts (bench/*/corpus/gather.sh): where a
# repository's objects are, as `git_dir OWNER/NAME` prints it. With
# MIRRORS=DIR, DIR/OWNER+NAME/repo (a bare clone or a work tree); else a
# partial clone from GitHub under $cache (blobs fetched on demand).
git_dir() {
  local repo=$1 dir
  if [ -n "${MIRRORS:-}" ]; then
    dir="$MIRRORS/${repo/\//+}/repo"
    [ -d "$dir/.git" ] && dir="$dir/.git"
    echo "$dir"; return
  fi
  dir="$cache/${repo/\//+}.git"
  [ -d "$dir" ] || git clone --quiet --bare --filter=blob:none "https://github.com/$repo" "$dir"
  echo "$dir"
}
