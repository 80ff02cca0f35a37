#!/usr/bin/env bash
# The README's screenshots: the real QGIS desktop under Xvfb on a 1280×800 laptop screen (the window fitted to it
# as `make run` fits it), in a throw-away
# profile, with the plugin loaded from this checkout and started as `make run` starts it
# (bridge/first_run.start: the sample's recorded answers, the tiny trained SAM), after pressing
# *Reason on extent*: docs/screenshot.png (the window, the masks over the crowns),
# docs/screenshot_settings.png (the settings
# dialog), docs/screenshot_models.png (Set up engine… › Models).
# Usage: scripts/screenshot.sh [OUT_DIR]   (default docs/)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
outdir=${1:-$here/docs}
source "$here/scripts/envpath.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$outdir"
rm -f "$outdir"/screenshot.png "$outdir"/screenshot_settings.png "$outdir"/screenshot_models.png
bash "$here/scripts/link_plugin.sh" "$work/plugins" >/dev/null
cat > "$work/shot.py" <<PY
import os, sys, traceback
from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QEventLoop, QTimer
import qgis.utils as qu

def wait(ms):
    loop = QEventLoop(); QTimer.singleShot(ms, loop.quit); loop.exec_()

try:
    QgsSettings().setValue("RemoteReasoner/output_dir", "$work/out")
    iface = qu.iface
    qu.loadPlugin("remotereasoner_qgis"); qu.startPlugin("remotereasoner_qgis")
    from remotereasoner_qgis.bridge.first_run import start
    from remotereasoner_qgis.ui.screen_fit import fit_window_to_screen
    fit_window_to_screen(iface.mainWindow())  # as make run does (scripts/run_qgis.sh)
    from qgis.PyQt.QtWidgets import QApplication
    iface.mainWindow().setGeometry(QApplication.primaryScreen().availableGeometry())  # maximised on the laptop
    start(engine_python="$ENGINE_ENV/bin/python", sam="$here/resources/tiny_sam/tiny_sam_shapes.pth", profile="screenshot")
    dock = qu.plugins["remotereasoner_qgis"].dock
    wait(1500)
    done = []
    dock.runCompleted.connect(lambda summary: done.append(summary))
    dock.runErrored.connect(lambda code, msg: done.append({"status": "failed", "message": msg}))
    dock.run_button.click()
    for _ in range(3000):  # a cold engine start on a loaded machine takes a while
        if done: break
        wait(100)
    print("RUN", {k: done[0].get(k) for k in ("status", "counts", "message")} if done else None, flush=True)
    if not done or done[0].get("status") != "finished":
        print("RunError: the run did not finish: no screenshot", flush=True); os._exit(1)
    dock.reasoning_box.setCollapsed(False)
    # The tiny trained SAM's masks follow the crowns: the window shows them over the boxes.
    from qgis.core import QgsProject
    root = QgsProject.instance().layerTreeRoot()
    view = iface.layerTreeView()
    for node, expand in ((root.findGroup("every tree crown"), True), (root.findLayer(dock.question.layer_combo.currentLayer().id()), False)):
        node.setExpanded(expand)
        view.setExpanded(view.layerTreeModel().node2index(node), expand)
    iface.mapCanvas().zoomToFullExtent()
    iface.mapCanvas().refresh()
    wait(3000)
    print("WINDOW", iface.mainWindow().size().width(), iface.mainWindow().size().height(), flush=True)
    iface.mainWindow().grab().save("$outdir/screenshot.png")
    from remotereasoner_qgis.ui.settings_dialog import SettingsDialog
    from remotereasoner_qgis.ui.setup_dialog import SetupDialog
    for name, dlg in (("settings", SettingsDialog(iface.mainWindow())),
                      ("models", SetupDialog(iface.mainWindow(), tab="models"))):
        dlg.show(); wait(2500)
        dlg.grab().save(f"$outdir/screenshot_{name}.png")
        print("SAVED", name, dlg.size().width(), dlg.size().height(), flush=True)
        dlg.reject()
except Exception:
    traceback.print_exc()
sys.stdout.flush()
os._exit(0)
PY
QGIS_PLUGINPATH="$work/plugins" xvfb-run -a -s "-screen 0 ${RR_SCREEN:-1280x800}x24" \
  qgis --profiles-path "$work/profiles" --nologo --noversioncheck --code "$work/shot.py" \
  "$here/resources/sample/OSBS_029.tif" 2>&1 | grep -E "^(RUN|SAVED|WINDOW|Traceback|  File|\w+Error)" || true
for f in screenshot screenshot_settings screenshot_models; do
  [ -s "$outdir/$f.png" ] || { echo "screenshot: $outdir/$f.png was not written" >&2; exit 1; }
done
echo "screenshot: $outdir/screenshot.png, screenshot_settings.png, screenshot_models.png"
