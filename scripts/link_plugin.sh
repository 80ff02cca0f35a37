#!/usr/bin/env bash
# Development install: QGIS loads this checkout's plugin folder through a symlink in PLUGINS_DIR (edits
# take effect on the next QGIS start). QGIS only loads a plugin folder that holds metadata.txt, so the
# repository root's metadata.txt (the one source) is copied in first; the copy is git-ignored.
# Usage: scripts/link_plugin.sh PLUGINS_DIR   (e.g. <profile>/python/plugins)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
plugins=${1:?usage: link_plugin.sh PLUGINS_DIR}
PLUGIN=remotereasoner_qgis
mkdir -p "$plugins"
# the link replaces what PLUGINS_DIR holds under that name: never the checkout itself
[ "$(cd "$plugins" && pwd -P)" != "$(cd "$here" && pwd -P)" ] || { echo "link_plugin: PLUGINS_DIR is the checkout" >&2; exit 1; }
cp -p "$here/metadata.txt" "$here/$PLUGIN/metadata.txt"
rm -rf "${plugins:?}/$PLUGIN"
ln -s "$here/$PLUGIN" "$plugins/$PLUGIN"
echo "link_plugin: $plugins/$PLUGIN -> $here/$PLUGIN"
