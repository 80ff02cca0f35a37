#!/usr/bin/env bash
# Builds the ZIP that QGIS "Install from ZIP" accepts: one folder `remotereasoner_qgis/` holding the
# plugin code, compiled `i18n/*.qm`, metadata.txt (copied from the repository root, its one source),
# LICENSE and `engine/` (`inference_core/`, `resources/`, `requirements-engine.txt`: what the engine
# process and the set-up need); no caches, tests, translation sources or build files.
# Usage: scripts/package.sh OUT.zip   (called by `make package`)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: package.sh OUT.zip}
case $out in /*) ;; *) out="$PWD/$out" ;; esac
PLUGIN=remotereasoner_qgis

cd "$here"
for f in "$PLUGIN/__init__.py" metadata.txt inference_core/__init__.py resources; do
  [ -e "$f" ] || { echo "package: $f is missing: the plugin cannot be packaged without it" >&2; exit 1; }
done
# LICENSE of the repository (GPL-2.0-or-later, as QGIS plugins must be GPL-compatible).
license=LICENSE
[ -f "$license" ] || { echo "package: no LICENSE file at the repository root" >&2; exit 1; }

bash scripts/translations.sh   # .ts -> .qm (only what changed)

stage=$(mktemp -d); trap 'rm -rf "$stage"' EXIT
dest="$stage/$PLUGIN"
mkdir -p "$dest"
# git-tracked and not-ignored files only, so local clutter (build/, editor files) never ships
copy_tree() {  # $1 = source folder (relative), $2 = target folder
  mkdir -p "$2"
  (cd "$here" && git ls-files -co --exclude-standard -- "$1" 2>/dev/null || find "$1" -type f) \
    | while IFS= read -r f; do
        [ -f "$here/$f" ] || continue
        rel=${f#"$1"/}
        mkdir -p "$2/$(dirname "$rel")"
        cp -p "$here/$f" "$2/$rel"
      done
}
copy_tree "$PLUGIN" "$dest"
cp -p metadata.txt "$dest/metadata.txt"   # QGIS reads it inside the plugin folder
copy_tree inference_core "$dest/engine/inference_core"
copy_tree resources "$dest/engine/resources"
cp -p requirements-engine.txt "$dest/engine/"
mkdir -p "$dest/i18n"
shopt -s nullglob
for qm in i18n/*.qm; do cp -p "$qm" "$dest/i18n/"; done
cp -p "$license" "$dest/LICENSE"

# nothing a user's QGIS does not need
find "$dest" \( -name __pycache__ -o -name .pytest_cache -o -name .mypy_cache -o -name tests -o -name '*.egg-info' \) \
  -prune -exec rm -rf {} +
find "$dest" -type f \( -name '*.pyc' -o -name '*.pyo' -o -name '*.ts' -o -name '*.orig' -o -name '*~' -o -name '.DS_Store' \) -delete

mkdir -p "$(dirname "$out")"
rm -f "$out"
(cd "$stage" && zip -q -r -X "$out" "$PLUGIN")
echo "package: $out ($(du -h "$out" | cut -f1), $(unzip -Z1 "$out" | grep -vc '/$') files)"
