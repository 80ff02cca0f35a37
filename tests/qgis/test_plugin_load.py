"""The plugin loads through classFactory with the (pytest-qgis) iface, opens its dock, unloads cleanly."""

from __future__ import annotations

import os

from qgis.core import QgsApplication, QgsSettings

import remotereasoner_qgis as rr
from remotereasoner_qgis import i18n
from remotereasoner_qgis.bridge import worker_pool


def test_paths_engine_only_and_qt_from_qgis():
    from qgis.PyQt.QtCore import QT_VERSION_STR

    # the engine folder is on sys.path (appended: never shadows a QGIS module); nothing vendored is
    assert rr.ENGINE_ROOT in os.sys.path
    assert not any("_vendor" in p for p in os.sys.path) and "qtpy" not in os.sys.modules
    assert QT_VERSION_STR.startswith("5.")  # QGIS 3.22 runs on Qt 5; qgis.PyQt gives QGIS's own binding
    # in the repository the engine package sits beside the plugin
    assert os.path.isfile(os.path.join(rr.ENGINE_ROOT, "inference_core", "contract", "client.py"))


def test_load_dock_unload(qgis_iface, qgis_new_project):
    qgis_iface.mainWindow().show()
    plugin = rr.classFactory(qgis_iface)
    assert type(plugin).__name__ == "RemoteReasonerPlugin"
    plugin.initGui()
    assert plugin.action.text() == "Reason on extent"
    assert not plugin.action.icon().isNull()
    assert plugin.dock is None  # built on first use: start-up stays cheap
    registry = QgsApplication.processingRegistry()
    if plugin.provider is not None:
        assert registry.providerById(plugin.provider.id()) is plugin.provider

    plugin.action.setChecked(True)
    dock = plugin.dock
    assert dock is not None and dock.isVisible()
    assert dock.windowTitle() == "Reason on extent"
    assert dock.run_button.text() == "Reason on extent"
    plugin.action.setChecked(False)
    assert not dock.isVisible()
    dock.show()  # closing/opening the dock by other means keeps the action in step
    assert plugin.action.isChecked()

    provider_id = plugin.provider.id() if plugin.provider is not None else None
    plugin.unload()
    assert plugin.dock is None and plugin.action is None
    if provider_id:
        assert registry.providerById(provider_id) is None
    assert worker_pool._entries == {}


def test_locale_candidates_and_setting():
    assert i18n.candidates("zh-Hans") == ["zh_CN", "zh"]
    assert i18n.candidates("de_DE") == ["de_DE", "de"]
    assert i18n.candidates("fr") == ["fr"]
    s = QgsSettings()
    try:
        s.setValue("locale/overrideFlag", True)
        s.setValue("locale/userLocale", "zh-Hans")
        assert i18n.current_locale() == "zh-Hans"
        s.setValue("locale/overrideFlag", False)
        assert i18n.current_locale() != "zh-Hans"
    finally:
        s.remove("locale/overrideFlag")
        s.remove("locale/userLocale")


def test_translator_from_compiled_qm(tmp_path, monkeypatch):
    """A .qm for the locale in the plugin's i18n folder is found and changes the dock's strings."""
    import shutil
    import subprocess

    lrelease = shutil.which("lrelease") or "/usr/lib/qt5/bin/lrelease"
    ts = tmp_path / "remotereasoner_xx.ts"
    ts.write_text(
        '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE TS><TS version="2.1" language="de">'
        "<context><name>RemoteReasonerDock</name><message><source>Reason on extent</source>"
        "<translation>Über dem Ausschnitt schließen</translation></message></context></TS>",
        encoding="utf-8")
    subprocess.run([lrelease, "-silent", str(ts), "-qm", str(tmp_path / "remotereasoner_xx.qm")], check=True)
    monkeypatch.setattr(i18n, "PLUGIN_DIR", str(tmp_path.parent))
    (tmp_path.parent / "i18n").mkdir(exist_ok=True)
    shutil.copy(tmp_path / "remotereasoner_xx.qm", tmp_path.parent / "i18n" / "remotereasoner_xx.qm")
    translator = i18n.install_translator("xx_YY")
    assert translator is not None
    try:
        from qgis.PyQt.QtCore import QCoreApplication

        assert QCoreApplication.translate("RemoteReasonerDock", "Reason on extent") == "Über dem Ausschnitt schließen"
    finally:
        i18n.remove_translator(translator)
    assert i18n.install_translator("qq") is None
