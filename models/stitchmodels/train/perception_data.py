"""Rendered, labelled data for the perception models: whole frames and their FFHQ-aligned crops."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from ..align import aligned_crop
from ..render import render, sample_identity, sample_state
from ..render.background import make_background

FRAME_SIZE = 256
CROP_SIZE = 64
ATTRIBUTES = ("smile", "age")


@dataclass
class RenderedSet:
    frames: np.ndarray      # uint8 [N, 256, 256, 3]
    landmarks: np.ndarray   # float32 [N, 68, 2] pixels
    crops: np.ndarray       # uint8 [N, 128, 128, 3] FFHQ-aligned
    crop_labels: np.ndarray  # uint8 [N, 64, 64] segmentation classes of the crops
    attributes: np.ndarray  # float32 [N, 2] (smile, age) in [0, 1]
    identity: np.ndarray    # int64 [N]
    empty_frames: np.ndarray  # uint8 [M, 256, 256, 3] backgrounds without a face

    def __len__(self) -> int:
        # The crops, not the frames: render_set(keep_frames=False) keeps no frames but every crop.
        return len(self.crops)


def render_set(seed: int, identities: int, frames_per_identity: int, empty_frames: int,
               keep_frames: bool = True) -> RenderedSet:
    """Renders `identities` people, each in `frames_per_identity` random poses and expressions.

    `keep_frames=False` drops the whole frames (only the landmark model needs them) to save memory.
    """
    rng = np.random.default_rng(seed)
    frames, landmarks, crops, labels, attributes, ids = [], [], [], [], [], []
    for person in range(identities):
        ident = sample_identity(rng)
        for _ in range(frames_per_identity):
            # Every frame draws its own age: the identity embedder must see each person young and
            # old, because age edits must keep identity; it also keeps age apart from identity.
            age = float(rng.uniform(0.0, 1.0))
            state = dataclasses.replace(sample_state(rng, FRAME_SIZE), age=age)
            out = render(ident, state, FRAME_SIZE, int(rng.integers(1 << 31)))
            if keep_frames:
                frames.append(out.image)
            landmarks.append(out.landmarks)
            crops.append(aligned_crop(out.image, out.landmarks, CROP_SIZE))
            labels.append(aligned_crop(out.segmentation, out.landmarks, CROP_SIZE, mode="nearest"))
            attributes.append([out.attributes[name] for name in ATTRIBUTES])
            ids.append(person)
    empty = [make_background(int(rng.integers(1 << 31)), FRAME_SIZE) for _ in range(empty_frames)]
    return RenderedSet(
        frames=np.stack(frames) if keep_frames else np.zeros((0, FRAME_SIZE, FRAME_SIZE, 3), np.uint8),
        landmarks=np.stack(landmarks).astype(np.float32),
        crops=np.stack(crops),
        crop_labels=np.stack(labels),
        attributes=np.asarray(attributes, np.float32),
        identity=np.asarray(ids, np.int64),
        empty_frames=np.stack([_to_uint8(e) for e in empty]) if empty else np.zeros((0, FRAME_SIZE, FRAME_SIZE, 3), np.uint8),
    )


def _to_uint8(image: np.ndarray) -> np.ndarray:
    if image.dtype == np.uint8:
        return image
    return np.clip(np.rint(image * 255.0), 0, 255).astype(np.uint8)


def to_signed(images: np.ndarray) -> torch.Tensor:
    """uint8 [N,H,W,3] -> float [N,3,H,W] in [-1, 1] (the crop models' input range), contiguous.

    A bare permute would hand the models channels-last tensors; with those, the autoencoder's
    backward pass corrupts the heap inside PyTorch 1.13's CPU convolution ("double free or
    corruption", models/tests/test_demo_training.py reproduces it without the copy)."""
    return torch.from_numpy(images).permute(0, 3, 1, 2).contiguous().float() / 127.5 - 1.0


def to_unit(images: np.ndarray) -> torch.Tensor:
    """uint8 [N,H,W,3] -> float [N,3,H,W] in [0, 1] (the landmark model's input range)."""
    return torch.from_numpy(images).permute(0, 3, 1, 2).contiguous().float() / 255.0


def soften(x: torch.Tensor, generator: torch.Generator, fraction: float = 0.5) -> torch.Tensor:
    """Blurs a random `fraction` of a batch by a down/up resize.

    The segmenter and attribute scorer also read generator outputs, which are softer than renders.
    """
    pick = torch.rand(x.shape[0], generator=generator) < fraction
    if not bool(pick.any()):
        return x
    size = x.shape[-1]
    factor = float(torch.empty(1).uniform_(1.5, 2.5, generator=generator))
    small = F.interpolate(x[pick], size=[int(size / factor)] * 2, mode="bilinear", align_corners=False, antialias=True)
    out = x.clone()
    out[pick] = F.interpolate(small, size=[size, size], mode="bilinear", align_corners=False)
    return out
