"""Joint training of the demo generator (StyleGAN2 architecture) and e4e encoder as an autoencoder.

No GAN: the encoder maps a crop to W+, the generator reconstructs it, and both learn from
L1 + MSE + a perceptual term. Small Gaussian noise on the codes keeps the generator well
behaved around the encoded codes, which latent edits and PTI's locality regulariser rely on.

At 64 px the mouth is a few pixels, so a plain pixel loss lets the codes drop the smile (the
first demo run's smile direction explained 27% of the label and moved nothing). Two terms keep
the editable attributes in the codes: the pixel losses weigh the regions where the attributes
show (``attribute_weight_map``, measured from the crops) more, and an attribute-consistency
term asks a frozen attribute scorer to read the same smile/age on the reconstruction as
on the input.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np
import torch
import torch.nn.functional as F

from ..arch.e4e import E4EConfig, E4EInference, Encoder4Editing
from ..arch.stylegan2 import Generator, StyleGAN2Config
from .crops import CropSet


def demo_generator_config(size: int = 64) -> StyleGAN2Config:
    channels = {4: 128, 8: 128, 16: 96, 32: 64, 64: 32, 128: 16, 256: 8}
    return StyleGAN2Config(size=size, style_dim=128, n_mlp=2,
                           channels={k: v for k, v in channels.items() if k <= size})


def demo_encoder_config(n_styles: int = 12, input_resolution: int = 64) -> E4EConfig:
    # Like the public e4e (256 input for a 1024 generator), the encoder sees a downscaled crop.
    return E4EConfig(stages=((8, 16, 1), (16, 32, 1), (32, 64, 1), (64, 64, 1)), stem_channels=8,
                     style_dim=128, n_styles=n_styles, input_resolution=input_resolution, se_reduction=8)


@dataclass
class AutoencoderOptions:
    steps: int = 800
    batch: int = 12
    lr_generator: float = 2e-3
    lr_encoder: float = 1e-3
    perceptual_weight: float = 0.2
    delta_weight: float = 1e-2      # e4e delta regulariser: keeps W+ near one shared base code
    code_noise: float = 0.1
    region_weight: float = 1.0      # extra pixel-loss weight where the attributes show (max of the map)
    attribute_weight: float = 2.0   # attribute-consistency term (needs a scorer)
    log_every: int = 50


def attribute_weight_map(data: CropSet, blur: int = 5) -> torch.Tensor:
    """[1, 1, R, R] in [0, 1]: where the crops of high and low attribute labels differ (the mouth
    for smile, hair and lines for age), the maximum over the attributes, blurred and normalised."""
    x = data.images()
    maps = []
    for column in range(data.attributes.shape[1]):
        labels = torch.from_numpy(data.attributes[:, column])
        high, low = labels > 0.7, labels < 0.3
        if int(high.sum()) == 0 or int(low.sum()) == 0:
            continue
        diff = (x[high].mean(0) - x[low].mean(0)).abs().sum(0, keepdim=True)
        maps.append(diff / diff.max().clamp_min(1e-8))
    if not maps:
        return torch.zeros(1, 1, *x.shape[-2:])
    region = torch.stack(maps).amax(0).unsqueeze(0)
    region = F.avg_pool2d(region, blur, stride=1, padding=blur // 2, count_include_pad=False)
    return region / region.max().clamp_min(1e-8)


def laplacian_pyramid_loss(a: torch.Tensor, b: torch.Tensor, levels: int = 4) -> torch.Tensor:
    """Perceptual term: L1 between Laplacian pyramids, each level weighted 2^level (the "Lap1"
    loss of Bojanowski et al., GLO, 2018). It rewards edges and detail that plain L1/MSE blur
    away, and needs no pretrained network, so it can train alongside the perception models.
    Returns a per-image loss [N]."""
    total = a.new_zeros(a.shape[0])
    for level in range(levels):
        if a.shape[-1] < 4:
            break
        a_down = F.avg_pool2d(a, 2)
        b_down = F.avg_pool2d(b, 2)
        a_band = a - F.interpolate(a_down, scale_factor=2.0, mode="bilinear", align_corners=False)
        b_band = b - F.interpolate(b_down, scale_factor=2.0, mode="bilinear", align_corners=False)
        total = total + (2.0 ** level) * (a_band - b_band).abs().flatten(1).mean(1)
        a, b = a_down, b_down
    return total + (2.0 ** levels) * (a - b).abs().flatten(1).mean(1)


def psnr(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Per-image PSNR in dB for images in [-1, 1] (peak-to-peak 2)."""
    mse = ((a.clamp(-1, 1) - b) ** 2).flatten(1).mean(1)
    return 10.0 * torch.log10(4.0 / mse.clamp_min(1e-10))


def new_models(size: int):
    generator = Generator(demo_generator_config(size))
    config = demo_encoder_config(generator.n_latent)
    encoder = E4EInference(Encoder4Editing(config), torch.zeros(generator.n_latent, config.style_dim),
                           config.input_resolution)
    return generator, encoder


def load_models(generator_path: str, encoder_path: str, size: int):
    """Eager copies of exported demo models (to continue training them)."""
    generator, encoder = new_models(size)
    generator.load_state_dict(torch.jit.load(generator_path).state_dict())
    encoder.load_state_dict(torch.jit.load(encoder_path).state_dict())
    return generator, encoder


def train_autoencoder(data: CropSet, options: AutoencoderOptions, seed: int,
                      perceptual: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = laplacian_pyramid_loss,
                      log=print, models=None, lr_scale: float = 1.0,
                      attributes: Optional[Callable[[torch.Tensor], torch.Tensor]] = None):
    """Returns (generator, encoder) trained on ``data``; both in eval mode.

    ``models`` continues training a (generator, encoder) pair; ``lr_scale`` scales both rates.
    ``attributes`` (a frozen scorer, crop -> [N, A] scores) adds the attribute-consistency term.
    """
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    size = data.crops.shape[1]
    generator, encoder = models if models is not None else new_models(size)
    opt_g = torch.optim.Adam(generator.parameters(), lr=options.lr_generator, betas=(0.0, 0.99))
    opt_e = torch.optim.Adam(encoder.parameters(), lr=options.lr_encoder, betas=(0.9, 0.99))
    generator.train()
    encoder.train()
    weights = 1.0 + options.region_weight * attribute_weight_map(data)
    weights = weights / weights.mean()
    if attributes is not None:
        for parameter in attributes.parameters():
            parameter.requires_grad_(False)
    start = time.time()
    for step in range(options.steps):
        # Cosine decay of both learning rates for a clean end point.
        scale = 0.5 * (1.0 + math.cos(math.pi * step / options.steps))
        for opt, lr in ((opt_g, options.lr_generator), (opt_e, options.lr_encoder)):
            for group in opt.param_groups:
                group["lr"] = lr_scale * lr * (0.05 + 0.95 * scale)
        index = rng.integers(0, len(data), options.batch)
        x = data.images(index)
        w = weights
        if rng.random() < 0.5:
            x = torch.flip(x, [3])
            w = torch.flip(weights, [3])
        codes = encoder(x)
        # Noise relative to the codes' spread, so the scale the encoder picks does not matter.
        spread = codes.detach().flatten(0, 1).std(0)
        noisy = codes + options.code_noise * spread * torch.randn_like(codes)
        y = generator(noisy)
        l1 = ((y - x).abs() * w).mean()
        mse = (((y - x) ** 2) * w).mean()
        deltas = ((codes[:, 1:] - codes[:, :1]) ** 2).mean() / (spread ** 2).mean()
        loss = l1 + mse + options.delta_weight * deltas + options.perceptual_weight * perceptual(y, x).mean()
        attr = torch.zeros(())
        if attributes is not None and options.attribute_weight > 0:
            with torch.no_grad():
                target = attributes(x)
            attr = ((attributes(y.clamp(-1, 1)) - target) ** 2).mean()
            loss = loss + options.attribute_weight * attr
        opt_g.zero_grad(set_to_none=True)
        opt_e.zero_grad(set_to_none=True)
        loss.backward()
        opt_g.step()
        opt_e.step()
        if step % options.log_every == 0 or step == options.steps - 1:
            with torch.no_grad():
                p = psnr(y, x).mean().item()
            log(f"autoencoder step {step}/{options.steps} loss {loss.item():.4f} l1 {l1.item():.4f} "
                f"psnr {p:.2f} dB attr {attr.item():.4f} ({time.time() - start:.0f} s)")
    return generator.eval(), encoder.eval()


@torch.no_grad()
def encode_all(encoder: torch.nn.Module, data: CropSet, batch: int = 64) -> torch.Tensor:
    """W+ codes [N, L, D] of every crop."""
    out = [encoder(data.images(slice(i, i + batch))) for i in range(0, len(data), batch)]
    return torch.cat(out)


def finish_encoder(model: E4EInference, latent_avg: torch.Tensor) -> E4EInference:
    """Moves the average code out of the style heads into ``latent_avg``; outputs are unchanged.

    The exported e4e contract adds the average latent inside ``forward``, like the public e4e.
    """
    encoder = model.encoder
    # Only the change of the average moves between the heads and the buffer.
    avg = latent_avg.reshape(encoder.n_styles, -1) - model.latent_avg
    with torch.no_grad():
        model.latent_avg.add_(avg)
        # w_0 = style_0(c); w_i = w_0 + style_i(f): subtract avg_0 from head 0, (avg_i - avg_0) from head i.
        encoder.styles[0].linear.bias -= avg[0] / encoder.styles[0].linear.lr_mul
        for i in range(1, encoder.n_styles):
            encoder.styles[i].linear.bias -= (avg[i] - avg[0]) / encoder.styles[i].linear.lr_mul
    return model.eval()
