"""Installs the plugin's Qt translator from QGIS's locale setting (`locale/userLocale`)."""

from __future__ import annotations

import os
import re
from typing import Optional

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

from .paths import ENGINE_ROOT, PLUGIN_DIR

# English plural markers of a source text: "%n box(es)", "%n mask(s)" (the language of the sources has no .qm).
_PLURAL_MARK = re.compile(r"(?<=[a-z])\((es|s)\)")


def english_plural(text: str, n: int) -> str:
    """`text` with its "(s)"/"(es)" markers resolved for `n` in English: "1 box", "3 boxes", "0 masks"."""
    return _PLURAL_MARK.sub("" if n == 1 else r"\1", text)


def tr(text: str, disambiguation: Optional[str] = None, n: int = -1) -> str:
    """Translate a module-level string. pylupdate5 files bare tr() calls under the context
    "@default", so they are looked up there (class methods use `self.tr`, context = class name).

    With `n` (>= 0) the string is a plural one (`tr("%n box(es)", None, n)`): the translation's numerus
    form for n with %n replaced; without a translation, the English form ("1 box", "2 boxes")."""
    out = QCoreApplication.translate("@default", text, disambiguation, n)
    return english_plural(out, n) if n >= 0 else out


# QGIS names some locales by script ("zh-Hans"); translators name files by country.
_ALIASES = {"zh-Hans": "zh_CN", "zh-Hant": "zh_TW"}


def current_locale() -> str:
    """QGIS's UI locale: the user's override when set, else the system locale."""
    s = QgsSettings()
    override = str(s.value("locale/overrideFlag", False)).lower() in ("true", "1")
    locale = str(s.value("locale/userLocale", "") or "") if override else ""
    return locale or QLocale.system().name()


def candidates(locale: str) -> list[str]:
    """File-name suffixes to try, most specific first: zh-Hans -> zh_CN, zh; de_DE -> de_DE, de."""
    locale = _ALIASES.get(locale, locale).replace("-", "_")
    out = [locale]
    lang = locale.split("_")[0]
    if lang and lang not in out:
        out.append(lang)
    return out


def find_qm(locale: str) -> Optional[str]:
    for folder in (os.path.join(PLUGIN_DIR, "i18n"), os.path.join(ENGINE_ROOT, "i18n")):
        for name in candidates(locale):
            path = os.path.join(folder, f"remotereasoner_{name}.qm")
            if os.path.isfile(path):
                return path
    return None


def install_translator(locale: Optional[str] = None) -> Optional[QTranslator]:
    """Load and install the translator; keep the returned object alive (Qt does not own it)."""
    path = find_qm(locale or current_locale())
    if not path:
        return None
    translator = QTranslator()
    if not translator.load(path):
        return None
    QCoreApplication.installTranslator(translator)
    return translator


def remove_translator(translator: Optional[QTranslator]) -> None:
    if translator is not None:
        QCoreApplication.removeTranslator(translator)
