"""The QGIS process never loads the ML/geo stack: not at import, not after a full run (docs/ARCHITECTURE.md)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from conftest import ROOT, write_replay

HEAVY = ("torch", "transformers", "segment_anything", "rasterio", "shapely", "geopandas", "pyproj")


def plugin_modules() -> list[str]:
    """Every module of the plugin, as dotted names."""
    names = []
    for path in sorted((ROOT / "remotereasoner_qgis").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def heavy_loaded(modules) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


def test_system_python_imports_every_plugin_module_without_heavy_ones():
    """With QGIS's own /usr/bin/python3 (no venv): Qt comes from QGIS's qgis.PyQt, nothing else."""
    code = textwrap.dedent(f"""
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        sys.path.insert(0, {str(ROOT)!r})
        from qgis.core import QgsApplication
        app = QgsApplication([], False); app.initQgis()
        import remotereasoner_qgis
        import importlib
        for name in {plugin_modules()!r}:
            importlib.import_module(name)
        import inference_core.contract.client, inference_core.contract.options, inference_core.contract.openai_http
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r})
        print("QT", sorted({{m.split(".")[0] for m in sys.modules if m.split(".")[0] in ("qtpy", "PyQt5", "PyQt6", "PySide2", "PySide6")}}))
        print("HEAVY", heavy)
        sys.stdout.flush()
        os._exit(0)
    """)
    out = subprocess.run(["/usr/bin/python3", "-c", code], capture_output=True, text=True, timeout=120,
                         env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"})
    assert out.returncode == 0, out.stderr[-2000:]
    lines = dict(line.split(" ", 1) for line in out.stdout.splitlines() if line.startswith(("QT", "HEAVY")))
    assert lines["QT"] == "['PyQt5']"  # QGIS's own binding only: no qtpy, no second binding
    assert lines["HEAVY"] == "[]"


def test_after_a_full_run_no_heavy_module(qtbot, qgis_iface, qgis_new_project, clean_settings, sample_tif, tmp_path):
    from qgis.core import QgsProject, QgsRasterLayer

    import remotereasoner_qgis

    plugin = remotereasoner_qgis.classFactory(qgis_iface)
    plugin.initGui()
    plugin.action.setChecked(True)
    dock = plugin.dock
    raster = QgsRasterLayer(str(sample_tif), "OSBS_029")
    QgsProject.instance().addMapLayer(raster)
    clean_settings.backend = "replay"
    clean_settings.replay = str(write_replay(tmp_path / "a.jsonl", ["<answer>[[0,0,100,100]]</answer>"]))
    clean_settings.save()
    dock.question.layer_combo.setLayer(raster)
    dock.question.extent.set_source("layer")
    assert dock.start_run("trees") is not None
    with qtbot.waitSignal(dock.runCompleted, timeout=60_000) as blocker:
        pass
    assert blocker.args[0]["status"] == "finished"
    assert dock.run_layers.feature_count("boxes") == 1
    dock.export_to("geojson", str(tmp_path / "x.geojson"))
    plugin.unload()
    assert heavy_loaded(sys.modules) == []
