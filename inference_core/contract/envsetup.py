"""Engine environment set-up for the QGIS plugin's "Set up engine…": platform and GPU detection,
the torch build that fits the driver, and a venv installed by pip with progress and cancel (stdlib only).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional
from inference_core.contract.paths import REQUIREMENTS

Emit = Callable[[dict], None]

# Oldest Linux/Windows driver each CUDA runtime needs (NVIDIA's CUDA toolkit release notes), newest
# first. torch publishes wheels for a few CUDA versions at a time; we pick the newest the driver runs.
TORCH_CUDA_BUILDS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("cu130", (580, 65)),
    ("cu128", (570, 26)),
    ("cu126", (560, 28)),
)
TORCH_INDEX = "https://download.pytorch.org/whl/{build}"


class EnvSetupError(RuntimeError):
    """A set-up step failed; `log_tail` holds the last lines of the tool's output."""

    def __init__(self, message: str, log_tail: str = ""):
        super().__init__(message)
        self.log_tail = log_tail


@dataclass(frozen=True)
class GpuInfo:
    name: str
    driver: str
    memory_mib: int

    @property
    def driver_tuple(self) -> tuple[int, ...]:
        return tuple(int(p) for p in re.findall(r"\d+", self.driver)[:2])


@dataclass(frozen=True)
class PythonCandidate:
    path: str
    version: tuple[int, int]


@dataclass
class PlatformInfo:
    system: str
    machine: str
    pythons: list[PythonCandidate]
    gpus: list[GpuInfo]


@dataclass
class EnvPlan:
    venv_dir: Path
    base_python: str
    torch_build: str  # "cpu" or "cu12x"/"cu130"
    requirements: Path
    extra_pip_args: list[str] = field(default_factory=list)

    @property
    def python(self) -> Path:
        sub = "Scripts/python.exe" if os.name == "nt" else "bin/python"
        return self.venv_dir / sub


def parse_nvidia_smi(output: str) -> list[GpuInfo]:
    """GPUs from `nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader,nounits`.

    Also accepts the plain `nvidia-smi` table (driver from its header, one GPU line per card).
    Empty or error output (no driver, "NVIDIA-SMI has failed") gives [].
    """
    gpus: list[GpuInfo] = []
    for line in output.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) == 3 and re.fullmatch(r"\d+(\.\d+)+", parts[1]) and parts[2].split()[0].isdigit():
            gpus.append(GpuInfo(parts[0], parts[1], int(parts[2].split()[0])))
    if gpus:
        return gpus
    header = re.search(r"Driver Version:\s*([\d.]+)", output)
    if not header:
        return []
    names = re.findall(r"^\|\s+\d+\s+(.+?)\s{2,}\S+\s+\|", output, re.M)
    mems = re.findall(r"/\s*(\d+)MiB", output)
    return [GpuInfo(n.strip(), header.group(1), int(m)) for n, m in zip(names, mems)]


def choose_torch_build(gpus: list[GpuInfo]) -> str:
    """'cpu' without an NVIDIA GPU or with a driver too old for every CUDA build, else the newest fit."""
    if not gpus:
        return "cpu"
    driver = min(g.driver_tuple for g in gpus)
    for build, minimum in TORCH_CUDA_BUILDS:
        if driver >= minimum:
            return build
    return "cpu"


def detect_gpus(runner: Callable[[list[str]], str] | None = None) -> list[GpuInfo]:
    exe = shutil.which("nvidia-smi")
    if runner is None:
        if not exe:
            return []

        def runner(cmd: list[str]) -> str:
            try:
                return subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout
            except (OSError, subprocess.SubprocessError):
                return ""

    return parse_nvidia_smi(runner(["nvidia-smi", "--query-gpu=name,driver_version,memory.total",
                                    "--format=csv,noheader,nounits"]))


def python_version(path: str) -> Optional[tuple[int, int]]:
    try:
        out = subprocess.run([path, "-c", "import sys;print(sys.version_info[0],sys.version_info[1])"],
                             capture_output=True, text=True, timeout=20).stdout.split()
        return (int(out[0]), int(out[1]))
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def find_pythons(extra: tuple[str, ...] = ()) -> list[PythonCandidate]:
    """Interpreters >= 3.10 that can make a venv: PATH's python3.x, then `extra` (e.g. a conda env)."""
    seen: dict[str, PythonCandidate] = {}
    names = [f"python3.{m}" for m in range(14, 9, -1)] + ["python3", "python"]
    for p in list(extra) + [shutil.which(n) for n in names]:
        if not p or not os.path.exists(p):
            continue
        real = os.path.realpath(p)
        if real in seen:
            continue
        v = python_version(p)
        if v and v >= (3, 10):
            seen[real] = PythonCandidate(p, v)
    return sorted(seen.values(), key=lambda c: c.version, reverse=True)


def detect_platform() -> PlatformInfo:
    import platform

    return PlatformInfo(platform.system(), platform.machine(), find_pythons(), detect_gpus())


def engine_requirements() -> Path:
    """The pinned engine requirements shipped beside `inference_core/` (repo root or plugin folder)."""
    return REQUIREMENTS


def plan_environment(venv_dir: str | Path, base_python: str, gpus: list[GpuInfo],
                     requirements: Path | None = None) -> EnvPlan:
    return EnvPlan(Path(venv_dir), base_python, choose_torch_build(gpus), requirements or engine_requirements())


def proxy_env(proxy_url: Optional[str]) -> dict[str, str]:
    """Environment for pip and downloads behind QGIS's proxy (http://user:pass@host:port)."""
    if not proxy_url:
        return {}
    return {"HTTP_PROXY": proxy_url, "HTTPS_PROXY": proxy_url, "http_proxy": proxy_url, "https_proxy": proxy_url}


class EnvInstaller:
    """Creates the venv and installs the requirements, emitting `{"type": "log"|"progress", ...}`.

    Repeatable: an existing venv is reused and pip repairs or upgrades it. `cancel()` stops pip.
    Progress counts pip's "Collecting"/"Processing" lines against the number of requirement lines.
    """

    def __init__(self, plan: EnvPlan, env: Optional[dict[str, str]] = None):
        self.plan = plan
        self.env = {**os.environ, **(env or {}), "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONUNBUFFERED": "1"}
        self._proc: Optional[subprocess.Popen] = None
        self._cancelled = threading.Event()
        self.tail: deque[str] = deque(maxlen=40)

    def cancel(self) -> None:
        self._cancelled.set()
        proc = self._proc
        if proc and proc.poll() is None:
            proc.terminate()

    def _run(self, cmd: list[str], emit: Emit, step: str, expected: int = 0) -> None:
        if self._cancelled.is_set():
            raise EnvSetupError("Set-up cancelled.")
        emit({"type": "log", "line": "$ " + " ".join(cmd)})
        self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                      env=self.env, bufsize=1)
        done = 0
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            line = line.rstrip()
            if not line or line.startswith("WARNING: Location"):
                continue
            self.tail.append(line)
            emit({"type": "log", "line": line})
            if line.startswith(("Collecting ", "Processing ")) and expected:
                done += 1
                emit({"type": "progress", "step": step, "fraction": min(done / expected, 0.95)})
        rc = self._proc.wait()
        if self._cancelled.is_set():
            raise EnvSetupError("Set-up cancelled; run it again to finish (nothing is lost).")
        if rc != 0:
            raise EnvSetupError(f"{step} failed (exit {rc}). The last lines of pip are below.", "\n".join(self.tail))
        emit({"type": "progress", "step": step, "fraction": 1.0})

    def run(self, emit: Emit = lambda e: None, pip_args: tuple[str, ...] = ()) -> Path:
        """Create/repair the venv; returns its python. Raises EnvSetupError (cancelled or failed)."""
        t0 = time.monotonic()
        plan = self.plan
        if not plan.python.exists():
            self._run([plan.base_python, "-m", "venv", str(plan.venv_dir)], emit, "Creating the environment")
        reqs = [ln for ln in plan.requirements.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
        args = [str(plan.python), "-m", "pip", "install", "--progress-bar", "off", *plan.extra_pip_args, *pip_args]
        if plan.torch_build != "none":
            args += ["--extra-index-url", TORCH_INDEX.format(build=plan.torch_build)]
        self._run(args + ["-r", str(plan.requirements)], emit, "Installing the engine", expected=len(reqs))
        emit({"type": "log", "line": f"Environment ready in {time.monotonic() - t0:.0f} s: {plan.python}"})
        return plan.python


def default_venv_dir(profile_dir: str | Path) -> Path:
    """The managed engine venv inside the QGIS profile folder."""
    return Path(profile_dir) / "python" / "remotereasoner-engine"


def default_engine_python(profile_dir: str | Path) -> Path:
    sub = "Scripts/python.exe" if os.name == "nt" else "bin/python"
    return default_venv_dir(profile_dir) / sub


__all__ = [
    "EnvInstaller", "EnvPlan", "EnvSetupError", "GpuInfo", "PlatformInfo", "PythonCandidate", "choose_torch_build",
    "default_engine_python", "default_venv_dir", "detect_gpus", "detect_platform", "engine_requirements",
    "find_pythons", "parse_nvidia_smi", "plan_environment", "proxy_env",
]
