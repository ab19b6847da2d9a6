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
from typing import List, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from .trunk import conv_trunk

POINTS = 68
LEFT_EYE = [36, 37, 38, 39, 40, 41]
RIGHT_EYE = [42, 43, 44, 45, 46, 47]
MOUTH_LEFT = 48
MOUTH_RIGHT = 54
# The refine box is the FFHQ quad (half side max(2|e2e|, 1.8|e2m|)) widened a little and moved down
# by BOX_DROP of its half side: the quad is centred for hair and forehead, the points sit lower.
BOX_SCALE = 1.15
BOX_DROP = 0.35


class HeatmapRegressor(nn.Module):
    """Square image in [-1,1] -> [N, points*2 + extras]: point coordinates, normalised to [-1,1]
    (align_corners=False convention), then `extras` image-level logits.

    Each point is the soft-argmax of its own heatmap at 1/4 of the input size (integral regression):
    convolutions find positions by translation, which a small network learns in far fewer steps than
    a fully connected regressor, and the expectation gives sub-cell precision.
    """

    def __init__(self, widths: Sequence[int], decoder: int, points: int, extras: int):
        super().__init__()
        self.stages = nn.ModuleList()
        in_channels = 3
        for width in widths:  # strides 2, 4, 8, 16
            self.stages.append(conv_trunk([width], in_channels))
            in_channels = width
        self.merge8 = _conv_bn_relu(widths[3] + widths[2], decoder)
        self.merge4 = _conv_bn_relu(decoder + widths[1], decoder)
        self.heatmaps = nn.Conv2d(decoder, points, 1)
        self.extra = nn.Linear(widths[3], extras)
        self.points = points

    def heatmap_logits(self, x) -> Tuple[torch.Tensor, torch.Tensor]:
        """Per-point heatmap logits [N, points, S/4, S/4] and the image-level extras [N, extras]."""
        feats: List[torch.Tensor] = []
        for stage in self.stages:
            x = stage(x)
            feats.append(x)
        up = F.interpolate(feats[3], size=feats[2].shape[-2:], mode="bilinear", align_corners=False)
        y = self.merge8(torch.cat([up, feats[2]], dim=1))
        up = F.interpolate(y, size=feats[1].shape[-2:], mode="bilinear", align_corners=False)
        y = self.merge4(torch.cat([up, feats[1]], dim=1))
        return self.heatmaps(y), self.extra(feats[3].mean(dim=(2, 3)))

    def forward(self, x):
        logits, extras = self.heatmap_logits(x)
        return torch.cat([soft_argmax(logits), extras], dim=1)


def heatmap_grid(h: int, w: int, dtype: torch.dtype, device: torch.device) -> Tuple[torch.Tensor, torch.Tensor]:
    """Normalised cell-centre coordinates (align_corners=False) along x [w] and y [h]."""
    xs = (2.0 * torch.arange(w, dtype=dtype, device=device) + 1.0) / w - 1.0
    ys = (2.0 * torch.arange(h, dtype=dtype, device=device) + 1.0) / h - 1.0
    return xs, ys


def soft_argmax(logits: torch.Tensor) -> torch.Tensor:
    """Expected cell position of each heatmap: [N,K,H,W] logits -> [N, K*2] (x, y) normalised."""
    n, k, h, w = logits.shape
    prob = torch.softmax(logits.reshape(n, k, h * w), dim=2).reshape(n, k, h, w)
    xs, ys = heatmap_grid(h, w, logits.dtype, logits.device)
    px = (prob.sum(dim=2) * xs).sum(dim=2)
    py = (prob.sum(dim=3) * ys).sum(dim=2)
    return torch.stack([px, py], dim=2).reshape(n, k * 2)


def _conv_bn_relu(in_channels: int, out_channels: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(in_channels, out_channels, 3, 1, 1, bias=False), nn.BatchNorm2d(out_channels), nn.ReLU())


def face_box(points: torch.Tensor, box_scale: float, box_drop: float) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
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
    centre = eye_avg + 0.1 * e2m + box_drop * y_axis
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
    def __init__(self, coarse_size: int = 128, refine_size: int = 96, refine_steps: int = 3,
                 coarse_widths: Sequence[int] = (16, 32, 64, 96), refine_widths: Sequence[int] = (24, 48, 64, 96),
                 decoder: int = 32):
        super().__init__()
        self.coarse_size = coarse_size
        self.refine_size = refine_size
        self.refine_steps = refine_steps
        # Attributes, not globals: TorchScript here cannot read module globals.
        self.points = POINTS
        self.box_scale = BOX_SCALE
        self.box_drop = BOX_DROP
        self.coarse = HeatmapRegressor(coarse_widths, decoder, POINTS, 1)
        self.refine = HeatmapRegressor(refine_widths, decoder, POINTS, 0)

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
        centre, x_axis, y_axis = face_box(points, self.box_scale, self.box_drop)
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
