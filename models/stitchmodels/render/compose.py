"""render(): paints one frame back to front and returns image, landmarks, segmentation, attributes."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import hair, parts
from .background import make_background
from .fields import Canvas, Pose, smoothstep
from .geometry import build_geometry
from .identity import FaceState, Identity, HAIR_STYLES


@dataclass(frozen=True)
class RenderOutput:
    image: np.ndarray         # uint8 [size,size,3] RGB
    landmarks: np.ndarray     # float32 [68,2] (x,y) pixels, iBUG-68, pixel centres at integers
    segmentation: np.ndarray  # uint8 [size,size], BiSeNet/CelebAMask-HQ 19-class ids
    attributes: dict          # smile, age, mouth_open, blink, yaw, roll, glasses, long_hair


def _check(ident: Identity, state: FaceState, size: int) -> None:
    if not isinstance(size, (int, np.integer)) or size < 16:
        raise ValueError(f"size must be an integer >= 16, got {size!r}")
    if not state.scale > 0:
        raise ValueError(f"state.scale must be > 0 pixels per unit, got {state.scale!r}")
    for name in ("smile", "mouth_open", "blink"):
        value = getattr(state, name)
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"state.{name} must be in [0,1], got {value!r}")
    if state.age is not None and not 0.0 <= state.age <= 1.0:
        raise ValueError(f"state.age must be in [0,1] or None, got {state.age!r}")
    if ident.hair_style not in HAIR_STYLES:
        raise ValueError(f"ident.hair_style must be one of {HAIR_STYLES}, got {ident.hair_style!r}")


def _aged_skin(ident: Identity, age: float) -> np.ndarray:
    """Skin loses a little saturation with age."""
    skin = np.asarray(ident.skin, np.float32)
    fade = 0.15 * smoothstep(0.3, 1.0, age)
    return (1.0 - fade) * skin + fade * skin.mean()


def render(ident: Identity, state: FaceState, size: int, background_seed: int) -> RenderOutput:
    """One size x size frame of `ident` in `state` over the background of `background_seed`.

    Raises ValueError naming the field when the size or a state value is out of range.
    """
    _check(ident, state, size)
    g = build_geometry(ident, state)
    pose = Pose(state.cx, state.cy, state.scale, state.roll)
    canvas = Canvas(make_background(background_seed, size))
    skin = _aged_skin(ident, g.age)
    hair_rgb = hair.hair_colour(ident, g.age)

    hair.draw_back_hair(canvas, pose, g, ident)
    parts.draw_shirt(canvas, pose, g, ident)
    hair.draw_front_locks(canvas, pose, g, ident)
    parts.draw_neck(canvas, pose, g, ident, skin)
    if ident.hair_style in ("short", "buzz"):  # longer styles cover the ears
        parts.draw_ears(canvas, pose, g, ident, skin)
    parts.draw_face(canvas, pose, g, skin)
    parts.draw_age_lines(canvas, pose, g)
    parts.draw_nose(canvas, pose, g, skin)
    parts.draw_eyes(canvas, pose, g, ident, state.gaze)
    parts.draw_brows(canvas, pose, g, 0.6 * hair_rgb)
    parts.draw_mouth(canvas, pose, g, ident)
    hair.draw_fringe(canvas, pose, g, ident)
    if ident.glasses:
        parts.draw_glasses(canvas, pose, g, ident)

    return RenderOutput(
        image=canvas.to_uint8(),
        landmarks=pose.to_pixels(g.landmarks()).astype(np.float32),
        segmentation=canvas.seg,
        attributes={
            "smile": float(state.smile), "age": float(g.age), "mouth_open": float(state.mouth_open),
            "blink": float(state.blink), "yaw": float(state.yaw), "roll": float(state.roll),
            "glasses": float(ident.glasses), "long_hair": float(ident.hair_style == "long"),
        })
