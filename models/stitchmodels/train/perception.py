"""Trains the demo perception models on rendered faces and registers them in the manifest.

    /usr/bin/python3 -m stitchmodels.train.perception --seed 0 [--only segmenter,landmarks] [--threads 1]

(run from models/). `models/train_demo.py` calls `train_perception` for the whole demo set. All
randomness comes from `seed`; step counts, not wall time, bound the training, so a run repeats.
"""
from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, Optional

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .. import manifest
from ..arch.arcface import PSP_FACE_BOX, IRSE, IdentityExport
from ..arch.attributes import AttributeScorer
from ..arch.bisenet import CLASSES, FACE_CLASSES, BiSeNet, SegmenterExport
from ..arch.landmarks import LandmarkDetector, crop_box, face_box, heatmap_grid, manifest_indices, soft_argmax
from ..arch.lpips import LPIPS
from .perception_data import ATTRIBUTES, CROP_SIZE, RenderedSet, render_set, soften, to_signed, to_unit

PERCEPTION_MODELS = ("segmenter", "landmarks", "identity", "attributes", "perceptual")
LONGEST_FIRST = ("landmarks", "identity", "segmenter", "perceptual", "attributes")
Log = Callable[[str], None]


@dataclass(frozen=True)
class PerceptionConfig:
    """Sizes and step counts of the demo set (timings in models/README.md)."""
    identities: int = 240
    frames_per_identity: int = 8
    empty_frames: int = 240
    batch: int = 16  # identity and attributes use twice this
    segmenter_steps: int = 300
    landmark_coarse_steps: int = 350
    landmark_refine_steps: int = 500
    identity_steps: int = 600
    calibration_identities: int = 30
    attribute_steps: int = 6000
    perceptual_steps: int = 200
    lr: float = 2e-3
    # Models trained at once (forked processes, one thread each; landmarks use two). Each model
    # has its own seed, so the files are the same for any value.
    workers: int = 3


DEMO_IDENTITY = dict(units=(1, 2, 1), widths=(16, 32, 64, 96), embedding=64, input_size=32, drop_ratio=0.2)
DEMO_LPIPS_STAGES = ((16, 1), (32, 1), (48, 2), (64, 2), (64, 2))
DEMO_SEGMENTER_BASE = 16
DEMO_SEGMENTER_STEM_POOL = False
MIN_FACE_SCORE = 0.5


def train_perception(out_dir: str, manifest_path: str, seed: int = 0, only: Optional[Iterable[str]] = None,
                     config: PerceptionConfig = PerceptionConfig(), log: Log = print) -> Dict[str, dict]:
    """Trains the selected perception models, saves `out_dir/<name>.pt`, registers each; returns the entries.

    `config.workers` > 1 trains that many models at once in forked processes (one thread each) and
    splits the landmark model's two stages over two processes; every model has its own seed, so the
    files do not depend on the interleaving.
    """
    names = list(PERCEPTION_MODELS if only is None else only)
    unknown = sorted(set(names) - set(PERCEPTION_MODELS))
    if unknown:
        raise ValueError(f"unknown perception models {unknown}; known: {list(PERCEPTION_MODELS)}")
    os.makedirs(out_dir, exist_ok=True)
    started = time.time()
    data = render_set(seed, config.identities, config.frames_per_identity, config.empty_frames,
                      keep_frames="landmarks" in names)
    log(f"perception: rendered {len(data)} frames of {config.identities} identities in {time.time() - started:.0f}s")
    jobs = [name for name in PERCEPTION_MODELS if name in names]
    if config.workers <= 1:
        return {name: _train_one(name, data, config, seed, out_dir, manifest_path, log, False) for name in jobs}
    _run_forked(jobs, config.workers, lambda name: _train_one(name, data, config, seed, out_dir, manifest_path, log, True))
    stored = manifest.load(manifest_path)["models"]
    return {name: stored[name] for name in jobs}


def _train_one(name: str, data: RenderedSet, config: PerceptionConfig, seed: int, out_dir: str,
               manifest_path: str, log: Log, parallel: bool) -> dict:
    trainers = {"segmenter": train_segmenter, "landmarks": train_landmarks, "identity": train_identity,
                "attributes": train_attributes, "perceptual": train_perceptual}
    job_seed = seed * 1000 + PERCEPTION_MODELS.index(name)
    t0 = time.time()
    torch.manual_seed(job_seed)
    if name == "landmarks":
        module, entry = train_landmarks(data, config, job_seed, log, parallel)
    else:
        module, entry = trainers[name](data, config, job_seed, log)
    path = os.path.join(out_dir, f"{name}.pt")
    _save_atomic(module, path)
    stored = manifest.register(manifest_path, "models", name, path, entry)
    log(f"perception: {name} trained in {time.time() - t0:.0f}s -> {path} ({os.path.getsize(path) / 1e6:.2f} MB)")
    return stored


def _run_forked(jobs, workers: int, work: Callable[[str], object]) -> None:
    """Runs `work(job)` for every job in forked children, at most `workers` at a time, longest
    first; raises if any failed."""
    context = multiprocessing.get_context("fork")
    pending = sorted(jobs, key=LONGEST_FIRST.index)
    running, failed = [], []
    while pending or running:
        while pending and len(running) < workers:
            job = pending.pop(0)
            process = context.Process(target=_child, args=(work, job), name=f"perception-{job}")
            process.start()
            running.append((job, process))
        time.sleep(1.0)
        for job, process in [r for r in running if not r[1].is_alive()]:
            process.join()
            running.remove((job, process))
            if process.exitcode != 0:
                failed.append(f"{job} (exit code {process.exitcode})")
    if failed:
        raise RuntimeError(f"perception: training failed for {', '.join(failed)}; see the log above")


def _child(work: Callable[[str], object], job: str) -> None:
    torch.set_num_threads(1)
    try:
        work(job)
    except BaseException:
        traceback.print_exc()
        sys.stdout.flush()
        os._exit(1)
    sys.stdout.flush()
    os._exit(0)


# ---- segmenter -------------------------------------------------------------------------------------

def train_segmenter(data: RenderedSet, config: PerceptionConfig, seed: int, log: Log):
    net = BiSeNet(CLASSES, base=DEMO_SEGMENTER_BASE, stem_pool=DEMO_SEGMENTER_STEM_POOL)
    batches = _Batches(len(data), config.batch, seed)
    opt = torch.optim.Adam(net.parameters(), lr=config.lr)
    schedule = _cosine(opt, config.segmenter_steps)
    images = to_signed(data.crops)
    labels = torch.from_numpy(data.crop_labels).long()
    net.train()
    for step in range(config.segmenter_steps):
        idx = batches.next()
        main, aux16, aux32 = net.forward_with_aux(_imagenet(soften(images[idx], batches.generator)))
        target = labels[idx]
        # Main head plus the reference's auxiliary heads (zllrunning train.py weights them equally).
        # The auxiliary losses at half label resolution: their logits are coarser still.
        loss = (_ce_at(main, target, CROP_SIZE) + _ce_at(aux16, target, CROP_SIZE // 2)
                + _ce_at(aux32, target, CROP_SIZE // 2))
        _step(opt, schedule, loss)
        _progress(log, "segmenter", step, config.segmenter_steps, loss)
    entry = {"input_resolution": CROP_SIZE, "classes": CLASSES, "face_classes": list(FACE_CLASSES)}
    return SegmenterExport(net.eval()), entry


def _ce_at(logits: torch.Tensor, labels: torch.Tensor, size: int) -> torch.Tensor:
    """Cross-entropy with logits upsampled and labels subsampled to size x size.

    The label rows/columns picked are those the corner-aligned upsampling places exactly, so the
    loss sees the same geometry as full-size inference.
    """
    full = labels.shape[-1]
    pick = torch.round(torch.arange(size) * (full - 1) / (size - 1)).long()
    target = labels[:, pick][:, :, pick]
    return F.cross_entropy(F.interpolate(logits, size=[size, size], mode="bilinear", align_corners=True), target)


def _imagenet(x: torch.Tensor) -> torch.Tensor:
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    return ((x + 1.0) * 0.5 - mean) / std


# ---- landmarks -------------------------------------------------------------------------------------

def train_landmarks(data: RenderedSet, config: PerceptionConfig, seed: int, log: Log, parallel: bool = False):
    """Both stages; with `parallel` the refine stage trains in a forked process at the same time
    (the stages are independent: refine learns from perturbed true points, not from coarse output)."""
    model = LandmarkDetector()
    points = torch.from_numpy(data.landmarks)
    if parallel:
        with tempfile.TemporaryDirectory() as folder:
            state_file = os.path.join(folder, "refine.pt")

            def refine_job(_):
                _train_refine(model, data.frames, points, config, seed + 1, log)
                torch.save(model.refine.state_dict(), state_file)

            context = multiprocessing.get_context("fork")
            child = context.Process(target=_child, args=(refine_job, "refine"), name="perception-landmarks-refine")
            child.start()
            _train_coarse(model, data.frames, points, data.empty_frames, config, seed, log)
            child.join()
            if child.exitcode != 0:
                raise RuntimeError(f"perception: landmark refine stage failed (exit code {child.exitcode})")
            model.refine.load_state_dict(torch.load(state_file))
    else:
        _train_coarse(model, data.frames, points, data.empty_frames, config, seed, log)
        _train_refine(model, data.frames, points, config, seed + 1, log)
    entry = dict(manifest_indices(), min_score=MIN_FACE_SCORE)
    return model.eval(), entry


def _shrink(frames: np.ndarray, size: int) -> torch.Tensor:
    """uint8 frames -> [N,3,size,size] in [0,1], antialiased, in slices to bound memory."""
    return torch.cat([F.interpolate(to_unit(frames[i:i + 256]), size=[size, size], mode="bilinear",
                                    align_corners=False, antialias=True) for i in range(0, len(frames), 256)])


def _train_coarse(model: LandmarkDetector, frames: np.ndarray, points, empty: np.ndarray, config, seed, log):
    """Rough points + face presence on the shrunk frame, with random similarity transforms so faces
    anywhere in a frame and at other sizes are found."""
    side = frames.shape[1]
    small = _shrink(frames, model.coarse_size)
    small_empty = _shrink(empty, model.coarse_size)
    unit_points = (2.0 * points + 1.0) / side - 1.0  # normalised coordinates (align_corners=False)
    batches = _Batches(len(frames), config.batch, seed)
    negatives = _Batches(len(empty), max(config.batch // 4, 1), seed + 7)
    opt = torch.optim.Adam(model.coarse.parameters(), lr=config.lr)
    schedule = _cosine(opt, config.landmark_coarse_steps)
    model.train()
    for step in range(config.landmark_coarse_steps):
        idx = batches.next()
        theta = _random_similarity(len(idx), batches.generator, scale=(0.9, 1.12), angle=0.12, shift=0.12)
        x, target = _warp_with_points(small[idx], unit_points[idx], theta)
        neg = small_empty[negatives.next()]
        logits, extras = model.coarse.heatmap_logits(torch.cat([x, neg]) * 2.0 - 1.0)
        presence = torch.cat([torch.ones(len(idx)), torch.zeros(len(neg))])
        loss = _point_loss(logits[:len(idx)], target) + F.binary_cross_entropy_with_logits(extras[:, 0], presence)
        _step(opt, schedule, loss)
        _progress(log, "landmarks/coarse", step, config.landmark_coarse_steps, loss)


def _train_refine(model: LandmarkDetector, frames: np.ndarray, points, config, seed, log):
    """Points inside boxes built from perturbed points, as the coarse stage (or a previous
    refinement) would place them."""
    batches = _Batches(len(frames), config.batch, seed)
    opt = torch.optim.Adam(model.refine.parameters(), lr=config.lr)
    schedule = _cosine(opt, config.landmark_refine_steps)
    model.train()
    for step in range(config.landmark_refine_steps):
        idx = batches.next()
        truth = points[idx]
        guess = _perturb_points(truth, batches.generator)
        centre, x_axis, y_axis = face_box(guess, model.box_scale, model.box_drop)
        crop = crop_box(to_unit(frames[idx.numpy()]), centre, x_axis, y_axis, model.refine_size)
        target = _to_box(truth, centre, x_axis, y_axis)
        logits, _ = model.refine.heatmap_logits(crop * 2.0 - 1.0)
        loss = _point_loss(logits, target)
        _step(opt, schedule, loss)
        _progress(log, "landmarks/refine", step, config.landmark_refine_steps, loss)


def _point_loss(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Integral-regression L1 on the soft-argmax, plus cross-entropy against a Gaussian bump at the
    true position (sigma one cell), which sharpens the heatmaps much sooner than the L1 alone."""
    n, k, h, w = logits.shape
    predicted = soft_argmax(logits).reshape(n, k, 2)
    xs, ys = heatmap_grid(h, w, logits.dtype, logits.device)
    cell = 2.0 / w
    bump_x = torch.exp(-0.5 * ((xs.view(1, 1, w) - target[..., :1]) / cell) ** 2)
    bump_y = torch.exp(-0.5 * ((ys.view(1, 1, h) - target[..., 1:]) / cell) ** 2)
    bump = bump_y.unsqueeze(-1) * bump_x.unsqueeze(-2)  # [N,K,H,W]
    bump = bump / bump.sum(dim=(2, 3), keepdim=True).clamp_min(1e-8)
    heat = -(bump * torch.log_softmax(logits.reshape(n, k, h * w), dim=2).reshape(n, k, h, w)).sum(dim=(2, 3)).mean()
    return F.l1_loss(predicted, target) * 20.0 + 0.1 * heat


def _perturb_points(points: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """A similarity jitter of the whole shape plus per-point noise (pixels)."""
    n = points.shape[0]
    centre = points.mean(dim=1, keepdim=True)
    angle = (torch.rand(n, generator=generator) - 0.5) * 0.3
    scale = 1.0 + (torch.rand(n, generator=generator) - 0.5) * 0.2
    shift = torch.randn(n, 1, 2, generator=generator) * 4.0
    cos, sin = torch.cos(angle) * scale, torch.sin(angle) * scale
    rel = points - centre
    rotated = torch.stack([cos[:, None] * rel[..., 0] - sin[:, None] * rel[..., 1],
                           sin[:, None] * rel[..., 0] + cos[:, None] * rel[..., 1]], dim=-1)
    return centre + rotated + shift + torch.randn(points.shape, generator=generator) * 1.5


def _to_box(points, centre, x_axis, y_axis):
    """Pixel points -> box coordinates (u, v) with p = centre + u * x_axis + v * y_axis."""
    basis = torch.stack([x_axis, y_axis], dim=2)  # [N, 2, 2], columns are the axes
    rel = points - centre.unsqueeze(1)
    return torch.linalg.solve(basis.unsqueeze(1), rel.unsqueeze(-1)).squeeze(-1)


def _random_similarity(n: int, generator: torch.Generator, scale, angle: float, shift: float) -> torch.Tensor:
    """[n,2,3] affine_grid thetas mapping output to input normalised coordinates."""
    s = torch.empty(n).uniform_(scale[0], scale[1], generator=generator)
    a = (torch.rand(n, generator=generator) * 2.0 - 1.0) * angle
    t = (torch.rand(n, 2, generator=generator) * 2.0 - 1.0) * shift
    cos, sin = torch.cos(a) / s, torch.sin(a) / s
    return torch.stack([torch.stack([cos, -sin, t[:, 0]], dim=1), torch.stack([sin, cos, t[:, 1]], dim=1)], dim=1)


def _warp_with_points(images, unit_points, theta):
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    warped = F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    # A point v in the input lands at u = A^-1 (v - t) in the output.
    linear, offset = theta[:, :, :2], theta[:, :, 2]
    rel = (unit_points - offset.unsqueeze(1)).unsqueeze(-1)
    moved = torch.linalg.solve(linear.unsqueeze(1), rel).squeeze(-1)
    return warped, moved


# ---- identity --------------------------------------------------------------------------------------

def train_identity(data: RenderedSet, config: PerceptionConfig, seed: int, log: Log):
    backbone = IRSE(**DEMO_IDENTITY)
    model = IdentityExport(backbone, DEMO_IDENTITY["input_size"], PSP_FACE_BOX)
    images = to_signed(data.crops)
    labels = torch.from_numpy(data.identity)
    # The last identities are kept out of training: the same/different threshold is set on people
    # the embedder has never seen, as it will be used.
    total = int(labels.max()) + 1
    people = total - min(config.calibration_identities, max(total // 4, 2))
    train_rows = torch.nonzero(labels < people).flatten()
    classes = nn.Parameter(torch.randn(people, DEMO_IDENTITY["embedding"]) * 0.1)
    batches = _Batches(len(train_rows), config.batch * 2, seed)
    opt = torch.optim.Adam(list(model.parameters()) + [classes], lr=config.lr)
    schedule = _cosine(opt, config.identity_steps)
    model.train()
    for step in range(config.identity_steps):
        idx = train_rows[batches.next()]
        embedding = model(soften(images[idx], batches.generator, 0.3))
        cosine = embedding @ F.normalize(classes, dim=1).t()
        # CosFace margin (scale 16, margin 0.25): pulls one person's crops together across pose,
        # expression and age, which is what "same identity" means for the edit checks.
        margin = F.one_hot(labels[idx], people).float() * 0.25
        loss = F.cross_entropy(16.0 * (cosine - margin), labels[idx])
        _step(opt, schedule, loss)
        _progress(log, "identity", step, config.identity_steps, loss)
    model.eval()
    held_out = torch.nonzero(labels >= people).flatten()
    threshold = _calibrate_threshold(model, images[held_out], labels[held_out])
    entry = {"input_resolution": CROP_SIZE, "embedding_dim": DEMO_IDENTITY["embedding"],
             "same_identity_threshold": round(threshold, 4)}
    return model, entry


def _calibrate_threshold(model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> float:
    """Cosine that best splits same- from different-identity pairs of the given crops."""
    with torch.no_grad():
        emb = torch.cat([model(images[i:i + 256]) for i in range(0, len(images), 256)])
    sims, same = pair_similarities(emb, labels, pairs=2000, seed=0)
    return best_threshold(sims, same)


def pair_similarities(emb: torch.Tensor, labels: torch.Tensor, pairs: int, seed: int):
    """Cosines of `pairs` same-identity and `pairs` different-identity random pairs."""
    g = torch.Generator().manual_seed(seed)
    n = len(labels)
    a = torch.randint(n, (pairs,), generator=g)
    # Same pairs: another crop of the same person; different pairs: any crop of someone else.
    same_b = torch.empty(pairs, dtype=torch.long)
    for i, j in enumerate(a.tolist()):
        choices = torch.nonzero((labels == labels[j]) & (torch.arange(n) != j)).flatten()
        same_b[i] = choices[torch.randint(len(choices), (1,), generator=g)]
    diff_b = torch.randint(n, (pairs,), generator=g)
    keep = labels[diff_b] != labels[a]
    sims = torch.cat([(emb[a] * emb[same_b]).sum(1), (emb[a[keep]] * emb[diff_b[keep]]).sum(1)])
    same = torch.cat([torch.ones(pairs, dtype=torch.bool), torch.zeros(int(keep.sum()), dtype=torch.bool)])
    return sims, same


def best_threshold(sims: torch.Tensor, same: torch.Tensor) -> float:
    candidates = torch.linspace(-1, 1, 401)
    accuracy = torch.stack([((sims >= t) == same).float().mean() for t in candidates])
    return float(candidates[int(accuracy.argmax())])


# ---- attributes ------------------------------------------------------------------------------------

def train_attributes(data: RenderedSet, config: PerceptionConfig, seed: int, log: Log):
    model = AttributeScorer(len(ATTRIBUTES))
    batches = _Batches(len(data), config.batch * 2, seed)
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    schedule = _cosine(opt, config.attribute_steps)
    images = to_signed(data.crops)
    targets = torch.from_numpy(data.attributes)
    model.train()
    for step in range(config.attribute_steps):
        idx = batches.next()
        loss = F.mse_loss(model(soften(images[idx], batches.generator)), targets[idx])
        _step(opt, schedule, loss)
        _progress(log, "attributes", step, config.attribute_steps, loss)
    entry = {"input_resolution": CROP_SIZE, "names": list(ATTRIBUTES),
             "ranges": {name: [0, 1] for name in ATTRIBUTES}}
    return model.eval(), entry


# ---- perceptual ------------------------------------------------------------------------------------

class _FeatureProbe(nn.Module):
    """Segmentation read-out of the LPIPS feature stages: the task that shapes the demo features."""

    def __init__(self, lpips: LPIPS):
        super().__init__()
        self.lpips = lpips
        chans = sum(c for c, _ in DEMO_LPIPS_STAGES[:4])
        self.head = nn.Conv2d(chans, CLASSES, 1)

    def forward(self, x):
        feats = self.lpips.stage_features(x)[:4]
        size = feats[1].shape[-2:]
        joined = torch.cat([F.interpolate(f, size=size, mode="bilinear", align_corners=False) for f in feats], dim=1)
        return F.interpolate(self.head(joined), size=x.shape[-2:], mode="bilinear", align_corners=False)


def train_perceptual(data: RenderedSet, config: PerceptionConfig, seed: int, log: Log):
    """A narrow VGG16-shaped network trained to parse faces, used inside the LPIPS formula with unit
    per-channel weights (LPIPS's "baseline" form: no human-judgement calibration here)."""
    metric = LPIPS(DEMO_LPIPS_STAGES)
    probe = _FeatureProbe(metric)
    batches = _Batches(len(data), config.batch, seed)
    opt = torch.optim.Adam(probe.parameters(), lr=config.lr)
    schedule = _cosine(opt, config.perceptual_steps)
    images = to_signed(data.crops)
    labels = torch.from_numpy(data.crop_labels).long()
    probe.train()
    for step in range(config.perceptual_steps):
        idx = batches.next()
        loss = F.cross_entropy(probe(images[idx]), labels[idx])
        _step(opt, schedule, loss)
        _progress(log, "perceptual", step, config.perceptual_steps, loss)
    with torch.no_grad():
        for lin in (metric.lin0, metric.lin1, metric.lin2, metric.lin3, metric.lin4):
            lin.model[1].weight.fill_(1.0)
    entry = {"variant": "demo-vgg-seg", "stages": [list(s) for s in DEMO_LPIPS_STAGES]}
    return metric.eval(), entry


# ---- shared training plumbing ----------------------------------------------------------------------

class _Batches:
    """Seeded random mini-batches of indices, reshuffled every epoch."""

    def __init__(self, count: int, batch: int, seed: int):
        self.generator = torch.Generator().manual_seed(seed)
        self.count, self.batch = count, min(batch, count)
        self.order, self.position = torch.randperm(count, generator=self.generator), 0

    def next(self) -> torch.Tensor:
        if self.position + self.batch > self.count:
            self.order, self.position = torch.randperm(self.count, generator=self.generator), 0
        idx = self.order[self.position:self.position + self.batch]
        self.position += self.batch
        return idx


def _cosine(opt: torch.optim.Optimizer, steps: int):
    return torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1.0 + math.cos(math.pi * min(s, steps) / steps)))


def _step(opt, schedule, loss: torch.Tensor) -> None:
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    schedule.step()


def _progress(log: Log, name: str, step: int, steps: int, loss: torch.Tensor) -> None:
    if step % 100 == 0 or step == steps - 1:
        log(f"  {name} step {step + 1}/{steps} loss {loss.item():.4f}")


def _save_atomic(module: nn.Module, path: str) -> None:
    """TorchScript to a temporary name, renamed when complete, so no half file looks finished."""
    partial = f"{path}.partial"
    torch.jit.script(module.eval()).save(partial)
    os.replace(partial, path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Train the demo perception models.")
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join(here, "demo"))
    parser.add_argument("--manifest", default=os.path.join(here, "manifest.json"))
    parser.add_argument("--only", default=",".join(PERCEPTION_MODELS), help="comma-separated subset")
    parser.add_argument("--threads", type=int, default=1, help="torch threads when --workers is 1")
    parser.add_argument("--workers", type=int, default=PerceptionConfig.workers,
                        help="models trained at once (forked, one thread each)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    train_perception(args.out, args.manifest, args.seed, [n for n in args.only.split(",") if n],
                     PerceptionConfig(workers=args.workers), log=lambda line: print(line, flush=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
