"""Textured backgrounds: a smooth colour field plus one pattern (stripes, tiles, bokeh, plain)
and fine grain, all from one seed.  Built separably from small random grids, so cheap."""
from __future__ import annotations

from functools import lru_cache

import numpy as np


def _interp_matrix(n_out: int, n_in: int) -> np.ndarray:
    """[n_out, n_in] bilinear weights that upsample a grid of n_in samples to n_out pixels."""
    pos = np.linspace(0.0, n_in - 1.0, n_out)
    lo = np.minimum(np.floor(pos).astype(int), n_in - 2)
    frac = pos - lo
    m = np.zeros((n_out, n_in), np.float32)
    m[np.arange(n_out), lo] = 1.0 - frac
    m[np.arange(n_out), lo + 1] = frac
    return m


def _upsample(grid: np.ndarray, size: int) -> np.ndarray:
    """[n,n,C] -> [size,size,C], separable bilinear: rows by one matrix product, then columns."""
    n, _, channels = grid.shape
    m = _interp_matrix(size, n)
    rows = (m @ grid.astype(np.float32).reshape(n, n * channels)).reshape(size, n, channels)
    return np.matmul(m, rows)


@lru_cache(maxsize=4)
def _grain(size: int) -> np.ndarray:
    """Fine blotchy grain twice the frame size; each background shows a seeded window of it."""
    rng = np.random.default_rng(size)
    return _upsample(rng.normal(0.0, 0.035, (max(size // 3, 2), max(size // 3, 2), 1)), 2 * size)


@lru_cache(maxsize=32)
def _cached(seed: int, size: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = rng.uniform(0.15, 0.85, 3)
    field = _upsample(np.clip(base + rng.normal(0.0, 0.12, (4, 4, 3)), 0.0, 1.0), size)
    coords = np.arange(size, dtype=np.float32) / size
    y, x = coords[:, None], coords[None, :]
    kind = rng.integers(4)
    if kind == 0:  # stripes at a random angle
        angle, freq = rng.uniform(0, np.pi), rng.uniform(6.0, 20.0)
        wave = np.sin(2 * np.pi * freq * (x * np.cos(angle) + y * np.sin(angle)))
        field = field * (1.0 + 0.12 * np.sign(wave) * np.minimum(np.abs(wave) * 4.0, 1.0))[..., None]
    elif kind == 1:  # tiles with grout lines
        freq = rng.uniform(4.0, 12.0)
        grout = np.minimum(np.abs(np.sin(np.pi * freq * x)), np.abs(np.sin(np.pi * freq * y)))
        field = field * (0.8 + 0.2 * np.clip(grout * 8.0, 0.0, 1.0))[..., None]
    elif kind == 2:  # out-of-focus light discs
        for _ in range(int(rng.integers(5, 12))):
            cx, cy, r = rng.uniform(0, 1), rng.uniform(0, 1), rng.uniform(0.04, 0.14)
            rows = slice(max(int((cy - r) * size), 0), max(int((cy + r) * size) + 2, 0))
            cols = slice(max(int((cx - r) * size), 0), max(int((cx + r) * size) + 2, 0))
            dist = np.sqrt((x[:, cols] - cx) ** 2 + (y[rows] - cy) ** 2)
            disc = np.clip((r - dist) * size * 0.3, 0.0, 1.0)
            field[rows, cols] += (0.25 * disc)[..., None] * rng.uniform(0.5, 1.0, 3).astype(np.float32)
    oy, ox = rng.integers(0, size, 2)
    field += _grain(size)[oy:oy + size, ox:ox + size]
    return np.clip(field, 0.0, 1.0, out=field)


def make_background(seed: int, size: int) -> np.ndarray:
    """[size,size,3] float32 RGB in [0,1]; a fresh copy, safe to paint on."""
    return _cached(int(seed), int(size)).copy()
