#!/usr/bin/env python3
"""How much identity a real +0.5 ageing costs, as the demo's identity embedder sees it:

    /usr/bin/python3 models/probe_age_identity.py [--people 96] [--seed 777] [--threads 2]

Renders each person twice, at age a in [0, 0.4] and a + 0.5, with the same pose, expression and render seed, and
prints the identity cosine and age-score change between the two, on the renders and on their encoder -> generator
reconstructions; then the shipped age direction's edit at a grid of steps (cosine to the unedited reconstruction, as
evaluate_demo.py measures it). The ageing pair is the best any +0.5 edit can do: an edit that reaches the age
target's score change cannot keep identity above the pair's cosine with this embedder.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from stitchmodels import manifest  # noqa: E402
from stitchmodels.align import aligned_crop  # noqa: E402
from stitchmodels.render import render, sample_identity, sample_state  # noqa: E402
from stitchmodels.train.perception_data import to_signed  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
AGE_SHIFT = 0.5


def age_pairs(seed: int, people: int, size: int):
    """Aligned crops [people, R, R, 3] uint8 of each person at age a and at a + AGE_SHIFT."""
    rng = np.random.default_rng(seed)
    young, old = [], []
    for _ in range(people):
        ident = sample_identity(rng)
        age, state, render_seed = float(rng.uniform(0, 1 - AGE_SHIFT - 0.1)), sample_state(rng, 256), int(rng.integers(1 << 31))
        for value, out in ((age, young), (age + AGE_SHIFT, old)):
            frame = render(ident, dataclasses.replace(state, age=value), 256, render_seed)
            out.append(aligned_crop(frame.image, frame.landmarks, size))
    return np.stack(young), np.stack(old)


@torch.no_grad()
def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--manifest", default=os.path.join(HERE, "manifest.json"))
    p.add_argument("--people", type=int, default=96)
    p.add_argument("--seed", type=int, default=777)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    data = manifest.load(args.manifest)

    def load(name):
        return torch.jit.load(manifest.resolve(args.manifest, data["models"][name])).eval()

    generator, encoder, attributes, identity = (load(n) for n in ("generator", "encoder", "attributes", "identity"))
    age = data["models"]["attributes"].get("names", ["smile", "age"]).index("age")
    young, old = (to_signed(c) for c in age_pairs(args.seed, args.people, data["models"]["generator"]["resolution"]))

    def cosine(a, b):
        return float((identity(a) * identity(b)).sum(1).mean())

    def score_change(before, after):
        return float((attributes(after)[:, age] - attributes(before)[:, age]).mean())

    codes = encoder(young)
    recon_young, recon_old = generator(codes).clamp(-1, 1), generator(encoder(old)).clamp(-1, 1)
    print(f"{args.people} people aged by +{AGE_SHIFT} in the renderer (seed {args.seed}):")
    print(f"  renders:         identity cosine {cosine(young, old):.3f}, age score change {score_change(young, old):+.3f}")
    print(f"  reconstructions: identity cosine {cosine(recon_young, recon_old):.3f}, age score change {score_change(recon_young, recon_old):+.3f}")
    direction = torch.from_numpy(np.load(manifest.resolve(args.manifest, data["directions"]["age"]))).float()
    print(f"shipped age direction (default step {data['directions']['age']['default_step']}):")
    for step in (0.25, 0.375, 0.5, 0.625, 0.75):
        edited = generator(codes + step * direction.unsqueeze(0)).clamp(-1, 1)
        print(f"  step {step:.3f}: age score change {score_change(recon_young, edited):+.3f}, "
              f"identity cosine to the unedited reconstruction {cosine(edited, recon_young):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
