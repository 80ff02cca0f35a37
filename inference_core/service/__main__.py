"""`python -m inference_core.service`: the long-lived engine worker, JSON lines on stdin/stdout.

Logs go to stderr (level from REMOTEREASONER_LOG_LEVEL); stdout carries protocol lines only.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
from typing import Optional

from inference_core.contract.protocol import PROTOCOL_VERSION
from inference_core.service.dispatch import Worker
from inference_core.service.stdout_guard import protocol_stdout

log = logging.getLogger("inference_core.service")


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
    try:
        worker.serve(sys.stdin.buffer)
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
