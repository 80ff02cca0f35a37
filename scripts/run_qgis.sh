#!/usr/bin/env bash
# `make run`: the QGIS desktop on the user's DISPLAY with the profile PROFILE (default
# remotereasoner-dev; `make deploy` installed and enabled the plugin there), the sample raster
# loaded and the "Reason on extent" dock open. In this profile the engine interpreter defaults to
# the development engine venv when none is set.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
profile=${1:-remotereasoner-dev}
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "run_qgis: no DISPLAY: run it from a desktop session (or: xvfb-run -a make run)" >&2; exit 1
fi
command -v qgis >/dev/null || { echo "run_qgis: qgis not found: run 'make setup'" >&2; exit 1; }
source "$here/scripts/envpath.sh"
startup=$(mktemp --suffix=.py)
cat > "$startup" <<PY
from qgis.core import QgsSettings
from qgis.utils import iface, plugins
s = QgsSettings()
if not s.value("RemoteReasoner/engine_python", ""):
    s.setValue("RemoteReasoner/engine_python", "$ENGINE_ENV/bin/python")
p = plugins.get("remotereasoner_qgis")
if p is not None:
    p.action.setChecked(True)
else:
    iface.messageBar().pushWarning("RemoteReasoner", "The plugin is not loaded: run 'make deploy PROFILE=$profile'.")
PY
rc=0
qgis --profile "$profile" --code "$startup" "$here/resources/sample/OSBS_029.tif" || rc=$?
rm -f "$startup"
exit $rc
