#!/usr/bin/env bash
# docs/screenshot.png: the real QGIS desktop under Xvfb, in a throw-away profile, with the plugin
# loaded from this checkout, the sample raster, the dock and the result of a question answered
# by the replay backend (the 61 human-drawn tree boxes of OSBS_029 as the recorded answer).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/docs/screenshot.png}
source "$here/scripts/envpath.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash "$here/scripts/link_plugin.sh" "$work/plugins" >/dev/null
cat > "$work/shot.py" <<PY
import csv, json, os, sys, traceback
from qgis.core import QgsApplication, QgsProject, QgsRasterLayer, QgsSettings
from qgis.PyQt.QtCore import QEventLoop, QTimer
import qgis.utils as qu

def wait(ms):
    loop = QEventLoop(); QTimer.singleShot(ms, loop.quit); loop.exec_()

try:
    rows = list(csv.DictReader(open("$here/resources/sample/OSBS_029.csv")))
    boxes = [[int(float(r[k])) for k in ("xmin", "ymin", "xmax", "ymax")] for r in rows]
    text = ("<think>The scene is an open longleaf pine savanna; tree crowns are the dark green, roughly round "
            "canopies with shadows to the north-west. I mark every crown, including small ones at the edges.</think>"
            "<answer>" + json.dumps(boxes) + "</answer>")
    with open("$work/answers.jsonl", "w") as fh:
        fh.write(json.dumps({"tile_id": 0, "raw_text": text, "input_size": [400, 400]}) + "\n")
    s = QgsSettings()
    for k, v in {"engine_python": "$ENGINE_ENV/bin/python", "backend": "replay", "replay": "$work/answers.jsonl",
                 "output_dir": "$work/out"}.items():
        s.setValue("RemoteReasoner/" + k, v)
    iface = qu.iface
    iface.mainWindow().showMaximized()
    layer = QgsRasterLayer("$here/resources/sample/OSBS_029.tif", "OSBS_029")
    QgsProject.instance().addMapLayer(layer)
    qu.loadPlugin("remotereasoner_qgis"); qu.startPlugin("remotereasoner_qgis")
    plugin = qu.plugins["remotereasoner_qgis"]
    plugin.action.setChecked(True)
    dock = plugin.dock
    iface.mapCanvas().setExtent(layer.extent()); iface.mapCanvas().refresh()
    dock.layer_combo.setLayer(layer)
    dock.set_extent_source("layer")
    done = []
    dock.runCompleted.connect(lambda summary: done.append(summary))
    dock.runErrored.connect(lambda code, msg: done.append({"status": "failed", "message": msg}))
    dock.start_run("every tree crown in the savanna")
    for _ in range(600):
        if done: break
        wait(100)
    print("RUN", done, flush=True)
    dock.reasoning_box.setCollapsed(False)
    iface.mapCanvas().zoomToFullExtent(); iface.mapCanvas().setExtent(layer.extent())
    iface.mapCanvas().refresh()
    wait(3000)
    iface.mainWindow().grab().save("$out")
    print("SAVED", "$out", flush=True)
except Exception:
    traceback.print_exc()
sys.stdout.flush()
os._exit(0)
PY
QGIS_PLUGINPATH="$work/plugins" xvfb-run -a -s "-screen 0 1600x1000x24" \
  qgis --profiles-path "$work/profiles" --nologo --noversioncheck --code "$work/shot.py" 2>&1 \
  | grep -E "^(RUN|SAVED|Traceback|  File|\w+Error)" || true
[ -s "$out" ] || { echo "screenshot: $out was not written" >&2; exit 1; }
echo "screenshot: $out"
