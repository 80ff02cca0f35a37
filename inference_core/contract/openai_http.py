"""Talk to an OpenAI-compatible model server (vLLM, SGLang, Ollama) with the standard library only.

The QGIS settings dialog's "Test connection" calls `list_server_models`; the engine's `openai`
backend reuses `normalise_base_url`, `request_json` and `ServerError` so that both sides word
failures the same way. Never puts the API key in a message.
"""

from __future__ import annotations

import base64
import email.utils
import http.client
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Optional

# Endpoints people paste instead of the base URL; cut them off.
_ENDPOINT_SUFFIXES = ("/chat/completions", "/completions", "/models")
_MAX_MESSAGE = 400  # characters of a server's own error text kept in our messages


class ServerError(RuntimeError):
    """A model server failure, worded for the user.

    `status` is the HTTP status (None when no answer came), `transient` says whether trying again
    later may help (connection errors, timeouts, 429, 5xx), `retry_after` is the server's
    `Retry-After` in seconds when it sent one.
    """

    def __init__(self, message: str, status: Optional[int] = None, transient: bool = False,
                 retry_after: Optional[float] = None):
        super().__init__(message)
        self.status = status
        self.transient = transient
        self.retry_after = retry_after


def normalise_base_url(url: str) -> str:
    """'gpu:8000', 'http://gpu:8000/', '.../v1/chat/completions' -> 'http://gpu:8000/v1'.

    Raises ServerError naming the expected form when the URL has no host or a scheme other than
    http(s).
    """
    text = (url or "").strip()
    if not text:
        raise ServerError("The server URL is empty: enter it like http://gpu-server:8000/v1.")
    if "://" not in text:
        text = "http://" + text  # a bare host:port is what most people type
    parts = urllib.parse.urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ServerError(
            f"The server URL {redact_url(url)!r} is not an http(s) address: enter it like http://gpu-server:8000/v1."
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ServerError(f"The server URL {redact_url(url)!r} has an invalid port: enter it like http://gpu-server:8000/v1.") from None
    path = parts.path.rstrip("/")
    for suffix in _ENDPOINT_SUFFIXES:
        if path.endswith(suffix):
            path = path[: -len(suffix)].rstrip("/")
            break
    last = path.rsplit("/", 1)[-1]
    # OpenAI-compatible servers mount the API under a version segment (/v1); keep any prefix a
    # load balancer adds in front of it.
    if not (len(last) >= 2 and last[0] == "v" and last[1:].isdigit()):
        path = path + "/v1"
    # user:password@ is sent as the Authorization header (`split_url(...).basic_auth`), never in the URL
    host = parts.netloc.rsplit("@", 1)[-1]
    return urllib.parse.urlunsplit((parts.scheme.lower(), host, path, "", ""))


# Query parameters whose value is a credential (matched on the name without '-' and '_', lower case).
_SECRET_PARAM_WORDS = ("key", "token", "secret", "password", "passwd", "pwd", "auth", "sig", "credential", "session")
# Of those, the ones whose value is an API key the server expects as `Authorization: Bearer`.
_API_KEY_PARAMS = ("apikey", "key", "token", "accesstoken", "authtoken", "bearer")


@dataclass(frozen=True)
class SplitURL:
    """A server URL taken apart: `url` carries no credential (safe to store, log and show)."""

    url: str
    username: Optional[str] = None
    password: Optional[str] = None
    query_key: Optional[str] = None  # ?api_key= / ?token= value: sent as the bearer key when no other is set

    @property
    def basic_auth(self) -> Optional[str]:
        """The `Authorization` header value for user:password@ in the URL (HTTP Basic, RFC 7617)."""
        if self.username is None:
            return None
        raw = f"{self.username}:{self.password or ''}".encode("utf-8")
        return "Basic " + base64.b64encode(raw).decode("ascii")


def _is_secret_param(name: str) -> bool:
    flat = name.lower().replace("-", "").replace("_", "")
    return any(w in flat for w in _SECRET_PARAM_WORDS)


def split_url(url: str) -> SplitURL:
    """Take the credentials out of a URL: user:password@ and secret query parameters (api_key=, token=, ...).

    The one place that knows what a secret in a URL looks like: what is stored (runs.settings),
    logged or put in an event or error passes through it.
    """
    text = (url or "").strip()
    try:
        parts = urllib.parse.urlsplit(text if "://" in text else "http://" + text)
        pairs = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return SplitURL("<invalid URL>")
    username = password = None
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, netloc = netloc.rsplit("@", 1)
        user, _, pw = userinfo.partition(":")
        username, password = urllib.parse.unquote(user), urllib.parse.unquote(pw)
    kept = [(k, v) for k, v in pairs if not _is_secret_param(k)]
    query_key = next((v for k, v in pairs if k.lower().replace("-", "").replace("_", "") in _API_KEY_PARAMS and v),
                     None)
    if netloc == parts.netloc and len(kept) == len(pairs) and not parts.fragment:
        clean = text  # nothing to take out: keep the URL exactly as typed
    else:
        clean = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, urllib.parse.urlencode(kept), ""))
        if "://" not in text:
            clean = clean.split("://", 1)[1]
    return SplitURL(clean, username, password, query_key)


def redact_url(url: Optional[str]) -> Optional[str]:
    """The URL without user:password@ and secret query parameters (safe to store, show and log)."""
    return url if url is None else split_url(url).url


def server_host(base_url: str) -> str:
    """host[:port] of a normalised base URL, without credentials (for model ids and messages)."""
    return urllib.parse.urlsplit(base_url).netloc.rsplit("@", 1)[-1]


def is_loopback(base_url: str) -> bool:
    host = urllib.parse.urlsplit(base_url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def make_opener(base_url: str) -> urllib.request.OpenerDirector:
    """An opener that honours the usual proxy variables, except for a server on this machine."""
    if is_loopback(base_url):
        return urllib.request.build_opener(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener()


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """`Retry-After` as seconds from now: delta-seconds or an HTTP date; None when absent/unreadable."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def _server_text(body: bytes) -> str:
    """The human part of an error body: OpenAI `{"error": {"message"}}`, vLLM `{"message"}`, or text."""
    text = body.decode("utf-8", "replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        err = data.get("error")
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            text = err["message"]
        elif isinstance(err, str):
            text = err
        elif isinstance(data.get("message"), str):
            text = data["message"]
        elif isinstance(data.get("detail"), str):
            text = data["detail"]
    text = " ".join(text.split())
    return text[:_MAX_MESSAGE] + ("…" if len(text) > _MAX_MESSAGE else "")


def _scrub(text: str, secret: Optional[str]) -> str:
    return text.replace(secret, "***") if secret else text


def _unreachable(base_url: str, reason: str) -> str:
    return (
        f"The model server at {redact_url(base_url)} could not be reached ({reason}). Check that the "
        "server is running (e.g. `vllm serve ...`), that the host and port are right, and that no "
        "firewall or proxy blocks them."
    )


def request_json(url: str, *, base_url: str, payload: Any = None, api_key: Optional[str] = None,
                 timeout: float = 10.0, opener: Optional[urllib.request.OpenerDirector] = None,
                 basic_auth: Optional[str] = None, body: Optional[bytes] = None) -> Any:
    """GET (payload and body None) or POST JSON to `url` and return the decoded JSON answer.

    `body`: the payload already encoded as JSON bytes (the openai backend splices its image in).

    `api_key` goes as `Authorization: Bearer`; without one, `basic_auth` (`SplitURL.basic_auth`, from
    user:password@ in the configured URL) is the Authorization header.

    Every failure becomes a ServerError whose message says what to check; `transient` marks the
    ones worth retrying.
    """
    headers = {"Accept": "application/json", "User-Agent": "RemoteReasoner-QGIS"}
    data = body
    if data is None and payload is not None:
        data = json.dumps(payload).encode("utf-8")
    if data is not None:
        headers["Content-Type"] = "application/json"
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    elif basic_auth:
        headers["Authorization"] = basic_auth
    req = urllib.request.Request(url, data=data, headers=headers, method="POST" if data is not None else "GET")
    opener = opener or make_opener(base_url)
    try:
        with opener.open(req, timeout=timeout) as resp:
            body = resp.read()
    except urllib.error.HTTPError as exc:
        raise _http_error(exc, base_url, api_key) from None
    except (TimeoutError, socket.timeout):
        raise ServerError(
            f"The model server at {redact_url(base_url)} did not answer within {timeout:g} s. It may be "
            "overloaded or still loading the model: try again, lower the concurrency or raise the timeout.",
            transient=True,
        ) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise ServerError(
                f"The model server at {redact_url(base_url)} did not answer within {timeout:g} s. It may be "
                "overloaded or still loading the model: try again, lower the concurrency or raise the timeout.",
                transient=True,
            ) from None
        raise ServerError(_unreachable(base_url, _scrub(str(reason), api_key)), transient=True) from None
    except (ConnectionError, http.client.HTTPException) as exc:
        # The connection dropped mid-answer (server restarted, load balancer cut it).
        raise ServerError(_unreachable(base_url, f"connection lost: {type(exc).__name__}"), transient=True) from None
    try:
        return json.loads(body)
    except ValueError:
        raise ServerError(
            f"The server at {redact_url(base_url)} answered with something that is not JSON: is it an "
            "OpenAI-compatible API (vLLM, SGLang, Ollama)? The URL usually ends in /v1."
        ) from None


def _http_error(exc: urllib.error.HTTPError, base_url: str, api_key: Optional[str]) -> ServerError:
    status = exc.code
    try:
        body = exc.read()
    except Exception:  # noqa: BLE001 - a body we cannot read is no reason to hide the status
        body = b""
    said = _scrub(_server_text(body), api_key)
    said_part = f": {said}" if said else ""
    where = redact_url(base_url)
    if status in (401, 403):
        return ServerError(
            f"The model server at {where} refused the request (HTTP {status}{said_part}). Check the API key: "
            "the REMOTEREASONER_API_KEY environment variable for the CLI, or the authentication "
            "configuration in the plugin settings.",
            status=status,
        )
    if status == 404:
        return ServerError(
            f"The model server at {where} answered HTTP 404{said_part}. Check that the URL points at the "
            "OpenAI-compatible API (usually ending in /v1) and that the model name is one the server "
            "lists (Test connection shows them).",
            status=status,
        )
    if status == 429:
        return ServerError(
            f"The model server at {where} is busy (HTTP 429{said_part}); lower the concurrency or try later.",
            status=status, transient=True, retry_after=parse_retry_after(exc.headers.get("Retry-After")),
        )
    if status >= 500:
        return ServerError(
            f"The model server at {where} failed (HTTP {status}{said_part}). Check the server's log; "
            "it may be restarting or out of GPU memory.",
            status=status, transient=True, retry_after=parse_retry_after(exc.headers.get("Retry-After")),
        )
    return ServerError(f"The model server at {where} rejected the request (HTTP {status}{said_part}).", status=status)


def list_server_models(base_url: str, api_key: Optional[str] = None, timeout: float = 10) -> list[str]:
    """The model names the server offers (`GET /v1/models`), for "Test connection".

    Raises ServerError with a message the user can act on (unreachable, wrong key, not an
    OpenAI-compatible API).
    """
    base = normalise_base_url(base_url)
    creds = split_url(base_url)
    data = request_json(base + "/models", base_url=base, api_key=api_key or creds.query_key, timeout=timeout,
                        basic_auth=creds.basic_auth)
    items = data.get("data") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ServerError(
            f"The server at {redact_url(base)} answered /models without a model list: is it an "
            "OpenAI-compatible API (vLLM, SGLang, Ollama)?"
        )
    return [str(m["id"]) for m in items if isinstance(m, dict) and m.get("id") is not None]
