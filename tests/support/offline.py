"""A hand-made wheel for offline pip installs, and a loopback HTTP file server with Range support
(resume), optional slowness and an optional cut connection, for the set-up and download tests."""

from __future__ import annotations

import base64
import hashlib
import threading
import time
import zipfile
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator, Optional


def make_wheel(folder: Path, name: str = "rrtestpkg", version: str = "1.0") -> Path:
    """A minimal valid wheel written by hand (no build backend, no network)."""
    files = {
        f"{name}/__init__.py": f"VALUE = {version!r}\n",
        f"{name}-{version}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{name}-{version}.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(text.encode())}")
    record.append(f"{name}-{version}.dist-info/RECORD,,")
    files[f"{name}-{version}.dist-info/RECORD"] = "\n".join(record) + "\n"
    path = Path(folder) / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as zf:
        for p, text in files.items():
            zf.writestr(p, text)
    return path


class FileServer:
    """State of one loopback server: what it serves and what it saw."""

    def __init__(self, payload: bytes):
        self.payload = payload
        self.delay = 0.0  # seconds between 16 KiB chunks (to cancel mid-file)
        self.cut_first_at: Optional[int] = None  # the first full GET drops the connection after this many bytes
        self.requests: list[tuple[str, Optional[str]]] = []  # (path, Range header)
        self.url = ""

    @property
    def ranges(self) -> list[Optional[str]]:
        return [r for _, r in self.requests]


@contextmanager
def file_server(payload: bytes) -> Iterator[FileServer]:
    """Serve `payload` at any path on 127.0.0.1 (ephemeral port) while the context is open."""
    state = FileServer(payload)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            rng = self.headers.get("Range")
            state.requests.append((self.path, rng))
            start = int(rng.split("=")[1].split("-")[0]) if rng else 0
            self.send_response(206 if rng else 200)
            if rng:
                self.send_header("Content-Range", f"bytes {start}-{len(state.payload) - 1}/{len(state.payload)}")
            body = state.payload[start:]
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            cut = state.cut_first_at
            if cut is not None and not rng:
                state.cut_first_at = None
                body = body[:cut]
            try:
                for i in range(0, len(body), 16384):
                    self.wfile.write(body[i:i + 16384])
                    self.wfile.flush()
                    time.sleep(state.delay)
                if cut is not None and not rng:
                    self.connection.shutdown(2)  # the connection drops mid-file
            except (BrokenPipeError, ConnectionResetError):
                pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.handle_error = lambda *a: None  # a client hanging up on purpose is not an error here
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
