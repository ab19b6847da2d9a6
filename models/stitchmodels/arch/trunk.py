"""A plain strided convolution trunk shared by the small demo heads (landmarks, attributes)."""
from typing import List, Sequence

from torch import nn


def conv_trunk(widths: Sequence[int], in_channels: int = 3) -> nn.Sequential:
    """One stage per width: a stride-2 3x3 conv then a 3x3 conv, each with BatchNorm and ReLU.

    The output side is the input side divided by 2 ** len(widths).
    """
    layers: List[nn.Module] = []
    for width in widths:
        layers += [nn.Conv2d(in_channels, width, 3, 2, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(),
                   nn.Conv2d(width, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU()]
        in_channels = width
    return nn.Sequential(*layers)
