"""What the worker reads and writes, checked: request ids, RunOptions from a request's JSON, JSON-safe event bodies.

Pure functions (no I/O), so every malformed request is answered with one `bad_request`/`bad_options`
error instead of an exception inside the worker.
"""

from __future__ import annotations

import dataclasses
import math
import typing
from typing import Any

from inference_core.contract.options import OptionsError, RunOptions

# Placeholders so that `load` can reuse RunOptions (it only needs the model fields).
_LOAD_PLACEHOLDERS = {"raster": "", "query": "(load)", "out": ""}


def valid_id(value: Any) -> bool:
    """Request ids are non-empty strings or integers (not booleans); they are echoed back as given."""
    if isinstance(value, bool):
        return False
    return (isinstance(value, str) and 0 < len(value) <= 200) or isinstance(value, int)


def _accepts(tp: Any, value: Any) -> bool:
    """Whether a JSON value fits a RunOptions annotation (str, int, float, bool, Optional, tuples)."""
    origin = typing.get_origin(tp)
    if origin is typing.Union:
        return any(_accepts(a, value) for a in typing.get_args(tp))
    if tp is type(None):
        return value is None
    if origin is tuple:
        if isinstance(value, str):  # RunOptions.from_dict accepts "a,b" for tuple fields
            return typing.get_args(tp)[0] is str or _numbers_csv(value)
        if not isinstance(value, list):
            return False
        args = typing.get_args(tp)
        item = args[0]
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_accepts(item, x) for x in value)
        return len(value) == len(args) and all(_accepts(a, x) for a, x in zip(args, value))
    if tp is bool:
        return isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if tp is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if tp is str:
        return isinstance(value, str)
    return True  # an annotation this checker does not know: leave it to RunOptions.validate


def _non_finite(value: Any) -> Any:
    """'NaN' or 'infinity' when a number in `value` (or in its list) is not finite, else None."""
    items = value if isinstance(value, list) else [value]
    for v in items:
        if isinstance(v, float) and not math.isfinite(v):
            return "NaN" if v != v else "infinity"
    return None


def _numbers_csv(text: str) -> bool:
    try:
        [float(x) for x in text.split(",") if x]
    except ValueError:
        return False
    return True


_HINTS = typing.get_type_hints(RunOptions)


def options_from_request(raw: Any, *, resume: bool = False, for_load: bool = False) -> RunOptions:
    """Turn a request's `options` object into validated RunOptions; raise OptionsError naming the option."""
    if not isinstance(raw, dict):
        raise OptionsError("'options' must be a JSON object of run options (RunOptions fields).")
    d = dict(raw)
    if for_load:
        for k, v in _LOAD_PLACEHOLDERS.items():
            d.setdefault(k, v)
    for name, value in d.items():
        tp = _HINTS.get(name)
        bad = _non_finite(value)
        if tp is not None and bad is not None:  # JSON NaN/Infinity (Python's json reads them): say so
            raise OptionsError(f"Option {name!r} holds {bad}: give finite numbers.")
        if tp is not None and not _accepts(tp, value):
            raise OptionsError(f"Option {name!r} has the wrong type ({type(value).__name__}): expected {_describe(tp)}.")
    if resume:
        d["resume"] = True
    opts = RunOptions.from_dict(d)
    if opts.extent is not None and len(opts.extent) != 4:
        raise OptionsError("Option 'extent' must be four numbers: xmin, ymin, xmax, ymax.")
    if opts.extent is not None:
        opts.extent = tuple(float(x) for x in opts.extent)  # type: ignore[assignment]
    if opts.bands is not None:
        try:
            opts.bands = tuple(int(b) for b in opts.bands)
        except ValueError:
            raise OptionsError("Option 'bands' must be 1-based band numbers, e.g. [3, 2, 1].") from None
    return opts.validate()


def _describe(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin is typing.Union:
        return " or ".join(_describe(a) for a in typing.get_args(tp))
    if tp is type(None):
        return "null"
    if origin is tuple:
        return "a list"
    return {bool: "true/false", int: "an integer", float: "a number", str: "a string"}.get(tp, str(tp))


def jsonable(value: Any) -> Any:
    """Make an event body JSON-safe: dataclasses, tuples, bytes (hex), NaN/inf (None), paths."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        try:
            return jsonable(value.item())
        except Exception:  # noqa: BLE001
            pass
    return str(value)
