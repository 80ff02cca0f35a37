"""Translations: the .ts files cover every string of the current sources, compile, and QGIS shows them."""

from __future__ import annotations

import importlib
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from rr_support import ROOT, deploy, package_zip, run_desktop_check

LANGS = ("zh_CN", "fr")
# Plural forms per language (Qt's rules): French singular/plural, Chinese one form.
NUMERUS_FORMS = {"zh_CN": 1, "fr": 2}
PLACEHOLDER = re.compile(r"\{[a-z_]*(?::[^}]*)?\}")
CJK = re.compile(r"[\u4e00-\u9fff]")


def messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    root = ET.parse(ts).getroot()
    return [(ctx.findtext("name"), msg.findtext("source"), msg.find("translation"))
            for ctx in root.iter("context") for msg in ctx.iter("message")]


def text_of(tr: ET.Element) -> str:
    """A translation's text; a plural one's forms joined by " | "."""
    forms = tr.findall("numerusform")
    return " | ".join(f.text or "" for f in forms) if forms else (tr.text or "")


def translation_of(lang: str, context: str, source: str) -> str:
    for ctx, src, tr in messages(ROOT / "i18n" / f"remotereasoner_{lang}.ts"):
        if ctx == context and src == source:
            return tr.text or ""
    raise AssertionError(f"{source!r} ({context}) is not in the {lang} translation")


@pytest.fixture(scope="module")
def refreshed_ts(tmp_path_factory) -> Path:
    """The committed .ts files run through pylupdate5 against the current sources, in a temp copy."""
    if shutil.which("pylupdate5") is None:
        pytest.fail("pylupdate5 is missing: `make setup` installs Debian's pyqt5-dev-tools")
    out = tmp_path_factory.mktemp("ts")
    for lang in LANGS:
        shutil.copy(ROOT / "i18n" / f"remotereasoner_{lang}.ts", out)
    subprocess.run(["bash", str(ROOT / "scripts" / "update_ts.sh"), str(out)], check=True, capture_output=True,
                   text=True, timeout=120)
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_is_translated(refreshed_ts, lang):
    msgs = messages(refreshed_ts / f"remotereasoner_{lang}.ts")
    assert len(msgs) > 100  # dock, settings, set-up, Processing: a few hundred strings
    problems = []
    for ctx, source, tr in msgs:
        text = text_of(tr) if tr is not None else ""
        forms = tr.findall("numerusform") if tr is not None else []
        if tr is None or tr.get("type") in ("unfinished", "obsolete", "vanished") or not text.strip():
            problems.append(f"untranslated [{ctx}] {source!r}")
        elif "%n" in source and (len(forms) != NUMERUS_FORMS[lang] or not all((f.text or "").strip() for f in forms)):
            problems.append(f"plural forms missing [{ctx}] {source!r}: {NUMERUS_FORMS[lang]} needed")
        elif forms and any(sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(f.text or ""))
                           or "%n" not in (f.text or "") for f in forms):
            problems.append(f"placeholders differ [{ctx}] {source!r} -> {text!r}")
        elif not forms and sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
            # str.format() would raise KeyError at run time on a renamed or missing placeholder
            problems.append(f"placeholders differ [{ctx}] {source!r} -> {text!r}")
    assert not problems, f"{len(problems)} problems in {lang}; run scripts/update_ts.sh and translate:\n" + \
        "\n".join(problems[:40])
    if lang == "zh_CN":
        assert sum(bool(CJK.search(text_of(tr))) for _c, _s, tr in msgs) > 0.9 * len(msgs)


def test_lrelease_compiles_all(tmp_path):
    subprocess.run(["make", "-C", str(ROOT), "-s", "translations"], check=True, capture_output=True, timeout=120)
    for lang in LANGS:
        qm = ROOT / "i18n" / f"remotereasoner_{lang}.qm"
        assert qm.is_file() and qm.stat().st_size > 1000


def test_translator_serves_every_tr_context(qgis_app):
    """Strings are looked up under the context pylupdate5 filed them in: `self.tr` -> the class name,
    a module-level `tr()` helper -> "@default". A helper using another context is never translated."""
    from qgis.PyQt.QtCore import QCoreApplication

    from remotereasoner_qgis import i18n

    subprocess.run(["make", "-C", str(ROOT), "-s", "translations"], check=True, capture_output=True, timeout=120)
    translator = i18n.install_translator("zh_CN")
    assert translator is not None
    try:
        from remotereasoner_qgis.processing.reason_algorithm import ReasonAlgorithm

        assert ReasonAlgorithm().displayName() == translation_of("zh_CN", "ReasonAlgorithm", "Reason over raster")
        failures = []
        for ctx, source, tr in messages(ROOT / "i18n" / "remotereasoner_zh_CN.ts"):
            forms = tr.findall("numerusform")
            if forms:  # a plural string: served with its count
                if QCoreApplication.translate(ctx, source, None, 3) != forms[0].text.replace("%n", "3"):
                    failures.append(f"[{ctx}] {source!r} (plural) is not served by the compiled translator")
            elif QCoreApplication.translate(ctx, source) != tr.text:
                failures.append(f"[{ctx}] {source!r} is not served by the compiled translator")
        # every module with a module-level tr() helper must translate its own @default strings
        for path in sorted((ROOT / "remotereasoner_qgis").rglob("*.py")):
            mod_name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            text = path.read_text(encoding="utf-8")
            if not re.search(r"^def tr\(", text, re.M):
                continue
            # a literal of this module whose translation differs from the English text
            pairs = [(src, translation_of("zh_CN", "@default", src))
                     for src in re.findall(r'(?<![\w.])tr\("([^"\\]+)"\)', text)]
            pairs = [(src, zh) for src, zh in pairs if zh != src]
            if not pairs:
                continue
            source, expected = pairs[0]
            module = importlib.import_module(mod_name)
            if module.tr(source) != expected:
                failures.append(f"{mod_name}.tr({source!r}) is not translated: its context is not '@default'")
        assert not failures, "\n".join(failures)
    finally:
        i18n.remove_translator(translator)


def test_every_algorithm_is_translated_with_what_it_inherits(qgis_app, rr_provider):
    """The group lives in the algorithms' shared base, and Locate changes takes Reason's parameters: each string
    is served from the class pylupdate5 filed it under, whichever algorithm shows it."""
    from qgis.core import QgsApplication

    from remotereasoner_qgis import i18n

    subprocess.run(["make", "-C", str(ROOT), "-s", "translations"], check=True, capture_output=True, timeout=120)
    translator = i18n.install_translator("zh_CN")
    assert translator is not None
    try:
        reg = QgsApplication.processingRegistry()
        algs = {a.name(): a for a in rr_provider.algorithms()}
        assert sorted(algs) == ["change", "compare", "mosaic", "reason"]
        group = translation_of("zh_CN", "RemoteReasonerAlgorithm", "Visual reasoning")
        assert CJK.search(group)
        assert {(a.group(), a.groupId()) for a in algs.values()} == {(group, "reasoning")}
        assert algs["change"].displayName() == translation_of("zh_CN", "ChangeAlgorithm", "Locate changes")
        change = reg.createAlgorithmById("remotereasoner:change")  # a new instance, its parameters made now
        assert type(change).__name__ == "ChangeAlgorithm"
        inherited = translation_of("zh_CN", "ReasonAlgorithm", "Input raster")
        assert CJK.search(inherited) and change.parameterDefinition("INPUT").description() == inherited
        own = translation_of("zh_CN", "ChangeAlgorithm", "Second date (compare with)")
        assert change.parameterDefinition("COMPARE").description() == own
    finally:
        i18n.remove_translator(translator)


def test_module_level_helpers_of_widgets_are_translated(qgis_app):
    """Helpers outside a class file their strings under "@default": they must look them up there, not under
    the calling widget's class name (what passing its self.tr would do)."""
    from remotereasoner_qgis import i18n
    from remotereasoner_qgis.bridge.run_session import action_for as _action_for
    from remotereasoner_qgis.ui.setup_dialog import describe_hello, describe_selftest

    subprocess.run(["make", "-C", str(ROOT), "-s", "translations"], check=True, capture_output=True, timeout=120)
    translator = i18n.install_translator("zh_CN")
    assert translator is not None
    try:
        assert _action_for("input") == translation_of("zh_CN", "@default", "Check the raster and the extent.")
        devices = translation_of("zh_CN", "@default", "Devices: {d}").format(d="cpu")
        assert describe_hello({"versions": {}, "devices": ["cpu"]}).split("\n")[1] == devices
        assert describe_selftest({}, "x") == translation_of("zh_CN", "@default", "Self-test could not run: {e}").format(e="x")
    finally:
        i18n.remove_translator(translator)


def test_qgis_desktop_in_chinese(tmp_path):
    """The packaged plugin in the real QGIS with the locale set to zh_CN: dock button and algorithm in Chinese."""
    root = tmp_path / "qgis"
    profiles = root / "profiles"
    deploy(package_zip(), profiles / "zh", ini_extra="[locale]\noverrideFlag=true\nuserLocale=zh_CN\n")
    out = run_desktop_check(root, "zh", tmp_path)
    assert "error" not in out, out.get("error")
    run_zh = translation_of("zh_CN", "RemoteReasonerDock", "Reason on extent")
    alg_zh = translation_of("zh_CN", "ReasonAlgorithm", "Reason over raster")
    assert CJK.search(run_zh) and CJK.search(alg_zh)
    assert out["run_button"] == run_zh
    assert out["alg"] == alg_zh
