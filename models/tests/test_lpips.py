"""LPIPS-VGG converter on random weights of the real layout (LPIPS lin heads + torchvision VGG16)."""
import pytest
import torch
import torch.nn.functional as F

import converter_args
from stitchmodels.arch.lpips import LPIPS, LPIPS_SCALE, LPIPS_SHIFT
from stitchmodels.converters import lpips as converter
from stitchmodels.converters.checkpoints import CheckpointMismatch

torch.set_num_threads(1)
VGG16_CONVS = [(0, 3, 64), (2, 64, 64), (5, 64, 128), (7, 128, 128), (10, 128, 256), (12, 256, 256),
               (14, 256, 256), (17, 256, 512), (19, 512, 512), (21, 512, 512), (24, 512, 512),
               (26, 512, 512), (28, 512, 512)]
TAPS = {2: 0, 7: 1, 14: 2, 21: 3, 28: 4}  # last conv of each stage -> lin index
POOL_BEFORE = {5, 10, 17, 24}


def _write_checkpoints(tmp_path):
    g = torch.Generator().manual_seed(0)
    vgg = {}
    for index, cin, cout in VGG16_CONVS:
        vgg[f"features.{index}.weight"] = torch.randn(cout, cin, 3, 3, generator=g) * (2.0 / (9 * cin)) ** 0.5
        vgg[f"features.{index}.bias"] = torch.randn(cout, generator=g) * 0.01
    vgg["classifier.0.weight"] = torch.zeros(8, 8)  # torchvision files carry the classifier too
    lins = {f"lin{k}.model.1.weight": torch.rand(1, c, 1, 1, generator=g) for k, c in enumerate([64, 128, 256, 512, 512])}
    torch.save(vgg, tmp_path / "vgg16-397923af.pth")
    torch.save(lins, tmp_path / "vgg.pth")
    return vgg, lins


def _reference_lpips(vgg, lins, a, b):
    """LPIPS written out from the raw tensors with functional ops (independent of the module)."""
    shift = torch.tensor(LPIPS_SHIFT).view(1, 3, 1, 1)
    scale = torch.tensor(LPIPS_SCALE).view(1, 3, 1, 1)
    total = torch.zeros(a.shape[0])
    xa, xb = (a - shift) / scale, (b - shift) / scale
    for index, _, _ in VGG16_CONVS:
        if index in POOL_BEFORE:
            xa, xb = F.max_pool2d(xa, 2), F.max_pool2d(xb, 2)
        w, bias = vgg[f"features.{index}.weight"], vgg[f"features.{index}.bias"]
        xa, xb = F.relu(F.conv2d(xa, w, bias, padding=1)), F.relu(F.conv2d(xb, w, bias, padding=1))
        if index in TAPS:
            na = xa / (xa.pow(2).sum(1, keepdim=True).sqrt() + 1e-10)
            nb = xb / (xb.pow(2).sum(1, keepdim=True).sqrt() + 1e-10)
            weight = lins[f"lin{TAPS[index]}.model.1.weight"]
            total += ((na - nb) ** 2 * weight).sum(1).mean(dim=(1, 2))
    return total


def test_convert_matches_reference_formula(tmp_path):
    vgg, lins = _write_checkpoints(tmp_path)
    out = tmp_path / "perceptual.pt"
    args = converter_args.parse(converter, [tmp_path / "vgg.pth", out, "--vgg", tmp_path / "vgg16-397923af.pth"])
    entry = converter.convert(args)

    assert entry["variant"] == "lpips-vgg"
    metric = torch.jit.load(str(out))
    a = torch.rand(3, 3, 64, 64) * 2 - 1
    b = (a + 0.3 * torch.randn_like(a)).clamp(-1, 1)
    with torch.no_grad():
        distance = metric(a, b)
        expected = _reference_lpips(vgg, lins, a, b)
        same = metric(a, a)
    assert distance.shape == (3,)
    assert torch.allclose(distance, expected, rtol=1e-4, atol=1e-6)
    assert torch.all(distance > 0) and torch.all(same.abs() < 1e-6)


def test_exported_metric_is_differentiable(tmp_path):
    _write_checkpoints(tmp_path)
    out = tmp_path / "perceptual.pt"
    converter.convert(converter_args.parse(converter, [tmp_path / "vgg.pth", out, "--vgg", tmp_path / "vgg16-397923af.pth"]))
    metric = torch.jit.load(str(out))
    a = (torch.rand(1, 3, 32, 32) * 2 - 1).requires_grad_()
    b = torch.rand(1, 3, 32, 32) * 2 - 1
    metric(a, b).sum().backward()
    assert a.grad is not None and a.grad.abs().sum() > 0
    # One gradient step toward b lowers the distance: the gradient points the right way.
    with torch.no_grad():
        before = metric(a, b)
        after = metric(a - 0.05 * a.grad / a.grad.abs().max(), b)
    assert after.item() < before.item()


def test_convert_refuses_lin_weights_of_other_network(tmp_path):
    _write_checkpoints(tmp_path)
    alex = {f"lin{k}.model.1.weight": torch.rand(1, c, 1, 1) for k, c in enumerate([64, 192, 384, 256, 256])}
    torch.save(alex, tmp_path / "alex.pth")
    args = converter_args.parse(converter, [tmp_path / "alex.pth", tmp_path / "out.pt", "--vgg", tmp_path / "vgg16-397923af.pth"])
    with pytest.raises(CheckpointMismatch, match="lin1.model.1.weight"):
        converter.convert(args)


def test_lpips_key_layout():
    keys = LPIPS().state_dict().keys()
    assert {"features.0.weight", "features.28.bias", "lin0.model.1.weight", "lin4.model.1.weight"} <= set(keys)
    assert "features.4.weight" not in keys  # index 4 is a max-pool, as in torchvision
