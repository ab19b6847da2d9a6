"""StyleGAN2 generator in the common PyTorch checkpoint layout (rosinality/stylegan2-pytorch).

Parameter and buffer names and shapes match that layout exactly (``style.*``, ``input.input``,
``conv1``, ``to_rgb1``, ``convs.*``, ``to_rgbs.*``, ``noises.noise_*``), so a ``g_ema`` state dict
loads unchanged. The custom CUDA ops of the original (fused leaky ReLU, upfirdn2d) are replaced by
plain torch code, and the modulated convolution scales activations instead of building one weight
per sample: mathematically the same, and much faster on CPU because the convolution stays a
normal batched one. The module scripts with TorchScript and keeps real parameters, so C++
libtorch can fine-tune it after ``torch.jit.load`` (PTI).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .cpu_conv import conv2d

# FFHQ config-f channel plan (channel_multiplier 2), keyed by resolution.
CONFIG_F_CHANNELS: Dict[int, int] = {
    4: 512, 8: 512, 16: 512, 32: 512, 64: 512, 128: 256, 256: 128, 512: 64, 1024: 32,
}


@dataclass(frozen=True)
class StyleGAN2Config:
    size: int = 1024
    style_dim: int = 512
    n_mlp: int = 8
    channels: Dict[int, int] = field(default_factory=lambda: dict(CONFIG_F_CHANNELS))
    lr_mlp: float = 0.01
    blur_kernel: tuple = (1, 3, 3, 1)

    @property
    def log_size(self) -> int:
        return int(math.log2(self.size))

    @property
    def n_latent(self) -> int:
        return self.log_size * 2 - 2

    def to_dict(self) -> dict:
        return {"size": self.size, "style_dim": self.style_dim, "n_mlp": self.n_mlp,
                "channels": {str(k): v for k, v in self.channels.items()},
                "lr_mlp": self.lr_mlp, "blur_kernel": list(self.blur_kernel)}

    @staticmethod
    def from_dict(d: dict) -> "StyleGAN2Config":
        return StyleGAN2Config(size=int(d["size"]), style_dim=int(d["style_dim"]), n_mlp=int(d["n_mlp"]),
                               channels={int(k): int(v) for k, v in d["channels"].items()},
                               lr_mlp=float(d.get("lr_mlp", 0.01)),
                               blur_kernel=tuple(d.get("blur_kernel", (1, 3, 3, 1))))


def config_f(size: int = 1024, style_dim: int = 512, n_mlp: int = 8) -> StyleGAN2Config:
    """The official FFHQ configuration (channel multiplier 2)."""
    return StyleGAN2Config(size=size, style_dim=style_dim, n_mlp=n_mlp,
                           channels={k: v for k, v in CONFIG_F_CHANNELS.items() if k <= size})


def make_kernel(k) -> Tensor:
    k = torch.tensor(k, dtype=torch.float32)
    if k.ndim == 1:
        k = k[None, :] * k[:, None]
    return k / k.sum()


def transposed_conv3x3_stride2(x: Tensor, weight: Tensor) -> Tensor:
    """``conv_transpose2d(x, weight.transpose(0, 1), stride=2)`` for a 3x3 ``weight`` [out, in, 3, 3].

    Computed as four sub-pixel convolutions (one per output phase), which oneDNN runs fast,
    instead of PyTorch's slow CPU transposed convolution. The result is [N, out, 2H+2, 2W+2]:
    the exact 2H+1 x 2W+1 output plus one trailing row and column of zeros.
    """
    n, _, h, w = x.shape
    rows2 = weight[:, :, [2, 0]]                      # even output rows: taps 2 and 0
    even_even = conv2d(F.pad(x, [1, 1, 1, 1]), rows2[:, :, :, [2, 0]])            # [H+1, W+1]
    even_odd = conv2d(F.pad(x, [0, 0, 1, 1]), rows2[:, :, :, 1:2])               # [H+1, W]
    odd_even = conv2d(F.pad(x, [1, 1, 0, 0]), weight[:, :, 1:2][:, :, :, [2, 0]])  # [H, W+1]
    odd_odd = conv2d(x, weight[:, :, 1:2, 1:2])                                  # [H, W]
    even_odd = F.pad(even_odd, [0, 1, 0, 0])
    odd_even = F.pad(odd_even, [0, 0, 0, 1])
    odd_odd = F.pad(odd_odd, [0, 1, 0, 1])
    even = torch.stack([even_even, even_odd], dim=-1)   # [N, C, H+1, W+1, 2]
    odd = torch.stack([odd_even, odd_odd], dim=-1)
    out = torch.stack([even, odd], dim=3)               # [N, C, H+1, 2, W+1, 2]
    return out.reshape(n, weight.shape[0], 2 * h + 2, 2 * w + 2)


def upfirdn2d(x: Tensor, kernel: Tensor, up: int, pad0: int, pad1: int) -> Tensor:
    """Zero-insert upsampling by ``up``, pad, then FIR filter each channel (no downsampling)."""
    n, c, h, w = x.shape
    if up > 1:
        x = x.reshape(n, c, h, 1, w, 1)
        x = F.pad(x, [0, up - 1, 0, 0, 0, up - 1])
        x = x.reshape(n, c, h * up, w * up)
    x = F.pad(x, [pad0, pad1, pad0, pad1])
    kh, kw = kernel.shape
    weight = torch.flip(kernel, [0, 1]).reshape(1, 1, kh, kw).expand(c, 1, kh, kw)
    return F.conv2d(x, weight, groups=c)


class PixelNorm(nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        return x * torch.rsqrt(torch.mean(x * x, dim=1, keepdim=True) + 1e-8)


class EqualLinear(nn.Module):
    """Linear layer with equalised learning rate; ``activation`` applies the scaled leaky ReLU."""

    def __init__(self, in_dim: int, out_dim: int, bias: bool = True, bias_init: float = 0.0,
                 lr_mul: float = 1.0, activation: bool = False):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_dim, in_dim).div_(lr_mul))
        self.bias = nn.Parameter(torch.full((out_dim,), float(bias_init)))
        self.scale = (1.0 / math.sqrt(in_dim)) * lr_mul
        self.lr_mul = lr_mul
        self.activation = activation

    def forward(self, x: Tensor) -> Tensor:
        out = F.linear(x, self.weight * self.scale)
        out = out + self.bias * self.lr_mul
        if self.activation:
            out = F.leaky_relu(out, 0.2) * math.sqrt(2.0)
        return out


class FusedLeakyReLU(nn.Module):
    """Bias + leaky ReLU(0.2) scaled by sqrt(2): the plain-torch form of the fused CUDA op."""

    def __init__(self, channels: int):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x: Tensor) -> Tensor:
        return F.leaky_relu(x + self.bias.view(1, -1, 1, 1), 0.2) * math.sqrt(2.0)


class Blur(nn.Module):
    def __init__(self, kernel, pad0: int, pad1: int, upsample_factor: int = 1):
        super().__init__()
        k = make_kernel(kernel)
        if upsample_factor > 1:
            k = k * (upsample_factor ** 2)
        self.register_buffer("kernel", k)
        self.pad0 = pad0
        self.pad1 = pad1

    def forward(self, x: Tensor) -> Tensor:
        return upfirdn2d(x, self.kernel, 1, self.pad0, self.pad1)


class Upsample(nn.Module):
    def __init__(self, kernel, factor: int = 2):
        super().__init__()
        self.register_buffer("kernel", make_kernel(kernel) * (factor ** 2))
        self.factor = factor
        p = self.kernel.shape[0] - factor
        self.pad0 = (p + 1) // 2 + factor - 1
        self.pad1 = p // 2

    def forward(self, x: Tensor) -> Tensor:
        return upfirdn2d(x, self.kernel, self.factor, self.pad0, self.pad1)


class ModulatedConv2d(nn.Module):
    # Constants, so TorchScript compiles only the branch a given layer uses.
    __constants__ = ["upsample", "demodulate"]

    def __init__(self, in_channel: int, out_channel: int, kernel_size: int, style_dim: int,
                 demodulate: bool = True, upsample: bool = False, blur_kernel=(1, 3, 3, 1)):
        super().__init__()
        self.in_channel = in_channel
        self.out_channel = out_channel
        self.kernel_size = kernel_size
        self.upsample = upsample
        self.demodulate = demodulate
        if upsample:
            if kernel_size != 3:
                raise ValueError("upsampling modulated convolutions are 3x3 in StyleGAN2")
            factor = 2
            p = (len(blur_kernel) - factor) - (kernel_size - 1)
            self.blur = Blur(blur_kernel, (p + 1) // 2 + factor - 1, p // 2 + 1, upsample_factor=factor)
        else:
            self.blur = nn.Identity()
        self.scale = 1.0 / math.sqrt(in_channel * kernel_size ** 2)
        self.padding = kernel_size // 2
        self.weight = nn.Parameter(torch.randn(1, out_channel, in_channel, kernel_size, kernel_size))
        self.modulation = EqualLinear(style_dim, in_channel, bias_init=1.0)

    def forward(self, x: Tensor, style: Tensor) -> Tensor:
        batch = x.shape[0]
        s = self.modulation(style)                                  # [N, in]
        weight = self.weight[0] * self.scale                        # [out, in, k, k]
        # Scaling the input by s equals convolving with per-sample weights w * s.
        x = x * s.view(batch, self.in_channel, 1, 1)
        if self.upsample:
            # The transposed conv's extra zero row/column stands in for one row of the blur's padding.
            x = transposed_conv3x3_stride2(x, weight)
            x = upfirdn2d(x, self.blur.kernel, 1, self.blur.pad0, self.blur.pad1 - 1)
        else:
            x = conv2d(x, weight, padding=self.padding)
        if self.demodulate:
            w2 = weight.pow(2).sum(dim=[2, 3])                      # [out, in]
            demod = torch.rsqrt(F.linear(s * s, w2) + 1e-8)         # [N, out]
            x = x * demod.view(batch, self.out_channel, 1, 1)
        return x


class NoiseInjection(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(1))

    def forward(self, x: Tensor, noise: Tensor) -> Tensor:
        return x + self.weight * noise


class ConstantInput(nn.Module):
    def __init__(self, channel: int, size: int = 4):
        super().__init__()
        self.input = nn.Parameter(torch.randn(1, channel, size, size))

    def forward(self, batch: int) -> Tensor:
        return self.input.expand(batch, -1, -1, -1)


class StyledConv(nn.Module):
    def __init__(self, in_channel: int, out_channel: int, kernel_size: int, style_dim: int,
                 upsample: bool = False, blur_kernel=(1, 3, 3, 1)):
        super().__init__()
        self.conv = ModulatedConv2d(in_channel, out_channel, kernel_size, style_dim,
                                    upsample=upsample, blur_kernel=blur_kernel)
        self.noise = NoiseInjection()
        self.activate = FusedLeakyReLU(out_channel)

    def forward(self, x: Tensor, style: Tensor, noise: Tensor) -> Tensor:
        return self.activate(self.noise(self.conv(x, style), noise))


class ToRGB(nn.Module):
    def __init__(self, in_channel: int, style_dim: int, upsample: bool = True, blur_kernel=(1, 3, 3, 1)):
        super().__init__()
        self.has_upsample = upsample
        self.upsample = Upsample(blur_kernel) if upsample else nn.Identity()
        self.conv = ModulatedConv2d(in_channel, 3, 1, style_dim, demodulate=False)
        self.bias = nn.Parameter(torch.zeros(1, 3, 1, 1))

    def forward(self, x: Tensor, style: Tensor, skip: Optional[Tensor]) -> Tensor:
        out = self.conv(x, style) + self.bias
        if skip is not None:
            out = out + self.upsample(skip)
        return out


@torch.jit.interface
class StyledConvInterface(nn.Module):
    def forward(self, x: Tensor, style: Tensor, noise: Tensor) -> Tensor:
        pass


@torch.jit.interface
class ToRGBInterface(nn.Module):
    def forward(self, x: Tensor, style: Tensor, skip: Optional[Tensor]) -> Tensor:
        pass


class NoiseBuffers(nn.Module):
    """Holds ``noise_0..noise_{L-1}`` as buffers (the checkpoint layout) and hands them out as a list."""

    def __init__(self, log_size: int):
        super().__init__()
        self.count = (log_size - 2) * 2 + 1
        for layer_idx in range(self.count):
            res = 2 ** ((layer_idx + 5) // 2)
            self.register_buffer(f"noise_{layer_idx}", torch.randn(1, 1, res, res))

    @torch.jit.ignore
    def as_list(self) -> List[Tensor]:
        return [getattr(self, f"noise_{i}") for i in range(self.count)]


class Generator(nn.Module):
    """StyleGAN2 synthesis + mapping. ``forward(w_plus [N, n_latent, D]) -> [N, 3, size, size]``."""

    def __init__(self, config: StyleGAN2Config):
        super().__init__()
        self.size = config.size
        self.style_dim = config.style_dim
        self.log_size = config.log_size
        self.n_latent = config.n_latent
        self.num_layers = (self.log_size - 2) * 2 + 1
        ch = config.channels
        bk = config.blur_kernel

        layers: List[nn.Module] = [PixelNorm()]
        for _ in range(config.n_mlp):
            layers.append(EqualLinear(config.style_dim, config.style_dim, lr_mul=config.lr_mlp, activation=True))
        self.style = nn.Sequential(*layers)

        self.input = ConstantInput(ch[4])
        self.conv1 = StyledConv(ch[4], ch[4], 3, config.style_dim, blur_kernel=bk)
        self.to_rgb1 = ToRGB(ch[4], config.style_dim, upsample=False)

        self.convs = nn.ModuleList()
        self.to_rgbs = nn.ModuleList()
        in_channel = ch[4]
        for i in range(3, self.log_size + 1):
            out_channel = ch[2 ** i]
            self.convs.append(StyledConv(in_channel, out_channel, 3, config.style_dim, upsample=True, blur_kernel=bk))
            self.convs.append(StyledConv(out_channel, out_channel, 3, config.style_dim, blur_kernel=bk))
            self.to_rgbs.append(ToRGB(out_channel, config.style_dim, blur_kernel=bk))
            in_channel = out_channel
        self.noises = NoiseBuffers(self.log_size)
        # The checkpoint's top-level ``latent_avg`` (mean of mapping(z)), for truncation.
        self.register_buffer("latent_avg", torch.zeros(config.style_dim))
        # Same tensors as the ``noises`` buffers (not copies), as a list TorchScript can index.
        self.noise_list: List[Tensor] = self.noises.as_list()

    def _apply(self, fn):
        # Keep ``noise_list`` pointing at the buffers after .to()/.float() replace them.
        result = super()._apply(fn)
        self.noise_list = self.noises.as_list()
        return result

    @torch.jit.export
    def mapping(self, z: Tensor) -> Tensor:
        """z [N, D] ~ N(0, 1) -> w [N, D]."""
        return self.style(z)

    @torch.jit.export
    def mean_latent(self) -> Tensor:
        """Average of mapping(z) [1, D] (the truncation centre)."""
        return self.latent_avg.unsqueeze(0)

    def forward(self, w_plus: Tensor) -> Tensor:
        if w_plus.dim() != 3 or w_plus.shape[1] != self.n_latent or w_plus.shape[2] != self.style_dim:
            raise ValueError(f"generator expects W+ [N, {self.n_latent}, {self.style_dim}]")
        noise = self.noise_list
        out = self.input(w_plus.shape[0])
        out = self.conv1(out, w_plus[:, 0], noise[0])
        skip = self.to_rgb1(out, w_plus[:, 1], None)
        for i, to_rgb in enumerate(self.to_rgbs):
            up: StyledConvInterface = self.convs[2 * i]
            same: StyledConvInterface = self.convs[2 * i + 1]
            out = up.forward(out, w_plus[:, 2 * i + 1], noise[2 * i + 1])
            out = same.forward(out, w_plus[:, 2 * i + 2], noise[2 * i + 2])
            skip = to_rgb(out, w_plus[:, 2 * i + 3], skip)
        return skip


def script_generator(generator: Generator) -> torch.jit.ScriptModule:
    """TorchScript with live parameters (not frozen), so libtorch can fine-tune it."""
    generator = generator.eval()
    return torch.jit.script(generator)
