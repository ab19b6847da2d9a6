"""`convert.py bisenet CKPT OUT.pt`: BiSeNet face parsing (zllrunning `79999_iter.pth`) -> segmenter contract."""
import argparse

from ..arch.bisenet import CLASSES, FACE_CLASSES, BiSeNet, SegmenterExport
from .checkpoints import export, load_exact, read_state_dict


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input-resolution", type=int, default=512,
                        help="crop size the segmenter runs at (the checkpoint was trained at 512)")


def convert(args: argparse.Namespace) -> dict:
    state = read_state_dict(args.checkpoint)
    net = BiSeNet(CLASSES, base=64, stem_pool=True)
    load_exact(net, state, args.checkpoint)
    export(SegmenterExport(net), args.output)
    return {"input_resolution": args.input_resolution, "classes": CLASSES, "face_classes": list(FACE_CLASSES)}
