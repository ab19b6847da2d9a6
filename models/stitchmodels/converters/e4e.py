"""`convert.py e4e CKPT OUT.pt`: e4e encoder checkpoint (``state_dict`` with ``encoder.*``, ``latent_avg``) -> encoder contract.

Depth and style count are read from the checkpoint (``opts`` when present, shapes otherwise):
the public FFHQ e4e is IR-SE50 with 18 styles at 256 input.
"""
import argparse
import re
from typing import Dict

import torch

from ..arch.e4e import E4EConfig, E4EInference, Encoder4Editing
from .checkpoints import CheckpointMismatch, load_exact


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input-resolution", type=int, default=256, help="the encoder's input size (e4e: 256)")


def infer_config(state: Dict[str, torch.Tensor], input_resolution: int) -> E4EConfig:
    """Stages are the runs of body units between channel changes. Strides leave no trace in a
    state dict, so every stage after the first must change the channel count (true of IR-SE50
    and IR-SE100, the e4e/pSp backbones)."""
    units = sorted({int(m.group(1)) for k in state if (m := re.match(r"body\.(\d+)\.", k))})
    if not units or "input_layer.0.weight" not in state:
        raise CheckpointMismatch("not an e4e encoder state dict (no input_layer / body.* keys)")
    stages = []
    for u in units:
        w = state[f"body.{u}.res_layer.1.weight"]
        depth, in_channel = w.shape[0], w.shape[1]
        projects = f"body.{u}.shortcut_layer.0.weight" in state
        if not stages or projects:
            stages.append([in_channel, depth, 1])
        else:
            stages[-1][2] += 1
    n_styles = len({int(m.group(1)) for k in state if (m := re.match(r"styles\.(\d+)\.", k))})
    style_dim = state["styles.0.linear.weight"].shape[0]
    se = state["body.0.res_layer.5.fc1.weight"]
    return E4EConfig(stages=tuple(tuple(s) for s in stages), stem_channels=state["input_layer.0.weight"].shape[0],
                     style_dim=style_dim, n_styles=n_styles, input_resolution=input_resolution,
                     se_reduction=se.shape[1] // se.shape[0])


def build_encoder(state: Dict[str, torch.Tensor], latent_avg: torch.Tensor, source: str,
                  input_resolution: int) -> E4EInference:
    config = infer_config(state, input_resolution)
    encoder = Encoder4Editing(config)
    load_exact(encoder, state, source)
    return E4EInference(encoder.eval(), latent_avg, input_resolution)


def convert(args: argparse.Namespace) -> dict:
    ckpt = torch.load(args.checkpoint, map_location="cpu")
    if not isinstance(ckpt, dict) or "state_dict" not in ckpt:
        raise CheckpointMismatch(f"{args.checkpoint}: expected an e4e checkpoint with 'state_dict'")
    state = {k[len("encoder."):]: v for k, v in ckpt["state_dict"].items() if k.startswith("encoder.")}
    if "latent_avg" not in ckpt:
        raise CheckpointMismatch(f"{args.checkpoint}: no 'latent_avg' (e4e adds it to every code)")
    model = build_encoder(state, ckpt["latent_avg"], args.checkpoint, args.input_resolution)
    torch.jit.script(model.eval()).save(args.output)
    n, d = model.latent_avg.shape
    return {"input_resolution": args.input_resolution, "latent_layers": n, "latent_dim": d}
