"""The HTML report of an Ask / Describe run for Processing's Results Viewer: the question, the answer (or the
per-tile summary), the reasoning, and one row per tile. Model text is escaped: it is never read as HTML."""

from __future__ import annotations

from html import escape
from typing import Sequence

from ..i18n import tr


def _text(value) -> str:
    return "" if value is None or str(value) == "NULL" else str(value)


def report_html(mode: str, question: str, summary: dict, rows: Sequence[dict], gpkg: str) -> str:
    """`rows`: the `answers` layer's fields per view (tile order)."""
    title = tr("Ask: {question}").format(question=question) if mode == "ask" else tr("Describe")
    answer = _text(summary.get("answer_summary")) or tr("No answer.")
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{escape(title)}</title></head><body>",
        f"<h2>{escape(title)}</h2>",
        f"<p style='font-size: 150%; font-weight: bold;'>{escape(answer)}</p>",
    ]
    if len(rows) == 1:
        reasoning = _text(rows[0].get("reasoning"))
        if reasoning:
            parts.append(f"<details><summary>{escape(tr('Reasoning'))}</summary><p>{escape(reasoning)}</p></details>")
    elif rows:
        head = (tr("Tile"), tr("Answer"), tr("Count"), tr("Reasoning"))
        parts.append("<table border='1' cellspacing='0' cellpadding='4'><tr>"
                     + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr>")
        for r in rows:
            cells = (str(int(r.get("tile_id") or 0) + 1), _text(r.get("answer")), _text(r.get("count")),
                     _text(r.get("reasoning")))
            parts.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
        parts.append("</table>")
    model = _text(rows[0].get("model")) if rows else ""
    size = f"{_text(rows[0].get('view_width'))} × {_text(rows[0].get('view_height'))} px" if rows else ""
    parts.append("<p><small>" + escape(tr("Model: {model} · view: {size} · %n view(s) · results: {gpkg}", None,
                                          len(rows)).format(model=model, size=size, gpkg=gpkg)) + "</small></p>")
    parts.append("</body></html>")
    return "\n".join(parts)
