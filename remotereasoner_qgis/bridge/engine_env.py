"""The environment of engine subprocesses (worker, downloads, pip): QGIS's Python variables removed,
PYTHONPATH set to the engine, QGIS's proxy, the offline mode and the Hugging Face token passed on. No secret
is logged."""

from __future__ import annotations

import os
import urllib.parse
from typing import Optional

from qgis.core import Qgis, QgsMessageLog, QgsSettings

from ..i18n import tr
from ..paths import ENGINE_ROOT
from ..settings import hf_auth_cfg, offline_setting, resolve_api_key
from .network_state import network_state

LOG_TAG = "RemoteReasoner"

# QGIS proxy types that are plain HTTP proxies; DefaultProxy means "the system's", which pip and
# urllib already read from the environment.
_HTTP_PROXY_TYPES = ("HttpProxy", "HttpCachingProxy", "FtpCachingProxy")

def worker_env(engine_root: str = ENGINE_ROOT) -> dict[str, str]:
    """The worker's environment: QGIS's own Python variables removed (they point at QGIS's
    Python, not the engine venv) and PYTHONPATH = the folder that holds `inference_core`."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONHOME", "PYTHONPATH", "PYTHONSTARTUP")}
    env["PYTHONPATH"] = engine_root
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    return env



# -- environment: proxy and offline -----------------------------------------------------------------

def proxy_url(settings: Optional[QgsSettings] = None) -> Optional[str]:
    """QGIS's proxy (Options › Network) as http://user:password@host:port, or None when off."""
    s = settings or QgsSettings()
    enabled = str(s.value("proxy/proxyEnabled", False)).lower() in ("true", "1")
    host = str(s.value("proxy/proxyHost", "") or "").strip()
    if not enabled or not host:
        return None
    kind = str(s.value("proxy/proxyType", "HttpProxy") or "HttpProxy")
    if kind == "DefaultProxy":
        return None
    scheme = "socks5" if kind == "Socks5Proxy" else "http"
    port = str(s.value("proxy/proxyPort", "") or "").strip()
    user = str(s.value("proxy/proxyUser", "") or "")
    password = str(s.value("proxy/proxyPassword", "") or "")
    auth = ""
    if user:
        auth = urllib.parse.quote(user, safe="") + (":" + urllib.parse.quote(password, safe="") if password else "") + "@"
    return f"{scheme}://{auth}{host}{':' + port if port else ''}"


def redact(text: str, url: Optional[str]) -> str:
    """`text` with the proxy password (plain and URL-quoted) replaced by ***: log lines never carry it."""
    if not url:
        return text
    password = urllib.parse.urlsplit(url).password
    if not password:
        return text
    for secret in {password, urllib.parse.unquote(password)}:
        if secret:
            text = text.replace(secret, "***")
    return text


def qgis_offline() -> bool:
    """True when Qt reports this computer offline (a laptop in the field). When Qt cannot tell, the engine
    is treated as online (downloads are tried, and fail with their own clear message) and the log says so
    once, naming the switch that forces offline."""
    global _unknown_logged
    state = network_state()
    if state.offline is None and not _unknown_logged:
        _unknown_logged = True
        QgsMessageLog.logMessage(
            tr("Qt cannot tell whether this computer is online ({source}: {detail}); assuming online. "
               "Without a network, tick Offline in Settings › Models.").format(source=state.source, detail=state.detail),
            LOG_TAG, Qgis.MessageLevel.Info)
    return bool(state.offline)


_unknown_logged = False


def offline_mode() -> bool:
    return offline_setting() or qgis_offline()


def engine_env(offline: Optional[bool] = None, proxy: Optional[str] = "qgis") -> dict[str, str]:
    """Environment for engine subprocesses (downloads, pip, the worker): proxy and offline mode."""
    from inference_core.contract.envsetup import proxy_env
    from inference_core.contract.model_state import TRANSFORMERS_OFFLINE

    env = worker_env()
    env.update(proxy_env(proxy_url() if proxy == "qgis" else proxy))
    offline = offline if offline is not None else offline_mode()
    # the variables the engine's model_state.offline_env reads, for downloads and for model loading
    for var in TRANSFORMERS_OFFLINE:
        if offline:
            env[var] = "1"
        else:
            env.pop(var, None)
    env.update(hf_token_env(env))
    return env


def hf_token_env(env: dict[str, str]) -> dict[str, str]:
    """HF_TOKEN for gated downloads (SAM 3) from the QgsAuthManager config the Models tab names; a token
    already in the environment wins. The token only ever travels in the subprocess's environment."""
    if env.get("HF_TOKEN"):
        return {}
    token = resolve_api_key(hf_auth_cfg())
    return {"HF_TOKEN": token} if token else {}


