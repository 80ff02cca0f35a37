"""`python -m inference_core.service`: the long-lived engine worker, JSON lines on stdin/stdout.

Logs go to stderr (level from REMOTEREASONER_LOG_LEVEL); stdout carries protocol lines only.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
from typing import Optional

from inference_core.common.signals import exit_code_for, install_stop_handlers
from inference_core.contract.protocol import PROTOCOL_VERSION
from inference_core.service.dispatch import Worker
from inference_core.service.stdout_guard import protocol_stdout

log = logging.getLogger("inference_core.service")
# How long a stop signal waits for the run to end at a tile boundary (the run row then says cancelled).
STOP_WAIT_S = 30.0


def main(argv: Optional[list[str]] = None) -> int:
    logging.basicConfig(
        level=os.environ.get("REMOTEREASONER_LOG_LEVEL", "INFO").upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    faulthandler.enable(sys.stderr)  # a segfault leaves a traceback in the client's stderr tail
    write = protocol_stdout()
    worker = Worker(write)
    log.info("worker ready (protocol %s, pid %s)", PROTOCOL_VERSION, os.getpid())
    # SIGTERM / SIGHUP / Ctrl-C: cancel the run (its row says cancelled, its done event goes out), then exit.
    install_stop_handlers(lambda _signum: worker.jobs.cancel_current())
    try:
        worker.serve(sys.stdin.buffer)
    except KeyboardInterrupt as exc:
        log.info("stopping on %s", exc or "SIGINT")
        worker.stopping.set()
        worker.jobs.cancel_current()
        try:
            worker.join(timeout=STOP_WAIT_S)
        except KeyboardInterrupt:
            pass  # a second signal: stop waiting for the tile in progress (resume redoes it)
        return exit_code_for(exc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
