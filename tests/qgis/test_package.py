"""`make package` builds a ZIP that QGIS installs; the real QGIS desktop loads it from a clean profile."""

from __future__ import annotations

import configparser
import zipfile
from pathlib import Path

import pytest

from rr_support import ROOT, deploy, package_zip, run_desktop_check

METADATA_KEYS = ("name", "qgisMinimumVersion", "description", "about", "version", "author", "email",
                 "repository", "tracker", "homepage", "tags", "category", "icon", "experimental",
                 "hasProcessingProvider", "changelog")


@pytest.fixture(scope="module")
def plugin_zip():
    return package_zip()


def test_zip_layout(plugin_zip):
    with zipfile.ZipFile(plugin_zip) as zf:
        names = zf.namelist()
        meta_text = zf.read("remotereasoner_qgis/metadata.txt").decode("utf-8")
    assert {n.split("/")[0] for n in names} == {"remotereasoner_qgis"}  # one plugin folder
    files = {n for n in names if not n.endswith("/")}
    for required in ("__init__.py", "plugin.py", "metadata.txt", "LICENSE", "processing/provider.py",
                     "processing/reason_algorithm.py", "engine/inference_core/__init__.py",
                     "engine/inference_core/contract/client.py", "engine/inference_core/contract/options.py",
                     "engine/inference_core/contract/protocol.py", "engine/requirements-engine.txt",
                     "engine/resources/sample/OSBS_029.tif", "engine/resources/sample/ATTRIBUTION.md",
                     "engine/resources/tiny_reasoner/model.safetensors",
                     "i18n/remotereasoner_zh_CN.qm", "i18n/remotereasoner_fr.qm"):
        assert "remotereasoner_qgis/" + required in files, required
    assert not any("/_vendor/" in n or "qtpy" in n for n in files)  # Qt comes from QGIS's own qgis.PyQt
    assert any(n.startswith("remotereasoner_qgis/engine/resources/prompts/") for n in files)
    assert any(n.startswith("remotereasoner_qgis/engine/resources/styles/") for n in files)
    # the plugin folder itself holds no engine module: it is never put on sys.path
    assert not any(n.startswith("remotereasoner_qgis/inference_core/") for n in files)
    # nothing a user does not need
    for n in files:
        parts = n.split("/")
        assert "__pycache__" not in parts and "tests" not in parts, n
        assert not n.endswith((".pyc", ".ts", ".orig")), n
        assert not n.startswith("remotereasoner_qgis/build/"), n

    # metadata.txt has one source, the repository root's
    assert meta_text == (ROOT / "metadata.txt").read_text(encoding="utf-8")
    meta = configparser.ConfigParser(interpolation=None)
    meta.optionxform = str
    meta.read_string(meta_text)
    general = meta["general"]
    missing = [k for k in METADATA_KEYS if not general.get(k, "").strip()]
    assert not missing, f"metadata.txt lacks {missing}"
    assert general["qgisMinimumVersion"] == "3.22"
    # QGIS 4 (Qt 6) loads only plugins that declare it; 4.99 keeps every QGIS 4.x release
    assert general.get("supportsQt6") == "True"
    assert general.get("qgisMaximumVersion") == "4.99"
    assert general["hasProcessingProvider"] == "yes"
    assert "remotereasoner_qgis/" + general["icon"] in files


def test_qgis_desktop_loads_the_installed_zip(plugin_zip, tmp_path):
    root = tmp_path / "qgis"
    profiles = root / "profiles"
    plugin_dir = deploy(plugin_zip, profiles / "clean")
    ini = (profiles / "clean" / "QGIS" / "QGIS3.ini").read_text(encoding="utf-8")
    assert "[PythonPlugins]\nremotereasoner_qgis=true" in ini

    out = run_desktop_check(root, "clean", tmp_path)
    assert "error" not in out, out.get("error")
    assert out["plugin_file"] == str(plugin_dir / "__init__.py")  # the installed copy, not the repo
    assert "remotereasoner_qgis" in out["loaded"] and "remotereasoner_qgis" in out["active"]
    assert out["provider"] == "RemoteReasoner"
    assert out["alg"] == "Reason over raster"
    assert out["dock_visible"] is True and out["run_button"] == "Reason on extent"
    # the plugin must not break QGIS's own Python plugins (e.g. by shadowing `processing`): each one this
    # QGIS ships must load (3.22 ships sagaprovider and otbprovider; from 3.30 they are separate plugins)
    shipped = {p.name for p in Path("/usr/share/qgis/python/plugins").iterdir() if (p / "__init__.py").is_file()}
    assert {"processing", "grassprovider"} <= shipped
    assert shipped & {"processing", "grassprovider", "sagaprovider"} <= set(out["loaded"])
    assert out["processing_module"].startswith("/usr/share/qgis/python/plugins/processing/")
    assert out["heavy"] == []  # no ML stack inside QGIS


def test_qgis_install_from_zip(plugin_zip, tmp_path):
    """QGIS's own installer (Plugins ▸ Install from ZIP) on a fresh profile installs, enables and starts it."""
    root = tmp_path / "qgis"
    profiles = root / "profiles"
    (profiles / "fresh" / "QGIS").mkdir(parents=True)
    out = run_desktop_check(root, "fresh", tmp_path, install_zip=plugin_zip)
    assert "error" not in out, out.get("error")
    installed = profiles / "fresh" / "python" / "plugins" / "remotereasoner_qgis"
    assert out["plugin_file"] == str(installed / "__init__.py")
    assert (installed / "engine" / "inference_core" / "contract" / "client.py").is_file() and (installed / "metadata.txt").is_file()
    assert "remotereasoner_qgis" in out["active"]
    assert out["alg"] == "Reason over raster" and out["dock_visible"] is True
    ini = (profiles / "fresh" / "QGIS" / "QGIS3.ini").read_text(encoding="utf-8")
    assert "remotereasoner_qgis=true" in ini


def test_dev_checkout_linked_into_a_profile_is_found_by_qgis(tmp_path):
    """scripts/link_plugin.sh: QGIS's own plugin finder sees the symlinked checkout, with the root's metadata."""
    import subprocess

    import qgis.utils

    subprocess.run(["bash", str(ROOT / "scripts" / "link_plugin.sh"), str(tmp_path)], check=True, capture_output=True)
    assert (tmp_path / "remotereasoner_qgis").resolve() == ROOT / "remotereasoner_qgis"
    found = dict(qgis.utils.findPlugins(str(tmp_path)))
    assert found["remotereasoner_qgis"].get("general", "name") == "RemoteReasoner for QGIS"
    assert (ROOT / "remotereasoner_qgis" / "metadata.txt").read_bytes() == (ROOT / "metadata.txt").read_bytes()
