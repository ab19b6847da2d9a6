"""Aligned training crops rendered by stitchmodels.render, with their attribute labels."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Optional

import numpy as np
import torch

from ..align import aligned_crop
from ..render import render, sample_identity, sample_state

FRAME_SIZE = 256
ATTRIBUTES = ("smile", "age")


@dataclass
class CropSet:
    crops: np.ndarray        # uint8 [N, R, R, 3], FFHQ-aligned
    attributes: np.ndarray   # float32 [N, len(ATTRIBUTES)] renderer labels in [0, 1]
    identity: np.ndarray     # int64 [N], index of the rendered person

    def __len__(self) -> int:
        return len(self.crops)

    def images(self, index=slice(None)) -> torch.Tensor:
        """float [n, 3, R, R] in [-1, 1], contiguous (see perception_data.to_signed)."""
        return torch.from_numpy(self.crops[index]).permute(0, 3, 1, 2).contiguous().float() / 127.5 - 1.0


def render_crops(seed: int, count: int, size: int, per_identity: int = 4) -> CropSet:
    """``count`` crops of ``count / per_identity`` people; smile and age drawn uniformly so the
    edit directions are not confounded with each other or with identity."""
    rng = np.random.default_rng(seed)
    crops, attrs, ids = [], [], []
    ident = None
    for i in range(count):
        if i % per_identity == 0:
            ident = sample_identity(rng)
        state = dataclasses.replace(sample_state(rng, FRAME_SIZE), smile=float(rng.uniform()),
                                    age=float(rng.uniform()))
        out = render(ident, state, FRAME_SIZE, int(rng.integers(1 << 31)))
        crops.append(aligned_crop(out.image, out.landmarks, size))
        attrs.append([out.attributes[name] for name in ATTRIBUTES])
        ids.append(i // per_identity)
    return CropSet(np.stack(crops), np.asarray(attrs, np.float32), np.asarray(ids, np.int64))


def cached_render_crops(seed: int, count: int, size: int, cache_dir: Optional[str]) -> CropSet:
    """render_crops, kept in ``cache_dir`` when given (rendering is a large part of a CPU run)."""
    if not cache_dir:
        return render_crops(seed, count, size)
    path = os.path.join(cache_dir, f"crops_seed{seed}_n{count}_r{size}.npz")
    if os.path.exists(path):
        cached = np.load(path)
        return CropSet(cached["crops"], cached["attributes"], cached["identity"])
    data = render_crops(seed, count, size)
    os.makedirs(cache_dir, exist_ok=True)
    np.savez(path, crops=data.crops, attributes=data.attributes, identity=data.identity)
    return data
