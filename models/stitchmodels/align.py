"""FFHQ face alignment: crop quad from 68 landmarks and the quad -> R x R crop (STIT-NOTES "Alignment").

Used to build aligned training crops from rendered frames; the C# pipeline implements the same
rule for real videos (plus temporal smoothing, which single frames do not need).
"""

from __future__ import annotations

import numpy as np

LEFT_EYE = slice(36, 42)
RIGHT_EYE = slice(42, 48)
MOUTH_LEFT = 48
MOUTH_RIGHT = 54


def crop_quad(landmarks: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """FFHQ crop quad [4, 2] (TL, BL, BR, TR) in pixel coordinates from iBUG-68 landmarks [68, 2]."""
    lm = np.asarray(landmarks, dtype=np.float64)
    if lm.ndim != 2 or lm.shape[0] != 68 or lm.shape[1] < 2:
        raise ValueError(f"landmarks must be [68, 2], got {lm.shape}")
    lm = lm[:, :2]
    eye_left = lm[LEFT_EYE].mean(axis=0)
    eye_right = lm[RIGHT_EYE].mean(axis=0)
    mouth = 0.5 * (lm[MOUTH_LEFT] + lm[MOUTH_RIGHT])
    eye_avg = 0.5 * (eye_left + eye_right)
    e2e = eye_right - eye_left
    e2m = mouth - eye_avg
    x = e2e - np.flipud(e2m) * np.array([-1.0, 1.0])
    x /= np.hypot(*x)
    x *= max(np.hypot(*e2e) * 2.0, np.hypot(*e2m) * 1.8) * scale
    y = np.flipud(x) * np.array([-1.0, 1.0])
    c = eye_avg + e2m * 0.1
    return np.stack([c - x - y, c - x + y, c + x + y, c + x - y]).astype(np.float64)


def _shrink(image: np.ndarray, factor: int) -> np.ndarray:
    """Box-filter downscale by an integer factor (antialiasing before a large reduction)."""
    h, w = image.shape[:2]
    h2, w2 = h // factor, w // factor
    img = image[: h2 * factor, : w2 * factor].astype(np.float32)
    img = img.reshape(h2, factor, w2, factor, *image.shape[2:]).mean(axis=(1, 3))
    return img


def sample_grid(quad: np.ndarray, size: int) -> np.ndarray:
    """Pixel-index coordinates [size, size, 2] (x, y) of each crop pixel centre inside the frame."""
    tl, bl, _, tr = np.asarray(quad, dtype=np.float64)
    t = (np.arange(size, dtype=np.float64) + 0.5) / size
    ex, ey = tr - tl, bl - tl
    return tl[None, None, :] + t[None, :, None] * ex[None, None, :] + t[:, None, None] * ey[None, None, :]


def warp_quad(image: np.ndarray, quad: np.ndarray, size: int, mode: str = "bilinear") -> np.ndarray:
    """Crop the square ``quad`` of ``image`` ([H, W] or [H, W, C]) to [size, size(, C)].

    Pixels outside the frame are 0 (black, no padding), as in STIT. ``mode`` "nearest" keeps
    label maps (segmentation) intact. The result has the input's dtype.
    """
    if mode not in ("bilinear", "nearest"):
        raise ValueError(f"mode must be 'bilinear' or 'nearest', got {mode!r}")
    quad = np.asarray(quad, dtype=np.float64)
    if quad.shape != (4, 2):
        raise ValueError(f"quad must be [4, 2], got {quad.shape}")
    src = image
    side = max(np.hypot(*(quad[3] - quad[0])), np.hypot(*(quad[1] - quad[0])))
    # Box-shrink first whenever the quad is at least twice the output, so bilinear sampling
    # never skips source pixels (FFHQ only shrinks beyond 4x; our crops are small).
    shrink = int(np.floor(side / size))
    if mode == "bilinear" and shrink > 1:
        src = _shrink(image, shrink)
        quad = (quad + 0.5) / shrink - 0.5
    grid = sample_grid(quad, size)
    h, w = src.shape[:2]
    gx, gy = grid[..., 0], grid[..., 1]
    if mode == "nearest":
        ix, iy = np.rint(gx).astype(np.int64), np.rint(gy).astype(np.int64)
        inside = (ix >= 0) & (ix < w) & (iy >= 0) & (iy < h)
        out = src[np.clip(iy, 0, h - 1), np.clip(ix, 0, w - 1)]
        out = np.where(inside.reshape(inside.shape + (1,) * (out.ndim - 2)), out, 0)
        return out.astype(image.dtype)
    x0, y0 = np.floor(gx).astype(np.int64), np.floor(gy).astype(np.int64)
    fx, fy = (gx - x0).astype(np.float32), (gy - y0).astype(np.float32)
    srcf = src.astype(np.float32)
    out = np.zeros((size, size) + src.shape[2:], dtype=np.float32)
    for dy, wy in ((0, 1.0 - fy), (1, fy)):
        for dx, wx in ((0, 1.0 - fx), (1, fx)):
            xi, yi = x0 + dx, y0 + dy
            inside = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
            weight = (wx * wy * inside).astype(np.float32)
            vals = srcf[np.clip(yi, 0, h - 1), np.clip(xi, 0, w - 1)]
            out += vals * weight.reshape(weight.shape + (1,) * (vals.ndim - 2))
    if np.issubdtype(image.dtype, np.integer):
        info = np.iinfo(image.dtype)
        return np.clip(np.rint(out), info.min, info.max).astype(image.dtype)
    return out.astype(image.dtype)


def aligned_crop(image: np.ndarray, landmarks: np.ndarray, size: int, mode: str = "bilinear",
                 scale: float = 1.0) -> np.ndarray:
    """The FFHQ-aligned ``size`` x ``size`` crop of a frame from its 68 landmarks."""
    return warp_quad(image, crop_quad(landmarks, scale), size, mode)
