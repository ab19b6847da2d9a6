"""Talking-head clips: smooth head motion, a speech-like mouth envelope, and occasional blinks."""
from __future__ import annotations

import numpy as np

from .compose import RenderOutput, render
from .identity import FaceState, Identity

# amplitude of each motion channel (translation as a fraction of the frame) and its frequency band (Hz)
_MOTION = {
    "calm": {"shift": 0.03, "roll": 0.05, "yaw": 0.1, "zoom": 0.03, "band": (0.15, 0.4), "scale": 0.19},
    "fast": {"shift": 0.11, "roll": 0.22, "yaw": 0.28, "zoom": 0.1, "band": (0.6, 1.3), "scale": 0.17},
}


class SpeechTrack:
    """Syllables grouped into words with pauses; `envelope(t)` in [0,1] drives both the mouth
    and, in samples/make_samples.py, the loudness of the synthetic voice."""

    def __init__(self, seed: int, duration: float):
        rng = np.random.default_rng(seed)
        syllables, t = [], rng.uniform(0.05, 0.3)
        while t < duration:
            for _ in range(int(rng.integers(2, 6))):
                length = rng.uniform(0.12, 0.28)
                syllables.append((t, length, rng.uniform(0.45, 1.0)))
                t += length * rng.uniform(0.85, 1.0)
            t += rng.uniform(0.15, 0.5)  # pause between words
        self.syllables = np.array(syllables, np.float64).reshape(-1, 3)

    def envelope(self, times: np.ndarray) -> np.ndarray:
        times = np.asarray(times, np.float64)
        start, length, amp = (self.syllables[:, k][:, None] for k in range(3))
        phase = (times[None, :] - start) / length
        bumps = amp * np.sin(np.pi * np.clip(phase, 0.0, 1.0)) ** 2
        return np.clip(bumps.max(axis=0, initial=0.0), 0.0, 1.0)


def _smooth_signal(rng: np.random.Generator, times: np.ndarray, band) -> np.ndarray:
    """A sum of three sinusoids in the band, normalised to peak amplitude ~1."""
    freqs = rng.uniform(band[0], band[1], 3)
    phases = rng.uniform(0.0, 2 * np.pi, 3)
    weights = rng.uniform(0.5, 1.0, 3)
    signal = (weights[:, None] * np.sin(2 * np.pi * freqs[:, None] * times[None, :] + phases[:, None])).sum(0)
    return signal / weights.sum()


def _blinks(rng: np.random.Generator, times: np.ndarray) -> np.ndarray:
    out = np.zeros_like(times)
    t = rng.uniform(0.3, 1.5)
    while t < times[-1] + 1.0:
        length = rng.uniform(0.15, 0.25)
        phase = np.clip((times - t) / length, 0.0, 1.0)
        out = np.maximum(out, np.sin(np.pi * phase) ** 2)
        t += rng.uniform(1.5, 4.0)
    return out


def video_states(num_frames: int, size: int, fps: float, motion: str, seed: int) -> list[FaceState]:
    """The FaceState of every frame (public so callers can edit them before rendering)."""
    if motion not in _MOTION:
        raise ValueError(f"motion must be one of {sorted(_MOTION)}, got {motion!r}")
    if num_frames < 1 or fps <= 0:
        raise ValueError(f"need num_frames >= 1 and fps > 0, got {num_frames!r}, {fps!r}")
    cfg = _MOTION[motion]
    rng = np.random.default_rng(seed)
    times = np.arange(num_frames) / float(fps)
    sig = {k: _smooth_signal(rng, times, cfg["band"]) for k in ("x", "y", "roll", "yaw", "zoom")}
    smile = np.clip(rng.uniform(0.1, 0.6) + 0.25 * _smooth_signal(rng, times, (0.05, 0.2)), 0.0, 1.0)
    mouth = SpeechTrack(speech_seed(seed), times[-1] + 1.0).envelope(times)
    blink = _blinks(rng, times)
    gaze_x = 0.3 * _smooth_signal(rng, times, (0.1, 0.4))
    states = []
    for i in range(num_frames):
        states.append(FaceState(
            cx=size * (0.5 + cfg["shift"] * sig["x"][i]),
            cy=size * (0.46 + 0.7 * cfg["shift"] * sig["y"][i]),
            scale=size * cfg["scale"] * (1.0 + cfg["zoom"] * sig["zoom"][i]),
            roll=float(cfg["roll"] * sig["roll"][i]),
            yaw=float(cfg["yaw"] * sig["yaw"][i]),
            smile=float(smile[i]), mouth_open=float(mouth[i]), blink=float(blink[i]),
            gaze=(float(gaze_x[i]), 0.0)))
    return states


def speech_seed(seed: int) -> int:
    """The SpeechTrack seed of video `seed`, so an audio track can follow the same envelope."""
    return int(np.random.default_rng([int(seed), 1]).integers(2**31))


def render_video(ident: Identity, num_frames: int, size: int, fps: float, motion: str = "calm",
                 seed: int = 0) -> list[RenderOutput]:
    """Frames of `ident` talking against a fixed background (the seed picks background and motion)."""
    return [render(ident, state, size, background_seed=seed)
            for state in video_states(num_frames, size, fps, motion, seed)]
