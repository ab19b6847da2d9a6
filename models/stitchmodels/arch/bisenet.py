"""BiSeNet face parser with the module names of the public 19-class checkpoint.

The layout follows zllrunning/face-parsing.PyTorch (`79999_iter.pth`): a ResNet18 context path
(`cp.resnet.*`), attention refinement (`cp.arm16`, `cp.arm32`), heads (`cp.conv_head16/32`,
`cp.conv_avg`), the feature fusion module (`ffm.*`) and three output heads (`conv_out`,
`conv_out16`, `conv_out32`). `base` scales every width (64 = the real checkpoint) so the demo
can use a narrow copy of the same network.
"""
from typing import List, Tuple

import torch
import torch.nn.functional as F
from torch import nn

CLASSES = 19
# Face mask = every class except background (0), cloth (16) and hat (18); STIT-NOTES "Stitching tuning".
FACE_CLASSES = [c for c in range(CLASSES) if c not in (0, 16, 18)]
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


class ConvBNReLU(nn.Module):
    def __init__(self, in_chan: int, out_chan: int, ks: int = 3, stride: int = 1, padding: int = 1):
        super().__init__()
        self.conv = nn.Conv2d(in_chan, out_chan, ks, stride, padding, bias=False)
        self.bn = nn.BatchNorm2d(out_chan)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class BasicBlock(nn.Module):
    def __init__(self, in_chan: int, out_chan: int, stride: int = 1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_chan, out_chan, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_chan)
        self.conv2 = nn.Conv2d(out_chan, out_chan, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_chan)
        self.downsample = None
        if in_chan != out_chan or stride != 1:
            self.downsample = nn.Sequential(
                nn.Conv2d(in_chan, out_chan, 1, stride, bias=False), nn.BatchNorm2d(out_chan))

    def forward(self, x):
        residual = F.relu(self.bn1(self.conv1(x)))
        residual = self.bn2(self.conv2(residual))
        shortcut = x
        if self.downsample is not None:
            shortcut = self.downsample(x)
        return F.relu(shortcut + residual)


def _layer(in_chan: int, out_chan: int, stride: int) -> nn.Sequential:
    return nn.Sequential(BasicBlock(in_chan, out_chan, stride), BasicBlock(out_chan, out_chan, 1))


class Resnet18(nn.Module):
    """ResNet18 returning the stride-8, 16 and 32 feature maps (relative to a pooled stem)."""

    def __init__(self, base: int = 64, stem_pool: bool = True):
        super().__init__()
        self.conv1 = nn.Conv2d(3, base, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(base)
        # The demo drops the stem max-pool: at 128 px input it keeps 1/4-resolution features,
        # which the small crops need for clean mask edges. It has no weights, so keys match.
        self.stem_pool = stem_pool
        self.layer1 = _layer(base, base, 1)
        self.layer2 = _layer(base, base * 2, 2)
        self.layer3 = _layer(base * 2, base * 4, 2)
        self.layer4 = _layer(base * 4, base * 8, 2)

    def forward(self, x) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x = F.relu(self.bn1(self.conv1(x)))
        if self.stem_pool:
            x = F.max_pool2d(x, 3, 2, 1)
        x = self.layer1(x)
        feat8 = self.layer2(x)
        feat16 = self.layer3(feat8)
        feat32 = self.layer4(feat16)
        return feat8, feat16, feat32


class AttentionRefinementModule(nn.Module):
    def __init__(self, in_chan: int, out_chan: int):
        super().__init__()
        self.conv = ConvBNReLU(in_chan, out_chan)
        self.conv_atten = nn.Conv2d(out_chan, out_chan, 1, bias=False)
        self.bn_atten = nn.BatchNorm2d(out_chan)

    def forward(self, x):
        feat = self.conv(x)
        atten = torch.sigmoid(self.bn_atten(self.conv_atten(feat.mean(dim=(2, 3), keepdim=True))))
        return feat * atten


class ContextPath(nn.Module):
    def __init__(self, base: int, stem_pool: bool):
        super().__init__()
        head = base * 2
        self.resnet = Resnet18(base, stem_pool)
        self.arm16 = AttentionRefinementModule(base * 4, head)
        self.arm32 = AttentionRefinementModule(base * 8, head)
        self.conv_head32 = ConvBNReLU(head, head)
        self.conv_head16 = ConvBNReLU(head, head)
        self.conv_avg = ConvBNReLU(base * 8, head, ks=1, padding=0)

    def forward(self, x) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        feat8, feat16, feat32 = self.resnet(x)
        avg = self.conv_avg(feat32.mean(dim=(2, 3), keepdim=True))
        feat32_sum = self.arm32(feat32) + avg  # broadcasting equals the reference's nearest upsample of a 1x1 map
        feat32_up = self.conv_head32(F.interpolate(feat32_sum, size=_hw(feat16), mode="nearest"))
        feat16_sum = self.arm16(feat16) + feat32_up
        feat16_up = self.conv_head16(F.interpolate(feat16_sum, size=_hw(feat8), mode="nearest"))
        return feat8, feat16_up, feat32_up


class FeatureFusionModule(nn.Module):
    def __init__(self, in_chan: int, out_chan: int):
        super().__init__()
        self.convblk = ConvBNReLU(in_chan, out_chan, ks=1, padding=0)
        self.conv1 = nn.Conv2d(out_chan, out_chan // 4, 1, bias=False)
        self.conv2 = nn.Conv2d(out_chan // 4, out_chan, 1, bias=False)

    def forward(self, fsp, fcp):
        feat = self.convblk(torch.cat([fsp, fcp], dim=1))
        atten = torch.sigmoid(self.conv2(F.relu(self.conv1(feat.mean(dim=(2, 3), keepdim=True)))))
        return feat * atten + feat


class BiSeNetOutput(nn.Module):
    def __init__(self, in_chan: int, mid_chan: int, n_classes: int):
        super().__init__()
        self.conv = ConvBNReLU(in_chan, mid_chan)
        self.conv_out = nn.Conv2d(mid_chan, n_classes, 1, bias=False)

    def forward(self, x):
        return self.conv_out(self.conv(x))


class BiSeNet(nn.Module):
    """`forward` gives the main logits at input size; `forward_with_aux` is for training."""

    def __init__(self, n_classes: int = CLASSES, base: int = 64, stem_pool: bool = True):
        super().__init__()
        self.cp = ContextPath(base, stem_pool)
        self.ffm = FeatureFusionModule(base * 4, base * 4)
        self.conv_out = BiSeNetOutput(base * 4, base * 4, n_classes)
        self.conv_out16 = BiSeNetOutput(base * 2, base, n_classes)
        self.conv_out32 = BiSeNetOutput(base * 2, base, n_classes)

    def forward(self, x):
        feat_res8, feat_cp8, _ = self.cp(x)
        out = self.conv_out(self.ffm(feat_res8, feat_cp8))
        return F.interpolate(out, size=_hw(x), mode="bilinear", align_corners=True)

    def forward_with_aux(self, x) -> List[torch.Tensor]:
        """Main and the two auxiliary logits at their feature resolution (1/8, 1/8, 1/16 of the stem).

        Left small so a trainer can pick the resolution its loss needs.
        """
        feat_res8, feat_cp8, feat_cp16 = self.cp(x)
        return [self.conv_out(self.ffm(feat_res8, feat_cp8)), self.conv_out16(feat_cp8), self.conv_out32(feat_cp16)]


class SegmenterExport(nn.Module):
    """The segmenter contract: crop [N,3,S,S] in [-1,1] -> logits [N,C,S,S].

    The checkpoint expects ImageNet-normalised RGB in [0,1], so the conversion happens here, once,
    instead of in every caller.
    """

    def __init__(self, net: BiSeNet):
        super().__init__()
        self.net = net
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1))

    def forward(self, x):
        return self.net(((x + 1.0) * 0.5 - self.mean) / self.std)


def _hw(x: torch.Tensor) -> List[int]:
    return [x.shape[2], x.shape[3]]
