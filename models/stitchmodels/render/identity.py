"""Who is drawn (Identity) and how they look this frame (FaceState), with seeded samplers."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HAIR_STYLES = ("short", "bob", "long", "buzz")

_SKIN_LIGHT = np.array([0.96, 0.80, 0.70])
_SKIN_DARK = np.array([0.34, 0.21, 0.14])
_HAIR_COLOURS = np.array([
    [0.06, 0.05, 0.05],  # black
    [0.20, 0.12, 0.07],  # dark brown
    [0.42, 0.27, 0.15],  # brown
    [0.55, 0.24, 0.10],  # auburn
    [0.86, 0.70, 0.42],  # blond
    [0.72, 0.33, 0.13],  # red
])
_EYE_COLOURS = np.array([
    [0.30, 0.18, 0.08],  # brown
    [0.16, 0.10, 0.06],  # dark brown
    [0.25, 0.45, 0.70],  # blue
    [0.30, 0.50, 0.30],  # green
    [0.45, 0.36, 0.18],  # hazel
    [0.45, 0.50, 0.55],  # grey
])


@dataclass(frozen=True)
class Identity:
    skin: tuple            # RGB in [0,1]
    face_width: float      # face half-width (canonical units)
    face_height: float     # face half-height
    jaw_taper: float       # how much narrower the chin is than the cheeks
    eye_y: float
    eye_spacing: float     # half the distance between eye centres
    eye_width: float       # eye half-width
    eye_height: float      # upper-lid height of an open eye
    eye_colour: tuple
    brow_gap: float        # brow height above the eye
    brow_thickness: float
    brow_arch: float
    nose_tip_y: float
    nose_width: float      # half-width of the nose base
    mouth_y: float
    mouth_width: float     # half-width of the closed neutral mouth
    lip_upper: float
    lip_lower: float
    lip_colour: tuple
    hair_style: str        # one of HAIR_STYLES
    hair_colour: tuple
    hairline: float        # v of the hairline at the centre of the forehead
    hair_volume: float     # scales the hair cap around the skull
    hair_length: float     # v where long hair ends (only "long")
    ear_size: float
    glasses: bool
    glasses_colour: tuple
    shirt_colour: tuple
    collar: str            # "round" or "v"
    age: float             # in [0,1]
    hair_curl: float = 0.0  # bumpiness of the hair outline (canonical units)


@dataclass(frozen=True)
class FaceState:
    cx: float              # face centre, pixels
    cy: float
    scale: float           # pixels per canonical unit (~ face half-width in pixels)
    roll: float            # radians
    yaw: float             # radians, small (|yaw| <= ~0.35)
    smile: float = 0.0     # [0,1]
    mouth_open: float = 0.0
    blink: float = 0.0     # 0 open, 1 closed
    age: float | None = None  # None: the identity's age
    gaze: tuple = (0.0, 0.0)  # iris offset as a fraction of the eye half-size


def _mix(a, b, t):
    return tuple(float(x) for x in (np.asarray(a) * (1.0 - t) + np.asarray(b) * t))


def _jitter(rng: np.random.Generator, colour, amount: float) -> tuple:
    return tuple(float(x) for x in np.clip(np.asarray(colour) + rng.normal(0.0, amount, 3), 0.0, 1.0))


def sample_identity(rng: np.random.Generator) -> Identity:
    skin = _jitter(rng, _mix(_SKIN_LIGHT, _SKIN_DARK, rng.uniform(0.0, 1.0)), 0.02)
    lip_colour = _jitter(rng, _mix(np.asarray(skin) * 0.8, [0.72, 0.25, 0.28], rng.uniform(0.35, 0.6)), 0.02)
    height = rng.uniform(1.22, 1.42)
    return Identity(
        skin=skin,
        face_width=rng.uniform(0.92, 1.06),
        face_height=height,
        jaw_taper=rng.uniform(0.15, 0.42),
        eye_y=rng.uniform(-0.16, -0.06),
        eye_spacing=rng.uniform(0.36, 0.42),
        eye_width=rng.uniform(0.15, 0.18),
        eye_height=rng.uniform(0.075, 0.095),
        eye_colour=_jitter(rng, _EYE_COLOURS[rng.integers(len(_EYE_COLOURS))], 0.03),
        brow_gap=rng.uniform(0.19, 0.26),
        brow_thickness=rng.uniform(0.04, 0.07),
        brow_arch=rng.uniform(0.02, 0.07),
        nose_tip_y=rng.uniform(0.27, 0.37),
        nose_width=rng.uniform(0.13, 0.2),
        mouth_y=rng.uniform(0.62, 0.70) * height / 1.3,
        mouth_width=rng.uniform(0.27, 0.35),
        lip_upper=rng.uniform(0.035, 0.055),
        lip_lower=rng.uniform(0.045, 0.075),
        lip_colour=lip_colour,
        hair_style=HAIR_STYLES[rng.choice(len(HAIR_STYLES), p=[0.3, 0.25, 0.3, 0.15])],
        hair_colour=_jitter(rng, _HAIR_COLOURS[rng.integers(len(_HAIR_COLOURS))], 0.025),
        hairline=rng.uniform(-0.88, -0.68),
        hair_volume=rng.uniform(1.04, 1.16),
        hair_length=rng.uniform(2.6, 3.8),
        ear_size=rng.uniform(0.9, 1.1),
        glasses=bool(rng.random() < 0.25),
        glasses_colour=_jitter(rng, [0.1, 0.1, 0.12] if rng.random() < 0.6 else rng.uniform(0.1, 0.7, 3), 0.02),
        shirt_colour=tuple(float(x) for x in rng.uniform(0.08, 0.9, 3)),
        collar="v" if rng.random() < 0.4 else "round",
        age=float(rng.uniform(0.0, 1.0)),
        hair_curl=float(rng.uniform(0.0, 0.05)),
    )


def sample_state(rng: np.random.Generator, size: int) -> FaceState:
    """A random still pose and expression that keeps the face inside a size x size frame."""
    return FaceState(
        cx=float(size * (0.5 + rng.normal(0.0, 0.05))),
        cy=float(size * (0.46 + rng.normal(0.0, 0.04))),
        scale=float(size * rng.uniform(0.16, 0.22)),
        roll=float(np.clip(rng.normal(0.0, 0.12), -0.35, 0.35)),
        yaw=float(rng.uniform(-0.3, 0.3)),
        smile=float(rng.beta(0.7, 0.7)),
        mouth_open=float(0.0 if rng.random() < 0.4 else rng.uniform(0.0, 1.0)),
        blink=float(0.0 if rng.random() < 0.85 else rng.uniform(0.0, 1.0)),
        age=None,
        gaze=(float(rng.uniform(-0.3, 0.3)), float(rng.uniform(-0.15, 0.15))),
    )
