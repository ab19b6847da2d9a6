"""The demo training's latent-space steps: mapping fit, encoder finishing, directions, losses."""
import pytest
import torch

from stitchmodels.arch.e4e import E4EConfig, E4EInference, Encoder4Editing
from stitchmodels.arch.stylegan2 import Generator, StyleGAN2Config
from stitchmodels.train.autoencoder import finish_encoder, laplacian_pyramid_loss, psnr
from stitchmodels.train.latent import StepEffect, _inverse_activation, choose_step, fit_direction, fit_mapping

torch.set_num_threads(1)


@pytest.mark.parametrize("n_mlp", [1, 2, 4])
def test_fit_mapping_reproduces_the_codes_gaussian(n_mlp):
    torch.manual_seed(0)
    dim = 8
    g = Generator(StyleGAN2Config(size=8, style_dim=dim, n_mlp=n_mlp, channels={4: 4, 8: 4}))
    mu = torch.randn(dim) * 2
    a = torch.randn(dim, dim) * 0.5
    pre = mu + torch.randn(40000, dim) @ a.T
    codes = torch.where(pre >= 0, pre, 0.2 * pre) * 2 ** 0.5  # the mapping's activation
    fit_mapping(g, codes, mean_samples=40000)
    with torch.no_grad():
        mapped = g.mapping(torch.randn(40000, dim))
    back = _inverse_activation(mapped.double())
    # PixelNorm puts z on the sphere of radius sqrt(D), which matches N(0, I) in mean and covariance.
    torch.testing.assert_close(back.mean(0), mu.double(), atol=0.08, rtol=0)
    torch.testing.assert_close(torch.cov(back.T), (a @ a.T).double(), atol=0.1, rtol=0.05)
    torch.testing.assert_close(g.latent_avg, mapped.mean(0), atol=0.05, rtol=0)


def test_finish_encoder_moves_average_without_changing_outputs():
    torch.manual_seed(0)
    config = E4EConfig(stages=((4, 8, 1), (8, 8, 1), (8, 16, 1), (16, 16, 1)), stem_channels=4, style_dim=6,
                       n_styles=5, input_resolution=32, se_reduction=4)
    model = E4EInference(Encoder4Editing(config), torch.zeros(5, 6), 32).eval()
    x = torch.rand(3, 3, 32, 32) * 2 - 1
    with torch.no_grad():
        before = model(x)
        finished = finish_encoder(model, torch.randn(5, 6))
        after = finished(x)
    torch.testing.assert_close(after, before, atol=1e-5, rtol=1e-5)
    assert not torch.equal(finished.latent_avg, torch.zeros(5, 6))


def test_fit_direction_is_the_code_shift_per_attribute_unit():
    torch.manual_seed(0)
    labels = torch.rand(4000)
    shift = torch.randn(4, 8)
    codes = torch.randn(4000, 4, 8) * 0.5 + labels.view(-1, 1, 1) * shift
    d = fit_direction("age", codes, labels)
    assert d.vector.shape == (4, 8)
    torch.testing.assert_close(d.vector, shift, atol=0.08, rtol=0)
    assert d.r2 > 0.9


def test_choose_step_takes_smallest_step_meeting_both_targets():
    effects = [StepEffect(1.0, 0.2, 0.95, 0.6), StepEffect(2.0, 0.55, 0.9, 0.6), StepEffect(3.0, 0.7, 0.85, 0.5),
               StepEffect(4.0, 0.9, 0.7, 0.4)]
    assert choose_step(effects, 0.5, 0.8).step == 2.0
    assert choose_step(effects, 0.8, 0.8).step == 3.0  # none reaches 0.8 with identity kept: largest change kept
    assert choose_step(effects, 0.5, 0.99).step == 1.0  # identity fails everywhere: the first step


def test_losses_and_psnr():
    a = torch.rand(2, 3, 32, 32) * 2 - 1
    assert torch.equal(laplacian_pyramid_loss(a, a), torch.zeros(2))
    assert (laplacian_pyramid_loss(a, a + 0.1) > 0).all()
    # MSE 0.01 on a peak-to-peak range of 2 -> 10 log10(4 / 0.01) = 26.02 dB.
    assert float(psnr(torch.zeros(1, 3, 8, 8) + 0.1, torch.zeros(1, 3, 8, 8))) == pytest.approx(26.02, abs=0.01)


def test_attribute_weight_map_marks_where_the_attribute_shows():
    import numpy as np
    from stitchmodels.train.autoencoder import attribute_weight_map
    from stitchmodels.train.crops import CropSet
    rng = np.random.default_rng(0)
    crops = rng.integers(0, 40, (20, 16, 16, 3)).astype(np.uint8)
    labels = np.zeros((20, 2), np.float32)
    labels[10:, 0] = 1.0   # "smiling" crops: a bright patch where the mouth would be
    crops[10:, 11:13, 6:10] = 255
    labels[::2, 1] = 1.0   # "old" crops: grey "hair" along the top
    crops[::2, :2] = 200
    m = attribute_weight_map(CropSet(crops, labels, np.zeros(20, np.int64)), blur=3)
    assert m.shape == (1, 1, 16, 16)
    assert float(m.max()) == pytest.approx(1.0)
    # Each attribute's own region is marked (the map is the max over attributes, each normalised).
    assert float(m[0, 0, 11:13, 6:10].mean()) > 0.45 and float(m[0, 0, :2].mean()) > 0.45
    assert float(m[0, 0, 4:9].mean()) < 0.15


def test_autoencoder_trains_on_rendered_crops_without_crashing():
    # Crops arrive as uint8 HWC; a channels-last batch once made the backward pass corrupt the heap
    # inside PyTorch's CPU convolution (the process aborted with "double free or corruption").
    # In a child process, so such a crash fails this test instead of ending the whole run.
    import os
    import subprocess
    import sys
    script = (
        "import torch; torch.set_num_threads(1)\n"
        "from stitchmodels.train.autoencoder import AutoencoderOptions, train_autoencoder\n"
        "from stitchmodels.train.crops import render_crops\n"
        "data = render_crops(seed=3, count=8, size=64)\n"
        "assert data.images(slice(0, 4)).is_contiguous()\n"
        "train_autoencoder(data, AutoencoderOptions(steps=3, batch=4, attribute_weight=0), 0, log=lambda m: None)\n"
        "print('trained')\n")
    models_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    run = subprocess.run([sys.executable, "-c", script], cwd=models_dir, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"exit code {run.returncode}: {run.stderr[-2000:]}"
    assert run.stdout.strip() == "trained"
