"""Attribute scorer: aligned crop -> one score in [0, 1] per attribute (renderer units).

Used to measure whether a latent edit moved its attribute (issue 3: >= 0.5 of the range).
"""
from typing import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .trunk import conv_trunk

# Where FFHQ alignment puts the mouth (rows top..bottom, columns left..right, fractions of the
# crop): measured on rendered crops, the mouth points lie in rows 0.66-0.84, columns 0.36-0.64.
MOUTH_BOX = (0.6, 0.9, 0.3, 0.7)


class AttributeScorer(nn.Module):
    """`forward(x)`: aligned crop [N,3,S,S] in [-1,1] -> [N, A] in [0,1].

    Two branches: the whole crop (age shows in hair colour and skin lines everywhere) and the
    mouth window enlarged to `mouth_size` (a smile is a few pixels of lip curve in a small crop).
    """

    def __init__(self, attributes: int = 2, widths: Sequence[int] = (16, 32, 64, 96),
                 mouth_widths: Sequence[int] = (16, 32, 64), mouth_size: Sequence[int] = (32, 48)):
        super().__init__()
        self.trunk = conv_trunk(widths)
        self.mouth = conv_trunk(mouth_widths)
        self.mouth_size = [int(mouth_size[0]), int(mouth_size[1])]
        self.top, self.bottom, self.left, self.right = MOUTH_BOX
        self.head = nn.Linear(widths[-1] + mouth_widths[-1], attributes)

    def forward(self, x):
        h = x.shape[2]
        w = x.shape[3]
        mouth = x[:, :, int(self.top * h):int(self.bottom * h), int(self.left * w):int(self.right * w)]
        mouth = F.interpolate(mouth, size=self.mouth_size, mode="bilinear", align_corners=False)
        # Global average pooling in both: the features are local textures, not layout.
        feats = torch.cat([self.trunk(x).mean(dim=(2, 3)), self.mouth(mouth).mean(dim=(2, 3))], dim=1)
        return torch.sigmoid(self.head(feats))
