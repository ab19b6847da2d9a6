"""Builds a converter's argument namespace the way `convert.py KIND CKPT OUT.pt ...` does."""
import argparse


def parse(converter, argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("checkpoint")
    parser.add_argument("output")
    converter.add_arguments(parser)
    return parser.parse_args([str(a) for a in argv])
