"""Helpers for the Processing, qgis_process and package tests: engine interpreter, tiny SAM, replay files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "resources" / "sample" / "OSBS_029.tif"
# OSBS_029.tif: 400 x 400 px of 0.1 m, upper-left corner (404211.9, 3285142.9), EPSG:32617
ORIGIN_X, ORIGIN_Y, PIXEL = 404211.9, 3285142.9, 0.1
QGIS_PROCESS = "/usr/bin/qgis_process.bin"  # /usr/bin/qgis_process is broken by /etc/default/qgis


def engine_python() -> str:
    """The engine venv's interpreter (scripts/envpath.sh); the worker runs with it, never sys.executable."""
    out = subprocess.run(["bash", "-c", 'source scripts/envpath.sh && echo "$ENGINE_ENV"'], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.strip()
    return os.path.join(out, "bin", "python")


def tiny_models() -> Path:
    """`build/tiny-models` (as `make tiny-models` builds it), built here when missing (~5 s)."""
    out = ROOT / "build" / "tiny-models"
    if not (out / "sam.pth").is_file():
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        subprocess.run([engine_python(), "-m", "inference_core.models.tiny", "--out", str(out)], cwd=ROOT,
                       env=env, check=True, capture_output=True, timeout=300)
    return out


def write_replay(path: Path, boxes_px: list[list[int]], size: tuple[int, int] = (400, 400)) -> Path:
    """A one-tile answer file in RemoteReasoner's grammar; boxes in pixels of a `size` input."""
    text = "<think>Tree crowns are the round dark-green shapes.</think><answer>" + json.dumps(boxes_px) + "</answer>"
    path.write_text(json.dumps({"tile_id": 0, "raw_text": text, "input_size": list(size)}) + "\n", encoding="utf-8")
    return path


def px_to_map(col: float, row: float) -> tuple[float, float]:
    return ORIGIN_X + col * PIXEL, ORIGIN_Y - row * PIXEL


def package_zip() -> Path:
    """`make package` (translations compiled first), as a user or CI builds the plugin ZIP."""
    subprocess.run(["make", "-C", str(ROOT), "-s", "package"], check=True, capture_output=True, timeout=300)
    return ROOT / "build" / "remotereasoner_qgis.zip"


def deploy(zip_path: Path, profile_dir: Path, ini_extra: str = "") -> Path:
    """scripts/deploy.sh into `profile_dir`; `ini_extra` (QSettings INI text) is written to QGIS3.ini first."""
    ini = profile_dir / "QGIS" / "QGIS3.ini"
    ini.parent.mkdir(parents=True, exist_ok=True)
    if ini_extra:
        ini.write_text(ini_extra, encoding="utf-8")
    subprocess.run(["bash", str(ROOT / "scripts" / "deploy.sh"), str(zip_path), str(profile_dir)], check=True,
                   capture_output=True, text=True, timeout=120)
    return profile_dir / "python" / "plugins" / "remotereasoner_qgis"


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a user's QGIS: nothing from this repo or from pytest-qgis' own profile."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "QGIS_CUSTOM_CONFIG_PATH", "QGIS_OPTIONS_PATH", "PYTHONHOME",
                         "QT_QPA_PLATFORM")}  # the desktop runs on Xvfb, not offscreen
    env.update(extra)
    return env


DESKTOP_CHECK = r'''
import json, os, sys, traceback
out = {}
try:
    import qgis.utils
    from qgis.core import QgsApplication
    if os.environ.get("RR_INSTALL_ZIP"):
        # what Plugins > Manage and Install Plugins > Install from ZIP does
        import pyplugin_installer
        pyplugin_installer.instance().installFromZipFile(os.environ["RR_INSTALL_ZIP"])
        QgsApplication.processEvents()
    out["loaded"] = sorted(qgis.utils.plugins.keys())
    out["active"] = sorted(qgis.utils.active_plugins)
    out["processing_module"] = getattr(sys.modules.get("processing"), "__file__", None)
    alg = QgsApplication.processingRegistry().algorithmById("remotereasoner:reason")
    out["alg"] = alg.displayName() if alg else None
    prov = QgsApplication.processingRegistry().providerById("remotereasoner")
    out["provider"] = prov.name() if prov else None
    p = qgis.utils.plugins.get("remotereasoner_qgis")
    if p is not None:
        p.action.trigger()  # what the toolbar button does
        QgsApplication.processEvents()
        out["dock_visible"] = bool(p.dock is not None and p.dock.isVisible())
        out["run_button"] = p.dock.run_button.text() if p.dock is not None else None
    out["plugin_file"] = sys.modules["remotereasoner_qgis"].__file__
    out["heavy"] = sorted(m for m in ("torch", "transformers", "segment_anything", "rasterio", "shapely",
                                       "geopandas", "pyproj") if m in sys.modules)
except Exception:
    out["error"] = traceback.format_exc()
from qgis.core import QgsSettings
QgsSettings().sync()  # os._exit skips the flush QGIS does on quit
with open(os.environ["RR_CHECK_OUT"], "w", encoding="utf-8") as fh:
    json.dump(out, fh)
os._exit(0)  # a script run by `qgis --code` must end like this, or QGIS stays open
'''


def run_desktop_check(root: Path, profile: str, work: Path, timeout: int = 60,
                      install_zip: Path | None = None) -> dict:
    """Start the real QGIS desktop (Xvfb) on the profile `root/profiles/<profile>` (QGIS's layout for
    --profiles-path), run DESKTOP_CHECK inside it, return its JSON.
    With `install_zip`, QGIS's own "Install from ZIP" installs the plugin first."""
    script, result = work / "check.py", work / "check.json"
    script.write_text(DESKTOP_CHECK, encoding="utf-8")
    proc = subprocess.Popen(
        ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", "qgis", "--profiles-path", str(root),
         "--profile", profile, "--nologo", "--noversioncheck", "--code", str(script)],
        env=clean_env(RR_CHECK_OUT=str(result), RR_INSTALL_ZIP=str(install_zip or "")), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,  # its own process group: QGIS and Xvfb are ended together on timeout
    )
    try:
        log, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        log, _ = proc.communicate()
    assert result.is_file(), f"QGIS wrote no result in {timeout} s (blocked by a modal error dialog?):\n{log[-3000:]}"
    return json.loads(result.read_text(encoding="utf-8"))
