#!/usr/bin/env bash
# Regenerates the translation sources from every plugin source file (pylupdate5, from Debian's
# pyqt5-dev-tools): new strings are added as unfinished, translated ones are kept, vanished ones dropped.
# Usage: scripts/update_ts.sh [TS_DIR]   (default i18n/; the translation test passes a temp copy)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
ts_dir=${1:-$here/i18n}
LANGS="zh_CN fr"
command -v pylupdate5 >/dev/null || { echo "update_ts: pylupdate5 not found: apt-get install pyqt5-dev-tools (make setup)" >&2; exit 1; }
cd "$here"
mapfile -t sources < <(find remotereasoner_qgis -name '*.py' -not -path '*/__pycache__/*' | LC_ALL=C sort)
targets=()
for lang in $LANGS; do targets+=("$ts_dir/remotereasoner_$lang.ts"); done
mkdir -p "$ts_dir"
# pylupdate5 warns about a deprecated locale call on Python 3.11; the warning is noise
pylupdate5 -noobsolete "${sources[@]}" -ts "${targets[@]}" 2> >(grep -v -e DeprecationWarning -e getdefaultlocale >&2)
# pylupdate5 writes no language; lrelease and translators' tools want it
for lang in $LANGS; do
  sed -i "s/^<TS version=\"2.1\">$/<TS version=\"2.1\" language=\"$lang\">/" "$ts_dir/remotereasoner_$lang.ts"
done
