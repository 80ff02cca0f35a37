"""The README stays a front door (under 250 lines), and every relative link and image in README.md and docs/**/*.md
reaches an existing file and, where it names one, an existing heading (GitHub's anchor for it)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README_MAX_LINES = 250
_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)  # http:, https:, mailto:, …


def _pages() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def _prose(text: str) -> str:
    """The text outside fenced code blocks and inline code spans (a link written in code is not a link)."""
    out, fence = [], False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
            continue
        if not fence:
            out.append(re.sub(r"`[^`]*`", "", line))
    return "\n".join(out)


def anchors(text: str) -> set[str]:
    """GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces to '-', repeats numbered."""
    seen: dict[str, int] = {}
    out = set()
    fence = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        m = None if fence else re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not m:
            continue
        slug = re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def _links(page: Path) -> list[str]:
    return [m.group(1) for m in _LINK.finditer(_prose(page.read_text(encoding="utf-8")))]


def test_readme_is_a_front_door():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) < README_MAX_LINES, f"README.md has {len(lines)} lines; move reference material to docs/guide/"
    assert "docs/guide/README.md" in "\n".join(lines)


def test_anchor_rules_match_github():
    text = "# Strategies: tiles, overview, refine\n## `remotereasoner reason`\n```\n# not a heading\n```\n## The analyst's loop\n## Ollama\n## Ollama\n"
    assert anchors(text) == {"strategies-tiles-overview-refine", "remotereasoner-reason", "the-analysts-loop",
                             "ollama", "ollama-1"}


def test_every_relative_link_reaches_a_file_and_heading():
    broken, checked = [], 0
    for page in _pages():
        for target in _links(page):
            if _EXTERNAL.match(target):
                continue
            path, _, anchor = target.partition("#")
            dest = (page.parent / path).resolve() if path else page
            checked += 1
            if not dest.exists():
                broken.append(f"{page.relative_to(ROOT)}: {target} (no such file)")
            elif anchor and dest.suffix == ".md" and anchor not in anchors(dest.read_text(encoding="utf-8")):
                broken.append(f"{page.relative_to(ROOT)}: {target} (no such heading)")
    assert checked > 100
    assert not broken, "\n".join(broken)


def test_the_guide_index_links_every_guide_page():
    guide = ROOT / "docs" / "guide"
    index = {Path(t.partition("#")[0]).name for t in _links(guide / "README.md")}
    pages = {p.name for p in guide.glob("*.md")} - {"README.md"}
    assert len(pages) >= 10 and pages <= index, pages - index
    readme = {t.partition("#")[0] for t in _links(ROOT / "README.md")}
    assert {f"docs/guide/{p}" for p in pages} <= readme, {f"docs/guide/{p}" for p in pages} - readme
