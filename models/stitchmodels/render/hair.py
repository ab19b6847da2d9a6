"""Hair: the mass behind the head, long locks over the shoulders, and the fringe over the forehead.

Styles: "buzz" (a thin cap), "short" (down to the ears), "bob" (down to the jaw), "long" (a
curtain that falls past the shoulders, far outside the aligned crop).  Age turns it grey.
"""
from __future__ import annotations

import numpy as np

from .fields import Canvas, Pose, clip, ellipse_sd, smoothstep
from .geometry import FaceGeometry
from .identity import Identity
from .parts import HAIR

_GREY = np.array([0.8, 0.79, 0.77], np.float32)


def hair_colour(ident: Identity, age: float) -> np.ndarray:
    grey = smoothstep(0.3, 0.9, age)
    return (1.0 - grey) * np.asarray(ident.hair_colour, np.float32) + grey * _GREY


def _skull(ident: Identity, g: FaceGeometry):
    """Centre and radii of the ellipse the hair is cut from."""
    volume = 1.0 if ident.hair_style == "buzz" else ident.hair_volume
    rx = g.width * (1.02 if ident.hair_style == "buzz" else 1.08) * volume
    ry = (g.height + 0.2) * volume - 0.3
    return -0.3, rx, ry


def _skull_sd(ident: Identity, u, v, cv: float, rx: float, ry: float):
    """Distance to the hair mass around the skull, with curls bumping its outline."""
    d = ellipse_sd(u, v - cv, rx, ry)
    if ident.hair_curl > 0.0:
        d = d + ident.hair_curl * np.sin(np.arctan2(u, cv - v) * 23.0 + 1.3)
    return d


def _strands(win, base: np.ndarray, v_top: float) -> np.ndarray:
    """Strand texture radiating from the crown, lighter on top of the head."""
    phase = 90.0 * win.u / (win.v - v_top + 0.8)
    shade = 0.9 + 0.1 * np.sin(phase)
    return shade[..., None] * base


def _bottom_limit(ident: Identity, g: FaceGeometry) -> float:
    return {"buzz": g.eyes[0].cy - 0.05, "short": g.eyes[0].cy + 0.35,
            "bob": g.mouth.cy + 0.1, "long": ident.hair_length}[ident.hair_style]


def draw_back_hair(c: Canvas, pose: Pose, g: FaceGeometry, ident: Identity) -> None:
    cv, rx, ry = _skull(ident, g)
    bottom = _bottom_limit(ident, g)
    long = ident.hair_style == "long"
    half = rx + (0.5 if long else 0.1)
    win = pose.window(c.size, -half - 0.4, cv - ry - 0.05, half + 0.4, max(bottom, cv + ry) + 0.15)
    if win is None:
        return
    u, v = win.u, win.v
    if ident.hair_style == "bob":
        rx = rx * 1.08
    d = _skull_sd(ident, u, v, cv, rx, ry)
    wavy_bottom = bottom + 0.05 * np.sin(11.0 * u)
    d = np.maximum(d, v - wavy_bottom)
    if long:  # the curtain widens as it falls
        curtain = np.maximum(np.abs(u) - (rx + 0.12 * np.maximum(v, 0.0)), np.maximum(v - wavy_bottom, cv - v))
        d = np.minimum(d, curtain)
    c.paint(win, win.coverage(d), 0.8 * _strands(win, hair_colour(ident, g.age), cv - ry), HAIR)


def draw_front_locks(c: Canvas, pose: Pose, g: FaceGeometry, ident: Identity) -> None:
    """Long hair falling in front of the shoulders on both sides of the neck."""
    if ident.hair_style != "long":
        return
    cv, rx, ry = _skull(ident, g)
    end = 0.85 * ident.hair_length
    inner, outer = 0.72 * g.width, rx + 0.1
    reach = outer + 0.1 * end + 0.05
    for lo, hi in ((-reach, -inner), (inner, reach)):
        win = pose.window(c.size, lo, 0.1, hi, end + 0.1)
        if win is None:
            continue
        a = np.abs(win.u)
        wavy_end = end + 0.07 * np.sin(13.0 * win.u)
        d = np.maximum(np.maximum(inner - a, a - (outer + 0.1 * win.v)), np.maximum(win.v - wavy_end, 0.1 - win.v))
        c.paint(win, win.coverage(d), _strands(win, hair_colour(ident, g.age), cv - ry), HAIR)


def draw_fringe(c: Canvas, pose: Pose, g: FaceGeometry, ident: Identity) -> None:
    """Hair over the top of the face, above a hairline that recedes with age."""
    cv, rx, ry = _skull(ident, g)
    win = pose.window(c.size, -rx, cv - ry, rx, 0.2)
    if win is None:
        return
    u, v = win.u, win.v
    # the hairline curves down to the temples but stays clear of the brows and cheeks
    temple = g.eyes[0].cy - 0.1
    limit = np.float32(temple)
    for b in g.brows:
        above_brow = b.cy - b.arch - b.thickness - 0.05
        over_brow = clip((b.half_w + 0.12 - np.abs(u - b.cx)) / 0.08, 0.0, 1.0)
        limit = np.minimum(limit, temple + over_brow * (above_brow - temple))
    hairline = np.minimum(g.hairline + 0.9 * u * u, limit) + 0.025 * np.sin(30.0 * u)
    d = np.maximum(_skull_sd(ident, u, v, cv, rx, ry), v - hairline)
    c.paint(win, win.coverage(d), _strands(win, hair_colour(ident, g.age), cv - ry), HAIR)
