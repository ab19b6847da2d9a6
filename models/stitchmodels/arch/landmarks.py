"""Demo 68-point landmark model honouring the whole-frame contract.

`forward(x)`: frame [1,3,H,W] in [0,1] (any H, W) -> [68,3] rows (x px, y px, score in [0,1]).
Two stages, because one small network cannot be both global and precise:
1. coarse: the frame, letterboxed to a square and shrunk to `coarse_size`, gives rough points and
   a face-presence logit;
2. refine (run `refine_steps` times): the points define an FFHQ-style face box (eye centres and
   mouth, STIT-NOTES "Alignment"), the box is resampled from the full frame to `refine_size` and
   a second network regresses the points inside it, so its precision scales with the face, not
   with the frame.
"""
from typing import Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from .trunk import conv_trunk

POINTS = 68
LEFT_EYE = [36, 37, 38, 39, 40, 41]
RIGHT_EYE = [42, 43, 44, 45, 46, 47]
MOUTH_LEFT = 48
MOUTH_RIGHT = 54
# The refine box is the FFHQ quad (half side max(2|e2e|, 1.8|e2m|)) widened so the jaw and brows fit.
BOX_SCALE = 1.25


class PointRegressor(nn.Module):
    """Square image in [-1,1] -> `outputs` numbers (points as normalised coordinates, extras after)."""

    def __init__(self, size: int, widths: Sequence[int], hidden: int, outputs: int):
        super().__init__()
        self.trunk = conv_trunk(widths)
        side = size // 2 ** len(widths)
        # Flatten rather than pool: point positions live in where the features are.
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(widths[-1] * side * side, hidden), nn.ReLU(),
                                  nn.Linear(hidden, outputs))

    def forward(self, x):
        return self.head(self.trunk(x))


def face_box(points: torch.Tensor, box_scale: float) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Centre and half-axis vectors [N,2] of the refine box from points [N,68,2] (pixels)."""
    # Literal iBUG-68 indices (LEFT_EYE, RIGHT_EYE, MOUTH_*): TorchScript here cannot read module globals.
    eye_left = points[:, 36:42].mean(dim=1)
    eye_right = points[:, 42:48].mean(dim=1)
    mouth = 0.5 * (points[:, 48] + points[:, 54])
    eye_avg = 0.5 * (eye_left + eye_right)
    e2e = eye_right - eye_left
    e2m = mouth - eye_avg
    axis = e2e - torch.stack([-e2m[:, 1], e2m[:, 0]], dim=1)  # e2e - rot90(e2m)
    axis = axis / axis.norm(p=2, dim=1, keepdim=True).clamp_min(1e-6)
    half = torch.maximum(e2e.norm(p=2, dim=1) * 2.0, e2m.norm(p=2, dim=1) * 1.8).clamp_min(4.0) * box_scale
    x_axis = axis * half.unsqueeze(1)
    y_axis = torch.stack([-x_axis[:, 1], x_axis[:, 0]], dim=1)
    centre = eye_avg + 0.1 * e2m
    return centre, x_axis, y_axis


def crop_box(frames: torch.Tensor, centre: torch.Tensor, x_axis: torch.Tensor, y_axis: torch.Tensor,
             size: int) -> torch.Tensor:
    """Resample the box (centre +- x_axis +- y_axis, pixels) of frames [N,3,H,W] to [N,3,size,size]."""
    h = frames.shape[2]
    w = frames.shape[3]
    # Shrink large frames first so bilinear sampling does not alias (integer factor, area filter).
    factor = int(float((2.0 * x_axis.norm(p=2, dim=1).max() / size).item()))
    if factor >= 2:
        frames = F.interpolate(frames, size=[max(h // factor, 1), max(w // factor, 1)], mode="area")
    theta = torch.stack([
        torch.stack([2.0 * x_axis[:, 0] / w, 2.0 * y_axis[:, 0] / w, (2.0 * centre[:, 0] + 1.0) / w - 1.0], dim=1),
        torch.stack([2.0 * x_axis[:, 1] / h, 2.0 * y_axis[:, 1] / h, (2.0 * centre[:, 1] + 1.0) / h - 1.0], dim=1),
    ], dim=1)
    grid = F.affine_grid(theta, [frames.shape[0], 3, size, size], align_corners=False)
    return F.grid_sample(frames, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


class LandmarkDetector(nn.Module):
    def __init__(self, coarse_size: int = 128, refine_size: int = 96, refine_steps: int = 2,
                 coarse_widths: Sequence[int] = (16, 32, 48, 64, 96),
                 refine_widths: Sequence[int] = (24, 48, 64, 96), hidden: int = 256):
        super().__init__()
        self.coarse_size = coarse_size
        self.refine_size = refine_size
        self.refine_steps = refine_steps
        # Attributes, not globals: TorchScript here cannot read module globals.
        self.points = POINTS
        self.box_scale = BOX_SCALE
        self.coarse = PointRegressor(coarse_size, coarse_widths, hidden, POINTS * 2 + 1)
        self.refine = PointRegressor(refine_size, refine_widths, hidden, POINTS * 2)

    def coarse_points(self, frames: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """frames [N,3,H,W] in [0,1] -> points [N,68,2] in pixels, face logit [N]."""
        h = frames.shape[2]
        w = frames.shape[3]
        side = max(h, w)
        square = F.pad(frames, [0, side - w, 0, side - h])  # letterbox right/bottom: pixel coords unchanged
        small = F.interpolate(square, size=[self.coarse_size, self.coarse_size], mode="bilinear",
                              align_corners=False, antialias=True)
        out = self.coarse(small * 2.0 - 1.0)
        normalised = out[:, :self.points * 2].reshape(-1, self.points, 2)
        return ((normalised + 1.0) * side - 1.0) * 0.5, out[:, self.points * 2]

    def refine_points(self, frames: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
        """One refinement: the box from `points` [N,68,2] is re-read from frames; returns new points."""
        centre, x_axis, y_axis = face_box(points, self.box_scale)
        crop = crop_box(frames, centre, x_axis, y_axis, self.refine_size)
        local = self.refine(crop * 2.0 - 1.0).reshape(-1, self.points, 2)
        return (centre.unsqueeze(1) + local[:, :, :1] * x_axis.unsqueeze(1)
                + local[:, :, 1:] * y_axis.unsqueeze(1))

    def detect(self, frames: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Batched detection: frames [N,3,H,W] in [0,1] -> points [N,68,2], face probability [N]."""
        points, logit = self.coarse_points(frames)
        for _ in range(self.refine_steps):
            points = self.refine_points(frames, points)
        return points, torch.sigmoid(logit)

    def forward(self, x):
        points, score = self.detect(x)
        scores = score[0].expand(self.points).unsqueeze(1)
        return torch.cat([points[0], scores], dim=1)


def manifest_indices() -> dict:
    return {"points": POINTS, "left_eye": list(LEFT_EYE), "right_eye": list(RIGHT_EYE),
            "mouth_left": MOUTH_LEFT, "mouth_right": MOUTH_RIGHT}
