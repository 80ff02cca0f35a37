"""Where and when a benchmark ran, read at run time for its report: today's date and this machine."""

from __future__ import annotations

import datetime
import os
import platform


def today() -> str:
    """The day the benchmark ran (ISO 8601)."""
    return datetime.date.today().isoformat()


def machine() -> str:
    """This machine in a few words, e.g. '2 CPU cores, x86_64, Linux 6.1.0, 7.8 GiB RAM, Python 3.11.2'."""
    parts = [f"{os.cpu_count() or '?'} CPU cores", platform.machine() or "unknown architecture",
             f"{platform.system()} {platform.release()}".strip()]
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        parts.append(f"{ram:.1f} GiB RAM")
    except (AttributeError, ValueError, OSError):  # not on every platform (Windows)
        pass
    parts.append(f"Python {platform.python_version()}")
    return ", ".join(parts)


def publish(text: str, append: bool) -> None:
    """Print a benchmark's report and, with --append, add it to benchmarks/RESULTS.md after a blank line."""
    print(text)
    if append:
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md"), "a", encoding="utf-8") as fh:
            fh.write("\n" + text.rstrip("\n") + "\n")
