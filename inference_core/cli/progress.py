"""Terminal progress for the CLI: a one-line bar on a TTY (tiles, stage, ETA), plain lines otherwise; run summary."""

from __future__ import annotations

import shutil
import sys
import time
from typing import Any, Optional, TextIO

STAGES = {"read": "reading", "reason": "reasoning", "segment": "segmenting", "write": "writing"}
STEPS = {"overview": "overview", "refine": "refining", "mosaic": "mosaic"}  # the strategy's step; plain tiles say nothing


def format_seconds(s: Optional[float]) -> str:
    if s is None:
        return "--:--"
    s = int(round(s))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


class ProgressPrinter:
    """Receives pipeline events. Progress goes to `stream` (stderr), so stdout stays for --json output."""

    # The run need not build `result` events (every feature as WKT) for the command line, which shows none.
    wants_results = False

    def __init__(self, stream: TextIO = sys.stderr, tty: Optional[bool] = None, quiet: bool = False):
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.quiet = quiet
        self._bar_shown = False
        self._last_line = -1
        self._t0 = time.monotonic()

    def __call__(self, event: dict[str, Any]) -> None:
        kind = event.get("type")
        if kind == "progress" and not self.quiet:
            self._progress(event)
        elif kind == "warning":
            self._line(f"warning: {event.get('message', '')}")
        elif kind == "answer" and not self.quiet and int(event.get("tiles") or 1) > 1:  # --per-tile: each tile's
            self._line(f"tile {int(event['tile_id']) + 1}: {event.get('answer') or '(no answer)'}")

    def _progress(self, ev: dict[str, Any]) -> None:
        done, total = int(ev.get("tile", 0)), max(1, int(ev.get("tiles", 1)))
        stage = STAGES.get(ev.get("stage", ""), ev.get("stage", ""))
        step = STEPS.get(ev.get("step", ""))
        if step:
            stage = f"{step}: {stage}"
        eta = format_seconds(ev.get("eta_s"))
        strips = int(ev.get("strips") or 0)  # a long read in strips (raster.source.read_rgb): how far it is
        if strips:
            strip = int(ev.get("strip") or 0)
            stage = f"{stage} {100 * strip // strips}%"
        if self.tty:
            width = max(10, min(40, shutil.get_terminal_size((80, 20)).columns - 50))
            filled = int(width * done / total)
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(f"\r[{bar}] {done}/{total} views  {stage:<20} ETA {eta}  ")
            self.stream.flush()
            self._bar_shown = True
        elif strips and (10 * strip // strips != 10 * (strip - 1) // strips or strip == 1):  # every tenth
            self.stream.write(f"{'view' if step else 'tile'} {min(done + 1, total)}/{total}"
                              f"{f' ({step})' if step else ''}: read {strip}/{strips} strips of the raster "
                              f"({100 * strip // strips}%)\n")
            self.stream.flush()
        elif ev.get("stage") == "write" and done != self._last_line:
            self._last_line = done
            self.stream.write(f"{'view' if step else 'tile'} {done}/{total} done{f' ({step})' if step else ''}, ETA {eta}\n")
            self.stream.flush()

    def _line(self, text: str) -> None:
        if self._bar_shown:
            self.stream.write("\n")
            self._bar_shown = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self._bar_shown:
            self.stream.write("\n")
            self.stream.flush()
            self._bar_shown = False


def dropped_text(below: dict | None) -> str:
    """Find-all: "; dropped 20 under the score threshold 0.5 (best 0.48)" or "" when nothing was dropped."""
    if not below or not below.get("dropped"):
        return ""
    return (f"; dropped {below['dropped']} under the score threshold {below['threshold']:g} "
            f"(best {below['best_score']:.2f}: lower --score-threshold to keep them)")


def summary_text(summary) -> str:
    """A one-screen summary of a RunSummary; its last line is the tally (how many, how much)."""
    from inference_core.run.tally import tally_text

    skipped = getattr(summary, "skipped_nodata", 0)
    lines = [
        f"Run {summary.run_id}: {summary.status}"
        + (f" ({skipped} of {summary.tiles_total} view(s) had no data and were skipped)" if skipped else ""),
        f"  output     {summary.out}",
        f"  views      {summary.tiles_done}/{summary.tiles_total} model calls ({summary.strategy}) in "
        f"{format_seconds(summary.seconds)}",
    ]
    for layer, n in summary.counts.items():
        lines.append(f"  {layer:<10} {n} feature(s)")
    if skipped:
        lines.append(f"  skipped    {skipped} view(s) with no data (nodata or transparent), not sent to the model")
    if getattr(summary, "answer_summary", None):  # ask / describe
        lines.append(f"  answer     {summary.answer_summary}")
    if getattr(summary, "reused", 0):
        lines.append(f"  reused     {summary.reused} answer(s) from the responses table (no model call)")
    if summary.parse_errors:
        lines.append(f"  unparsed   {summary.parse_errors} answer(s) (raw text kept in the responses table)")
    unconfirmed, dropped = getattr(summary, "unconfirmed", 0), getattr(summary, "dropped", 0)
    if unconfirmed:  # refine: nothing the overview found is lost when a refine view's answer is unusable
        lines.append(f"  unconfirmed {unconfirmed} overview candidate(s) kept as the overview found them: their refine "
                     f"view's answer could not be used (field unconfirmed = 1)")
    if dropped:
        lines.append(f"  dropped    {dropped} overview candidate(s) that their refine view looked at again and did "
                     f"not find")
    for path in summary.exports:
        lines.append(f"  exported   {path}")
    if summary.warnings:
        lines.append(f"  warnings   {len(summary.warnings)}")
        lines += [f"    - {w}" for w in summary.warnings[:5]]
        if len(summary.warnings) > 5:
            lines.append(f"    ... {len(summary.warnings) - 5} more in the runs table")
    if summary.tally:
        lines.append(f"  found      {tally_text(summary.tally)}{dropped_text(getattr(summary, 'below_threshold', None))}")
    change = getattr(summary, "change", None) or {}
    if change.get("alignment_text"):
        lines.append(f"  aligned    {change['alignment_text']}")
    if change.get("summary"):  # a change run's last line: "12 appeared (3 410 m²), 3 disappeared, 41 persisted"
        lines.append(f"  changed    {change['summary']}")
    return "\n".join(lines)
