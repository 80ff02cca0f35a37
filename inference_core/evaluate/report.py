"""The evaluation report: report.json (everything), report.md (tables as in the papers, in %) and
PNG plots drawn with matplotlib's Agg backend (IoU histogram, per-category gIoU/cIoU bars).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Optional

import numpy as np

from inference_core import __version__
from inference_core.evaluate.metrics import PRECISION_THRESHOLDS, SampleScore, Summary, breakdown, summarize

if TYPE_CHECKING:  # pragma: no cover
    from inference_core.evaluate.result import EvaluationResult

BOX_RULE = ("predicted box = envelope of all predicted boxes; ground-truth box = the layout's box "
            "(envelope if several) or the bounding box of the ground-truth mask; hit when IoU >= 0.5; "
            "no prediction and no target counts as a hit")
MASK_SOURCES = {
    "sam": "SAM masks (per instance, merged per sample)",
    "boxes": "boxes rasterised as masks (no --sam given, or no mask saved): mask metrics measure boxes, "
             "not segmentation",
    "saved": "masks read from the predictions folder (PNG)",
    "mixed": "masks read from the predictions folder where saved; other samples' boxes rasterised as masks",
}


def _pct(v: Optional[float]) -> str:
    return "–" if v is None else f"{100.0 * v:.2f}"


def markdown_table(rows: Mapping[str, Summary], first: str = "") -> str:
    """A Markdown table: one row per group, values in percent with two decimals."""
    head = [first or "set", "n", "gIoU", "cIoU"] + [f"Pr@{t:.1f}" for t in PRECISION_THRESHOLDS] + ["Acc@0.5 (box)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|"]
    for name, s in rows.items():
        cells = [name, str(s.n), _pct(s.giou), _pct(s.ciou)]
        cells += [_pct(s.precision.get(f"{t:.1f}")) for t in PRECISION_THRESHOLDS]
        cells.append(_pct(s.acc_box))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _plots(out_dir: Path, scores: list[SampleScore], groups: Mapping[str, Summary], group_label: str) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg", force=True)  # no display on servers; never touches a GUI toolkit
    import matplotlib.pyplot as plt

    files: dict[str, str] = {}
    ious = np.array([s.iou for s in scores], dtype=np.float64)
    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    ax.hist(ious, bins=np.linspace(0.0, 1.0, 21), color="#3b7dd8", edgecolor="white")
    ax.set_xlabel("per-sample IoU")
    ax.set_ylabel("samples")
    giou = float(ious.mean()) if ious.size else float("nan")
    ax.set_title(f"IoU distribution (n={ious.size}, gIoU={100 * giou:.2f})")
    ax.set_xlim(0, 1)
    fig.tight_layout()
    path = out_dir / "iou_hist.png"
    fig.savefig(path)
    plt.close(fig)
    files["iou_hist"] = str(path)

    names = list(groups)
    fig, ax = plt.subplots(figsize=(max(4.0, 0.6 * len(names) + 2), 3.5), dpi=100)
    x = np.arange(len(names))
    ax.bar(x - 0.2, [100 * (groups[n].giou or 0.0) for n in names], 0.4, label="gIoU", color="#3b7dd8")
    ax.bar(x + 0.2, [100 * (groups[n].ciou or 0.0) for n in names], 0.4, label="cIoU", color="#e08a2c")
    ax.set_xticks(x, names, rotation=45 if len(names) > 4 else 0, ha="right" if len(names) > 4 else "center")
    ax.set_ylim(0, 100)
    ax.set_ylabel("%")
    ax.set_title(f"gIoU / cIoU per {group_label}")
    ax.legend()
    fig.tight_layout()
    path = out_dir / "per_category.png"
    fig.savefig(path)
    plt.close(fig)
    files["per_category"] = str(path)
    return files


def _source_line(settings: Mapping[str, Any]) -> str:
    """Where the predictions came from: saved files, or a model through a backend."""
    if "predictions" in settings:
        return f"- Predictions: saved files in `{settings['predictions']}` (no model run)"
    return (f"- Model: `{settings.get('model')}` via `{settings.get('backend')}`"
            + (f" (replay `{os.path.basename(str(settings.get('replay')))}`)" if settings.get("backend") == "replay" else ""))


def write_report(
    out_dir: Path,
    result: "EvaluationResult",
    dataset: dict[str, Any],
    settings: dict[str, Any],
    failures: Mapping[str, str],
    seconds: float,
    samples: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[str, str]]:
    """Write report.json, report.md, iou_hist.png, per_category.png; return (report, files)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    scores = result.scores
    overall = summarize(scores)
    per_cat = breakdown(scores, "category")
    per_split = breakdown(scores, "split")
    if per_cat:
        groups, group_label = per_cat, "category"
    elif per_split:
        groups, group_label = per_split, "split"
    else:
        groups, group_label = {"all": overall}, "dataset (no categories in this layout)"

    files = {"json": str(out_dir / "report.json"), "markdown": str(out_dir / "report.md")}
    files.update(_plots(out_dir, scores, groups, group_label))

    per_sample = []
    for s in scores:
        d = s.to_dict()
        sample = samples.get(s.sample_id)
        if sample is not None:
            d["question"] = sample.question
            d["image"] = sample.image
        if s.sample_id in failures:
            d["error"] = failures[s.sample_id]
        per_sample.append(d)

    report: dict[str, Any] = {
        "tool": f"remotereasoner evaluate {__version__}",
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "complete": not result.cancelled and len(scores) == result.total,
        "dataset": dataset,
        "settings": settings,
        "mask_source": result.mask_source,
        "mask_source_note": MASK_SOURCES[result.mask_source],
        "box_rule": BOX_RULE,
        "counts": {"total": result.total, "evaluated": len(scores), "computed": result.computed,
                   "cached": result.cached, "failed": result.failed},
        "seconds": round(seconds, 3),
        "overall": overall.to_dict(),
        "per_split": {k: v.to_dict() for k, v in per_split.items()},
        "per_category": {k: v.to_dict() for k, v in per_cat.items()},
        "failures": dict(failures),
        "samples": per_sample,
        "files": {k: os.path.basename(v) for k, v in files.items()},
    }
    tmp = out_dir / "report.json.tmp"
    tmp.write_text(json.dumps(report, indent=2, sort_keys=False, default=str), encoding="utf-8")
    os.replace(tmp, out_dir / "report.json")

    md = [
        "# Evaluation report",
        "",
        f"- Dataset: `{dataset.get('dir')}` (layout `{dataset.get('layout')}`"
        + (f", split `{dataset['split']}`" if dataset.get("split") else "")
        + (f", first {dataset['limit']} samples" if dataset.get("limit") else "") + ")",
        _source_line(settings),
        f"- Masks: {MASK_SOURCES[result.mask_source]}",
        f"- Samples: {len(scores)} of {result.total} evaluated — "
        + (f"{result.computed} read, {result.failed} without a readable prediction" if "predictions" in settings
           else f"{result.computed} computed, {result.cached} from cache, {result.failed} failed")
        + ("" if report["complete"] else " — **incomplete: run again to finish**"),
        f"- Time: {seconds:.1f} s",
        "",
        "## Overall",
        "",
        markdown_table({"all": overall}),
    ]
    if per_split:
        md += ["", "## Per split", "", markdown_table(per_split, "split")]
    if per_cat:
        md += ["", "## Per category", "", markdown_table(per_cat, "category")]
    md += [
        "",
        "gIoU = mean per-sample IoU (empty prediction on an empty target = 1); cIoU = total intersection / "
        "total union; Pr@t = share of samples with IoU >= t; Acc@0.5 (box): " + BOX_RULE + ".",
    ]
    if failures:
        md += ["", "## Failed samples (scored as empty predictions)", ""]
        md += [f"- `{sid}`: {msg}" for sid, msg in sorted(failures.items())]
    md += ["", "![IoU histogram](iou_hist.png)", "", f"![per {group_label}](per_category.png)", ""]
    (out_dir / "report.md").write_text("\n".join(md), encoding="utf-8")
    return report, files
