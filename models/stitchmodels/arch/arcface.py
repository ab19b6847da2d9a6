"""ArcFace IR-SE identity embedder with the module names of TreB1eN/InsightFace_Pytorch.

`model_ir_se50.pth` (the checkpoint behind the paper's TL-ID / TG-ID metrics, via pSp/e4e's ID
loss) holds `input_layer.*`, `body.<i>.{shortcut_layer,res_layer}.*` and `output_layer.*`. The
real network is `IRSE(units=(3, 4, 14, 3), widths=(64, 64, 128, 256, 512), embedding=512,
input_size=112)`; the demo uses fewer and narrower units.
"""
from typing import List, Sequence

import torch
import torch.nn.functional as F
from torch import nn

IR_SE50_UNITS = (3, 4, 14, 3)
IR_SE50_WIDTHS = (64, 64, 128, 256, 512)
# pSp/e4e IDLoss: rows 35:223, columns 32:220 of the 256 crop, then AdaptiveAvgPool2d(112).
PSP_FACE_BOX = (35 / 256, 223 / 256, 32 / 256, 220 / 256)


class SEModule(nn.Module):
    def __init__(self, channels: int, reduction: int = 16):
        super().__init__()
        self.fc1 = nn.Conv2d(channels, max(channels // reduction, 1), 1, bias=False)
        self.fc2 = nn.Conv2d(max(channels // reduction, 1), channels, 1, bias=False)

    def forward(self, x):
        w = torch.sigmoid(self.fc2(F.relu(self.fc1(x.mean(dim=(2, 3), keepdim=True)))))
        return x * w


class BottleneckIRSE(nn.Module):
    def __init__(self, in_channel: int, depth: int, stride: int):
        super().__init__()
        if in_channel == depth:
            # The reference uses MaxPool2d(1, stride): plain subsampling, no weights.
            self.shortcut_layer = nn.MaxPool2d(1, stride)
        else:
            self.shortcut_layer = nn.Sequential(
                nn.Conv2d(in_channel, depth, 1, stride, bias=False), nn.BatchNorm2d(depth))
        self.res_layer = nn.Sequential(
            nn.BatchNorm2d(in_channel),
            nn.Conv2d(in_channel, depth, 3, 1, 1, bias=False),
            nn.PReLU(depth),
            nn.Conv2d(depth, depth, 3, stride, 1, bias=False),
            nn.BatchNorm2d(depth),
            SEModule(depth, 16))

    def forward(self, x):
        return self.shortcut_layer(x) + self.res_layer(x)


class IRSE(nn.Module):
    """Backbone: image [N,3,S,S] (S = input_size, normalised to [-1,1]) -> L2-normalised [N,E]."""

    def __init__(self, units: Sequence[int] = IR_SE50_UNITS, widths: Sequence[int] = IR_SE50_WIDTHS,
                 embedding: int = 512, input_size: int = 112, drop_ratio: float = 0.6):
        super().__init__()
        self.input_layer = nn.Sequential(
            nn.Conv2d(3, widths[0], 3, 1, 1, bias=False), nn.BatchNorm2d(widths[0]), nn.PReLU(widths[0]))
        blocks: List[nn.Module] = []
        for stage, count in enumerate(units):
            in_channel, depth = widths[stage], widths[stage + 1]
            blocks.append(BottleneckIRSE(in_channel, depth, 2))
            blocks += [BottleneckIRSE(depth, depth, 1) for _ in range(count - 1)]
        self.body = nn.Sequential(*blocks)
        side = input_size // 2 ** len(units)
        self.output_layer = nn.Sequential(
            nn.BatchNorm2d(widths[-1]), nn.Dropout(drop_ratio), nn.Flatten(),
            nn.Linear(widths[-1] * side * side, embedding), nn.BatchNorm1d(embedding))

    def forward(self, x):
        return F.normalize(self.output_layer(self.body(self.input_layer(x))), dim=1)


class IdentityExport(nn.Module):
    """The identity contract: aligned crop [N,3,R,R] in [-1,1] -> L2-normalised [N,E].

    `face_box` (top, bottom, left, right as fractions of the crop) cuts the face out before the
    crop is pooled to the backbone's input size. For the real IR-SE50 it is pSp/e4e's ID-loss box
    (rows 35:223, columns 32:220 of a 256 crop), so scores match the paper's TL-ID/TG-ID setup.
    """

    def __init__(self, backbone: IRSE, input_size: int, face_box: Sequence[float] = (0.0, 1.0, 0.0, 1.0)):
        super().__init__()
        self.backbone = backbone
        self.input_size = input_size
        self.top, self.bottom, self.left, self.right = [float(v) for v in face_box]

    def forward(self, x):
        h = x.shape[2]
        w = x.shape[3]
        face = x[:, :, int(self.top * h + 0.5):int(self.bottom * h + 0.5), int(self.left * w + 0.5):int(self.right * w + 0.5)]
        face = F.adaptive_avg_pool2d(face, [self.input_size, self.input_size])
        return self.backbone(face)
