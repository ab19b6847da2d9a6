"""e4e encoder (Encoder4Editing) in the pSp/e4e checkpoint layout.

Keys match the ``encoder.*`` part of an e4e checkpoint: ``input_layer``, ``body.<i>`` IR-SE
bottlenecks, ``styles.<i>`` GradualStyleBlocks, ``latlayer1``/``latlayer2``. The output is the
e4e W+ code: one shared base code w0 from the coarsest features plus a delta per later layer
(progressive training's inference stage), and the average latent added, so it feeds the
generator directly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import List, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .stylegan2 import EqualLinear


@dataclass(frozen=True)
class E4EConfig:
    # (in_channel, depth, num_units) per stage; every stage downsamples by 2 in its first unit.
    stages: Tuple[Tuple[int, int, int], ...] = ((64, 64, 3), (64, 128, 4), (128, 256, 14), (256, 512, 3))
    stem_channels: int = 64
    style_dim: int = 512
    n_styles: int = 18
    input_resolution: int = 256
    coarse_ind: int = 3
    middle_ind: int = 7
    se_reduction: int = 16

    def to_dict(self) -> dict:
        return {"stages": [list(s) for s in self.stages], "stem_channels": self.stem_channels,
                "style_dim": self.style_dim, "n_styles": self.n_styles,
                "input_resolution": self.input_resolution, "coarse_ind": self.coarse_ind,
                "middle_ind": self.middle_ind, "se_reduction": self.se_reduction}

    @staticmethod
    def from_dict(d: dict) -> "E4EConfig":
        return E4EConfig(stages=tuple(tuple(int(v) for v in s) for s in d["stages"]),
                         stem_channels=int(d["stem_channels"]), style_dim=int(d["style_dim"]),
                         n_styles=int(d["n_styles"]), input_resolution=int(d["input_resolution"]),
                         coarse_ind=int(d["coarse_ind"]), middle_ind=int(d["middle_ind"]),
                         se_reduction=int(d["se_reduction"]))


def ir_se50_config(n_styles: int = 18) -> E4EConfig:
    """The configuration of the public e4e FFHQ checkpoint (IR-SE50, 256 input, 18 styles)."""
    return E4EConfig(n_styles=n_styles)


class SEModule(nn.Module):
    def __init__(self, channels: int, reduction: int):
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(channels, channels // reduction, kernel_size=1, padding=0, bias=False)
        self.relu = nn.ReLU(inplace=True)
        self.fc2 = nn.Conv2d(channels // reduction, channels, kernel_size=1, padding=0, bias=False)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x: Tensor) -> Tensor:
        w = self.sigmoid(self.fc2(self.relu(self.fc1(self.avg_pool(x)))))
        return x * w


class BottleneckIRSE(nn.Module):
    def __init__(self, in_channel: int, depth: int, stride: int, se_reduction: int):
        super().__init__()
        if in_channel == depth:
            self.shortcut_layer = nn.MaxPool2d(1, stride)
        else:
            self.shortcut_layer = nn.Sequential(
                nn.Conv2d(in_channel, depth, (1, 1), stride, bias=False), nn.BatchNorm2d(depth))
        self.res_layer = nn.Sequential(
            nn.BatchNorm2d(in_channel),
            nn.Conv2d(in_channel, depth, (3, 3), (1, 1), 1, bias=False),
            nn.PReLU(depth),
            nn.Conv2d(depth, depth, (3, 3), stride, 1, bias=False),
            nn.BatchNorm2d(depth),
            SEModule(depth, se_reduction))

    def forward(self, x: Tensor) -> Tensor:
        return self.res_layer(x) + self.shortcut_layer(x)


class GradualStyleBlock(nn.Module):
    """Strided convs from a spatial x spatial feature map down to 1x1, then an equalised linear."""

    def __init__(self, in_c: int, out_c: int, spatial: int):
        super().__init__()
        self.out_c = out_c
        num_pools = int(math.log2(spatial))
        modules: List[nn.Module] = [nn.Conv2d(in_c, out_c, kernel_size=3, stride=2, padding=1), nn.LeakyReLU()]
        for _ in range(num_pools - 1):
            modules += [nn.Conv2d(out_c, out_c, kernel_size=3, stride=2, padding=1), nn.LeakyReLU()]
        self.convs = nn.Sequential(*modules)
        self.linear = EqualLinear(out_c, out_c, lr_mul=1.0)

    def forward(self, x: Tensor) -> Tensor:
        return self.linear(self.convs(x).reshape(-1, self.out_c))


class Encoder4Editing(nn.Module):
    """Image [N,3,R,R] in [-1,1] -> W+ [N, n_styles, style_dim] without the average latent."""

    def __init__(self, config: E4EConfig):
        super().__init__()
        stages = config.stages
        if len(stages) < 3:
            raise ValueError("e4e needs at least three stages (three feature pyramid levels)")
        self.input_layer = nn.Sequential(
            nn.Conv2d(3, config.stem_channels, (3, 3), 1, 1, bias=False),
            nn.BatchNorm2d(config.stem_channels), nn.PReLU(config.stem_channels))
        modules: List[nn.Module] = []
        ends: List[int] = []
        for in_channel, depth, units in stages:
            modules.append(BottleneckIRSE(in_channel, depth, 2, config.se_reduction))
            for _ in range(units - 1):
                modules.append(BottleneckIRSE(depth, depth, 1, config.se_reduction))
            ends.append(len(modules) - 1)
        self.body = nn.Sequential(*modules)
        # Feature taps: ends of the last three stages (units 6, 20, 23 in IR-SE50).
        self.tap_fine, self.tap_middle, self.tap_coarse = ends[-3], ends[-2], ends[-1]

        feat = stages[-1][1]
        coarse_size = config.input_resolution // (2 ** len(stages))
        self.n_styles = config.n_styles
        self.coarse_ind = config.coarse_ind
        self.middle_ind = config.middle_ind
        self.styles = nn.ModuleList()
        for i in range(config.n_styles):
            if i < config.coarse_ind:
                spatial = coarse_size
            elif i < config.middle_ind:
                spatial = coarse_size * 2
            else:
                spatial = coarse_size * 4
            self.styles.append(GradualStyleBlock(feat, config.style_dim, spatial))
        self.latlayer1 = nn.Conv2d(stages[-2][1], feat, kernel_size=1, stride=1, padding=0)
        self.latlayer2 = nn.Conv2d(stages[-3][1], feat, kernel_size=1, stride=1, padding=0)

    @staticmethod
    def _upsample_add(x: Tensor, y: Tensor) -> Tensor:
        return F.interpolate(x, size=(y.shape[2], y.shape[3]), mode="bilinear", align_corners=True) + y

    def forward(self, x: Tensor) -> Tensor:
        x = self.input_layer(x)
        c1 = x
        c2 = x
        c3 = x
        for i, layer in enumerate(self.body):
            x = layer(x)
            if i == self.tap_fine:
                c1 = x
            elif i == self.tap_middle:
                c2 = x
            elif i == self.tap_coarse:
                c3 = x
        p2 = self._upsample_add(c3, self.latlayer1(c2))
        p1 = self._upsample_add(p2, self.latlayer2(c1))
        codes: List[Tensor] = []
        for i, style in enumerate(self.styles):
            if i < self.coarse_ind:
                features = c3
            elif i < self.middle_ind:
                features = p2
            else:
                features = p1
            codes.append(style(features))
        # e4e: w_i = w0 + delta_i, one shared base code for every layer.
        w0 = codes[0]
        deltas = torch.stack(codes, dim=1)
        base = w0.unsqueeze(1)
        return torch.cat([base, base + deltas[:, 1:]], dim=1)


class E4EInference(nn.Module):
    """Exported encoder contract: crop [N,3,R,R] in [-1,1] -> W+ with the average latent added.

    Inputs of another size are resized (antialiased) to the encoder's input resolution, as the
    reference resizes crops to 256 before e4e.
    """

    def __init__(self, encoder: Encoder4Editing, latent_avg: Tensor, input_resolution: int):
        super().__init__()
        self.encoder = encoder
        n, d = encoder.n_styles, latent_avg.shape[-1]
        avg = latent_avg.reshape(-1, d).float()
        if avg.shape[0] == 1:
            avg = avg.expand(n, d)
        if avg.shape[0] != n:
            raise ValueError(f"latent_avg has {avg.shape[0]} rows; expected 1 or {n}")
        self.register_buffer("latent_avg", avg.clone())
        self.input_resolution = input_resolution

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() != 4 or x.shape[1] != 3:
            raise ValueError("encoder expects images [N, 3, H, W] in [-1, 1]")
        r = self.input_resolution
        if x.shape[2] != r or x.shape[3] != r:
            x = F.interpolate(x, size=(r, r), mode="bilinear", align_corners=False, antialias=True)
        return self.encoder(x) + self.latent_avg.unsqueeze(0)
