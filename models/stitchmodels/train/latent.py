"""Fitting the demo's latent space: mapping(z) onto the encoder's codes, and edit directions.

mapping: the demo generator is trained without a GAN, so its mapping network never learned a
distribution. We fit a Gaussian to the encoder's codes in the pre-activation space of the last
mapping layer and write it into the mapping weights exactly (hidden layers pass z through in
their linear range), so ``mapping(z)`` samples the region of W the encoder produces.

directions: InterFaceGAN-style linear boundaries, a least-squares fit of the renderer's attribute
labels on the encoded codes, normalised to unit length.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, List, Sequence

import torch

from ..arch.stylegan2 import Generator

SQRT2 = math.sqrt(2.0)
SLOPE = 0.2


def _inverse_activation(w: torch.Tensor) -> torch.Tensor:
    """Inverse of the mapping layers' sqrt(2) * leaky_relu(x, 0.2)."""
    return torch.where(w >= 0, w / SQRT2, w / (SLOPE * SQRT2))


def layer_mean_codes(codes: torch.Tensor) -> torch.Tensor:
    """W+ [N, L, D] -> one W code per image [N, D] (the mean over layers)."""
    return codes.mean(dim=1)


@torch.no_grad()
def fit_mapping(generator: Generator, codes: torch.Tensor, mean_samples: int = 20000, seed: int = 0) -> None:
    """Writes a Gaussian fit of ``codes`` ([N, D] W codes) into the mapping network (in place).

    After this, mapping(z) = act(mu + A z_hat) with z_hat = PixelNorm(z) and A A^T the codes'
    covariance in pre-activation space; ``latent_avg`` becomes the mean of mapping(z).
    """
    layers = [m for m in generator.style if hasattr(m, "weight")]
    dim = generator.style_dim
    if codes.dim() != 2 or codes.shape[1] != dim:
        raise ValueError(f"codes must be [N, {dim}], got {tuple(codes.shape)}")
    pre = _inverse_activation(codes.double())
    mu = pre.mean(0)
    centred = pre - mu
    cov = centred.T @ centred / (pre.shape[0] - 1)
    cov += 1e-6 * torch.eye(dim, dtype=cov.dtype) * cov.diagonal().mean()
    a = torch.linalg.cholesky(cov)
    # PixelNorm gives |z_i| <= sqrt(D): with this shift every hidden pre-activation is positive,
    # where the leaky ReLU is linear.
    shift = math.sqrt(dim) + 1.0
    eye = torch.eye(dim, dtype=torch.float64)
    plan: List[tuple] = []
    for i in range(len(layers)):
        if i == len(layers) - 1:
            # Input is sqrt2 * (z + shift) (or z itself when this is the only layer).
            if len(layers) == 1:
                plan.append((a, mu))
            else:
                plan.append((a / SQRT2, mu - a @ torch.full((dim,), shift, dtype=torch.float64)))
        elif i == 0:
            plan.append((eye, torch.full((dim,), shift, dtype=torch.float64)))
        else:
            plan.append((eye / SQRT2, torch.zeros(dim, dtype=torch.float64)))
    for layer, (w_eff, b_eff) in zip(layers, plan):
        layer.weight.copy_((w_eff / layer.scale).float())
        layer.bias.copy_((b_eff / layer.lr_mul).float())
    z = torch.randn(mean_samples, dim, generator=torch.Generator().manual_seed(seed))
    generator.latent_avg.copy_(generator.mapping(z).mean(0))


@dataclass
class Direction:
    name: str
    vector: torch.Tensor      # [L, D] (or [D] for W codes): the code shift for one attribute unit
    r2: float                 # label variance explained by a least-squares fit on the codes (linearity check)


def fit_direction(name: str, codes: torch.Tensor, labels: torch.Tensor, ridge: float = 1e-3) -> Direction:
    """Edit direction from W+ codes [N, L, D] (or W codes [N, D]) and attribute labels [N].

    The direction is the regression of the codes on the label, cov(codes, label) / var(label):
    the mean code shift per unit of the attribute (the difference of class means, for two
    classes). A least-squares boundary normal (InterFaceGAN's SVM normal) would instead favour
    low-variance code directions the generator hardly uses; this one follows the directions the
    faces actually differ along, so a step of 0.5 aims at half the attribute's [0, 1] range.
    ``r2`` is the fit of label ~ codes (ridge), reported to show how linearly the codes carry it.
    """
    shape = codes.shape[1:]
    x = codes.reshape(codes.shape[0], -1).double()
    y = labels.double()
    xc, yc = x - x.mean(0), y - y.mean()
    shift = xc.T @ yc / (yc @ yc)
    gram = xc.T @ xc
    gram += ridge * gram.diagonal().mean() * torch.eye(x.shape[1], dtype=x.dtype)
    beta = torch.linalg.solve(gram, xc.T @ yc)
    r2 = 1.0 - float(((yc - xc @ beta) ** 2).sum() / (yc ** 2).sum())
    return Direction(name, shift.float().reshape(shape), r2)


@dataclass
class StepEffect:
    step: float
    score_change: float        # mean attribute-score change, edited vs unedited reconstruction
    identity_cosine: float     # mean cosine(identity(edited), identity(unedited reconstruction))
    identity_to_input: float   # mean cosine(identity(edited), identity(input crop))


@torch.no_grad()
def measure_edit(generator: Callable, attributes: Callable, identity: Callable, codes: torch.Tensor,
                 crops: torch.Tensor, direction: torch.Tensor, attribute_index: int, step: float,
                 batch: int = 64) -> StepEffect:
    """Edit strength and identity preservation of ``codes + step * direction`` ([D] applies to all layers)."""
    delta = step * (direction.view(1, 1, -1) if direction.dim() == 1 else direction.unsqueeze(0))
    changes, cosines, to_input = [], [], []
    for i in range(0, codes.shape[0], batch):
        w = codes[i:i + batch]
        before = generator(w).clamp(-1, 1)
        after = generator(w + delta).clamp(-1, 1)
        changes.append(attributes(after)[:, attribute_index] - attributes(before)[:, attribute_index])
        edited_id = identity(after)
        cosines.append((edited_id * identity(before)).sum(1))
        to_input.append((edited_id * identity(crops[i:i + batch])).sum(1))
    return StepEffect(step, float(torch.cat(changes).mean()), float(torch.cat(cosines).mean()),
                      float(torch.cat(to_input).mean()))


def choose_step(effects: Sequence[StepEffect], min_change: float, min_identity: float) -> StepEffect:
    """The smallest step whose edit reaches ``min_change`` while identity stays >= ``min_identity``;
    when none does, the step with the largest change among those keeping identity (or the first)."""
    ok = [e for e in effects if e.identity_cosine >= min_identity]
    for effect in sorted(ok, key=lambda e: e.step):
        if effect.score_change >= min_change:
            return effect
    pool = ok or list(effects[:1])
    return max(pool, key=lambda e: e.score_change)
