#!/usr/bin/env python3
"""Measure the demo model set on held-out renders and write models/figures.json:

    /usr/bin/python3 models/evaluate_demo.py

Generator side (this file): encoder -> generator reconstruction PSNR on aligned crops, where
mapping(z) lands relative to the encoded codes, and for each edit direction its default step's
attribute-score change and identity cosine. Perception side: engineer P's evaluate_perception.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from stitchmodels import manifest  # noqa: E402
from stitchmodels.train.autoencoder import psnr  # noqa: E402
from stitchmodels.train.crops import cached_render_crops  # noqa: E402
from stitchmodels.train.latent import layer_mean_codes, measure_edit  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TARGETS = {"reconstruction_psnr_db": 22.0, "edit_score_change": 0.5, "edit_identity_cosine": 0.8}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def load(manifest_path: str, name: str):
    entry = manifest.load(manifest_path)["models"][name]
    return torch.jit.load(manifest.resolve(manifest_path, entry)).eval()


@torch.no_grad()
def evaluate_generator(manifest_path: str, seed: int, count: int, cache_dir=None) -> dict:
    data = manifest.load(manifest_path)
    resolution = data["models"]["generator"]["resolution"]
    generator, encoder = load(manifest_path, "generator"), load(manifest_path, "encoder")
    crops = cached_render_crops(seed, count, resolution, cache_dir)
    x = crops.images()
    codes = torch.cat([encoder(x[i:i + 64]) for i in range(0, len(x), 64)])
    recon = torch.cat([generator(codes[i:i + 64]) for i in range(0, len(x), 64)])
    scores = psnr(recon, x)
    figures = {"held_out_crops": count, "resolution": resolution,
               "reconstruction_psnr_db": round(float(scores.mean()), 2),
               "reconstruction_psnr_db_median": round(float(scores.median()), 2),
               "reconstruction_psnr_db_p10": round(float(scores.quantile(0.1)), 2)}
    if "perceptual" in data["models"]:
        perceptual = load(manifest_path, "perceptual")
        figures["reconstruction_lpips"] = round(float(perceptual(recon.clamp(-1, 1), x).mean()), 4)
    # mapping(z) vs encoded codes: distance of each to the encoded codes' mean, in units of their spread.
    w = layer_mean_codes(codes)
    z = torch.randn(2000, w.shape[1], generator=torch.Generator().manual_seed(seed))
    mapped = generator.mapping(z)
    mean = w.mean(0)
    spread = (w - mean).norm(dim=1).mean()
    figures["mapping_distance_to_code_mean"] = round(float((mapped - mean).norm(dim=1).mean() / spread), 3)
    figures["code_distance_to_code_mean"] = 1.0
    figures["mapping_mean_offset"] = round(float((mapped.mean(0) - mean).norm() / spread), 3)
    return {"figures": figures, "crops": crops, "codes": codes, "images": x, "reconstructions": recon.clamp(-1, 1)}


@torch.no_grad()
def score_by_label_quarter(labels: torch.Tensor, on_inputs: torch.Tensor, on_recons: torch.Tensor) -> dict:
    """Mean label and mean score, on the input crops and on their reconstructions, for the faces in
    each quarter of the label range: how well the scorer reads the attribute, and how much of it
    the generator carries (a reconstruction that loses the attribute scores the same in every quarter)."""
    quarters = {"label": [], "input": [], "reconstruction": []}
    for low in (0.0, 0.25, 0.5, 0.75):
        inside = (labels >= low) & (labels < low + 0.25 if low < 0.75 else labels <= 1.0)
        for key, values in (("label", labels), ("input", on_inputs), ("reconstruction", on_recons)):
            quarters[key].append(round(float(values[inside].mean()), 3) if bool(inside.any()) else None)
    return quarters


@torch.no_grad()
def evaluate_edits(manifest_path: str, held_out: dict) -> dict:
    data = manifest.load(manifest_path)
    models = data["models"]
    if "attributes" not in models or "identity" not in models:
        log("edits: attributes or identity model missing from the manifest; skipped")
        return {}
    generator = load(manifest_path, "generator")
    attributes, identity = load(manifest_path, "attributes"), load(manifest_path, "identity")
    names = models["attributes"].get("names", ["smile", "age"])
    crops, codes, images = held_out["crops"], held_out["codes"], held_out["images"]
    recons = held_out["reconstructions"]
    # Every crop's scores, on the input and on its reconstruction, once for all directions.
    scores_in = torch.cat([attributes(images[i:i + 64]) for i in range(0, len(images), 64)])
    scores_recon = torch.cat([attributes(recons[i:i + 64]) for i in range(0, len(recons), 64)])
    results = {}
    for name, entry in data["directions"].items():
        direction = torch.from_numpy(np.load(manifest.resolve(manifest_path, entry))).float()
        if direction.shape[0] == 1:
            direction = direction.reshape(-1)  # [1, D]: the same shift on every layer
        attribute = entry.get("attribute", name)
        column = names.index(attribute)
        label_column = ["smile", "age"].index(attribute) if attribute in ("smile", "age") else column
        room = torch.from_numpy(crops.attributes[:, label_column] < 0.5)
        effect = measure_edit(generator, attributes, identity, codes[room], images[room], direction, column,
                              entry["default_step"])
        recon_identity = float((identity(recons[room]) * identity(images[room])).sum(1).mean())
        results[name] = {"default_step": entry["default_step"], "faces": int(room.sum()),
                         "score_by_label_quarter": score_by_label_quarter(
                             torch.from_numpy(crops.attributes[:, label_column]), scores_in[:, column],
                             scores_recon[:, column]),
                         "score_change": round(effect.score_change, 3),
                         "identity_cosine_to_unedited": round(effect.identity_cosine, 3),
                         "identity_cosine_to_input": round(effect.identity_to_input, 3),
                         "reconstruction_identity_cosine_to_input": round(recon_identity, 3)}
        log(f"edit {name}: {results[name]}")
    return results


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--manifest", default=os.path.join(HERE, "manifest.json"))
    p.add_argument("--seed", type=int, default=12345, help="held-out render seed (training uses 0 and 1)")
    p.add_argument("--crops", type=int, default=256)
    p.add_argument("--out", default=os.path.join(HERE, "figures.json"))
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--skip-perception", action="store_true")
    p.add_argument("--cache-dir", default=None, help="keep rendered crops here between runs")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    started = time.time()
    checked = manifest.verify(args.manifest)
    log(f"manifest: {checked} files match their sha256")
    held_out = evaluate_generator(args.manifest, args.seed, args.crops, args.cache_dir)
    log(f"generator: {held_out['figures']}")
    report = {"command": "/usr/bin/python3 models/evaluate_demo.py " + " ".join(sys.argv[1:] if argv is None else argv),
              "targets": TARGETS, "generator": held_out["figures"],
              "edits": evaluate_edits(args.manifest, held_out)}
    if not args.skip_perception:
        from stitchmodels.train.perception_eval import evaluate_perception
        report["perception"] = evaluate_perception(args.manifest, log=log)
    report["seconds"] = round(time.time() - started, 1)
    with open(args.out, "w") as f:
        json.dump(report, f, indent=2, default=float)
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
