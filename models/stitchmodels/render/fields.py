"""Pixel grids, pose transforms, signed-distance helpers and the layered canvas.

All shapes are drawn in a canonical head frame: u to the right, v downwards, one unit is
roughly the face half-width.  A `Pose` maps that frame onto pixels (pixel centres sit at
integer coordinates, the convention of dlib/OpenCV landmarks).  Every part is evaluated only
on the pixel window its canonical bounding box covers, which is what keeps a frame fast.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# the clip ufunc itself: np.clip's argument checks cost more than the clipping on small windows
clip = np.core.umath.clip


@dataclass(frozen=True)
class Pose:
    cx: float
    cy: float
    scale: float  # pixels per canonical unit
    roll: float   # radians, positive turns the head clockwise on screen

    def to_pixels(self, points: np.ndarray) -> np.ndarray:
        """Canonical [N,2] (u,v) -> pixel [N,2] (x,y)."""
        c, s = np.cos(self.roll), np.sin(self.roll)
        u, v = points[:, 0], points[:, 1]
        x = self.cx + self.scale * (c * u - s * v)
        y = self.cy + self.scale * (s * u + c * v)
        return np.stack([x, y], axis=1)

    def window(self, size: int, u0: float, v0: float, u1: float, v1: float) -> "Window | None":
        """The pixels covered by the canonical box [u0,u1]x[v0,v1], with their canonical coords."""
        c, s, k = math.cos(self.roll), math.sin(self.roll), self.scale
        xs = [self.cx + k * (c * u - s * v) for u in (u0, u1) for v in (v0, v1)]
        ys = [self.cy + k * (s * u + c * v) for u in (u0, u1) for v in (v0, v1)]
        x0, x1 = max(math.floor(min(xs)) - 1, 0), min(math.ceil(max(xs)) + 2, size)
        y0, y1 = max(math.floor(min(ys)) - 1, 0), min(math.ceil(max(ys)) + 2, size)
        if x0 >= x1 or y0 >= y1:
            return None
        dx = (np.arange(x0, x1, dtype=np.float32) - np.float32(self.cx))[None, :]
        dy = (np.arange(y0, y1, dtype=np.float32) - np.float32(self.cy))[:, None]
        u = np.float32(c / k) * dx + np.float32(s / k) * dy
        v = np.float32(-s / k) * dx + np.float32(c / k) * dy
        return Window((slice(y0, y1), slice(x0, x1)), u, v, k)


@dataclass(frozen=True)
class Window:
    sl: tuple
    u: np.ndarray  # [h,w] canonical u of each pixel
    v: np.ndarray  # [h,w] canonical v of each pixel
    ppu: float     # pixels per canonical unit, for anti-aliasing

    def coverage(self, d: np.ndarray) -> np.ndarray:
        """Anti-aliased coverage of a shape from its signed distance d (canonical units, <0 inside)."""
        return clip(0.5 - d * self.ppu, 0.0, 1.0)


def ellipse_sd(u: np.ndarray, v: np.ndarray, a, b) -> np.ndarray:
    """First-order signed distance to the ellipse (u/a)^2 + (v/b)^2 = 1 (exact on the outline)."""
    ua, vb = u / a, v / b
    f = ua * ua + vb * vb
    grad = 2.0 * np.sqrt((ua / a) ** 2 + (vb / b) ** 2) + 1e-6
    return (f - 1.0) / grad


def rounded_box_sd(u: np.ndarray, v: np.ndarray, hw: float, hh: float, r: float) -> np.ndarray:
    """Signed distance to an axis-aligned box of half size (hw, hh) with corner radius r."""
    qx = np.abs(u) - hw + r
    qy = np.abs(v) - hh + r
    outside = np.sqrt(np.maximum(qx, 0.0) ** 2 + np.maximum(qy, 0.0) ** 2)
    return outside + np.minimum(np.maximum(qx, qy), 0.0) - r


def line_profile(dist: np.ndarray, half_width: float) -> np.ndarray:
    """A soft line: 1 on the centre, falling linearly to 0 at half_width."""
    return clip(1.0 - np.abs(dist) / half_width, 0.0, 1.0)


def smoothstep(e0: float, e1: float, x: float) -> float:
    t = min(max((x - e0) / (e1 - e0), 0.0), 1.0)
    return t * t * (3.0 - 2.0 * t)


class Canvas:
    """RGB float image plus a BiSeNet label map, painted back to front."""

    def __init__(self, background: np.ndarray):
        self.image = background
        self.seg = np.zeros(background.shape[:2], dtype=np.uint8)
        self.size = background.shape[0]

    def paint(self, win: Window, alpha: np.ndarray, colour, label: int | None = None) -> None:
        """Alpha-blends colour (RGB or a per-pixel [h,w,3] array) over the window."""
        if isinstance(colour, tuple):
            colour = np.array(colour, np.float32)
        sub = self.image[win.sl]
        sub += alpha[..., None] * (colour - sub)
        if label is not None:
            self.seg[win.sl][alpha > 0.5] = label

    def darken(self, win: Window, amount: np.ndarray) -> None:
        """Multiplies the colour by (1 - amount): creases, shadows, wrinkles."""
        self.image[win.sl] *= (1.0 - amount)[..., None]

    def to_uint8(self) -> np.ndarray:
        return (clip(self.image, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
