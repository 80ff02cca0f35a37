"""Synthetic shapes on textured backgrounds with jittered box prompts: the training and held-out data of the
shipped tiny trained SAM (scripts/train_tiny_sam.py; tests/engine/test_tiny_sam_trained.py)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

KINDS = ("ellipse", "rectangle", "polygon", "crown")
BOX_JITTER = 0.08  # each box edge moves by N(0, this x the box side): a reasoner's box is not tight


@dataclass
class Scene:
    """One image (HxWx3 uint8), its objects' visible masks (bool, one per object) and their kinds."""

    image: np.ndarray
    masks: list[np.ndarray]
    kinds: list[str]
    canopy: bool = False  # crowns of close colours packed side by side
    faint: list[bool] | None = None  # per object: drawn close to the background's colour


@dataclass
class Prompt:
    """A target of a scene: its visible mask and the jittered box (x1, y1, x2, y2) a model is given."""

    mask: np.ndarray
    box: tuple[float, float, float, float]
    kind: str
    setting: str = "distinct"  # "canopy", "faint" (close to the background's colour) or "distinct"


def _noise(rng: np.random.Generator, size: int, cells: int) -> np.ndarray:
    """Smooth value noise in [0, 1]: a random `cells` x `cells` grid upsampled bilinearly to `size`."""
    grid = rng.random((cells + 1, cells + 1))
    t = np.linspace(0, cells, size, endpoint=False)
    i = t.astype(int)
    f = t - i
    f = f * f * (3 - 2 * f)  # smoothstep: no grid lines
    a = grid[np.ix_(i, i)] * (1 - f)[None, :] + grid[np.ix_(i, i + 1)] * f[None, :]
    b = grid[np.ix_(i + 1, i)] * (1 - f)[None, :] + grid[np.ix_(i + 1, i + 1)] * f[None, :]
    return a * (1 - f)[:, None] + b * f[:, None]


def _texture(rng: np.random.Generator, size: int) -> np.ndarray:
    """A grey texture in about [-1, 1]: two or three octaves of value noise, sometimes stripes."""
    out = np.zeros((size, size))
    for cells, weight in ((int(rng.integers(2, 5)), 1.0), (int(rng.integers(6, 14)), 0.6),
                          (int(rng.integers(16, 40)), 0.4)):
        out += weight * (_noise(rng, size, cells) - 0.5)
    if rng.random() < 0.25:
        yy, xx = np.mgrid[0:size, 0:size]
        angle, period = rng.uniform(0, np.pi), rng.uniform(4, 20)
        out += 0.5 * np.sin((xx * np.cos(angle) + yy * np.sin(angle)) * 2 * np.pi / period)
    return out


def _colour(rng: np.random.Generator, near: np.ndarray | None = None, spread: float = 0.0) -> np.ndarray:
    """An RGB colour in 0..255; near another colour (a low-contrast object) when `near` is given."""
    if near is not None:
        return np.clip(near + rng.normal(0, spread, 3), 0, 255)
    if rng.random() < 0.4:  # vegetation, soil, water and roof tones, as on an orthophoto
        base = np.array([(60, 90, 50), (110, 130, 70), (150, 120, 90), (70, 80, 100), (170, 170, 160),
                         (40, 60, 40), (190, 150, 120)][int(rng.integers(0, 7))], dtype=float)
        return np.clip(base + rng.normal(0, 25, 3), 0, 255)
    return rng.uniform(0, 255, 3)


def _shape_mask(rng: np.random.Generator, kind: str, size: int, cx: float, cy: float, r: float) -> np.ndarray:
    """The bool mask of one shape of radius about `r` centred at (cx, cy)."""
    yy, xx = np.mgrid[0:size, 0:size].astype(float)
    dx, dy = xx + 0.5 - cx, yy + 0.5 - cy
    theta = rng.uniform(0, np.pi)
    u = dx * np.cos(theta) + dy * np.sin(theta)
    v = -dx * np.sin(theta) + dy * np.cos(theta)
    aspect = rng.uniform(0.45, 1.0)
    if kind == "ellipse":
        return (u / r) ** 2 + (v / (r * aspect)) ** 2 <= 1.0
    if kind == "rectangle":
        return (np.abs(u) <= r) & (np.abs(v) <= r * aspect)
    angle = np.arctan2(v, u)
    dist = np.hypot(u, v * rng.uniform(1.0, 1.3))
    if kind == "polygon":  # a star-shaped polygon: radius linear between 3..9 vertices
        n = int(rng.integers(3, 10))
        angles = np.sort(rng.uniform(0, 2 * np.pi, n))
        radii = r * rng.uniform(0.55, 1.0, n)
        wrap_a = np.concatenate([angles - 2 * np.pi, angles, angles + 2 * np.pi])
        wrap_r = np.concatenate([radii, radii, radii])
        edge = np.interp(np.mod(angle, 2 * np.pi), wrap_a, wrap_r)
        return dist <= edge
    # crown: a lobed blob, radius r(1 + sum of a few low harmonics)
    edge = np.ones_like(angle)
    for k in range(2, 8):
        edge += rng.normal(0, 0.12 / np.sqrt(k - 1)) * np.cos(k * angle + rng.uniform(0, 2 * np.pi))
    return dist <= r * np.clip(edge, 0.5, 1.5)


def make_scene(rng: np.random.Generator, size: int = 128) -> Scene:
    """A textured background with 1..6 shapes (later ones occlude earlier ones); a third of the scenes are
    canopies: many crowns of close colours packed side by side, as trees on the sample orthophoto."""
    canopy = rng.random() < 0.33
    bg_colour = _colour(rng)
    image = bg_colour[None, None, :] + _texture(rng, size)[..., None] * rng.uniform(10, 60) \
        + _texture(rng, size)[..., None] * rng.normal(0, 12, 3)
    labels = np.full((size, size), -1, dtype=int)
    kinds: list[str] = []
    faint: list[bool] = []
    n = int(rng.integers(5, 12)) if canopy else int(rng.integers(1, 7))
    crown_colour = _colour(rng)
    for _ in range(n):
        kind = "crown" if canopy and rng.random() < 0.8 else KINDS[int(rng.integers(0, len(KINDS)))]
        r = float(np.exp(rng.uniform(np.log(4), np.log(size * (0.22 if canopy else 0.33)))))
        cx, cy = rng.uniform(-0.1 * size, 1.1 * size, 2)
        mask = _shape_mask(rng, kind, size, cx, cy, r)
        if not mask.any():
            continue
        is_faint = False
        if canopy:
            colour = _colour(rng, crown_colour, 18)
        elif rng.random() < 0.3:  # a hard one: close to the background's colour
            colour = _colour(rng, bg_colour, rng.uniform(20, 45))
            is_faint = True
        else:
            colour = _colour(rng)
        fill = colour[None, None, :] + _texture(rng, size)[..., None] * rng.uniform(5, 40)
        if kind == "crown" or rng.random() < 0.3:  # shaded: darker towards the rim, as a sunlit crown
            yy, xx = np.mgrid[0:size, 0:size]
            rim = np.clip(np.hypot(xx + 0.5 - cx, yy + 0.5 - cy) / r, 0, 1.5)
            fill = fill * (1 - rng.uniform(0.1, 0.45) * rim**2)[..., None]
        image[mask] = fill[mask]
        labels[mask] = len(kinds)
        kinds.append(kind)
        faint.append(is_faint)
    if rng.random() < 0.5:
        image += rng.normal(0, rng.uniform(1, 10), image.shape)  # sensor noise
    masks = [labels == i for i in range(len(kinds))]
    return Scene(np.clip(image, 0, 255).astype(np.uint8), masks, kinds, canopy, faint)


def jittered_box(rng: np.random.Generator, mask: np.ndarray, jitter: float = BOX_JITTER) -> tuple[float, ...]:
    """The mask's tight box (x1, y1, x2, y2 in pixels, edges exclusive) with each edge moved by
    N(0, jitter x side), kept inside the image and at least 2 px wide."""
    rows, cols = np.nonzero(mask)
    h, w = mask.shape
    x1, x2, y1, y2 = float(cols.min()), float(cols.max() + 1), float(rows.min()), float(rows.max() + 1)
    bw, bh = x2 - x1, y2 - y1
    x1, x2 = x1 + rng.normal(0, jitter * bw), x2 + rng.normal(0, jitter * bw)
    y1, y2 = y1 + rng.normal(0, jitter * bh), y2 + rng.normal(0, jitter * bh)
    x1, x2 = float(np.clip(min(x1, x2 - 2), 0, w - 2)), float(np.clip(max(x2, x1 + 2), 2, w))
    y1, y2 = float(np.clip(min(y1, y2 - 2), 0, h - 2)), float(np.clip(max(y2, y1 + 2), 2, h))
    return x1, y1, x2, y2


def prompts(rng: np.random.Generator, scene: Scene, count: int, min_pixels: int = 30) -> list[Prompt]:
    """Up to `count` targets of the scene (objects with at least `min_pixels` visible), each with a jittered box."""
    visible = [i for i, m in enumerate(scene.masks) if int(m.sum()) >= min_pixels]
    if not visible:
        return []
    chosen = rng.permutation(visible)[:count]
    return [Prompt(scene.masks[i], jittered_box(rng, scene.masks[i]), scene.kinds[i], _setting(scene, i))
            for i in chosen]


def _setting(scene: Scene, i: int) -> str:
    """Where object `i` stands: among a canopy, faint against the background, or distinct from it."""
    if scene.canopy:
        return "canopy"
    return "faint" if scene.faint and scene.faint[i] else "distinct"


def held_out(seed: int, count: int, size: int = 128) -> list[tuple[np.ndarray, Prompt]]:
    """`count` (image, prompt) pairs, one target per scene, from a seed the training never uses."""
    rng = np.random.default_rng(seed)
    out: list[tuple[np.ndarray, Prompt]] = []
    while len(out) < count:
        scene = make_scene(rng, size)
        for p in prompts(rng, scene, 1):
            out.append((scene.image, p))
    return out


def mask_iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two bool masks (1.0 when both are empty)."""
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 1.0
