"""`convert.py stylegan2 CKPT OUT.pt`: StyleGAN2 generator (rosinality layout, ``g_ema``) -> generator contract.

The architecture (size, style_dim, mapping depth, channel plan) is read from the checkpoint's
shapes, so FFHQ 1024 config-f and other resolutions convert without options.
"""
import argparse
import re
from typing import Dict

import torch

from ..arch.stylegan2 import Generator, StyleGAN2Config, make_kernel, script_generator
from .checkpoints import CheckpointMismatch, load_exact


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--key", default="g_ema", help="checkpoint entry holding the generator (g_ema, or g)")
    parser.add_argument("--prefix", default="",
                        help="key prefix to strip and select, e.g. 'decoder.' with --key state_dict to take the "
                             "generator out of an e4e/pSp checkpoint")
    parser.add_argument("--lr-mlp", type=float, default=0.01,
                        help="mapping network learning-rate multiplier the checkpoint was trained with")
    parser.add_argument("--mean-samples", type=int, default=10000,
                        help="z samples averaged for latent_avg when the checkpoint has none")


def infer_config(state: Dict[str, torch.Tensor], lr_mlp: float = 0.01) -> StyleGAN2Config:
    """The generator configuration whose parameter shapes are those of ``state``."""
    try:
        style_dim = state["style.1.weight"].shape[1]
        n_mlp = len([k for k in state if re.fullmatch(r"style\.\d+\.weight", k)])
        log_size = len([k for k in state if re.fullmatch(r"to_rgbs\.\d+\.conv\.weight", k)]) + 2
        channels = {4: state["input.input"].shape[1]}
        for i in range(3, log_size + 1):
            channels[2 ** i] = state[f"convs.{2 * (i - 3)}.conv.weight"].shape[1]
    except KeyError as e:
        raise CheckpointMismatch(f"not a StyleGAN2 generator state dict (rosinality layout): missing {e}") from e
    return StyleGAN2Config(size=2 ** log_size, style_dim=style_dim, n_mlp=n_mlp, channels=channels, lr_mlp=lr_mlp)


def build_generator(state: Dict[str, torch.Tensor], latent_avg, source: str, lr_mlp: float = 0.01,
                    mean_samples: int = 10000) -> Generator:
    config = infer_config(state, lr_mlp)
    generator = Generator(config)
    if "convs.0.conv.blur.kernel" in state:
        expected = make_kernel(config.blur_kernel) * 4
        if not torch.allclose(state["convs.0.conv.blur.kernel"].float(), expected):
            raise CheckpointMismatch(f"{source}: blur kernel differs from {list(config.blur_kernel)}")
    state = dict(state)
    with torch.no_grad():
        if latent_avg is None:
            generator.load_state_dict({**generator.state_dict(), **state}, strict=True)
            latent_avg = generator.mapping(torch.randn(mean_samples, config.style_dim,
                                                       generator=torch.Generator().manual_seed(0))).mean(0)
        # e4e/pSp store latent_avg repeated per W+ layer ([18, 512]); rosinality stores [512].
        state["latent_avg"] = torch.as_tensor(latent_avg).float().reshape(-1, config.style_dim).mean(0)
    load_exact(generator, state, source)
    return generator


def entry_for(generator: Generator) -> dict:
    return {"resolution": generator.size, "latent_layers": generator.n_latent,
            "latent_dim": generator.style_dim, "z_dim": generator.style_dim}


def convert(args: argparse.Namespace) -> dict:
    ckpt = torch.load(args.checkpoint, map_location="cpu")
    if not isinstance(ckpt, dict) or args.key not in ckpt:
        found = sorted(ckpt)[:10] if isinstance(ckpt, dict) else type(ckpt).__name__
        raise CheckpointMismatch(f"{args.checkpoint}: no '{args.key}' entry (found {found})")
    state = ckpt[args.key]
    if args.prefix:
        state = {k[len(args.prefix):]: v for k, v in state.items() if k.startswith(args.prefix)}
    generator = build_generator(state, ckpt.get("latent_avg"), args.checkpoint, args.lr_mlp, args.mean_samples)
    script_generator(generator).save(args.output)
    return entry_for(generator)
