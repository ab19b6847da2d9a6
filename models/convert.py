#!/usr/bin/env python3
"""Convert a public checkpoint into our TorchScript contract and register it in a manifest.

    /usr/bin/python3 models/convert.py KIND CHECKPOINT OUTPUT [--manifest models/manifest.json] [--name NAME] [...]

KIND selects ``stitchmodels.converters.<kind>``; each converter adds its own options
(``convert.py KIND --help`` lists them), writes OUTPUT and returns the manifest fields.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from stitchmodels import manifest  # noqa: E402

# kind -> (manifest section, default entry name); None means --name is required.
KINDS = {
    "stylegan2": ("models", "generator"),
    "e4e": ("models", "encoder"),
    "interfacegan": ("directions", None),
    "bisenet": ("models", "segmenter"),
    "lpips": ("models", "perceptual"),
    "arcface": ("models", "identity"),
}


def build_parser(kind: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"convert.py {kind}", description=f"Convert a {kind} checkpoint.")
    parser.add_argument("checkpoint", help="the public checkpoint file")
    parser.add_argument("output", help="where to write the converted model")
    parser.add_argument("--manifest", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "manifest.json"),
                        help="manifest to register the model in (created when absent)")
    parser.add_argument("--name", default=KINDS[kind][1], required=KINDS[kind][1] is None,
                        help="entry name in the manifest")
    importlib.import_module(f"stitchmodels.converters.{kind}").add_arguments(parser)
    return parser


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in KINDS:
        known = ", ".join(KINDS)
        if argv and argv[0] not in ("-h", "--help"):
            print(f"convert.py: unknown kind {argv[0]!r}; known kinds: {known}", file=sys.stderr)
            return 2
        print(__doc__.strip() + f"\n\nKinds: {known}")
        return 0
    kind = argv[0]
    args = build_parser(kind).parse_args(argv[1:])
    if not os.path.isfile(args.checkpoint):
        print(f"convert.py: checkpoint {args.checkpoint} does not exist", file=sys.stderr)
        return 2
    converter = importlib.import_module(f"stitchmodels.converters.{kind}")
    section = KINDS[kind][0]
    # Write next to the target and rename, so a failed conversion leaves no file that looks complete.
    final_output = args.output
    os.makedirs(os.path.dirname(os.path.abspath(final_output)), exist_ok=True)
    root, ext = os.path.splitext(final_output)
    args.output = f"{root}.partial{ext}"
    try:
        entry = converter.convert(args)
        os.replace(args.output, final_output)
    finally:
        if os.path.exists(args.output):
            os.remove(args.output)
    stored = manifest.register(args.manifest, section, args.name, final_output, entry)
    print(f"{kind}: wrote {final_output} (sha256 {stored['sha256']}) as {section}.{args.name} in {args.manifest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
