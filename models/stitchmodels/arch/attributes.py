"""Attribute scorer: aligned crop -> one score in [0, 1] per attribute (renderer units).

Used to measure whether a latent edit moved its attribute (issue 3: >= 0.5 of the range).
"""
from typing import Sequence

import torch
from torch import nn

from .trunk import conv_trunk


class AttributeScorer(nn.Module):
    """`forward(x)`: crop [N,3,S,S] in [-1,1] (S = input_size) -> [N, A] in [0,1]."""

    def __init__(self, attributes: int = 2, widths: Sequence[int] = (16, 32, 48, 64, 96)):
        super().__init__()
        self.trunk = conv_trunk(widths)
        self.head = nn.Linear(widths[-1], attributes)

    def forward(self, x):
        # Global average pooling: smile (mouth) and age (hair, lines) are local textures, not layout.
        return torch.sigmoid(self.head(self.trunk(x).mean(dim=(2, 3))))
