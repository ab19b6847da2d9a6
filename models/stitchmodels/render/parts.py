"""Body and face parts: shirt, neck, ears, face, age lines, nose, eyes, brows, mouth, glasses.

Each function paints one part onto the canvas from the shared FaceGeometry and writes its
BiSeNet label where the part covers more than half a pixel.
"""
from __future__ import annotations

import numpy as np

from .fields import Canvas, Pose, clip, ellipse_sd, line_profile, rounded_box_sd, smoothstep
from .geometry import FaceGeometry
from .identity import Identity

SKIN, L_BROW, R_BROW, L_EYE, R_EYE, GLASSES, L_EAR, R_EAR = 1, 2, 3, 4, 5, 6, 7, 8
NOSE, MOUTH, U_LIP, L_LIP, NECK, CLOTH, HAIR = 10, 11, 12, 13, 14, 16, 17


def shoulder_top(g: FaceGeometry):
    return g.height + 0.45


def draw_shirt(c: Canvas, pose: Pose, g: FaceGeometry, ident: Identity) -> None:
    top = shoulder_top(g)
    win = pose.window(c.size, -6.0, top - 0.1, 6.0, top + 8.0)
    if win is None:
        return
    u, v = win.u, win.v
    d = (top + 0.2 * u * u - v) / np.sqrt(1.0 + 0.16 * u * u)
    shade = 0.88 + 0.08 * np.sin(5.0 * u + 1.5 * v) - 0.1 * clip(np.abs(u) - 1.2, 0.0, 1.0)
    c.paint(win, win.coverage(d), shade[..., None] * np.asarray(ident.shirt_colour, np.float32), CLOTH)


def neckline(g: FaceGeometry, ident: Identity, u):
    top, nw = shoulder_top(g), 0.5 * g.width
    if ident.collar == "v":
        return top + 0.6 - 0.6 * np.abs(u) / nw
    return top + 0.22 - 0.22 * (u / nw) ** 2


def draw_neck(c: Canvas, pose: Pose, g: FaceGeometry, ident: Identity, skin) -> None:
    win = pose.window(c.size, -0.8, 0.2, 0.8, shoulder_top(g) + 0.7)
    if win is None:
        return
    u, v = win.u, win.v
    nw = 0.5 * g.width + 0.06 * clip(v - g.height, 0.0, 1.0)
    d = np.maximum(np.maximum(np.abs(u) - nw, 0.2 - v), v - neckline(g, ident, u))
    shade = 0.74 + 0.14 * clip((v - g.height) / 0.5, 0.0, 1.0)  # shadow under the chin
    c.paint(win, win.coverage(d), shade[..., None] * skin, NECK)


def draw_ears(c: Canvas, pose: Pose, g: FaceGeometry, ident: Identity, skin) -> None:
    ev = g.eyes[0].cy + 0.17
    for side, label in ((-1, L_EAR), (1, R_EAR)):
        # the ear on the side turned towards the camera shows more
        grow = float(clip(1.0 + 2.0 * side * g.yaw, 0.3, 1.6))
        hw, hh = 0.11 * ident.ear_size * grow, 0.24 * ident.ear_size
        eu = side * (g.half_width_at(ev) + 0.45 * hw)
        win = pose.window(c.size, eu - hw, ev - hh, eu + hw, ev + hh)
        if win is None:
            continue
        du, dv = win.u - eu, win.v - ev
        c.paint(win, win.coverage(ellipse_sd(du, dv, hw, hh)), skin * 0.9, label)
        inner = win.coverage(ellipse_sd(du - side * 0.2 * hw, dv, 0.5 * hw, 0.6 * hh))
        c.darken(win, 0.25 * inner)


def draw_face(c: Canvas, pose: Pose, g: FaceGeometry, skin) -> None:
    w = g.width
    win = pose.window(c.size, -w - 0.05, -g.height - 0.05, w + 0.05, g.chin + 0.05)
    if win is None:
        return
    u, v = win.u, win.v
    a = g.half_width_at(v)
    h = np.where(v > 0, np.float32(g.chin), np.float32(g.height))
    d = ellipse_sd(u, v, a, h)
    r2 = (u / a) ** 2 + (v / h) ** 2
    # soft light from the upper left, darker towards the outline
    shade = 1.04 - 0.14 * r2 * r2 - 0.05 * u - 0.03 * v
    colour = shade[..., None] * skin
    if g.smile > 0.0:  # raised, flushed cheeks
        for side in (-1, 1):
            cu = side * 0.47 + 0.3 * np.sin(g.yaw)
            blob = clip(1.0 - ((u - cu) ** 2 + (v - 0.28) ** 2) / 0.06, 0.0, 1.0) ** 2
            colour = colour + (0.05 * g.smile * blob)[..., None] * np.array([1.0, 0.2, 0.2], np.float32)
    c.paint(win, win.coverage(d), colour, SKIN)


def draw_age_lines(c: Canvas, pose: Pose, g: FaceGeometry) -> None:
    """Forehead lines, crow's feet, under-eye bags and nasolabial folds that deepen with age."""
    strength = smoothstep(0.25, 1.0, g.age)
    fold = 0.1 * g.smile + 0.35 * strength  # smiling deepens the folds too
    if strength > 0.0:
        top = g.hairline + 0.05
        win = pose.window(c.size, -0.55, top, 0.55, g.brows[0].cy - 0.06)
        if win is not None:
            u, v = win.u, win.v
            lines = 0.0
            for k in range(3):
                lv = g.brows[0].cy - 0.14 - 0.1 * k - 0.04 * u * u
                lines = np.maximum(lines, line_profile(v - lv, 0.012) * clip(1.0 - np.abs(u) / 0.5, 0, 1))
            c.darken(win, 0.4 * strength * lines * (v > top))
        for eye in g.eyes:
            ou = eye.cx + eye.side * (eye.half_w + 0.03)
            win = pose.window(c.size, ou - 0.12, eye.cy - 0.1, ou + 0.12, eye.cy + 0.1)
            if win is None:
                continue
            du, dv = (win.u - ou) * eye.side, win.v - eye.cy
            lines = 0.0
            for slope in (-0.5, 0.0, 0.5):
                lines = np.maximum(lines, line_profile(dv - slope * du, 0.01) * (du > 0) * (du < 0.1))
            c.darken(win, 0.4 * strength * lines)
            win = pose.window(c.size, eye.cx - eye.half_w, eye.cy, eye.cx + eye.half_w, eye.cy + 0.14)
            if win is not None:
                t = clip((win.u - eye.cx) / eye.half_w, -1.0, 1.0)
                bag = line_profile(win.v - (eye.cy + 0.09 * (1.0 - 0.5 * t * t)), 0.018)
                c.darken(win, 0.22 * strength * bag * (1.0 - t * t))
    m, n = g.mouth, g.nose
    for side in (-1, 1):
        u0, v0 = n.tip_u + side * (n.half_w_base + 0.04), n.tip_v
        u1, v1 = m.cx + side * (m.half_w + 0.06), m.line(1.0) + 0.06
        win = pose.window(c.size, min(u0, u1) - 0.03, v0, max(u0, u1) + 0.03, v1)
        if win is None:
            continue
        t = clip((win.v - v0) / (v1 - v0), 0.0, 1.0)
        curve_u = u0 + (u1 - u0) * np.sqrt(t)
        c.darken(win, fold * 0.35 * line_profile(win.u - curve_u, 0.014) * (1.0 - t) ** 0.3 * (win.v > v0))


def draw_nose(c: Canvas, pose: Pose, g: FaceGeometry, skin) -> None:
    n = g.nose
    win = pose.window(c.size, n.tip_u - n.half_w_base - 0.05, n.top_v, n.tip_u + n.half_w_base + 0.05,
                      n.tip_v + n.base_depth + 0.02)
    if win is None:
        return
    u, v = win.u, win.v
    t = clip((v - n.top_v) / (n.tip_v - n.top_v), 0.0, 1.0)
    x = u - n.centre_u(v)
    half = n.half_w_top + (n.half_w_base - n.half_w_top) * t ** 3
    bridge = np.maximum(np.abs(x) - half, np.maximum(n.top_v - v, v - n.tip_v))
    base = ellipse_sd(u - n.tip_u, v - n.tip_v, n.half_w_base, n.base_depth)
    d = np.minimum(bridge, base)
    side_shadow = clip((x + 0.5 * half) / (half + 1e-3), 0.0, 1.0) * 0.08  # light from the left
    highlight = 0.06 * np.exp(-((u - n.tip_u + 0.02) ** 2 + (v - n.tip_v + 0.02) ** 2) / 0.002)
    colour = (0.99 - side_shadow + highlight)[..., None] * skin
    c.paint(win, win.coverage(d), colour, NOSE)
    for side in (-1, 1):
        nostril = ellipse_sd(u - n.tip_u - side * 0.5 * n.half_w_base, v - n.tip_v - 0.045, 0.035, 0.018)
        c.darken(win, 0.55 * win.coverage(nostril))


def draw_eyes(c: Canvas, pose: Pose, g: FaceGeometry, ident: Identity, gaze) -> None:
    for eye, label in zip(g.eyes, (L_EYE, R_EYE)):
        win = pose.window(c.size, eye.cx - eye.half_w - 0.02, eye.cy - eye.up - 0.06,
                          eye.cx + eye.half_w + 0.02, eye.cy + eye.low + 0.03)
        if win is None:
            continue
        x, v = win.u - eye.cx, win.v
        upper, lower = eye.upper(x), eye.lower(x)
        d = np.maximum(np.maximum(upper - v, v - lower), np.abs(x) - eye.half_w)
        inside = win.coverage(d)
        c.paint(win, inside, (0.93, 0.91, 0.88), label)
        iu = eye.cx + gaze[0] * eye.half_w * 0.5
        iv = eye.cy + gaze[1] * ident.eye_height
        ir = 0.62 * ident.eye_height
        iris = win.coverage(np.sqrt((win.u - iu) ** 2 + (v - iv) ** 2) - ir)
        c.paint(win, inside * iris, ident.eye_colour)
        pupil = win.coverage(np.sqrt((win.u - iu) ** 2 + (v - iv) ** 2) - 0.4 * ir)
        c.paint(win, inside * pupil, (0.03, 0.03, 0.03))
        glint = win.coverage(np.sqrt((win.u - iu + 0.3 * ir) ** 2 + (v - iv + 0.3 * ir) ** 2) - 0.15 * ir)
        c.paint(win, inside * glint, (1.0, 1.0, 1.0))
        along = np.abs(x) < eye.half_w
        lash = line_profile(v - upper + 0.004, 0.012) * along
        c.darken(win, 0.8 * lash)
        crease = line_profile(v - (upper - 0.035 - 0.2 * eye.up), 0.008) * along
        c.darken(win, 0.18 * crease)


def draw_brows(c: Canvas, pose: Pose, g: FaceGeometry, colour) -> None:
    for brow, label in zip(g.brows, (L_BROW, R_BROW)):
        win = pose.window(c.size, brow.cx - brow.half_w - 0.02, brow.cy - brow.arch - brow.thickness,
                          brow.cx + brow.half_w + 0.02, brow.cy + brow.thickness)
        if win is None:
            continue
        t = (win.u - brow.cx) / brow.half_w
        d_along = (np.abs(t) - 1.0) * brow.half_w
        d = np.maximum(np.abs(win.v - brow.centre(clip(t, -1, 1))) - brow.half_thickness(clip(t, -1, 1)),
                       d_along)
        texture = 0.9 + 0.1 * np.sin(140.0 * win.u + 40.0 * win.v)
        c.paint(win, win.coverage(d), texture[..., None] * np.asarray(colour, np.float32), label)


def draw_mouth(c: Canvas, pose: Pose, g: FaceGeometry, ident: Identity) -> None:
    m = g.mouth
    win = pose.window(c.size, m.cx - m.half_w - 0.02, m.line(0.0) - m.open_up - m.lip_up - 0.02,
                      m.cx + m.half_w + 0.02, m.line(0.0) + m.open_low + m.lip_low + 0.03)
    if win is None:
        return
    s = clip((win.u - m.cx) / m.half_w, -1.0, 1.0)
    v = win.v
    d_side = (np.abs(win.u - m.cx) - m.half_w)
    iu, il = m.inner_upper(s), m.inner_lower(s)
    ou, ol = m.outer_upper(s), m.outer_lower(s)
    lip = np.asarray(ident.lip_colour, np.float32)
    upper = win.coverage(np.maximum(np.maximum(ou - v, v - iu), d_side))
    c.paint(win, upper, lip * 0.92, U_LIP)
    lower_shade = 1.0 + 0.12 * line_profile(v - (il + ol) * 0.5, 0.5 * m.lip_low + 1e-3)  # lit lower lip
    lower = win.coverage(np.maximum(np.maximum(il - v, v - ol), d_side))
    c.paint(win, lower, lower_shade[..., None] * lip, L_LIP)
    if m.open_up + m.open_low > 0.004:
        inner = win.coverage(np.maximum(np.maximum(iu - v, v - il), d_side))
        c.paint(win, inner, (0.28, 0.06, 0.07), MOUTH)
        teeth_top = win.coverage(np.maximum(v - (iu + 0.05), np.abs(s) - 0.78))
        c.paint(win, inner * teeth_top, (0.94, 0.92, 0.86))
        teeth_low = win.coverage(np.maximum((il - 0.02) - v, np.abs(s) - 0.6))
        c.paint(win, inner * teeth_low * (m.open_low > 0.05), (0.88, 0.86, 0.8))
    c.darken(win, 0.45 * line_profile(v - m.line(s), 0.008) * (d_side < 0))


def draw_glasses(c: Canvas, pose: Pose, g: FaceGeometry, ident: Identity) -> None:
    colour = ident.glasses_colour
    hh = 0.12
    for eye in g.eyes:
        hw = eye.half_w + 0.07
        win = pose.window(c.size, eye.cx - hw - 0.03, eye.cy - hh - 0.03, eye.cx + hw + 0.03, eye.cy + hh + 0.03)
        if win is None:
            continue
        d = rounded_box_sd(win.u - eye.cx, win.v - eye.cy + 0.01, hw, hh, 0.06)
        c.paint(win, 0.12 * win.coverage(d), (0.75, 0.85, 0.95))  # tinted lens
        c.paint(win, win.coverage(np.abs(d) - 0.012), colour, GLASSES)
        outer = eye.cx + eye.side * hw
        far = eye.side * 0.98 * g.half_width_at(eye.cy)
        lo, hi = min(outer, far), max(outer, far)
        win = pose.window(c.size, lo, eye.cy - 0.1, hi, eye.cy)
        if win is not None:  # the temple arm running back to the ear
            d = np.maximum(np.abs(win.v - (eye.cy - 0.05)) - 0.012, np.maximum(lo - win.u, win.u - hi))
            c.paint(win, win.coverage(d), colour, GLASSES)
    left, right = g.eyes[0].cx + g.eyes[0].half_w + 0.07, g.eyes[1].cx - g.eyes[1].half_w - 0.07
    win = pose.window(c.size, left, g.eyes[0].cy - 0.08, right, g.eyes[0].cy)
    if win is not None:
        d = np.maximum(np.abs(win.v - (g.eyes[0].cy - 0.04)) - 0.012, np.maximum(left - win.u, win.u - right))
        c.paint(win, win.coverage(d), colour, GLASSES)
