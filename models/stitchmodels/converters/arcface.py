"""`convert.py arcface CKPT OUT.pt`: InsightFace IR-SE50 (`model_ir_se50.pth`) -> identity contract.

The exported module cuts the face box that pSp/e4e's ID loss uses and pools it to 112, so any
aligned crop size works and scores follow the paper's TL-ID/TG-ID setup.
"""
import argparse

from ..arch.arcface import PSP_FACE_BOX, IRSE, IdentityExport
from .checkpoints import export, load_exact, read_state_dict

EMBEDDING = 512
INPUT_SIZE = 112


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input-resolution", type=int, default=256,
                        help="aligned crop size callers pass (the module accepts any; pSp resizes to 256)")


def convert(args: argparse.Namespace) -> dict:
    state = read_state_dict(args.checkpoint)
    backbone = IRSE(embedding=EMBEDDING, input_size=INPUT_SIZE)
    load_exact(backbone, state, args.checkpoint)
    export(IdentityExport(backbone, INPUT_SIZE, PSP_FACE_BOX), args.output)
    return {"input_resolution": args.input_resolution, "embedding_dim": EMBEDDING}
