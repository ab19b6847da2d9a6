"""2-D convolution that keeps a single small image off PyTorch's slow CPU path.

For one image whose input has at most 20480 elements (a 3x3 kernel, no groups), PyTorch's CPU
backend chooses its im2col convolution for the forward and the backward pass instead of oneDNN;
on 2 cores that pair is ~15x slower for a 128-channel 8x8 map. PTI and stitching tuning run the
generator and LPIPS on exactly such inputs, one frame at a time. A zero second image makes the
batch two, which oneDNN takes: the first image's output and every gradient are unchanged (the
zero image contributes nothing to the weight gradient). GPUs and larger inputs are untouched.
"""
from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def conv2d(x: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: int = 1, padding: int = 0,
           groups: int = 1) -> Tensor:
    # 20480: PyTorch's own threshold (aten/src/ATen/native/ConvUtils.h, use_mkldnn); a larger single
    # input already goes to oneDNN.
    if x.shape[0] == 1 and groups == 1 and x.device.type == "cpu" and x.numel() <= 20480:
        pair = torch.cat([x, torch.zeros_like(x)])
        return F.conv2d(pair, weight, bias, stride, padding, 1, groups)[:1]
    return F.conv2d(x, weight, bias, stride, padding, 1, groups)


class Conv2d(nn.Conv2d):
    """``nn.Conv2d`` (same parameters and state-dict keys) through :func:`conv2d`: square stride and padding, no dilation."""

    def forward(self, x: Tensor) -> Tensor:
        return conv2d(x, self.weight, self.bias, self.stride[0], self.padding[0], self.groups)
