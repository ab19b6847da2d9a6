"""`convert.py interfacegan BOUNDARY.npy OUT.npy --name smile`: an edit direction file -> directions entry.

Accepts InterFaceGAN boundaries (float32 [1, D], unit norm) and the STIT reference files
(float64 [L, D], identical rows); writes float32 with the same shape.
"""
import argparse

import numpy as np


class DirectionError(ValueError):
    """The file is not a latent direction."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--default-step", type=float, default=1.5, help="step used when an edit gives no amount")
    parser.add_argument("--attribute", default=None, help="attribute the edit changes (default: --name)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply the direction (0.5 reproduces STIT's factor/2 convention)")


def convert(args: argparse.Namespace) -> dict:
    try:
        d = np.load(args.checkpoint, allow_pickle=False)
    except ValueError as e:
        raise DirectionError(f"{args.checkpoint}: not a plain .npy array ({e})") from e
    if d.ndim == 1:
        d = d[None, :]
    if d.ndim != 2 or not np.all(np.isfinite(d)) or not np.any(d):
        raise DirectionError(f"{args.checkpoint}: expected a finite non-zero [1, D] or [L, D] array, got {d.shape}")
    d = (d * args.scale).astype(np.float32)
    with open(args.output, "wb") as f:
        np.save(f, d)
    return {"shape": list(d.shape), "default_step": args.default_step, "attribute": args.attribute or args.name}
