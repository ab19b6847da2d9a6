"""Render speed: `cd models && /usr/bin/python3 -m stitchmodels.render.bench [--size 256] [--frames 200]`.

Prints the CPU milliseconds per frame (best of three runs, single thread) for random faces,
with a fresh background per frame and with backgrounds reused from a small cached pool.
"""
import argparse
import time

import numpy as np

from .compose import render
from .identity import sample_identity, sample_state


def _best_ms_per_frame(cases, size: int, background_seed) -> float:
    runs = []
    for run in range(3):
        start = time.process_time()
        for k, (ident, state) in enumerate(cases):
            render(ident, state, size, background_seed(run, k))
        runs.append(time.process_time() - start)
    return min(runs) / len(cases) * 1000.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--frames", type=int, default=200)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    cases = [(sample_identity(rng), sample_state(rng, args.size)) for _ in range(args.frames)]
    fresh = _best_ms_per_frame(cases, args.size, lambda run, k: 1_000_000 * (run + 1) + k)
    pooled = _best_ms_per_frame(cases, args.size, lambda run, k: k % 16)
    print(f"render {args.size}x{args.size}, {args.frames} random faces: "
          f"{fresh:.1f} ms/frame (fresh background), {pooled:.1f} ms/frame (16 cached backgrounds)")


if __name__ == "__main__":
    main()
