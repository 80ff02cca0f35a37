"""SIGTERM (and SIGHUP) end a run as Ctrl-C does: a `Stopped` KeyboardInterrupt, so the run row says `cancelled`.

Python turns SIGINT into KeyboardInterrupt by itself; SIGTERM would kill the process at once, leaving
the run row `running`. The CLI and the worker install these handlers in their main thread.
"""

from __future__ import annotations

import signal
import threading
from typing import Callable, Optional

# The conventional exit status of a process ended by a signal: 128 + its number (130 Ctrl-C, 143 SIGTERM).
SIGNAL_EXIT_BASE = 128


class Stopped(KeyboardInterrupt):
    """The process was asked to stop by a signal; `signum` says which."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return SIGNAL_EXIT_BASE + self.signum


def exit_code_for(exc: BaseException) -> int:
    """128 + the signal number for a `Stopped`, 130 for a plain Ctrl-C."""
    return exc.exit_code if isinstance(exc, Stopped) else SIGNAL_EXIT_BASE + signal.SIGINT


def _raise_stopped(signum: int, _frame) -> None:
    raise Stopped(signum)


def install_stop_handlers(on_signal: Optional[Callable[[int], None]] = None) -> bool:
    """Make SIGTERM, SIGHUP and SIGINT raise `Stopped` in the main thread; False when not the main thread.

    Signals the parent set to be ignored are left alone.

    `on_signal(signum)` runs first (the worker uses it to cancel its run thread at once).
    """
    if threading.current_thread() is not threading.main_thread():
        return False

    def handler(signum: int, frame) -> None:
        if on_signal is not None:
            on_signal(signum)
        _raise_stopped(signum, frame)

    for name in ("SIGTERM", "SIGHUP", "SIGINT"):
        sig = getattr(signal, name, None)
        # an ignored signal stays ignored: `nohup` (SIGHUP) and `cmd &` in a script (SIGINT) rely on it
        if sig is not None and signal.getsignal(sig) is not signal.SIG_IGN:
            signal.signal(sig, handler)
    return True
