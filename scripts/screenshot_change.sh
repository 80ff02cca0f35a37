#!/usr/bin/env bash
# The change guide's screenshot: the real QGIS desktop under Xvfb, two synthetic dates of the same ground (a
# square kept, one torn down, one built, the second flight 2 px off), the dock's *Compare with…* set to the
# second date and a change run with the trained tiny reasoner: docs/screenshot_change.png (the appeared /
# disappeared / persisted layers green / red / grey over the second date, the summary in the dock).
# Usage: scripts/screenshot_change.sh [OUT_DIR]   (default docs/)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
outdir=${1:-$here/docs}
source "$here/scripts/envpath.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$outdir"
rm -f "$outdir/screenshot_change.png"
bash "$here/scripts/link_plugin.sh" "$work/plugins" >/dev/null
PYTHONPATH="$here" "$ENGINE_ENV/bin/python" - "$work" <<'PY'
import sys
import numpy as np
import rasterio
from rasterio.transform import from_origin

work = sys.argv[1]
def scene(squares, shift=0):
    rng = np.random.default_rng(3)
    coarse = rng.uniform(10, 110, size=(8, 15, 3))
    img = np.kron(coarse, np.ones((14, 14, 1)))[:112, :200] + rng.normal(0, 10, size=(112, 200, 3))
    for c, r, w, h in squares:
        img[r:r + h, c:c + w] = 225.0 + rng.normal(0, 6, size=(h, w, 3))
    return np.roll(np.clip(img, 0, 255).astype(np.uint8).transpose(2, 0, 1), shift, axis=2)
for name, squares, shift in (("2019", [(12, 20, 28, 28), (150, 30, 30, 30)], 0),
                             ("2024", [(12, 20, 28, 28), (60, 64, 26, 26)], 2)):
    with rasterio.open(f"{work}/{name}.tif", "w", driver="GTiff", width=200, height=112, count=3, dtype="uint8",
                       crs="EPSG:32633", transform=from_origin(400000, 3300000, 0.5, 0.5)) as ds:
        ds.write(scene(squares, shift))
PY
cat > "$work/shot.py" <<PY
import os, sys, traceback
from qgis.core import QgsProject, QgsRasterLayer, QgsSettings
from qgis.PyQt.QtCore import QEventLoop, QTimer
import qgis.utils as qu

def wait(ms):
    loop = QEventLoop(); QTimer.singleShot(ms, loop.quit); loop.exec_()

try:
    from remotereasoner_qgis.settings import PluginSettings
    qu.loadPlugin("remotereasoner_qgis"); qu.startPlugin("remotereasoner_qgis")
    PluginSettings(engine_python="$ENGINE_ENV/bin/python", model="$here/resources/tiny_reasoner",
                   prompt="tiny-reasoner", device="cpu", tile_size=112, overlap=24, max_pixels=112 * 112,
                   output_dir="$work/out", strategy="tiles").save()
    iface = qu.iface
    layers = [QgsRasterLayer("$work/%s.tif" % n, n) for n in ("2019", "2024")]
    for layer in layers:
        QgsProject.instance().addMapLayer(layer)
    plugin = qu.plugins["remotereasoner_qgis"]
    dock = plugin.ensure_dock()
    dock.show()
    q = dock.question
    q.set_mode("locate")
    q.layer_combo.setLayer(layers[0])
    q.compare.set_layer(layers[1])
    q.extent.set_source("layer")
    q.question_edit.setPlainText("bright squares")
    wait(1000)
    done = []
    dock.runCompleted.connect(lambda summary: done.append(summary))
    dock.runErrored.connect(lambda code, msg: done.append({"status": "failed", "message": msg}))
    dock.refresh_readiness()
    dock.run_button.click()
    for _ in range(3000):
        if done: break
        wait(100)
    print("RUN", {k: done[0].get(k) for k in ("status", "counts", "message")} if done else None, flush=True)
    if not done or done[0].get("status") != "finished":
        print("RunError: the run did not finish: no screenshot", flush=True); os._exit(1)
    root = QgsProject.instance().layerTreeRoot()
    root.findLayer(layers[0].id()).setItemVisibilityChecked(False)  # the second date under the changes
    iface.mapCanvas().setExtent(layers[1].extent()); iface.mapCanvas().refresh()
    wait(3000)
    iface.mainWindow().grab().save("$outdir/screenshot_change.png")
    print("SAVED change", flush=True)
except Exception:
    traceback.print_exc()
sys.stdout.flush()
os._exit(0)
PY
QGIS_PLUGINPATH="$work/plugins" xvfb-run -a -s "-screen 0 1600x1000x24" \
  qgis --profiles-path "$work/profiles" --nologo --noversioncheck --code "$work/shot.py" \
  2>&1 | grep -E "^(RUN|SAVED|Traceback|  File|\w+Error)" || true
[ -s "$outdir/screenshot_change.png" ] || { echo "screenshot: $outdir/screenshot_change.png was not written" >&2; exit 1; }
echo "screenshot: $outdir/screenshot_change.png"
