"""LPIPS with a VGG16-shaped feature network.

Key layout: torchvision's `features.<index>.{weight,bias}` for the convolutions (the real VGG16
indices 0, 2, 5, 7, 10, ... are kept because convolutions and ReLUs/pools share one index space)
and the LPIPS linear heads `lin<k>.model.1.weight` [1, C_k, 1, 1]. `stages` describes the network:
the real VGG16 is ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3)); the demo uses a narrow copy.
"""
from typing import List, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from .cpu_conv import Conv2d

VGG16_STAGES: Tuple[Tuple[int, int], ...] = ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))
# LPIPS ScalingLayer: inputs in [-1,1] are shifted and scaled to ImageNet statistics (STIT-NOTES "LPIPS").
LPIPS_SHIFT = (-0.030, -0.088, -0.188)
LPIPS_SCALE = (0.458, 0.448, 0.450)


def _vgg_features(stages: Sequence[Tuple[int, int]]) -> Tuple[nn.Sequential, List[int]]:
    """torchvision's layer sequence; returns it and the index of the ReLU closing each stage."""
    layers: List[nn.Module] = []
    taps: List[int] = []
    in_chan = 3
    for stage, (chan, convs) in enumerate(stages):
        if stage > 0:
            layers.append(nn.MaxPool2d(2, 2))
        for _ in range(convs):
            layers += [Conv2d(in_chan, chan, 3, 1, 1), nn.ReLU(inplace=False)]
            in_chan = chan
        taps.append(len(layers) - 1)
    return nn.Sequential(*layers), taps


class NetLinLayer(nn.Module):
    """One LPIPS layer term: weighted squared difference of unit-normalised features, spatial mean.

    The weighting is a 1x1 convolution without bias; the dropout slot keeps the key index `model.1`.
    """

    def __init__(self, chan: int):
        super().__init__()
        self.model = nn.Sequential(nn.Dropout(p=0.0), Conv2d(chan, 1, 1, bias=False))

    def forward(self, fa, fb):
        diff = (_unit_channels(fa) - _unit_channels(fb)) ** 2
        return self.model(diff).mean(dim=(1, 2, 3))


class LPIPS(nn.Module):
    """`forward(a, b)`: two batches [N,3,H,W] in [-1,1] -> distance [N]; differentiable in both."""

    def __init__(self, stages: Sequence[Tuple[int, int]] = VGG16_STAGES):
        super().__init__()
        self.features, taps = _vgg_features(stages)
        self.taps: List[int] = taps
        self.lin0 = NetLinLayer(stages[0][0])
        self.lin1 = NetLinLayer(stages[1][0])
        self.lin2 = NetLinLayer(stages[2][0])
        self.lin3 = NetLinLayer(stages[3][0])
        self.lin4 = NetLinLayer(stages[4][0])
        self.register_buffer("shift", torch.tensor(LPIPS_SHIFT).view(1, 3, 1, 1))
        self.register_buffer("scale", torch.tensor(LPIPS_SCALE).view(1, 3, 1, 1))

    def stage_features(self, x) -> List[torch.Tensor]:
        x = (x - self.shift) / self.scale
        feats: List[torch.Tensor] = []
        tap = 0
        for index, layer in enumerate(self.features):
            x = layer(x)
            if tap < len(self.taps) and index == self.taps[tap]:
                feats.append(x)
                tap += 1
        return feats

    def forward(self, a, b):
        # One pass over both batches: half the calls, and never a lone small image (see cpu_conv).
        n = a.shape[0]
        both = self.stage_features(torch.cat([a, b]))
        fa = [f[:n] for f in both]
        fb = [f[n:] for f in both]
        # Written out because TorchScript cannot index a plain list of modules.
        return (self.lin0(fa[0], fb[0]) + self.lin1(fa[1], fb[1]) + self.lin2(fa[2], fb[2])
                + self.lin3(fa[3], fb[3]) + self.lin4(fa[4], fb[4]))


def _unit_channels(x: torch.Tensor) -> torch.Tensor:
    # LPIPS normalize_tensor (spatial mean afterwards, as LPIPS with spatial=False): divide by the channel norm, with its 1e-10 guard.
    return x / (torch.sqrt((x * x).sum(dim=1, keepdim=True)) + 1e-10)
