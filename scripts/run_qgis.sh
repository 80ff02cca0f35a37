#!/usr/bin/env bash
# `make run`: the QGIS desktop on the user's DISPLAY with the profile PROFILE (default
# remotereasoner-dev; `make deploy` installed and enabled the plugin there), the sample raster
# loaded and the "Reason on extent" dock open. Settings the user has not chosen start as the first-run
# demo: the development engine venv, the sample's recorded answers and the tiny trained SAM
# (resources/tiny_sam/: trained on synthetic shapes, not Segment Anything weights; README, "First run").
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
profile=${1:-remotereasoner-dev}
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "run_qgis: no DISPLAY: run it from a desktop session (or: xvfb-run -a make run)" >&2; exit 1
fi
command -v qgis >/dev/null || { echo "run_qgis: qgis not found: run 'make setup'" >&2; exit 1; }
source "$here/scripts/envpath.sh"
startup=$(mktemp --suffix=.py)
# The start-up itself is the plugin's (bridge/first_run.py), which the tests run too.
cat > "$startup" <<PY
from qgis.utils import iface
try:
    from remotereasoner_qgis.bridge.first_run import start
except ImportError:
    iface.messageBar().pushWarning("RemoteReasoner", "The plugin is not installed: run 'make deploy PROFILE=$profile'.")
else:
    from remotereasoner_qgis.ui.screen_fit import fit_window_to_screen
    fit_window_to_screen(iface.mainWindow())  # on a laptop: the screen's size, the map and status bar on it
    start(engine_python="$ENGINE_ENV/bin/python", sam="$here/resources/tiny_sam/tiny_sam_shapes.pth", profile="$profile")
PY
rc=0
qgis --profile "$profile" --code "$startup" "$here/resources/sample/OSBS_029.tif" || rc=$?
rm -f "$startup"
exit $rc
