"""How far the second date sits from the first (misregistration), measured from the imagery by phase
correlation on the common grid, so a few pixels of shift between two flights do not turn targets into changes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inference_core.raster.source import RasterSource

# The correlation reads both dates at most this many pixels on a side (the common window downscaled).
MAX_SIDE = 1024
# A measured shift beyond this share of the common extent's shorter side is not a misregistration but dates
# with too little in common (or a repetitive pattern): it is reported and not undone.
MAX_SHIFT_SHARE = 0.1


@dataclass(frozen=True)
class Shift:
    """The second date's displacement against the first: `dx_px`, `dy_px` in first-date pixels (x right, y
    down); `dx_m`, `dy_m` in map units (y up). Matching moves the second date's targets back by it."""

    dx_px: float
    dy_px: float
    dx_m: float
    dy_m: float
    peak: float  # the correlation peak's height (1 = the same image shifted; near 0 = nothing in common)

    @property
    def px(self) -> float:
        return float(np.hypot(self.dx_px, self.dy_px))


def _grey(src: RasterSource, ow: int, oh: int) -> np.ndarray:
    c, r, w, h = src.window
    rgb, valid = src.read_rgb(c, r, w, h, ow, oh)
    g = rgb.astype(np.float64).mean(axis=2)
    g[~valid] = g[valid].mean() if valid.any() else 0.0
    return g - g.mean()


def phase_correlation(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """(dx, dy, peak): how far image `b`'s content sits from `a`'s (b(x) ≈ a(x - d)), to a sub-pixel by a
    parabola through the peak and its neighbours. Normalised cross-power spectrum (Kuglin & Hines 1975), a
    Hann window against the edges' wrap-around; numpy FFT (the engine does not depend on scikit-image)."""
    h, w = a.shape
    win = np.outer(np.hanning(h), np.hanning(w))
    fa, fb = np.fft.fft2(a * win), np.fft.fft2(b * win)
    cross = fb * np.conj(fa)
    cross /= np.maximum(np.abs(cross), 1e-12)
    corr = np.fft.ifft2(cross).real
    iy, ix = np.unravel_index(int(np.argmax(corr)), corr.shape)
    peak = float(corr[iy, ix])

    def sub(c_m: float, c_0: float, c_p: float) -> float:
        den = c_m - 2 * c_0 + c_p
        return 0.0 if den == 0 else float(np.clip(0.5 * (c_m - c_p) / den, -0.5, 0.5))

    dy = iy + sub(corr[(iy - 1) % h, ix], corr[iy, ix], corr[(iy + 1) % h, ix])
    dx = ix + sub(corr[iy, (ix - 1) % w], corr[iy, ix], corr[iy, (ix + 1) % w])
    dy = dy - h if dy > h / 2 else dy  # the spectrum wraps: the second half holds negative shifts
    dx = dx - w if dx > w / 2 else dx
    return float(dx), float(dy), peak


def plausible(shift: Shift, window: tuple[int, int, int, int]) -> bool:
    """Whether a measured shift can be a misregistration: at most MAX_SHIFT_SHARE of the window's shorter side."""
    return shift.px <= MAX_SHIFT_SHARE * min(window[2], window[3])


def measure_shift(before: RasterSource, after: RasterSource, max_side: int = MAX_SIDE) -> Shift:
    """The second date's shift against the first over their common window (both on the first date's grid)."""
    _c, _r, w, h = before.window
    scale = max(1.0, max(w, h) / max_side)
    ow, oh = max(8, round(w / scale)), max(8, round(h / scale))
    dx, dy, peak = phase_correlation(_grey(before, ow, oh), _grey(after, ow, oh))
    dx_px, dy_px = dx * w / ow, dy * h / oh
    a, b, _c0, d, e, _f = before.transform
    return Shift(dx_px, dy_px, a * dx_px + b * dy_px, d * dx_px + e * dy_px, peak)
