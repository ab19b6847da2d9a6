"""`convert.py lpips LIN_WEIGHTS OUT.pt --vgg VGG16`: LPIPS-VGG -> perceptual contract.

LPIPS ships only its linear heads (`weights/v0.1/vgg.pth`: `lin0..lin4.model.1.weight`); the
feature network is torchvision's ImageNet VGG16 (`vgg16-397923af.pth`: `features.*`, the
`classifier.*` keys are ignored).
"""
import argparse

from ..arch.lpips import LPIPS
from .checkpoints import CheckpointMismatch, export, load_exact, read_state_dict


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--vgg", required=True, help="torchvision VGG16 state dict (features.* keys)")


def convert(args: argparse.Namespace) -> dict:
    lins = read_state_dict(args.checkpoint)
    vgg = read_state_dict(args.vgg)
    features = {k: v for k, v in vgg.items() if k.startswith("features.")}
    if not features:
        raise CheckpointMismatch(f"{args.vgg}: no 'features.*' keys; expected a torchvision VGG16 state dict")
    model = LPIPS()
    state = dict(model.state_dict())  # keeps the fixed scaling-layer constants
    state.update(features)
    state.update(lins)
    load_exact(model, state, f"{args.checkpoint} + {args.vgg}")
    export(model, args.output)
    return {"variant": "lpips-vgg"}
