"""Where each face part sits this frame, and the iBUG-68 landmarks read off the same curves.

Drawing (parts.py) and ground truth (`FaceGeometry.landmarks`) both use these objects, so a
landmark always lies on the curve that is drawn: eye corners at the lid meeting points, mouth
corners where the lips meet, the jaw on the face outline.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .identity import FaceState, Identity
from .fields import clip, smoothstep


@dataclass(frozen=True)
class Eye:
    cx: float
    cy: float
    half_w: float
    up: float    # upper-lid height above the corner line
    low: float   # lower-lid depth below it
    side: int    # -1 image-left (landmarks 36-41), +1 image-right (42-47)

    def upper(self, x):
        t = clip(x / self.half_w, -1.0, 1.0)
        return self.cy - self.up * (1.0 - t * t)

    def lower(self, x):
        t = clip(x / self.half_w, -1.0, 1.0)
        return self.cy + self.low * (1.0 - t * t)


@dataclass(frozen=True)
class Brow:
    cx: float
    cy: float
    half_w: float
    arch: float
    thickness: float
    side: int

    def centre(self, t):
        return self.cy - self.arch * (1.0 - t * t)

    def half_thickness(self, t):
        outer = clip((t * self.side + 1.0) * 0.5, 0.0, 1.0)  # 0 at the inner end, 1 at the tail
        return 0.5 * self.thickness * (1.0 - 0.55 * outer * outer)


@dataclass(frozen=True)
class Nose:
    top_u: float
    top_v: float
    tip_u: float
    tip_v: float
    half_w_top: float
    half_w_base: float
    base_depth: float  # vertical radius of the rounded nose base

    def centre_u(self, v):
        t = clip((v - self.top_v) / (self.tip_v - self.top_v), 0.0, 1.0)
        return self.top_u + (self.tip_u - self.top_u) * t


@dataclass(frozen=True)
class Mouth:
    cx: float
    cy: float
    half_w: float
    lift: float      # how far the corners rise above the centre (smile)
    open_up: float   # inner opening above the lip line at the centre
    open_low: float  # inner opening below it
    lip_up: float
    lip_low: float

    def line(self, s):
        return self.cy - self.lift * s * s

    def inner_upper(self, s):
        return self.line(s) - self.open_up * (1.0 - s * s)

    def inner_lower(self, s):
        return self.line(s) + self.open_low * (1.0 - s * s)

    def outer_upper(self, s):
        bow = 1.0 - 0.3 * np.exp(-(s / 0.14) ** 2)  # cupid's bow: thinner at the centre
        return self.inner_upper(s) - self.lip_up * np.sqrt(clip(1.0 - s * s, 0.0, 1.0)) * bow

    def outer_lower(self, s):
        return self.inner_lower(s) + self.lip_low * np.sqrt(clip(1.0 - s * s, 0.0, 1.0))


@dataclass(frozen=True)
class FaceGeometry:
    width: float
    height: float      # half-height of the head above the cheek line; neck, shoulders, hair hang off it
    chin: float        # distance from the cheek line to the chin: grows when the jaw drops
    jaw_taper: float
    yaw: float
    eyes: tuple
    brows: tuple
    nose: Nose
    mouth: Mouth
    hairline: float
    age: float
    smile: float

    def half_width_at(self, v):
        """Face half-width at height v: cheeks at the full width, narrowing towards the chin."""
        t = clip(v / self.chin, 0.0, 1.0)
        return self.width * (1.0 - self.jaw_taper * t * t)

    def jaw_points(self) -> np.ndarray:
        """Landmarks 0-16 on the face outline, from the image-left ear past the chin to the right."""
        top = self.eyes[0].cy + 0.08
        radius = self.chin if top > 0 else self.height
        phi0 = np.arccos(clip(top / radius, -1.0, 1.0))
        phi = np.concatenate([np.linspace(phi0, 0.0, 9), np.linspace(0.0, phi0, 9)[1:]])
        side = np.concatenate([-np.ones(9), np.ones(8)])
        v = np.where(phi < np.pi / 2, self.chin, self.height) * np.cos(phi)
        u = side * self.half_width_at(v) * np.sin(phi)
        return np.stack([u, v], axis=1)

    def landmarks(self) -> np.ndarray:
        """The 68 iBUG points in canonical coordinates."""
        pts = [self.jaw_points()]
        t5 = np.linspace(-1.0, 1.0, 5)
        for brow in self.brows:  # image-left brow runs outer->inner, image-right inner->outer
            pts.append(np.stack([brow.cx + t5 * brow.half_w, brow.centre(t5) - 0.5 * brow.half_thickness(t5)], 1))
        n = self.nose
        bridge_v = np.linspace(n.top_v, n.tip_v, 4)
        pts.append(np.stack([n.centre_u(bridge_v), bridge_v], 1))
        base = np.array([-0.75, -0.4, 0.0, 0.4, 0.75])
        pts.append(np.stack([n.tip_u + base * n.half_w_base,
                             n.tip_v + n.base_depth * 0.85 * np.sqrt(1.0 - base ** 2)], 1))
        for eye in self.eyes:  # both start at their image-left corner (36 outer, 42 inner)
            xs = np.array([-1.0, -1 / 3, 1 / 3, 1.0, 1 / 3, -1 / 3]) * eye.half_w
            ys = np.array([eye.cy, *eye.upper(xs[1:3]), eye.cy, *eye.lower(xs[4:6])])
            pts.append(np.stack([eye.cx + xs, ys], 1))
        m = self.mouth
        outer_s = np.array([-1.0, -0.6, -0.28, 0.0, 0.28, 0.6, 1.0, 0.6, 0.3, 0.0, -0.3, -0.6])
        outer_v = np.concatenate([m.outer_upper(outer_s[:7]), m.outer_lower(outer_s[7:])])
        outer_v[[0, 6]] = m.line(np.array([-1.0, 1.0]))
        inner_s = np.array([-0.88, -0.45, 0.0, 0.45, 0.88, 0.45, 0.0, -0.45])
        inner_v = np.concatenate([m.inner_upper(inner_s[:5]), m.inner_lower(inner_s[5:])])
        inner_v[[0, 4]] = m.line(np.array([-0.88, 0.88]))
        pts.append(np.stack([m.cx + outer_s * m.half_w, outer_v], 1))
        pts.append(np.stack([m.cx + inner_s * m.half_w, inner_v], 1))
        out = np.concatenate(pts, axis=0)
        assert out.shape == (68, 2)
        return out


def build_geometry(ident: Identity, state: FaceState) -> FaceGeometry:
    age = ident.age if state.age is None else float(state.age)
    smile, blink = float(state.smile), float(state.blink)
    yaw = float(state.yaw)
    cos_y, sin_y = np.cos(yaw), np.sin(yaw)

    def shifted(u0, depth):
        """Horizontal position of a surface point at depth `depth` after turning the head by yaw."""
        return u0 * cos_y + depth * sin_y

    def foreshortening(u0):
        return float(clip(cos_y - 1.1 * u0 * sin_y, 0.5, 1.3))

    sag = smoothstep(0.3, 1.0, age)
    opening = 0.2 * state.mouth_open + 0.065 * smile
    eyes, brows = [], []
    for side in (-1, 1):
        u0 = side * ident.eye_spacing
        openness = 1.0 - blink
        eyes.append(Eye(
            cx=shifted(u0, 0.75), cy=ident.eye_y,
            half_w=ident.eye_width * foreshortening(u0),
            up=ident.eye_height * openness * (1.0 - 0.1 * smile) * (1.0 - 0.15 * sag),
            low=0.7 * ident.eye_height * openness * (1.0 - 0.45 * smile),
            side=side))
        bu0 = side * (ident.eye_spacing + 0.02)
        brows.append(Brow(
            cx=shifted(bu0, 0.78), cy=ident.eye_y - ident.brow_gap + 0.02 * sag,
            half_w=1.3 * ident.eye_width * foreshortening(bu0),
            arch=ident.brow_arch, thickness=ident.brow_thickness, side=side))
    nose = Nose(top_u=shifted(0.0, 0.85), top_v=ident.eye_y - 0.02,
                tip_u=shifted(0.0, 1.12), tip_v=ident.nose_tip_y,
                half_w_top=0.06, half_w_base=ident.nose_width * cos_y, base_depth=0.09)
    mouth = Mouth(cx=shifted(0.0, 0.88), cy=ident.mouth_y,
                  half_w=ident.mouth_width * (1.0 + 0.18 * smile) * cos_y,
                  lift=0.1 * smile - 0.012 - 0.015 * sag,
                  open_up=0.3 * opening, open_low=0.7 * opening,
                  lip_up=ident.lip_upper * (1.0 - 0.3 * sag) * (1.0 - 0.15 * smile),
                  lip_low=ident.lip_lower * (1.0 - 0.3 * sag))
    return FaceGeometry(
        width=ident.face_width,
        height=ident.face_height,
        chin=ident.face_height + 0.7 * mouth.open_low,  # the jaw drops when the mouth opens

        jaw_taper=ident.jaw_taper * (1.0 - 0.35 * sag),  # jowls: the chin widens with age
        yaw=yaw, eyes=tuple(eyes), brows=tuple(brows), nose=nose, mouth=mouth,
        hairline=ident.hairline - 0.12 * sag, age=age, smile=smile)
