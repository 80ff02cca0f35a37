"""The `remotereasoner` command line: subcommands registered from modules listed in `SUBCOMMANDS`.

To add a subcommand, write a module with `register(subparsers)` that adds its parser and sets
`func=<callable(args) -> int>` with `set_defaults`, then append the module name below.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from typing import Optional, Sequence

from inference_core.contract.protocol import ErrorCode

SUBCOMMANDS = [
    "inference_core.cli.reason",
    "inference_core.cli.mosaic",
    "inference_core.cli.change",
    "inference_core.evaluate.cli",  # evaluate, compare
    "inference_core.cli.selftest",
    "inference_core.cli.demo",
]

# Exit status per error code: 2 = fix the command or the input, 3 = model, 4 = memory, 5 = server, 6 = disk full.
EXIT_CODES = {
    ErrorCode.BAD_OPTIONS: 2, ErrorCode.INPUT: 2, ErrorCode.BAD_REQUEST: 2, ErrorCode.MODEL: 3,
    ErrorCode.OUT_OF_MEMORY: 4, ErrorCode.SERVER: 5, ErrorCode.DISK_FULL: 6, ErrorCode.CANCELLED: 130, ErrorCode.INTERNAL: 70,
}


class CLIError(Exception):
    """A user error found by the CLI itself; printed as one line."""

    def __init__(self, message: str, code: str = ErrorCode.BAD_OPTIONS):
        super().__init__(message)
        self.code = code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="remotereasoner",
        description="Ask questions about georeferenced imagery in plain language and get vector answers "
                    "(boxes, masks, outlines) in the raster's coordinate system.",
        epilog="Run `remotereasoner COMMAND --help` for the options of a command.",
    )
    from inference_core import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks and debug logs")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    from inference_core.cli.argv import attach_negative_values

    parser = build_parser()
    args = parser.parse_args(attach_negative_values(sys.argv[1:] if argv is None else argv))
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    from inference_core.common.errors import PipelineError
    from inference_core.contract.options import OptionsError

    from inference_core.common.signals import exit_code_for, install_stop_handlers

    install_stop_handlers()  # SIGTERM ends a run as Ctrl-C does: its run row says cancelled
    try:
        return int(func(args) or 0)
    except (PipelineError, CLIError) as exc:
        return _fail(str(exc), getattr(exc, "code", ErrorCode.BAD_OPTIONS), args.debug)
    except OptionsError as exc:
        return _fail(str(exc), ErrorCode.BAD_OPTIONS, args.debug)
    except KeyboardInterrupt as exc:
        print(f"remotereasoner: interrupted{f' by {exc}' if str(exc) else ''} (finished tiles are kept; continue "
              "with --resume)", file=sys.stderr)
        return exit_code_for(exc)
    except Exception as exc:  # a bug: one line for the user, the traceback with --debug
        if args.debug:
            raise
        return _fail(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)",
                     ErrorCode.INTERNAL, False)


def _fail(message: str, code: str, debug: bool) -> int:
    if debug:
        logging.getLogger(__name__).exception("error")
    first = message.strip().splitlines()[0] if message.strip() else code
    print(f"remotereasoner: error: {first}", file=sys.stderr)
    return EXIT_CODES.get(code, 1)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
