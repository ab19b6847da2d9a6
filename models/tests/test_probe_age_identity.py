"""probe_age_identity.py's ageing pairs: the same person, pose and expression, only older, which the shipped
attribute scorer reads as older (so the probe's "best any +0.5 edit can do" row measures ageing, not noise)."""
import os

import numpy as np
import torch

import probe_age_identity as probe
from stitchmodels import manifest
from stitchmodels.train.perception_data import to_signed

MANIFEST = os.path.join(os.path.dirname(__file__), "..", "manifest.json")


def test_age_pairs_differ_only_by_age_and_read_older():
    young, old = probe.age_pairs(seed=5, people=4, size=64)

    assert young.shape == old.shape == (4, 64, 64, 3)
    # Same face, same pose: most pixels agree; the hair and lines do not.
    same = np.mean(np.abs(young.astype(int) - old.astype(int)) <= 8)
    assert 0.5 < same < 1.0
    entry = manifest.load(MANIFEST)["models"]["attributes"]
    scorer = torch.jit.load(manifest.resolve(MANIFEST, entry)).eval()
    age = entry.get("names", ["smile", "age"]).index("age")
    with torch.no_grad():
        change = scorer(to_signed(old))[:, age] - scorer(to_signed(young))[:, age]
    assert float(change.mean()) > 0.3
